"""Fixtures of the domain tests."""

from __future__ import annotations

import pytest

from .races import RACE_SKIP


@pytest.fixture
def postgres_db(database_url, request):
    if not database_url.startswith("postgresql"):
        pytest.skip(RACE_SKIP)
    return request.getfixturevalue("committed_db")
