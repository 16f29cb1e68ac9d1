"""Registration hardening: waiting numbers (a place in line nobody shares), reconfirmation modes and exempt categories

Revision ID: 6afd09d84ca6
Revises: b7e2f41c9d05
Create Date: 2026-12-07 05:01:19.919177

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '6afd09d84ca6'
down_revision = 'b7e2f41c9d05'
branch_labels = None
depends_on = None

WAITING = "state IN ('waitlisted', 'offered') OR switch_to IS NOT NULL"


def upgrade():
    with op.batch_alter_table('participant_category', schema=None) as batch_op:
        # A constant default ('0' is false for PostgreSQL too): SQLite adds the column in place
        # instead of rebuilding a table that registrations refer to.
        batch_op.add_column(sa.Column('reconfirmation_exempt', sa.Boolean(), nullable=False, server_default='0'))

    with op.batch_alter_table('registration_settings', schema=None) as batch_op:
        # Until now only in-person places were asked to reconfirm.
        batch_op.add_column(sa.Column('reconfirm_in_person', sa.Boolean(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('reconfirm_online', sa.Boolean(), nullable=False, server_default='0'))
        batch_op.create_check_constraint('reconfirm_some_mode', sa.text("reconfirm_in_person OR reconfirm_online"))

    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('waiting_number', sa.Integer(), nullable=True))
    # Those waiting (and those offered a place, who go back to their place in line if the offer
    # is withdrawn) get numbers in the order the lists had: the time they joined, then id.
    op.execute(
        "UPDATE registration SET waiting_number = ("
        " SELECT ranked.n FROM (SELECT id, row_number() OVER (PARTITION BY event_id"
        " ORDER BY COALESCE(switch_requested_at, waitlisted_at), id) AS n"
        f" FROM registration WHERE {WAITING}) AS ranked WHERE ranked.id = registration.id)"
        f" WHERE {WAITING}"
    )
    # SQLite adds the checks by rebuilding the table; dropping the old one (foreign keys on)
    # would clear the substitutions' links to it: keep them and put them back.
    bind = op.get_bind()
    kept = bind.execute(sa.text("SELECT id, substitute_for_id FROM registration_invitation"
                                " WHERE substitute_for_id IS NOT NULL")).all() if bind.dialect.name == 'sqlite' else []
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index('uq_registration_waiting_number', ['event_id', 'waiting_number'], unique=True)
        batch_op.create_check_constraint('waitlisted_has_number',
                                         sa.text("state <> 'waitlisted' OR waiting_number IS NOT NULL"))
        batch_op.create_check_constraint('switch_has_number',
                                         sa.text("switch_to IS NULL OR waiting_number IS NOT NULL"))
    for invitation_id, registration_id in kept:
        bind.execute(sa.text("UPDATE registration_invitation SET substitute_for_id = :registration WHERE id = :id"),
                     {"registration": registration_id, "id": invitation_id})


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_registration_switch_has_number'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_registration_waitlisted_has_number'), type_='check')
        batch_op.drop_index('uq_registration_waiting_number')
        batch_op.drop_column('waiting_number')

    with op.batch_alter_table('registration_settings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_registration_settings_reconfirm_some_mode'), type_='check')
        batch_op.drop_column('reconfirm_online')
        batch_op.drop_column('reconfirm_in_person')

    with op.batch_alter_table('participant_category', schema=None) as batch_op:
        batch_op.drop_column('reconfirmation_exempt')
