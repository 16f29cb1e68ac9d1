"""What events hold about a person (their team roles and the invitations sent to their address),
for the export and for erasure (see conference.core.personal_data). The events and series they
created keep referring to the account, which is erased in place."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from conference.core.personal_data import Person, iso, not_over_since
from conference.events.models import Event, EventRole, TeamInvitation
from conference.extensions import db

TABLES = ("event", "event_role", "team_invitation", "series")


def _invitations(email: str) -> list[TeamInvitation]:
    return list(db.session.scalars(sa.select(TeamInvitation).where(TeamInvitation.email == email)
                                   .options(joinedload(TeamInvitation.event)).order_by(TeamInvitation.id)))


def export(user) -> dict:
    roles = db.session.scalars(sa.select(EventRole).where(EventRole.user_id == user.id)
                               .options(joinedload(EventRole.event)).order_by(EventRole.id))
    return {
        "team_roles": [{"event": r.event.slug, "role": r.role.value, "since": iso(r.created_at),
                        "tracks": [t.name for t in r.tracks]} for r in roles],
        "team_invitations": [{"event": i.event.slug, "role": i.role.value, "message": i.message,
                              "created_at": iso(i.created_at), "accepted_at": iso(i.accepted_at),
                              "revoked_at": iso(i.revoked_at)}
                             for i in (_invitations(user.email) if user.is_verified else [])],
    }


def erase(user, *, person: Person, actor, now: dt.datetime) -> None:
    """The person leaves every event's team; invitations to their address name no one, and open
    ones are revoked."""
    for role in db.session.scalars(sa.select(EventRole).where(EventRole.user_id == user.id)):
        role.event.roles.remove(role)
    for invitation in _invitations(person.email) if person.verified else []:
        invitation.email, invitation.message = person.placeholder, ""
        if invitation.is_open:
            invitation.revoked_at = now


def binds(user, *, now: dt.datetime) -> list[str]:
    titles = db.session.scalars(
        sa.select(Event.title).join(EventRole, EventRole.event_id == Event.id)
        .where(EventRole.user_id == user.id, Event.end_date >= not_over_since(now)).distinct().order_by(Event.title))
    return [_("You are on the team of %(event)s until it is over.", event=title) for title in titles]
