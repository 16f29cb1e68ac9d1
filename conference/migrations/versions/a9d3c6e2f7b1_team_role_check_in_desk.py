"""Team roles: the check-in desk (event_role.role and team_invitation.role take 'desk')

Revision ID: a9d3c6e2f7b1
Revises: e1f3a5c7d902
Create Date: 2027-02-01 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a9d3c6e2f7b1'
down_revision = 'e1f3a5c7d902'
branch_labels = None
depends_on = None

# The roles as they are today, written out: a migration never follows the code's enums.
ROLES = ['organiser', 'track_chair', 'reviewer']
WITH_DESK = [*ROLES, 'desk']
TABLES = ['event_role', 'team_invitation']


def _role_in(roles):
    listed = ", ".join(f"'{role}'" for role in roles)
    return sa.text(f"role IN ({listed})")


def _set_roles(roles):
    # The roles are VARCHAR(20) with a CHECK (enum_type): only the CHECK changes. SQLite cannot
    # alter a constraint, so batch mode copies each table.
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_teamrole'), type_='check')
            batch_op.create_check_constraint('teamrole', _role_in(roles))


def upgrade():
    _set_roles(WITH_DESK)


def downgrade():
    # Desk staff and their open invitations go first: the old CHECK refuses them.
    for table in TABLES:
        op.execute(sa.text(f"DELETE FROM {table} WHERE role = 'desk'"))
    _set_roles(ROLES)
