"""Files: a PDF's page count and whether its metadata or first page names an author; a page limit per submission type

Revision ID: b7e2f41c9d05
Revises: e63c4c4bddd1
Create Date: 2026-12-01 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7e2f41c9d05'
down_revision = 'e63c4c4bddd1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('submission_type', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_pages', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_submission_type_positive_page_limit'),
                                         'max_pages IS NULL OR max_pages > 0')

    # Files stored before: their pages were not counted (NULL) and nothing was found in them.
    with op.batch_alter_table('submission_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('page_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('names_in_metadata', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('names_on_first_page', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_check_constraint(batch_op.f('ck_submission_file_positive_page_count'),
                                         'page_count IS NULL OR page_count > 0')
    with op.batch_alter_table('submission_file', schema=None) as batch_op:
        batch_op.alter_column('names_in_metadata', server_default=None)
        batch_op.alter_column('names_on_first_page', server_default=None)


def downgrade():
    with op.batch_alter_table('submission_file', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_submission_file_positive_page_count'), type_='check')
        batch_op.drop_column('names_on_first_page')
        batch_op.drop_column('names_in_metadata')
        batch_op.drop_column('page_count')

    with op.batch_alter_table('submission_type', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_submission_type_positive_page_limit'), type_='check')
        batch_op.drop_column('max_pages')
