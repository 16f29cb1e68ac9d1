"""Races on PostgreSQL: two transactions at once, the second started only when the first
holds its locks, to show that the second waits for them and then sees the first's work."""

from __future__ import annotations

import threading
import time
import traceback

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from conference.errors import DomainError
from conference.extensions import db as _db

RACE_SKIP = ("PostgreSQL only: a race needs two connections writing at once, and SQLite lets only one writer in at a"
             " time (set TEST_DATABASE_URL)")


class Racer(threading.Thread):
    """Runs ``work`` in its own app context (so its own session and connection), then waits
    for ``may_commit`` before committing, holding whatever locks its work took."""

    def __init__(self, app, work):
        super().__init__(daemon=True)
        self.app, self.work = app, work
        self.pid: int | None = None
        self.result = self.error = self.crash = None
        self.started_work = threading.Event()
        self.worked = threading.Event()
        self.may_commit = threading.Event()

    def run(self):
        try:
            with self.app.app_context():
                self.pid = _db.session.scalar(sa.text("SELECT pg_backend_pid()"))
                self.started_work.set()
                try:
                    self.result = self.work()
                except DomainError as error:
                    _db.session.rollback()
                    self.error = error
                    return
                finally:
                    self.worked.set()
                self.may_commit.wait(30)
                _db.session.commit()
        except BaseException:  # reported by the test, not lost in the thread
            self.crash = traceback.format_exc()
            self.worked.set()


def race(app, database_url: str, first_work, second_work) -> tuple[Racer, Racer]:
    """``first_work`` runs and holds its transaction open; ``second_work`` starts, and only
    once PostgreSQL shows it waiting for the first one's lock does the first commit."""
    first, second = Racer(app, first_work), Racer(app, second_work)
    second.may_commit.set()
    libpq = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    first.start()
    try:
        assert first.worked.wait(30) and first.crash is None and first.error is None, (first.crash, first.error)
        second.start()
        assert second.started_work.wait(30)
        with psycopg.connect(libpq, autocommit=True) as observer:
            deadline = time.monotonic() + 30
            while observer.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                                   (second.pid,)).fetchone()[0] != "Lock":
                assert not second.worked.is_set(), "the second transaction finished without waiting for the first"
                assert time.monotonic() < deadline, "the second transaction never waited for the first one's lock"
                time.sleep(0.02)
    finally:
        first.may_commit.set()
        first.join(30)
        second.join(30)
    assert first.crash is None and second.crash is None, (first.crash, second.crash)
    return first, second
