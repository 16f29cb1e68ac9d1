"""Finding an event's participant category by the name typed in a cell of an imported CSV file
(invitations, a delegation's people)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.events.models import Event
from conference.extensions import db
from conference.registration.models import ParticipantCategory


def categories_by_name(event: Event) -> dict[str, list[ParticipantCategory]]:
    """The event's categories by lower-case name (two forms may each have one of a name)."""
    by_name: dict[str, list[ParticipantCategory]] = {}
    for category in db.session.scalars(sa.select(ParticipantCategory).where(ParticipantCategory.event_id == event.id)):
        by_name.setdefault(category.name.lower(), []).append(category)
    return by_name


def category_named(text: str, by_name: dict[str, list[ParticipantCategory]]
                   ) -> tuple[ParticipantCategory | None, str | None]:
    """The category a cell names and, when there is none or more than one, the problem."""
    text = " ".join((text or "").split())
    matches = by_name.get(text.lower(), [])
    if not matches:
        return None, _("there is no category “%(category)s”", category=text)
    if len(matches) > 1:
        return None, _("several forms have a category “%(category)s”; rename one so they can be told apart",
                       category=text)
    return matches[0], None
