"""Periodic jobs run once, however many rounds start at the same time: every outbox worker runs a
round every REGISTRATION_JOBS_SECONDS, and a cron'd ``flask registrations tick`` may run beside
them. Each job takes a lock for its own transaction (``conference.core.jobs``); a round that finds
a job locked skips it and says so, and a job that gets its lock after another round's commit finds
that work done.

The rounds here really overlap. On PostgreSQL the test holds a lock on the outbox table, so the
first round stops in the middle of a job, its lock held, when it queues its first mail; only then
does the second round start. On SQLite it holds the database's write lock, which both rounds wait
for before their first job.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from conference.core import jobs
from conference.core.types import utcnow
from conference.delegations import delegations
from conference.events.enums import TeamRole
from conference.extensions import db as _db
from conference.mail.models import OutboxMessage
from conference.registration import reconfirmation
from conference.registration import registrations as ops
from conference.registration.enums import RegistrationState
from conference.registration.places import ensure_registration_settings

from .. import factories
from ..conftest import TEST_SECRET_KEY
from ..delegations.builders import organiser_of
from ..registration.builders import add_category, make_form, register

DAY = dt.timedelta(days=1)
PROJECT_ROOT = Path(__file__).resolve().parents[2]


# The work a round finds due ----------------------------------------------------------------------------

def open_event(slug: str, now: dt.datetime, **capacity):
    form = make_form(slug=slug)
    form.opens_at, form.closes_at = now - 10 * DAY, now + 10 * DAY
    return form, add_category(form, "Member agency", **capacity)


def offers_due(now: dt.datetime) -> dict:
    """One place, three people: the first cancelled three days ago, so the second was offered the
    place until yesterday. Due: the second's offer expires, the third is offered the place."""
    form, members = open_event("offers", now, in_person=1)
    first, second, third = (register(form, members, now=now - 4 * DAY) for _ in range(3))
    ops.cancel(first, actor=None, now=now - 3 * DAY)
    assert second.state == RegistrationState.OFFERED and second.offer_expires_at < now
    return {"counts": {"offers_expired": 1},
            "mails": {("registration_offer_expired", second.email), ("registration_offer", third.email)}}


def reconfirmation_reminders_due(now: dt.datetime) -> dict:
    """Three confirmed participants asked three days ago to reconfirm by tomorrow, the reminder
    going 48 hours before: due now."""
    form, members = open_event("reconfirm", now)
    people = [register(form, members, now=now - 5 * DAY) for _ in range(3)]
    reconfirmation.request_reconfirmation(form.event, actor=organiser_of(form.event), by=now + DAY,
                                          reminder_hours=48, now=now - 3 * DAY)
    return {"counts": {"reminded": 3}, "mails": {("reconfirmation_reminder", p.email) for p in people}}


def delegation_event(slug: str, now: dt.datetime, *, deadline: dt.datetime):
    """Two organisers; two member organisations, each with its focal point and a delegate
    waiting for them; the focal points' deadline at ``deadline``."""
    form, members = open_event(slug, now)
    event = form.event
    organiser = organiser_of(event)
    factories.add_role(event, factories.make_user(email=f"second.organiser.{slug}@example.org"), TeamRole.ORGANISER)
    focal_points = []
    for acronym in ("UNEP", "WMO"):
        organisation = delegations.save_organisation(event, actor=organiser, name=f"{acronym} in {slug}",
                                                     acronym=acronym, kind="member", quota_in_person=3,
                                                     category=members)
        focal = factories.make_user(email=f"focal.{acronym.lower()}.{slug}@example.org")
        delegations.add_focal_point(organisation, actor=organiser, email=focal.email)
        waiting = register(form, members, organisation=organisation, now=now - DAY)
        assert waiting.state == RegistrationState.PENDING
        focal_points.append(focal.email)
    ensure_registration_settings(event).focal_point_deadline = deadline
    organisers = [role.user.email for role in event.roles if role.role == TeamRole.ORGANISER]
    return focal_points, organisers


def focal_point_reminders_due(now: dt.datetime) -> dict:
    focal_points, _organisers = delegation_event("remind", now, deadline=now + DAY)
    return {"counts": {"focal_points_reminded": 2},
            "mails": {("delegation_reminder", address) for address in focal_points}}


def hand_overs_due(now: dt.datetime) -> dict:
    _focal_points, organisers = delegation_event("handover", now, deadline=now - dt.timedelta(hours=1))
    assert len(organisers) == 2
    return {"counts": {"escalated": 2}, "mails": {("delegation_escalated", address) for address in organisers}}


DUE = {"offers_expired": offers_due, "reconfirmation": reconfirmation_reminders_due,
       "delegation_deadlines": focal_point_reminders_due, "delegation_hand_overs": hand_overs_due}
JOB_OF = {"offers_expired": "offers_expired", "reconfirmation": "reconfirmation",
          "delegation_deadlines": "delegation_deadlines", "delegation_hand_overs": "delegation_deadlines"}


def everything_due(now: dt.datetime) -> dict:
    due = [build(now) for build in DUE.values()]
    return {"counts": {key: count for one in due for key, count in one["counts"].items()},
            "mails": set().union(*(one["mails"] for one in due))}


def mails_after(first_id: int) -> collections.Counter:
    return collections.Counter(_db.session.execute(
        sa.select(OutboxMessage.template, OutboxMessage.to_address).where(OutboxMessage.id > first_id)).all())


def last_mail_id() -> int:
    return _db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(OutboxMessage.id), 0)))


# Rounds at once ------------------------------------------------------------------------------------------

class RoundThread(threading.Thread):
    """One round of the periodic jobs in an app context of its own (its own session and connections)."""

    def __init__(self, app):
        super().__init__(daemon=True)
        self.app = app
        self.report: jobs.RoundReport | None = None
        self.crash: str | None = None

    def run(self):
        try:
            with self.app.app_context():
                self.report = jobs.run_round()
        except BaseException:  # reported by the test, not lost in the thread
            self.crash = traceback.format_exc()


def libpq_url(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def wait_for(condition, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.02)


class OutboxGate:
    """Holds the outbox table so that no mail can be queued: a round that reaches its first mail
    stops there, in the middle of its job, with that job's locks held."""

    def __init__(self, database_url: str):
        self.url = libpq_url(database_url)

    def __enter__(self):
        self.gate = psycopg.connect(self.url)
        self.gate.execute("LOCK TABLE outbox_message IN EXCLUSIVE MODE")  # inserts wait; reads do not
        self.observer = psycopg.connect(self.url, autocommit=True)
        return self

    def open(self) -> None:
        self.gate.commit()

    def __exit__(self, *exc_info):
        self.gate.close()
        self.observer.close()

    def waiting(self) -> int:
        """How many backends wait at the gate (this test's outbox table: its URL sets the schema)."""
        return self.observer.execute("SELECT count(DISTINCT pid) FROM pg_locks"
                                     " WHERE relation = 'outbox_message'::regclass AND NOT granted").fetchone()[0]


def flask_process(database_url: str, *args: str) -> subprocess.Popen:
    """``flask <args>`` in a process of its own, on this test's database."""
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": TEST_SECRET_KEY, "APP_ENV": "testing"}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "conference", *args], cwd=PROJECT_ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.postgres_only
@pytest.mark.parametrize("kind", list(DUE))
def test_a_second_round_skips_the_job_the_first_is_running_and_each_person_gets_one_mail(
        app, postgres_db, database_url, kind):
    now = utcnow()
    due = DUE[kind](now)
    postgres_db.session.commit()
    first_mail = last_mail_id()
    postgres_db.session.commit()

    with OutboxGate(database_url) as gate:
        first = RoundThread(app)
        first.start()
        wait_for(lambda: gate.waiting() == 1 or not first.is_alive(), "the first round stops at its first mail")
        assert first.crash is None and first.is_alive(), first.crash
        second = RoundThread(app)
        second.start()
        # The second round does not wait for the first: it skips the job the first one runs.
        wait_for(lambda: not second.is_alive() or gate.waiting() == 2, "the second round ends or waits")
        gate.open()
        first.join(30)
        second.join(30)
    assert first.crash is None and second.crash is None, (first.crash, second.crash)

    sent = mails_after(first_mail)
    assert set(sent) == due["mails"] and set(sent.values()) == {1}, sent
    assert second.report is not None and second.report.skipped == [JOB_OF[kind]]
    assert first.report is not None and first.report.skipped == []
    assert {key: first.report.counts[key] for key in due["counts"]} == due["counts"]
    assert all(second.report.counts[key] == 0 for key in second.report.counts), second.report.counts


@pytest.mark.postgres_only
def test_two_rounds_at_once_mail_each_person_once_and_count_each_thing_once(app, postgres_db, database_url):
    now = utcnow()
    due = everything_due(now)
    postgres_db.session.commit()
    first_mail = last_mail_id()
    postgres_db.session.commit()

    with OutboxGate(database_url) as gate:
        rounds = [RoundThread(app), RoundThread(app)]
        for one in rounds:
            one.start()
        wait_for(lambda: gate.waiting() == 2, "both rounds stop at a mail")
        gate.open()
        for one in rounds:
            one.join(30)
    assert [one.crash for one in rounds] == [None, None], [one.crash for one in rounds]

    sent = mails_after(first_mail)
    assert set(sent) == due["mails"] and set(sent.values()) == {1}, sent
    reports = [one.report for one in rounds]
    assert all(report is not None for report in reports)
    totals = collections.Counter()
    for report in reports:
        totals.update(report.counts)
    assert {key: totals[key] for key in due["counts"]} == due["counts"]
    assert reports[0].skipped or reports[1].skipped  # they met


COUNT = re.compile(r"([a-z][a-z ]*?) (\d+|skipped)(?:,|$)")
TICK_KEYS = {"offers expired": "offers_expired", "reconfirmation reminders": "reminded",
             "places released": "released", "places offered": "offered",
             "focal points reminded": "focal_points_reminded", "handed to organisers": "escalated",
             "unreferenced files deleted": "files_collected", "upload leftovers deleted": "upload_leftovers"}
KEYS_OF_JOB = {"offers_expired": {"offers_expired"}, "reconfirmation": {"reminded", "released", "offered"},
               "delegation_deadlines": {"focal_points_reminded", "escalated"}, "login_sessions_purged": set(),
               "unreferenced_files": {"files_collected", "upload_leftovers"},
               "cancelled_registrations_anonymised": set(), "sensitive_answers_removed": set(),
               "outbox_bodies_removed": set()}


@pytest.mark.postgres_only
def test_a_cron_tick_beside_the_worker_round_skips_what_the_round_runs_and_says_so(app, postgres_db, database_url):
    now = utcnow()
    due = everything_due(now)
    postgres_db.session.commit()
    first_mail = last_mail_id()
    postgres_db.session.commit()

    with OutboxGate(database_url) as gate:
        worker_round = RoundThread(app)
        worker_round.start()
        wait_for(lambda: gate.waiting() == 1 or not worker_round.is_alive(), "the round stops at its first mail")
        assert worker_round.crash is None and worker_round.is_alive(), worker_round.crash
        tick = flask_process(database_url, "registrations", "tick")
        wait_for(lambda: tick.poll() is not None or gate.waiting() == 2, "the tick ends or waits", timeout=60)
        gate.open()
        out, err = tick.communicate(timeout=60)
        worker_round.join(30)
    assert tick.returncode == 0, err
    assert worker_round.crash is None, worker_round.crash
    sent = mails_after(first_mail)
    assert set(sent) == due["mails"] and set(sent.values()) == {1}, sent

    # The round stopped inside its first job with mail to queue (the focal points' deadlines):
    # the tick skipped that one and said so. Once the gate opened the two went on side by side,
    # so the tick may have skipped a later job the round had reached first as well.
    counts_line, skipped_line = out.splitlines()
    prefix = "skipped, another process is running them: "
    assert skipped_line.startswith(prefix)
    skipped = skipped_line.removeprefix(prefix).split(", ")
    assert skipped[0] == "delegation_deadlines"
    assert set(skipped) <= set(KEYS_OF_JOB) and not set(skipped) & set(worker_round.report.skipped)
    ticked = {TICK_KEYS[label]: value for label, value in COUNT.findall(counts_line)}
    assert set(ticked) == set(TICK_KEYS.values())
    assert {key for key, value in ticked.items() if value == "skipped"} == set().union(
        *(KEYS_OF_JOB[job] for job in skipped))
    totals = collections.Counter(worker_round.report.counts)
    totals.update({key: int(value) for key, value in ticked.items() if value != "skipped"})
    assert {key: totals[key] for key in due["counts"]} == due["counts"]


def test_two_rounds_at_once_on_sqlite_take_turns_and_mail_each_person_once(app, committed_db, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's single write lock; PostgreSQL's advisory locks are proven above")
    now = utcnow()
    due = everything_due(now)
    committed_db.session.commit()
    first_mail = last_mail_id()
    committed_db.session.commit()

    gate = sqlite3.connect(make_url(database_url).database, isolation_level=None)
    try:
        gate.execute("BEGIN IMMEDIATE")  # the write lock: each round's first job waits for it
        rounds = [RoundThread(app), RoundThread(app)]
        for one in rounds:
            one.start()
        time.sleep(0.5)
        assert all(one.is_alive() for one in rounds), [one.crash for one in rounds]
        gate.execute("ROLLBACK")
        for one in rounds:
            one.join(60)
    finally:
        gate.close()
    # Without the lock first, the round whose reads came first failed on its first write
    # ("database is locked": its snapshot was stale) once the other had committed.
    assert [one.crash for one in rounds] == [None, None], [one.crash for one in rounds]

    sent = mails_after(first_mail)
    assert set(sent) == due["mails"] and set(sent.values()) == {1}, sent
    assert [one.report.skipped for one in rounds] == [[], []]
    totals = collections.Counter()
    for one in rounds:
        totals.update(one.report.counts)
    assert {key: totals[key] for key in due["counts"]} == due["counts"]
