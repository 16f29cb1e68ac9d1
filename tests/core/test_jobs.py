"""The periodic jobs' lock (conference.core.jobs): on PostgreSQL an advisory lock for the job's
transaction, which another process's round cannot take until the commit, and which a process
that dies cannot leave held; on SQLite the database's write lock, taken before the job reads."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url

from conference.core import jobs


def libpq_url(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def only_on(database_url: str, dialect: str) -> None:
    if not database_url.startswith(dialect):
        pytest.skip(f"{dialect} only")


def lock_class_of(conn) -> int:
    """The first half of the jobs' lock keys, as ``conn`` (in its own schema) makes it."""
    query = sa.select(jobs.lock_class()).compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    return conn.execute(str(query)).fetchone()[0]


def hold(conn, name: str) -> None:
    """Another process takes the job's lock, in a transaction it keeps open."""
    assert conn.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", (lock_class_of(conn), jobs.lock_key(name))
                        ).fetchone()[0] is True


def test_each_job_has_a_lock_key_of_its_own(app):
    keys = [jobs.lock_key(name) for name in jobs.JOBS]
    assert len(jobs.JOBS) == 8 and len(set(keys)) == len(keys)
    assert all(-2**31 <= key < 2**31 for key in keys)  # PostgreSQL's int4


def test_registering_two_jobs_under_one_name_is_refused(app):
    with pytest.raises(ValueError, match="two periodic jobs are called 'offers_expired'"):
        jobs.register("offers_expired", lambda *, now: 0)


@pytest.mark.postgres_only
def test_a_job_another_process_runs_is_not_ours_until_it_commits(db, database_url):
    only_on(database_url, "postgresql")
    with psycopg.connect(libpq_url(database_url)) as other:
        hold(other, "reconfirmation")
        assert jobs.try_lock("reconfirmation") is False
        db.session.rollback()
        assert jobs.try_lock("offers_expired") is True  # each job has its own lock
        db.session.rollback()
        other.commit()
        assert jobs.try_lock("reconfirmation") is True


@pytest.mark.postgres_only
def test_a_deployment_in_another_schema_of_the_database_has_locks_of_its_own(db, database_url):
    only_on(database_url, "postgresql")
    with psycopg.connect(libpq_url(database_url)) as other:
        other.execute("SET LOCAL search_path TO public")
        assert lock_class_of(other) != db.session.scalar(sa.select(jobs.lock_class()))
        hold(other, "reconfirmation")
        assert jobs.try_lock("reconfirmation") is True


@pytest.mark.postgres_only
def test_the_lock_of_a_process_that_died_mid_job_is_released(db, database_url):
    only_on(database_url, "postgresql")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import psycopg, sys, time\n"
         "conn = psycopg.connect(sys.argv[1])\n"
         "conn.execute('SELECT pg_advisory_xact_lock(%s, %s)', (int(sys.argv[2]), int(sys.argv[3])))\n"
         "print('held', flush=True)\n"
         "time.sleep(120)\n",
         libpq_url(database_url), str(db.session.scalar(sa.select(jobs.lock_class()))),
         str(jobs.lock_key("delegation_deadlines"))],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        assert jobs.try_lock("delegation_deadlines") is False
        db.session.rollback()
    finally:
        holder.kill()  # SIGKILL: no commit, no rollback, no goodbye to the server
        holder.communicate()
    deadline = time.monotonic() + 20
    while not jobs.try_lock("delegation_deadlines"):
        db.session.rollback()
        assert time.monotonic() < deadline, "the dead process's lock was never released"
        time.sleep(0.05)


@pytest.mark.postgres_only
def test_a_round_skips_a_locked_job_says_so_and_runs_the_others(db, database_url):
    only_on(database_url, "postgresql")
    with psycopg.connect(libpq_url(database_url)) as other:
        hold(other, "delegation_deadlines")
        report = jobs.run_round()
    assert report.skipped == ["delegation_deadlines"]
    assert report.counts == {"login_sessions_purged": 0, "offers_expired": 0, "reminded": 0, "released": 0,
                             "offered": 0, "files_collected": 0, "upload_leftovers": 0,
                             "cancelled_registrations_anonymised": 0, "sensitive_answers_removed": 0,
                             "outbox_bodies_removed": 0}


def test_on_sqlite_a_job_takes_the_write_lock_before_it_reads_and_is_skipped_when_it_does_not_come(
        db, database_url):
    only_on(database_url, "sqlite")
    gate = sqlite3.connect(make_url(database_url).database, isolation_level=None, timeout=0.05)
    busy_timeout = db.session.scalar(sa.text("PRAGMA busy_timeout"))
    try:
        gate.execute("BEGIN IMMEDIATE")  # another process writes
        db.session.execute(sa.text("PRAGMA busy_timeout=50"))  # the pool keeps it: set back below
        assert jobs.try_lock("offers_expired") is False
        db.session.rollback()
        gate.execute("ROLLBACK")
        assert jobs.try_lock("offers_expired") is True
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            gate.execute("BEGIN IMMEDIATE")  # ours now: nobody else writes until the job commits
    finally:
        gate.close()
        db.session.execute(sa.text(f"PRAGMA busy_timeout={int(busy_timeout)}"))
