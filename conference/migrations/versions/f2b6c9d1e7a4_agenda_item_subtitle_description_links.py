"""Agenda items' subtitle, description and links (what frab carries)

Revision ID: f2b6c9d1e7a4
Revises: d4a1c8e5b2f3
Create Date: 2026-12-07 20:58:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f2b6c9d1e7a4'
down_revision = 'd4a1c8e5b2f3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subtitle', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('description', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('links', sa.JSON(), server_default='[]', nullable=False))


def downgrade():
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_column('links')
        batch_op.drop_column('description')
        batch_op.drop_column('subtitle')
