"""/healthz: 200 while the database answers, with the outbox's and the periodic jobs' state; 503
when it does not, or past the HEALTHZ_MAX_* ages; two queries, no cookie, no login."""

from __future__ import annotations

import datetime as dt

from conference import create_app
from conference.core.models import JobRun
from conference.core.types import utcnow
from conference.mail.enums import MailState

from ..conftest import free_port, make_test_config
from ..query_counting import counting
from .operations import outbox_message


def job_run(db, name: str, *, finished_ago: float, succeeded: bool = True) -> JobRun:
    finished = utcnow() - dt.timedelta(seconds=finished_ago)
    row = JobRun(name=name, runs=3, failures=0 if succeeded else 1, last_started_at=finished,
                 last_finished_at=finished, last_succeeded=succeeded, last_count=0)
    db.session.add(row)
    db.session.flush()
    return row


def test_healthz_reports_the_outbox_and_the_last_job_round(client, db):
    outbox_message(MailState.QUEUED, age_seconds=300)
    outbox_message(MailState.QUEUED, age_seconds=20)
    outbox_message(MailState.SENDING, age_seconds=100)
    outbox_message(MailState.FAILED, age_seconds=5000)
    outbox_message(MailState.SENT, age_seconds=9000)  # neither counted nor the oldest
    outbox_message(MailState.HELD, age_seconds=8000)  # waits for an organiser, not for the worker
    job_run(db, "offers_expired", finished_ago=40)
    job_run(db, "reconfirmation", finished_ago=95, succeeded=False)
    db.session.commit()

    response = client.get("/healthz", headers={"X-Request-ID": "lb-probe-0001"})

    assert response.status_code == 200
    body = response.get_json()
    assert 299 <= body["outbox"].pop("oldest_queued_age_seconds") < 330
    assert 39 <= body["jobs"].pop("last_round_age_seconds") < 70
    assert dt.datetime.fromisoformat(body["jobs"].pop("last_round_finished_at")) < utcnow()
    assert body == {"status": "ok", "database": "ok", "outbox": {"held": 1, "queued": 2, "sending": 1, "failed": 1},
                    "jobs": {"failing": ["reconfirmation"]}, "problems": []}
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Request-ID"] == "lb-probe-0001"


def test_healthz_on_an_empty_database_has_no_ages(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["outbox"]["oldest_queued_age_seconds"] is None
    assert body["jobs"] == {"last_round_finished_at": None, "last_round_age_seconds": None, "failing": []}


def test_healthz_runs_two_queries_whatever_the_outbox_holds(client, db):
    for age in range(30):
        outbox_message(MailState.QUEUED if age % 2 else MailState.SENT, age_seconds=age)
    db.session.commit()
    with counting(db) as statements:
        assert client.get("/healthz").status_code == 200
    # The session's savepoint (the tests' transaction) and its end are not the page's.
    assert len([s for s in statements if "SAVEPOINT" not in s]) == 2, statements


def test_healthz_turns_503_past_the_ages_set(app, client, db, monkeypatch):
    outbox_message(MailState.QUEUED, age_seconds=1200)
    job_run(db, "offers_expired", finished_ago=700)
    db.session.commit()
    assert client.get("/healthz").status_code == 200  # unset: the ages are only reported
    monkeypatch.setitem(app.config, "HEALTHZ_MAX_OUTBOX_AGE", 900)
    monkeypatch.setitem(app.config, "HEALTHZ_MAX_JOB_ROUND_AGE", 600)

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "failing"
    assert [problem.split(" (")[1] for problem in body["problems"]] == [
        "HEALTHZ_MAX_OUTBOX_AGE is 900)", "HEALTHZ_MAX_JOB_ROUND_AGE is 600)"]
    assert body["problems"][0].startswith("the oldest queued mail has waited 12")


def test_healthz_with_a_job_age_set_fails_until_a_round_ran(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "HEALTHZ_MAX_JOB_ROUND_AGE", 600)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["problems"] == ["no periodic job has run yet"]


def test_healthz_answers_503_when_the_database_does_not(tmp_path):
    # Nothing listens on this port: the connection is refused at once.
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing"
    app = create_app(make_test_config(url, tmp_path))

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.get_json() == {"status": "failing", "database": "unreachable",
                                   "problems": ["the database does not answer"]}
    assert "Set-Cookie" not in response.headers


def test_healthz_is_not_rate_limited(app, client, db):
    # No app-wide limit exists today; the blueprint is exempt so that one added later spares probes.
    assert {client.get("/healthz").status_code for _ in range(30)} == {200}
