"""The privacy notice: each version an administrator saves, the newest shown at /privacy

Revision ID: 5d2f8b7c1a90
Revises: 3c1e0a9d4b72
Create Date: 2026-12-07 13:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5d2f8b7c1a90'
down_revision = '3c1e0a9d4b72'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('privacy_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_privacy_notice_author_id_user'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_notice'))
    )


def downgrade():
    op.drop_table('privacy_notice')
