"""What an UPDATE or DELETE run through the session changed."""

from __future__ import annotations

import sqlalchemy as sa


def affected_rows(result: sa.Result) -> int:
    """How many rows the UPDATE or DELETE that gave ``result`` matched. The session returns a
    CursorResult for these, but its signature promises only a Result (sqlalchemy#9185): this
    checks, rather than assumes, that the count is there."""
    if not isinstance(result, sa.CursorResult):
        raise TypeError(f"expected the result of an UPDATE or DELETE, not a {type(result).__name__}")
    return result.rowcount
