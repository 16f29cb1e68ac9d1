"""Retention of registrations (periodic jobs): a cancelled registration is anonymised
RETAIN_CANCELLED_REGISTRATIONS_DAYS after its cancellation (the row stays for the counts), and
the answers to the questions organisers marked sensitive (a passport's number, a date of birth)
are removed RETAIN_SENSITIVE_ANSWERS_DAYS after the event's last day, files given as answers
with them (their stored bytes are collected once nothing refers to them). Both are idempotent
and audited as a count."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from conference.core.audit import record
from conference.core.types import utcnow
from conference.events.models import Event
from conference.extensions import db
from conference.registration.enums import RegistrationState
from conference.registration.models import Registration, RegistrationForm, RegistrationQuestion
from conference.registration.personal_data import anonymise


def anonymise_cancelled(*, now: dt.datetime | None = None) -> int:
    days = current_app.config["RETAIN_CANCELLED_REGISTRATIONS_DAYS"]
    if days is None:
        return 0
    now = now or utcnow()
    rows = list(db.session.scalars(sa.select(Registration).where(
        Registration.state == RegistrationState.CANCELLED, Registration.anonymised_at.is_(None),
        Registration.cancelled_at < now - dt.timedelta(days=days)).order_by(Registration.id)))
    for row in rows:
        anonymise(row, name=f"Cancelled registration #{row.id}", email=f"cancelled-{row.id}@erased.invalid", now=now)
    if rows:
        record("registration.cancelled_anonymised", actor=None, count=len(rows), retention_days=days)
    db.session.flush()
    return len(rows)


def remove_sensitive_answers(*, now: dt.datetime | None = None) -> int:
    """How many answers it removed, across every event whose last day is past the retention."""
    days = current_app.config["RETAIN_SENSITIVE_ANSWERS_DAYS"]
    if days is None:
        return 0
    ended_before = (now or utcnow()).date() - dt.timedelta(days=days)
    questions = db.session.execute(
        sa.select(RegistrationQuestion.form_id, RegistrationQuestion.id)
        .join(RegistrationForm, RegistrationForm.id == RegistrationQuestion.form_id)
        .join(Event, Event.id == RegistrationForm.event_id)
        .where(RegistrationQuestion.sensitive, Event.end_date < ended_before))
    keys_by_form: dict[int, set[str]] = {}
    for form_id, question_id in questions:
        keys_by_form.setdefault(form_id, set()).add(str(question_id))
    removed = 0
    for row in db.session.scalars(sa.select(Registration).where(Registration.form_id.in_(keys_by_form))):
        keys = keys_by_form[row.form_id] & set(row.answers or {})
        if keys:
            row.answers = {k: v for k, v in row.answers.items() if k not in keys}
            removed += len(keys)
    if removed:
        record("registration.sensitive_answers_removed", actor=None, count=removed, retention_days=days)
    db.session.flush()
    return removed
