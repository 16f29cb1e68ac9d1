"""Periodic jobs: each area registers its own (offers whose time is up, reconfirmation,
delegation deadlines, expired login sessions) and the outbox worker runs a round of them every
REGISTRATION_JOBS_SECONDS (the name is older than the other jobs); ``flask registrations tick`` runs
one round by hand.

Every worker runs rounds, and a cron'd tick may run beside them, so two rounds can meet. Each job
runs in a transaction of its own that starts by taking that job's lock and ends with its commit:

* On PostgreSQL, ``pg_try_advisory_xact_lock``, keyed by the schema and the job's name. It does
  not wait: a job another process is running is skipped, and the round reports it as skipped
  (with no counts: they are the other process's to report). A transaction-level lock is released
  by the commit that publishes the job's work, or by the rollback when the job fails or its
  process dies, so it can never be left held; a later round that takes it sees that work (each
  statement reads what was committed before it) and finds nothing left to do. A session-level
  lock would outlive the transaction on the pooled connection it was taken on, and would not
  work behind a transaction-pooling bouncer.
* On SQLite, a write that changes nothing, which takes the database's single write lock at once
  (as ``BEGIN IMMEDIATE`` would): the job waits for any other writer (``busy_timeout``), then runs
  alone and reads only what was committed before it. If the lock does not come within the timeout
  the job is skipped, as on PostgreSQL.

The lock is the first line; each job is also safe by itself: it decides under the lock of the
event it works on and marks what it did (an offer cancelled, a reminder's time, a registration
handed over) in the same transaction as the mail it queues.

Each job's row in ``job_run`` (runs, failures, when it last started and finished, its count or
error) is written in the job's transaction, under its lock: /healthz and /metrics read it. The
lines a round logs carry its round id (conference.core.log_context).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import zlib
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from conference.core.log_context import round_context
from conference.core.models import AuditEntry, JobRun
from conference.core.types import utcnow
from conference.extensions import db

log = logging.getLogger(__name__)

Job = Callable[..., "int | dict[str, int]"]
JOBS: dict[str, Job] = {}


@dataclasses.dataclass
class RoundReport:
    """What a round did: the counts of the jobs that ran, and the jobs it skipped because another
    process was running them (their counts are that process's)."""

    counts: dict[str, int] = dataclasses.field(default_factory=dict)
    skipped: list[str] = dataclasses.field(default_factory=list)


def lock_class() -> sa.ColumnElement[int]:
    """The first half of every job's advisory lock key, worked out by PostgreSQL: this app's jobs
    in the schema the connection uses. Advisory locks belong to the whole database, so another
    deployment (or test run) in another schema of it must not take ours, nor ours theirs."""
    return sa.func.hashtext(sa.literal("conference jobs in ", sa.Text) + sa.func.current_schema(type_=sa.Text),
                            type_=sa.Integer)


def lock_key(name: str) -> int:
    """The second half of the job's advisory lock key: a signed 32-bit number from its name."""
    return int.from_bytes(zlib.crc32(name.encode()).to_bytes(4, "big"), "big", signed=True)


def register(name: str, job: Job) -> None:
    """``job(now=...)`` returns a count (reported under ``name``) or a dict of counts. Every
    app the process creates registers the same jobs again: that is a no-op."""
    if JOBS.get(name, job) is not job:
        raise ValueError(f"two periodic jobs are called {name!r}")
    if any(lock_key(other) == lock_key(name) for other in JOBS if other != name):
        raise ValueError(f"the periodic job {name!r} would share its lock with another: rename it")
    JOBS[name] = job


def try_lock(name: str) -> bool:
    """Take the job's lock for the rest of the current transaction, which should be new (see
    the module's docstring); False if another process holds it (then roll back)."""
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        return bool(session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(lock_class(), lock_key(name)))))
    try:
        session.execute(sa.delete(AuditEntry).where(sa.false()))
    except OperationalError as error:  # SQLite's "database is locked", after busy_timeout
        if "locked" not in str(error.orig):
            raise
        return False
    return True


def run_round(*, now: dt.datetime | None = None) -> RoundReport:
    """Run every job once, in the order the areas registered them, each in a transaction of its
    own that takes the job's lock first and is committed after it, so a failure in one keeps the
    others' work. What the session held before the round is committed first, so that the first
    job's transaction is new as well. A job that raises is recorded as failed (in a transaction of
    its own, under its lock again) and ends the round with its exception."""
    now = now or utcnow()
    report = RoundReport()
    db.session.commit()
    with round_context():
        for name, job in JOBS.items():
            if not try_lock(name):
                db.session.rollback()
                log.info("Periodic job %s skipped: another process is running it", name)
                report.skipped.append(name)
                continue
            started = utcnow()
            try:
                result = job(now=now)
            except Exception as error:
                db.session.rollback()
                log.exception("Periodic job %s failed", name)
                if try_lock(name):
                    _record_run(name, started=started, count=None, error=f"{type(error).__name__}: {error}")
                    db.session.commit()
                else:
                    db.session.rollback()
                raise
            count = sum(result.values()) if isinstance(result, dict) else result
            _record_run(name, started=started, count=count, error=None)
            db.session.commit()
            if isinstance(result, dict):
                report.counts.update(result)
            else:
                report.counts[name] = result
    return report


def _record_run(name: str, *, started: dt.datetime, count: int | None, error: str | None) -> None:
    """Count one run of the job in its row, in the job's transaction and under its lock (so no
    other process writes the row meanwhile); real times, whatever ``now`` the round was given."""
    row = db.session.get(JobRun, name)
    if row is None:
        row = JobRun(name=name, runs=0, failures=0)
        db.session.add(row)
    row.runs += 1
    row.failures += error is not None
    row.last_started_at = started
    row.last_finished_at = utcnow()
    row.last_succeeded = error is None
    row.last_count = count
    row.last_error = error[:2000] if error else None
    db.session.flush()
