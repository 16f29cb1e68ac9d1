"""Releases: a revision, raised when a release's snapshot is rewritten in place (an erasure), so
that every process's cached exports of it, and clients' ETags, change with it

Revision ID: c4a9e2d7f318
Revises: b7e41f2a9c10
Create Date: 2026-12-07 14:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4a9e2d7f318'
down_revision = 'b7e41f2a9c10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('schedule_release', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('schedule_release', schema=None) as batch_op:
        batch_op.drop_column('revision')
