"""Review questions take the shared question kinds: review_question.kind's CHECK is QuestionKind's

Revision ID: 3c1e0a9d4b72
Revises: 6afd09d84ca6
Create Date: 2027-01-04 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3c1e0a9d4b72'
down_revision = '6afd09d84ca6'
branch_labels = None
depends_on = None

# The kinds as they are today, written out: a migration never follows the code's enums.
QUESTION_KINDS = ['short_text', 'long_text', 'number', 'single_choice', 'multiple_choice', 'yes_no', 'url', 'date',
                  'country', 'file']
REVIEW_QUESTION_KINDS = ['short_text', 'long_text', 'yes_no', 'single_choice']


def _kind_in(kinds):
    listed = ", ".join(f"'{kind}'" for kind in kinds)
    return sa.text(f"kind IN ({listed})")


def upgrade():
    # The three question tables share one engine (conference.core.questions): the review form's
    # questions are QuestionKind, named as enum_type names it. Which kinds review offers is the
    # application's rule (ReviewQuestion.allowed_kinds), as it is for the call and registration.
    with op.batch_alter_table('review_question', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_review_question_reviewquestionkind'), type_='check')
        batch_op.create_check_constraint('questionkind', _kind_in(QUESTION_KINDS))


def downgrade():
    # A question of another kind cannot have been saved through the application, which offers
    # review only the four kinds below; one put there by hand makes this step fail, not vanish.
    with op.batch_alter_table('review_question', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_review_question_questionkind'), type_='check')
        batch_op.create_check_constraint('reviewquestionkind', _kind_in(REVIEW_QUESTION_KINDS))
