"""Multilingual content: an event's languages; the translations of the texts organisers type
(event, tracks, call, submission types, questions, registration forms and categories, rooms,
sessions, agenda items) and of submissions' titles and abstracts, each in a JSON column of its
row; the language submissions and agenda items are given in

Revision ID: e1f3a5c7d902
Revises: c4a9e2d7f318
Create Date: 2026-12-07 16:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e1f3a5c7d902'
down_revision = 'c4a9e2d7f318'
branch_labels = None
depends_on = None

TRANSLATED_TABLES = (
    'event', 'track', 'call_for_papers', 'submission_type', 'question', 'registration_question',
    'review_question', 'registration_form', 'participant_category', 'room', 'agenda_session',
    'agenda_item', 'submission',
)
WITH_LANGUAGE = ('submission', 'agenda_item')


def upgrade():
    for table in TRANSLATED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('translations', sa.JSON(), server_default='{}', nullable=False))
            if table == 'event':
                batch_op.add_column(sa.Column('languages', sa.JSON(), server_default='[]', nullable=False))
            if table in WITH_LANGUAGE:
                batch_op.add_column(sa.Column('language', sa.String(length=16), nullable=True))


def downgrade():
    for table in reversed(TRANSLATED_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table in WITH_LANGUAGE:
                batch_op.drop_column('language')
            if table == 'event':
                batch_op.drop_column('languages')
            batch_op.drop_column('translations')
