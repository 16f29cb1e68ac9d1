"""Retention: the periodic jobs remove sent mail's bodies, anonymise cancelled registrations and
delete sensitive answers once their time is up (time moved by the jobs' ``now``), once, audited
as a count."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from conference.config import ConfigurationError, defaults, from_environment
from conference.core import jobs
from conference.core.enums import QuestionKind
from conference.core.models import AuditEntry
from conference.extensions import db
from conference.mail.enums import MailState
from conference.mail.mailer import queue_mail
from conference.mail.models import OutboxAttachment, OutboxMessage
from conference.mail.retention import remove_old_bodies
from conference.registration import registrations as ops
from conference.registration.models import Registration
from conference.registration.retention import anonymise_cancelled, remove_sensitive_answers

from ..registration.builders import DURING, add_category, add_question, make_form, register

DAY = dt.timedelta(days=1)


def audit_details(action: str) -> list[dict]:
    return [e.details for e in db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)
                                                  .order_by(AuditEntry.id))]


def message(subject: str, *, state: MailState, written: dt.datetime) -> OutboxMessage:
    row = queue_mail("verify_email", to="reader@example.org", to_name="Reader",
                     context={"user": None, "link": "https://example.org/x"},
                     attachments=[("a.ics", "text/calendar", b"BEGIN:VCALENDAR")])
    row.subject, row.state, row.created_at = subject, state, written
    db.session.flush()
    return row


def test_sent_mail_loses_its_body_after_the_retention(app, db):
    now = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    old = message("old", state=MailState.SENT, written=now - 181 * DAY)
    recent = message("recent", state=MailState.SENT, written=now - 179 * DAY)
    failed = message("failed", state=MailState.FAILED, written=now - 400 * DAY)

    assert remove_old_bodies(now=now) == 1
    db.session.expire_all()
    assert (old.subject, old.body_text, old.body_html, old.attachments) == ("old", "", None, [])
    assert recent.body_text != "" and failed.body_text != "" and len(recent.attachments) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxAttachment)) == 2
    assert remove_old_bodies(now=now + DAY) == 0  # once
    assert audit_details("outbox.bodies_removed") == [{"count": 1, "retention_days": 180}]


@pytest.fixture
def form(db):
    registration_form = make_form()
    registration_form.event.end_date = dt.date(2030, 6, 3)
    return registration_form


def test_a_cancelled_registration_is_anonymised_after_the_retention(form):
    members = add_category(form, in_person=5)
    cancelled, kept = register(form, members, name="Carl Cancelled"), register(form, members, name="Kim Kept")
    ops.cancel(cancelled, actor=None, now=DURING)
    later = DURING + 365 * DAY

    assert anonymise_cancelled(now=later) == 0
    assert anonymise_cancelled(now=later + DAY) == 1
    assert (cancelled.name, cancelled.email, cancelled.answers, cancelled.anonymised_at) == (
        f"Cancelled registration #{cancelled.id}", f"cancelled-{cancelled.id}@erased.invalid", {}, later + DAY)
    assert kept.name == "Kim Kept"
    assert anonymise_cancelled(now=later + 2 * DAY) == 0
    assert audit_details("registration.cancelled_anonymised") == [{"count": 1, "retention_days": 365}]


def test_sensitive_answers_go_some_days_after_the_event_by_the_periodic_round(app, form):
    members = add_category(form, in_person=5)
    passport = add_question(form, "Passport scan", QuestionKind.FILE)
    passport.sensitive = True
    diet = add_question(form, "Diet")
    scan = {"sha256": "cd" * 32, "filename": "passport.pdf", "size": 3, "content_type": "application/pdf"}
    person = register(form, members, answers={str(diet.id): "Vegan"})
    person.answers = {**person.answers, str(passport.id): scan}
    db.session.commit()
    after_event = dt.datetime(2030, 6, 3, 12, tzinfo=dt.UTC)

    assert remove_sensitive_answers(now=after_event + 30 * DAY) == 0  # the 30th day: kept
    report = jobs.run_round(now=after_event + 31 * DAY)
    assert report.counts["sensitive_answers_removed"] == 1
    db.session.expire_all()
    assert db.session.get(Registration, person.id).answers == {str(diet.id): "Vegan"}
    assert jobs.run_round(now=after_event + 32 * DAY).counts["sensitive_answers_removed"] == 0
    assert audit_details("registration.sensitive_answers_removed") == [{"count": 1, "retention_days": 30}]


def test_no_retention_keeps_everything(app, db, form):
    members = add_category(form, in_person=5)
    cancelled = register(form, members)
    ops.cancel(cancelled, actor=None, now=DURING)
    app.config["RETAIN_CANCELLED_REGISTRATIONS_DAYS"] = None
    try:
        assert anonymise_cancelled(now=DURING + 5000 * DAY) == 0
    finally:
        app.config["RETAIN_CANCELLED_REGISTRATIONS_DAYS"] = 365
    assert cancelled.anonymised_at is None


def test_retention_settings_come_from_the_environment(monkeypatch, tmp_path):
    config = defaults(str(tmp_path))
    assert (config["RETAIN_OUTBOX_BODIES_DAYS"], config["RETAIN_CANCELLED_REGISTRATIONS_DAYS"],
            config["RETAIN_SENSITIVE_ANSWERS_DAYS"]) == (180, 365, 30)
    monkeypatch.setenv("RETAIN_SENSITIVE_ANSWERS_DAYS", "7")
    from_environment(config)
    assert config["RETAIN_SENSITIVE_ANSWERS_DAYS"] == 7
    monkeypatch.setenv("RETAIN_OUTBOX_BODIES_DAYS", "-1")
    with pytest.raises(ConfigurationError, match="RETAIN_OUTBOX_BODIES_DAYS must be a number of days, 0 or more."):
        from_environment(config)
