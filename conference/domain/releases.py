"""Releasing the programme: the public sees only released versions, each kept and numbered.

A release freezes the current programme into a snapshot (domain.agenda_snapshot), tells the
speakers whose items are new or moved their times in their own time zone, and sends a summary
to the confirmed registrants who asked to hear of changes; all through the outbox.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ..enums import RegistrationState
from ..errors import AlreadyExists, DomainError, NotAllowed
from ..extensions import db
from ..i18n import format_datetime
from ..models import Event, Registration, ScheduleRelease, Speaker
from ..models.types import utcnow
from . import agenda_snapshot, audit
from .links import external_url
from .mailer import queue_mail


def latest_release(event: Event) -> ScheduleRelease | None:
    return db.session.scalar(sa.select(ScheduleRelease).where(ScheduleRelease.event_id == event.id)
                             .order_by(ScheduleRelease.number.desc()).limit(1))


def releases_of(event: Event) -> list[ScheduleRelease]:
    """Every release of the event, newest first (without loading their snapshots' use)."""
    return list(db.session.scalars(sa.select(ScheduleRelease).where(ScheduleRelease.event_id == event.id)
                                   .order_by(ScheduleRelease.number.desc())))


def release(event: Event, *, actor, name: str, comment: str = "", now: dt.datetime | None = None) -> ScheduleRelease:
    """Organisers release the current programme under a name unique to the event; the release
    gets the next number and a snapshot carrying on from the previous one."""
    if not event.can_manage(actor):
        raise NotAllowed(_("Only the event's organisers may release the programme."))
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the version a name, e.g. \"First programme\"."), field="name")
    taken = db.session.scalar(sa.select(ScheduleRelease.id).where(ScheduleRelease.event_id == event.id,
                                                                  ScheduleRelease.name == name))
    if taken is not None:
        raise AlreadyExists(_("A version called %(name)s was already released: choose another name.", name=name),
                            field="name")
    previous = latest_release(event)
    old_snapshot = previous.snapshot if previous else None
    snapshot = agenda_snapshot.build(event, old_snapshot)
    entry = ScheduleRelease(event_id=event.id, number=(previous.number if previous else 0) + 1, name=name,
                            comment=(comment or "").strip(), snapshot=snapshot, released_at=now or utcnow(),
                            released_by_id=getattr(actor, "id", None))
    db.session.add(entry)
    db.session.flush()
    changes = agenda_snapshot.changelog(old_snapshot, snapshot)
    _mail_speakers(event, entry, changes)
    _mail_registrants(event, entry, changes)
    audit.record("agenda.released", actor=actor, obj=entry, event=event, number=entry.number, name=name)
    db.session.flush()
    return entry


def _agenda_link(event: Event) -> str:
    # The public agenda page, once that part of the app is there; the event's page until then.
    endpoint = "agenda.show" if "agenda.show" in current_app.view_functions else "events.show_event"
    return external_url(endpoint, slug=event.slug)


def _mail_speakers(event: Event, entry: ScheduleRelease, changes: dict) -> None:
    """One mail per speaker with an email whose items are new or moved, listing those items."""
    touched: dict[int, list[dict]] = {}
    for kind in ("new", "moved"):
        for change in changes[kind]:
            for speaker_id in change.get("speaker_ids", ()):  # sessions have none: items only
                touched.setdefault(speaker_id, []).append(change)
    if not touched:
        return
    speakers = db.session.scalars(sa.select(Speaker).where(Speaker.id.in_(touched), Speaker.email != "")
                                  .order_by(Speaker.id))
    link = _agenda_link(event)
    for speaker in speakers:
        items = [{"title": c["title"],
                  "start": format_datetime(dt.datetime.fromisoformat(c["start"]), "medium", tz=speaker.timezone),
                  "end": format_datetime(dt.datetime.fromisoformat(c["end"]), "short", tz=speaker.timezone),
                  "moved": "previous" in c}
                 for c in sorted(touched[speaker.id], key=lambda c: c["start"])]
        queue_mail("agenda_speaker_times", to=speaker.email, to_name=speaker.name, event=event, user=speaker.user,
                   context={"release": entry, "items": items, "speaker": speaker, "link": link})


def _mail_registrants(event: Event, entry: ScheduleRelease, changes: dict) -> None:
    counts = {kind: len(entries) for kind, entries in changes.items()}
    registrations = db.session.scalars(sa.select(Registration).where(
        Registration.event_id == event.id, Registration.state == RegistrationState.CONFIRMED,
        Registration.agenda_updates.is_(True)).order_by(Registration.id))
    link = _agenda_link(event)
    for registration in registrations:
        queue_mail("agenda_updated", to=registration.email, to_name=registration.name, event=event,
                   context={"release": entry, "counts": counts, "link": link})
