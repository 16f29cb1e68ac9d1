"""Counting the SQL statements a page runs, for the tests that a page's cost does not grow with
what it lists (tests/app/test_query_counts.py and each area's page tests)."""

from __future__ import annotations

import contextlib

import sqlalchemy as sa


@contextlib.contextmanager
def counting(db):
    statements: list[str] = []

    def before_cursor_execute(_conn, _cursor, statement, _parameters, _context, _executemany):
        statements.append(statement)

    target = db.engine  # in tests, the connection every session (and every request) shares
    sa.event.listen(target, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        sa.event.remove(target, "before_cursor_execute", before_cursor_execute)


def queries_for(db, client, path: str) -> int:
    assert client.get(path).status_code == 200  # warm-up: first-use caches are not the page's cost
    db.session.expire_all()
    with counting(db) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


def grow(db, client, path: str, add_one, *, start: int = 2, end: int = 20) -> tuple[int, int]:
    """Statements for ``path`` with ``start`` and then ``end`` items, ``add_one(i)`` adding each."""
    for i in range(start):
        add_one(i)
    db.session.flush()
    small = queries_for(db, client, path)
    for i in range(start, end):
        add_one(i)
    db.session.flush()
    return small, queries_for(db, client, path)
