"""No table can be forgotten: every table with a column that refers to an account or holds an
address or a person's name is answered for by some area's personal-data hook."""

from __future__ import annotations

import sqlalchemy as sa

from conference.core import personal_data
from conference.extensions import db

# Columns that look personal and are not: what each is, and why no hook needs it.
NOT_PERSONAL = {
    "event.contact_email": "the event's public contact address, the organisers' not a person's",
}
PERSONAL_NAMES = {"email", "to_address", "to_name"}


def personal_columns(table: sa.Table) -> list[str]:
    found = []
    for column in table.columns:
        refers_to_user = any(fk.column.table.name == "user" for fk in column.foreign_keys)
        named = column.name in PERSONAL_NAMES or column.name.endswith("_email")
        # A name beside an address is a person's (a room's or a track's name has none beside it).
        person_name = column.name == "name" and any(c.name in PERSONAL_NAMES for c in table.columns)
        if (refers_to_user or named or person_name) and f"{table.name}.{column.name}" not in NOT_PERSONAL:
            found.append(column.name)
    return found


def test_every_table_holding_personal_data_has_a_hook(app):
    tables = {table.name: personal_columns(table) for table in db.metadata.sorted_tables}
    holding = {name for name, columns in tables.items() if columns}
    assert "user" in holding and "registration" in holding and "outbox_message" in holding and "speaker" in holding
    missing = sorted(holding - personal_data.covered_tables())
    assert missing == [], f"tables with personal data that no area's hook answers for: {missing}"


def test_hooks_name_only_tables_that_exist(app):
    assert personal_data.covered_tables() <= set(db.metadata.tables)


def test_every_area_registers_its_hooks_once(app):
    assert list(personal_data.HOLDERS) == ["events", "accounts", "cfp", "review", "delegations", "registration",
                                           "agenda", "group_mail", "archive", "mail", "audit"]
