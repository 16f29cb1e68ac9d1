"""Languages: a person's (user.language), an event's default (event.default_language), a registration's
without an account (registration.language), organisers' mail templates per language, and the
language each message was written in (outbox_message.language)

Revision ID: b7e41f2a9c10
Revises: 7d2b5e81c0a4
Create Date: 2027-01-05 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7e41f2a9c10'
down_revision = '7d2b5e81c0a4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=16), nullable=True))
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('default_language', sa.String(length=16), server_default='en', nullable=False))
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=16), nullable=True))
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=16), nullable=True))
    # The templates organisers edited so far were written for the English default.
    with op.batch_alter_table('mail_template', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=16), server_default='en', nullable=False))
        batch_op.drop_constraint(op.f('uq_mail_template_event_id_key'), type_='unique')
        batch_op.create_unique_constraint(op.f('uq_mail_template_event_id_key_language'),
                                          ['event_id', 'key', 'language'])


def downgrade():
    # Only the English versions of edited templates survive: one per event and template.
    op.execute("DELETE FROM mail_template WHERE language <> 'en'")
    with op.batch_alter_table('mail_template', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('uq_mail_template_event_id_key_language'), type_='unique')
        batch_op.create_unique_constraint(op.f('uq_mail_template_event_id_key'), ['event_id', 'key'])
        batch_op.drop_column('language')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('default_language')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('language')
