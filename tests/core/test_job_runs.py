"""Each periodic job's row in job_run: runs and failures counted, last start, finish, count or error."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conference.core import jobs
from conference.core.models import JobRun
from conference.core.types import utcnow


def rows(db) -> dict[str, JobRun]:
    db.session.expire_all()
    return {row.name: row for row in db.session.scalars(sa.select(JobRun))}


def test_a_round_records_every_job_it_ran(db):
    before = utcnow()
    jobs.run_round()
    jobs.run_round()
    recorded = rows(db)
    assert set(recorded) == set(jobs.JOBS)
    for row in recorded.values():
        assert (row.runs, row.failures, row.last_succeeded, row.last_count, row.last_error) == (2, 0, True, 0, None)
        assert before <= row.last_started_at <= row.last_finished_at <= utcnow()


def test_a_failing_job_is_recorded_and_ends_the_round(db, monkeypatch):
    def broken(*, now):
        raise RuntimeError("no luck")

    monkeypatch.setitem(jobs.JOBS, "broken_test_job", broken)
    with pytest.raises(RuntimeError, match="no luck"):
        jobs.run_round()
    row = rows(db)["broken_test_job"]
    assert (row.runs, row.failures, row.last_succeeded, row.last_error) == (1, 1, False, "RuntimeError: no luck")
    assert all(row.last_succeeded for name, row in rows(db).items() if name != "broken_test_job")
