"""The periodic registration jobs: an offer whose time is up passes to the next person by the
worker's round (or ``flask registrations tick``), without anyone visiting a page; the
reconfirmation release happens the same way."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from conference.cli import run_periodic_jobs as run_registration_jobs
from conference.core import jobs
from conference.core.types import utcnow
from conference.extensions import db
from conference.mail.outbox import OutboxWorker
from conference.registration import reconfirmation
from conference.registration import registrations as ops
from conference.registration.enums import CancelReason, RegistrationState
from conference.registration.models import Registration

from ..mail.builders import mail_to
from .builders import add_category, make_form, register

DAY = dt.timedelta(days=1)


@pytest.fixture
def expired_offer(db):
    """Three people for one place; the first cancelled three days ago, so the second was offered
    the place until yesterday; the third waits."""
    now = utcnow()
    form = make_form()
    form.opens_at, form.closes_at = now - 10 * DAY, now + 10 * DAY
    members = add_category(form, in_person=1)
    first, second, third = (register(form, members, now=now - 4 * DAY) for _ in range(3))
    ops.cancel(first, actor=None, now=now - 3 * DAY)
    assert second.state == RegistrationState.OFFERED and second.offer_expires_at < now
    db.session.commit()
    return second.id, third.id


def states(*ids) -> list[RegistrationState]:
    return [db.session.get(Registration, i).state for i in ids]


def test_the_worker_round_expires_an_offer_and_offers_the_place_to_the_next(expired_offer):
    calls = []
    OutboxWorker().run_forever(poll_seconds=0, should_stop=lambda: calls.append(1) or len(calls) > 1,
                               periodic=run_registration_jobs)

    second, third = expired_offer
    assert states(second, third) == [RegistrationState.CANCELLED, RegistrationState.OFFERED]
    assert db.session.get(Registration, second).cancel_reason == CancelReason.OFFER_EXPIRED
    assert mail_to("registration_offer_expired") == [db.session.get(Registration, second).email]


def test_the_worker_runs_the_jobs_at_most_every_interval(app, db):
    ran = []
    calls = []
    OutboxWorker().run_forever(poll_seconds=0, should_stop=lambda: calls.append(1) or len(calls) > 8,
                               periodic=lambda: ran.append(1) or {})
    assert ran == [1]  # four rounds within the 60 seconds


def test_a_failing_job_does_not_stop_the_worker(app, db, caplog):
    attempts, calls = [], []

    def broken():
        attempts.append(1)
        raise RuntimeError("database went away")

    OutboxWorker().run_forever(poll_seconds=0, should_stop=lambda: calls.append(1) or len(calls) > 4,
                               periodic=broken)
    assert attempts == [1]
    assert "periodic jobs failed" in caplog.text
    # The loop went on to a second round: loop check, claim check, sleep check, then again.
    assert len(calls) == 7


def test_the_cli_tick_runs_one_round_and_says_what_it_did(expired_offer, runner):
    result = runner.invoke(args=["registrations", "tick"])

    assert result.exit_code == 0, result.output
    assert result.output == ("offers expired 1, reconfirmation reminders 0, places released 0, "
                             "places offered 0, focal points reminded 0, handed to organisers 0, "
                             "unreferenced files deleted 0, upload leftovers deleted 0\n")
    assert states(*expired_offer) == [RegistrationState.CANCELLED, RegistrationState.OFFERED]
    again = runner.invoke(args=["registrations", "tick"])
    assert again.output.startswith("offers expired 0,")


@pytest.mark.postgres_only
def test_the_cli_tick_skips_a_job_another_process_is_running_and_says_so(expired_offer, runner, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's advisory locks (tests/app/test_periodic_jobs_once.py has SQLite's write lock)")
    libpq = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq) as worker:  # a worker's round, in the middle of the offers
        worker.execute("SELECT pg_advisory_xact_lock(%s, %s)",
                       (db.session.scalar(sa.select(jobs.lock_class())), jobs.lock_key("offers_expired")))
        result = runner.invoke(args=["registrations", "tick"])

    assert result.exit_code == 0, result.output
    assert result.output == ("offers expired skipped, reconfirmation reminders 0, places released 0, "
                             "places offered 0, focal points reminded 0, handed to organisers 0, "
                             "unreferenced files deleted 0, upload leftovers deleted 0\n"
                             "skipped, another process is running them: offers_expired\n")
    assert states(*expired_offer) == [RegistrationState.OFFERED, RegistrationState.WAITLISTED]
    again = runner.invoke(args=["registrations", "tick"])
    assert again.output.startswith("offers expired 1,")


def test_a_round_runs_the_reconfirmation_release_too(db):
    now = utcnow()
    form = make_form()
    form.opens_at, form.closes_at = now - 10 * DAY, now + 10 * DAY
    members = add_category(form, in_person=1)
    holder, waiting = (register(form, members, now=now - 5 * DAY) for _ in range(2))
    reconfirmation.request_reconfirmation(form.event, actor=form.event.roles[0].user, by=now - DAY,
                                          now=now - 2 * DAY)

    assert jobs.run_round(now=now) == jobs.RoundReport(
        counts={"offers_expired": 0, "reminded": 0, "released": 1, "offered": 1, "focal_points_reminded": 0,
                "escalated": 0, "login_sessions_purged": 0, "files_collected": 0, "upload_leftovers": 0,
                "cancelled_registrations_anonymised": 0,
                "sensitive_answers_removed": 0, "outbox_bodies_removed": 0},
        skipped=[])
    assert (holder.state, waiting.state) == (RegistrationState.CANCELLED, RegistrationState.OFFERED)
