"""Series of events: a series (name, description and their translations, slug, how often) and
each event's series

Revision ID: b7e4d2a9c815
Revises: a9d3c6e2f7b1
Create Date: 2026-12-07 20:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7e4d2a9c815'
down_revision = 'a9d3c6e2f7b1'
branch_labels = None
depends_on = None

# Written out: a migration never follows the code's enums.
FREQUENCIES = ('yearly', 'every_two_years', 'irregular')


def upgrade():
    op.create_table(
        'series',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('frequency', sa.Enum(*FREQUENCIES, name='seriesfrequency', native_enum=False,
                                       create_constraint=True, length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('translations', sa.JSON(), server_default='{}', nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_series_created_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_series')),
        sa.UniqueConstraint('slug', name=op.f('uq_series_slug')),
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_event_series_id'), ['series_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_event_series_id_series'), 'series', ['series_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_event_series_id_series'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_event_series_id'))
        batch_op.drop_column('series_id')
    op.drop_table('series')
