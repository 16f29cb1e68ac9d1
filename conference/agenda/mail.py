"""Mail when a version of the programme is released: the speakers' times (or that their items
are cancelled), and the summary of changes for the registrants who asked for it.

What the callers pass (``context=`` of ``queue_mail``): ``release`` (the ``ScheduleRelease``),
``changes`` (its changelog, see ``domain.agenda_snapshot.changelog``), ``link`` (the public
programme), ``schedule`` (the recipient's entries, see ``domain.releases.mail_schedule``: dicts
with ``title``, ``start``, ``end`` as aware datetimes, ``room``, ``change``: new, moved,
changed, cancelled, removed, i.e. the speaker was taken off it, or empty, and the title's and
room's ``translations``: placeholders give them in the recipient's language) and optionally
``timezone``: the zone a speaker gave the organisers, which wins over the account's.
"""

from __future__ import annotations

from functools import partial

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from conference.agenda import releases
from conference.agenda import snapshot as agenda_snapshot
from conference.core.translations import current_language
from conference.extensions import db
from conference.mail.placeholders import when
from conference.mail.registry import (
    MailContext,
    Placeholder,
    TemplateSpec,
    add_set,
    register,
)
from conference.registration.enums import RegistrationState
from conference.registration.models import Registration

GROUP = _l("Programme")
GONE = ("cancelled", "removed")  # what no longer takes place, or no longer with the recipient


def _when(c: MailContext, value) -> str:
    return when(c, value)  # in the recipient's zone (MailContext.timezone)


def _text(entry: dict, field: str) -> str:
    """An entry's title or room in the language the mail is written in, else as released."""
    return agenda_snapshot.text(entry, field, current_language())


def _first(c: MailContext) -> dict:
    """The recipient's first entry that still takes place for them (the first of all if none does)."""
    schedule = c.get("schedule") or []
    return next((e for e in schedule if e.get("change") not in GONE), schedule[0] if schedule else {})


def _change_label(change: str) -> str:
    return {"moved": _("moved"), "changed": _("changed"), "cancelled": _("cancelled"),
            "removed": _("you no longer speak in it")}.get(change, "")


def schedule_text(c: MailContext) -> str:
    """One line per entry: "- Title: start – end, Room (moved)", times in the recipient's zone."""
    lines = []
    for entry in c.get("schedule") or ():
        line = f"- {_text(entry, 'title')}: {_when(c, entry['start'])} – {_when(c, entry['end'])}"
        if entry.get("room"):
            line += f", {_text(entry, 'room')}"
        label = _change_label(entry.get("change", ""))
        if label:
            line += f" ({label})"
        lines.append(line)
    return "\n".join(lines)


def starred_text(c: MailContext) -> str:
    schedule = schedule_text(c)
    return _("Your agenda (what you starred), in your time zone:") + "\n" + schedule if schedule else ""


def changes_text(c: MailContext) -> str:
    changes = c.get("changes") or {}
    return "\n".join([
        _("New: %(count)d", count=len(changes.get("new", ()))),
        _("Moved: %(count)d", count=len(changes.get("moved", ()))),
        _("Changed: %(count)d", count=len(changes.get("changed", ()))),
        _("Cancelled: %(count)d", count=len(changes.get("cancelled", ()))),
    ])


add_set("session", [
    Placeholder("session_title", _l("The title of the recipient's first talk or session in the programme"),
                lambda c: _text(_first(c), "title")),
    Placeholder("session_room", _l("Its room"), lambda c: _text(_first(c), "room")),
    Placeholder("session_start", _l("Its start, in the recipient's time zone"),
                lambda c: _when(c, _first(c).get("start"))),
    Placeholder("session_end", _l("Its end, in the recipient's time zone"), lambda c: _when(c, _first(c).get("end"))),
    Placeholder("schedule", _l("All the recipient's talks and sessions, with their times in the recipient's time "
                               "zone and rooms"), schedule_text, kind="block"),
])

RELEASE = (
    Placeholder("release_name", _l("The name of the released version"), lambda c: c["release"].name),
    Placeholder("release_comment", _l("The organisers' comment on the release (empty if none)"),
                lambda c: c["release"].comment or "", kind="block"),
)


# Samples: the latest release and a real recipient ------------------------------------------------------

def _latest(event):
    """The event's latest release and its changes since the one before (None: none yet)."""
    found = releases.releases_of(event)[:2]
    if not found:
        return None
    previous = found[1].snapshot if len(found) > 1 else None
    return found[0], agenda_snapshot.changelog(previous, found[0].snapshot)


def _speaker_sample(event, *, cancelled: bool = False):
    """A speaker of the latest release who gets the speakers' times from it (``cancelled``: the
    mail that their items are cancelled). Before any release did so, any speaker of the latest
    one, their items shown as new (or cancelled), for a preview."""
    latest = _latest(event)
    if latest is None:
        return None
    entry, changes = latest
    schedules = {speaker_id: schedule for speaker_id, schedule in releases.speaker_schedules(entry.snapshot,
                                                                                           changes).items()
                 if releases.only_cancelled(schedule) == cancelled}
    if not schedules:
        items = [i for i in entry.snapshot["items"] if cancelled or not i.get("cancelled")]
        schedules = releases.speaker_schedules(entry.snapshot, {"cancelled" if cancelled else "new": items})
    mailed = releases.mailed_speakers(event, schedules)[:1]
    if not mailed:
        return None
    speaker = mailed[0]
    data = {"release": entry, "changes": changes, "schedule": schedules[speaker.id], "timezone": speaker.timezone,
            "link": releases.agenda_link(event)}
    return data, speaker.name, speaker.email, speaker.user


def _registrant_sample(event):
    """A confirmed registrant who asked for the summary (else any registrant), with their starred entries."""
    latest = _latest(event)
    if latest is None:
        return None
    entry, changes = latest
    query = sa.select(Registration).where(Registration.event_id == event.id).order_by(Registration.id).limit(1)
    registration = (db.session.scalars(query.where(Registration.state == RegistrationState.CONFIRMED,
                                                   Registration.agenda_updates.is_(True))).first()
                    or db.session.scalars(query).first())
    if registration is None:
        return None
    schedule = releases.registrant_schedules(event, entry.snapshot, changes, [registration]).get(registration.id, [])
    data = {"release": entry, "changes": changes, "schedule": schedule, "link": releases.agenda_link(event)}
    return data, registration.name, registration.email, registration.user


register(TemplateSpec(
    key="agenda_speaker_times",
    group=GROUP,
    label=_l("Speakers' times"),
    when=_l("To every speaker who has an item that is new or moved (or who was added to one), when the organisers "
            "release a version of the programme; their items cancelled by the same release are listed too."),
    subject=_l("Your times in the programme of {event_title}"),
    body=_l("""Hello {recipient_name},

The organisers of {event_title} released a new version of the programme ({release_name}). Your times, in your time zone:

{schedule}

The whole programme:

{link}"""),
    sets=("recipient", "event", "link", "session"),
    extra=RELEASE,
    sample=_speaker_sample,
))

register(TemplateSpec(
    key="agenda_speaker_cancelled",
    group=GROUP,
    label=_l("Speakers' cancelled items"),
    when=_l("To every speaker whose items are all cancelled (or who was taken off them) and who has nothing new or "
            "moved, when the organisers release a version of the programme. Speakers with something new or moved get "
            "\"Speakers' times\" instead, which lists their cancelled items too."),
    subject=_l("Cancelled: your part in the programme of {event_title}"),
    body=_l("""Hello {recipient_name},

The organisers of {event_title} released a new version of the programme ({release_name}). These items are no longer in \
the programme, or no longer with you as a speaker (times in your time zone, as they were):

{schedule}

{release_comment}

If you have questions, please contact the organisers. The whole programme:

{link}"""),
    sets=("recipient", "event", "link", "session"),
    extra=RELEASE,
    sample=partial(_speaker_sample, cancelled=True),
))

register(TemplateSpec(
    key="agenda_updated",
    group=GROUP,
    label=_l("Schedule change"),
    when=_l("To confirmed registrants who asked to be told of changes, when the organisers release a version of the "
            "programme. It can be turned off with one click (List-Unsubscribe)."),
    subject=_l("The programme of {event_title} has changed"),
    body=_l("""Hello {recipient_name},

The organisers of {event_title} released a new version of the programme: {release_name}.

{release_comment}

{changes}

{starred_schedule}

The programme:

{link}

You receive this because you asked to be told of changes to the programme; you can turn it off on your registration \
page or with the unsubscribe link of your mail program."""),
    sets=("recipient", "event", "link", "session"),
    extra=(
        *RELEASE,
        Placeholder("changes", _l("How many entries this release made new, moved, changed and cancelled"),
                    changes_text, kind="block"),
        Placeholder("starred_schedule", _l("The recipient's schedule under the heading \"Your agenda (what you "
                                           "starred)\" (empty when they starred nothing)"), starred_text, kind="block"),
    ),
    sample=_registrant_sample,
))
