"""People's data: erased accounts, anonymised registrations, sensitive registration questions

Revision ID: 7d2b5e81c0a4
Revises: b8cc7fdaa6ff
Create Date: 2026-12-07 13:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7d2b5e81c0a4'
down_revision = 'b8cc7fdaa6ff'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('registration_question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sensitive', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('registration_question', schema=None) as batch_op:
        batch_op.drop_column('sensitive')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
