"""Releasing the programme: the public sees only released versions, each kept and numbered.

A release freezes the current programme into a snapshot (domain.agenda_snapshot), tells each
speaker once what it did to their part (items new, moved or cancelled, or that they were added
to or taken off), with times in their own time zone, and sends a summary to the confirmed
registrants who asked to hear of changes; all through the outbox.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from conference.agenda import ical as agenda_ical
from conference.agenda import snapshot as agenda_snapshot
from conference.agenda.models import AgendaStar, ScheduleRelease, Speaker
from conference.core import audit
from conference.core.links import external_url
from conference.core.types import utcnow
from conference.errors import AlreadyExists, DomainError
from conference.events.models import Event
from conference.extensions import db
from conference.i18n import format_datetime
from conference.mail import opt_outs
from conference.mail.mailer import queue_mail
from conference.registration.enums import RegistrationState
from conference.registration.models import Registration
from conference.web.page_values import Standing


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
    event.require_manager(actor, _("Only the event's organisers may release the programme."))
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


def agenda_link(event: Event) -> str:
    # The public agenda page, once that part of the app is there; the event's page until then.
    endpoint = "agenda.show" if "agenda.show" in current_app.view_functions else "events.show_event"
    return external_url(endpoint, slug=event.slug)


def entry_changes(changes: dict) -> dict[str, str]:
    """What ``changes`` did to each entry, by uid: new, moved, changed or cancelled."""
    return {entry["uid"]: kind for kind, found in changes.items() for entry in found}


def mail_schedule(snapshot: dict, entries: list[dict], kinds: dict[str, str]) -> list[dict]:
    """``entries`` of ``snapshot`` as the agenda mails list them (mail_templates.agenda): by
    start, with their room's name and what this release did to them (``change``, from
    ``kinds`` by uid: new, moved, changed, cancelled, removed or empty); ``translations`` of
    the title and room, for the mail to give them in its recipient's language."""
    rooms = {room["id"]: room for room in snapshot.get("rooms", [])}
    schedule = []
    for e in sorted(entries, key=lambda e: (e["start"], e["uid"])):
        room = rooms.get(e.get("room_id")) or {}
        schedule.append({
            "title": e["title"], "start": dt.datetime.fromisoformat(e["start"]),
            "end": dt.datetime.fromisoformat(e["end"]), "room": room.get("name", ""), "change": kinds.get(e["uid"], ""),
            "translations": {"title": (e.get("translations") or {}).get("title") or {},
                             "room": (room.get("translations") or {}).get("name") or {}}})
    return schedule


def speaker_changes(changes: dict) -> dict[int, dict[str, tuple[str, dict]]]:
    """Per speaker id, what ``changes`` did to their part in the programme, by entry uid: a
    (kind, entry) pair, kind being new (a new item, or they were added to one), moved (an item
    of theirs moved), cancelled (an item of theirs is gone) or removed (they were taken off an
    item that goes on). A change of content alone is not theirs to hear of; sessions have no
    speakers."""
    found: dict[int, dict[str, tuple[str, dict]]] = {}

    def mark(speaker_ids, kind: str, entry: dict) -> None:
        for speaker_id in speaker_ids:
            found.setdefault(speaker_id, {})[entry["uid"]] = (kind, entry)

    for entry in changes.get("new", ()):
        mark(entry.get("speaker_ids", ()), "new", entry)
    for entry in changes.get("cancelled", ()):
        mark(entry.get("speaker_ids", ()), "cancelled", entry)
    for kind in ("moved", "changed"):
        for entry in changes.get(kind, ()):
            now, before = entry.get("speaker_ids", []), entry.get("previous", {}).get("speaker_ids", [])
            mark([s for s in now if s not in before], "new", entry)
            mark([s for s in before if s not in now], "removed", entry.get("previous", entry))  # as they knew it
            if kind == "moved":
                mark([s for s in now if s in before], "moved", entry)
    return found


def speaker_schedules(snapshot: dict, changes: dict) -> dict[int, list[dict]]:
    """Per speaker id, the items whose changes are theirs to hear of (``speaker_changes``), as
    the mails list them."""
    return {speaker_id: mail_schedule(snapshot, [entry for _kind, entry in theirs.values()],
                                      {uid: kind for uid, (kind, _entry) in theirs.items()})
            for speaker_id, theirs in speaker_changes(changes).items()}


def only_cancelled(schedule: list[dict]) -> bool:
    """Whether every entry of a speaker's schedule is gone for them (cancelled, or taken off)."""
    return bool(schedule) and all(e["change"] in ("cancelled", "removed") for e in schedule)


def mailed_speakers(event: Event, schedules: dict[int, list[dict]]) -> list[Speaker]:
    """The speakers among ``schedules`` that have an email address, by id."""
    if not schedules:
        return []
    return list(db.session.scalars(sa.select(Speaker).where(Speaker.event_id == event.id, Speaker.id.in_(schedules),
                                                            Speaker.email != "")
                                   .options(selectinload(Speaker.user)).order_by(Speaker.id)))


def registrant_schedules(event: Event, snapshot: dict, changes: dict,
                         registrations: list[Registration]) -> dict[int, list[dict]]:
    """Per registration id, the entries its participant starred (one query for all): a starred
    session brings its items; an entry cancelled earlier than this release drops out."""
    user_ids = {r.user_id for r in registrations if r.user_id is not None}
    stars: dict[int | None, set[str]] = {}  # by account; a registration without one has none
    if user_ids:
        for user_id, uid in db.session.execute(sa.select(AgendaStar.user_id, AgendaStar.uid).where(
                AgendaStar.event_id == event.id, AgendaStar.user_id.in_(user_ids))):
            stars.setdefault(user_id, set()).add(uid)
    cancelled_now = {e["uid"] for e in changes.get("cancelled", ())}
    kinds = entry_changes(changes)
    result = {}
    for registration in registrations:
        entries = [e for e in agenda_ical.starred(snapshot, stars.get(registration.user_id, ()))
                   if not e.get("cancelled") or e["uid"] in cancelled_now]
        result[registration.id] = mail_schedule(snapshot, entries, kinds)
    return result


def _mail_speakers(event: Event, entry: ScheduleRelease, changes: dict) -> None:
    """One mail per speaker with an email whose part in the programme changed, listing those
    items in the speaker's own zone: their times when something of theirs is new or moved (the
    cancelled ones listed too), else the mail that their items are cancelled. A speaker's mail
    about their own items has no opt-out."""
    schedules = speaker_schedules(entry.snapshot, changes)
    link = agenda_link(event)
    for speaker in mailed_speakers(event, schedules):
        options: dict[str, Any] = {
            "to": speaker.email, "to_name": speaker.name, "event": event, "user": speaker.user,
            "context": {"release": entry, "changes": changes, "schedule": schedules[speaker.id],
                        "timezone": speaker.timezone, "link": link}}
        if only_cancelled(schedules[speaker.id]):
            queue_mail("agenda_speaker_cancelled", **options)
        else:
            queue_mail("agenda_speaker_times", **options)


def _mail_registrants(event: Event, entry: ScheduleRelease, changes: dict) -> None:
    """The summary to each confirmed registrant who asked for it, unless their address opted out
    of agenda updates; each mail carries the one-click unsubscribe headers."""
    opted_out = opt_outs.opted_out(event, "agenda_updates")
    registrations = [r for r in db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id,
                                      Registration.state == RegistrationState.CONFIRMED,
                                      Registration.agenda_updates.is_(True))
        .options(selectinload(Registration.user)).order_by(Registration.id))
        if r.email.lower() not in opted_out]
    schedules = registrant_schedules(event, entry.snapshot, changes, registrations)
    link = agenda_link(event)
    for registration in registrations:
        queue_mail("agenda_updated", to=registration.email, to_name=registration.name, event=event,
                   user=registration.user, headers=opt_outs.unsubscribe_headers(event, registration.email,
                                                                                "agenda_updates"),
                   context={"release": entry, "changes": changes, "schedule": schedules[registration.id],
                            "link": link})


@dataclasses.dataclass(frozen=True)
class ReleasedAgenda:
    """What the event's page shows about the agenda: whether one is released, and where it stands."""

    released: bool
    standing: Standing


def agenda_entry(event: Event, *_page) -> ReleasedAgenda:
    latest = db.session.execute(sa.select(ScheduleRelease.number, ScheduleRelease.released_at)
                                .where(ScheduleRelease.event_id == event.id)
                                .order_by(ScheduleRelease.number.desc()).limit(1)).one_or_none()
    if latest is None:
        return ReleasedAgenda(False, Standing(_("Agenda"), _("Not released yet.")))
    text = _("Version %(number)d released on %(date)s.", number=latest.number,
             date=format_datetime(latest.released_at))
    return ReleasedAgenda(True, Standing(_("Agenda"), text))
