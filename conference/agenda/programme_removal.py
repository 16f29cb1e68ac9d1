"""Taking things out of the programme: a session (its items go back to the unscheduled list),
an item, a speaker who no longer speaks or chairs. What was already released stays in that
release; the next release lists what was removed as cancelled."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.agenda.models import (
    AgendaItem,
    AgendaItemSpeaker,
    AgendaSession,
    Speaker,
    session_chair,
)
from conference.agenda.programme import require_organiser
from conference.core import audit
from conference.errors import InvalidState
from conference.events.models import Event
from conference.extensions import db


def delete_session(session: AgendaSession, *, actor, event: Event) -> int:
    """Delete a session; its items stay in the programme, unscheduled. Returns how many."""
    require_organiser(event, actor)
    items = list(session.items)
    for item in items:
        item.session_id, item.starts_at = None, None
    audit.record("agenda.session_deleted", actor=actor, obj=session, event=event, title=session.title,
                 unscheduled=len(items))
    db.session.delete(session)
    db.session.flush()
    return len(items)


def delete_item(item: AgendaItem, *, actor, event: Event) -> None:
    """Take an item out of the programme. An accepted paper's item comes back with "Add
    accepted submissions" if the organisers change their mind."""
    require_organiser(event, actor)
    audit.record("agenda.item_deleted", actor=actor, obj=item, event=event, title=item.title,
                 submission_id=item.submission_id)
    db.session.delete(item)
    db.session.flush()


def delete_speaker(speaker: Speaker, *, actor, event: Event) -> None:
    """A speaker who still speaks or chairs is kept: take them off those first."""
    require_organiser(event, actor)
    speaks = db.session.scalar(sa.select(sa.func.count()).select_from(AgendaItemSpeaker)
                               .where(AgendaItemSpeaker.speaker_id == speaker.id))
    chairs = db.session.scalar(sa.select(sa.func.count()).select_from(session_chair)
                               .where(session_chair.c.speaker_id == speaker.id))
    if speaks or chairs:
        raise InvalidState(_("%(name)s still speaks in %(items)d item(s) and chairs %(sessions)d session(s): take "
                             "them off those first.", name=speaker.name, items=speaks, sessions=chairs))
    audit.record("agenda.speaker_deleted", actor=actor, obj=speaker, event=event, name=speaker.name)
    db.session.delete(speaker)
    db.session.flush()
