"""What delegations hold about a person: the organisations they are (or were invited to be) a
focal point of; for the export and for erasure (see conference.core.personal_data). Erasure
removes them from their organisations' focal points."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from conference.core.personal_data import Person, iso, not_over_since
from conference.delegations.models import FocalPoint, Organisation
from conference.events.models import Event
from conference.extensions import db

TABLES = ("focal_point",)


def _focal_points(user, email: str | None) -> list[FocalPoint]:
    match = FocalPoint.user_id == user.id
    if email:
        match = sa.or_(match, FocalPoint.email == email)
    return list(db.session.scalars(sa.select(FocalPoint).where(match).order_by(FocalPoint.id)
                                   .options(joinedload(FocalPoint.organisation))))


def export(user) -> dict:
    focal_points = _focal_points(user, user.email if user.is_verified else None)
    slugs = dict(db.session.execute(sa.select(Event.id, Event.slug).where(
        Event.id.in_({f.organisation.event_id for f in focal_points}))).all())
    return {"focal_points": [
        {"event": slugs[f.organisation.event_id], "organisation": f.organisation.label, "name": f.name,
         "created_at": iso(f.created_at), "accepted_at": iso(f.accepted_at)} for f in focal_points]}


def erase(user, *, person: Person, actor, now: dt.datetime) -> None:
    for focal_point in _focal_points(user, person.owned_email):
        focal_point.organisation.focal_points.remove(focal_point)


def binds(user, *, now: dt.datetime) -> list[str]:
    titles = db.session.scalars(
        sa.select(Organisation.name).join(FocalPoint, FocalPoint.organisation_id == Organisation.id)
        .join(Event, Event.id == Organisation.event_id)
        .where(FocalPoint.user_id == user.id, Event.end_date >= not_over_since(now)).order_by(Organisation.name))
    return [_("You are a focal point of %(organisation)s: ask the organisers to hand it to someone else.",
              organisation=title) for title in titles]
