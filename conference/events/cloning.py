"""A new event from an earlier one (the next edition of a series): its settings, tracks and team
here, and what each area above keeps of it through the hooks those areas register.

``register(area, clone)`` is called from an area's ``init_app``; ``clone(cloned)`` copies that
area's setup rows from ``cloned.source`` to ``cloned.target``, moving every date by
``cloned.shift``, and leaves out everything personal (submissions, reviews, registrations,
answers, nominations, mail sent). A hook names the areas it must run after, and finds their rows
in ``cloned.copies`` (old id to new row, by table)."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import zoneinfo
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.core.audit import record
from conference.core.bounds import date_in_range
from conference.core.timezones import is_valid_timezone
from conference.core.types import utcnow
from conference.errors import DomainError, NotAllowed, ValidationFailed
from conference.events import setup as event_setup
from conference.events.enums import TeamRole
from conference.events.models import Event, EventRole, Track
from conference.extensions import db

Row = TypeVar("Row")


@dataclasses.dataclass
class Cloned:
    """What the hooks get: the earlier event, the new one, how many days later the new one
    starts, who clones, and the rows copied so far by table name: {old id: new row}."""

    source: Event
    target: Event
    days: int
    actor: Any
    copies: dict[str, dict[int, Any]] = dataclasses.field(default_factory=dict)

    def shift(self, moment: dt.datetime | None) -> dt.datetime | None:
        """``moment`` as many days later, at the same time of day on the event's clock: a
        deadline at 23:59 in Zurich stays at 23:59 there across a change to or from summer time."""
        if moment is None:
            return None
        zone = zoneinfo.ZoneInfo(self.source.timezone if is_valid_timezone(self.source.timezone) else "UTC")
        wall = moment.astimezone(zone).replace(tzinfo=None) + dt.timedelta(days=self.days)
        return wall.replace(tzinfo=zone).astimezone(dt.UTC)

    def copy(self, row: Row, **values: Any) -> Row:
        """A new row with ``row``'s columns (not its id), ``values`` overriding them, added to the
        session and remembered in ``copies`` under its table; created_at is now."""
        mapper = sa.inspect(type(row))
        fields = {attr.key: copy.deepcopy(getattr(row, attr.key)) for attr in mapper.column_attrs
                  if not any(column.primary_key for column in attr.columns)}
        if "created_at" in fields:
            fields["created_at"] = utcnow()
        fields.update(values)
        made = type(row)(**fields)
        db.session.add(made)
        self.copies.setdefault(mapper.local_table.name, {})[row.id] = made  # type: ignore[attr-defined]
        return made

    def mapped(self, table: str, rows: list) -> list:
        """The copies of ``rows`` (of ``table``), for a many-to-many limit (tracks, types...)."""
        found = self.copies.get(table, {})
        return [found[row.id] for row in rows if row.id in found]


_HOOKS: dict[str, tuple[Callable[[Cloned], None], tuple[str, ...]]] = {}


def register(area: str, clone: Callable[[Cloned], None], *, after: tuple[str, ...] = ()) -> None:
    """Plug in what ``area`` copies into a new edition, run after the areas named in ``after``
    (whose copies it maps to: areas are not initialised in their layers' order). Registering an
    area again (a new app) replaces its hook."""
    _HOOKS[area] = (clone, after)


def _in_order() -> list[Callable[[Cloned], None]]:
    """The hooks, each after those it names (registration order otherwise)."""
    done: list[str] = []
    while len(done) < len(_HOOKS):
        ready = [area for area, (_clone, after) in _HOOKS.items()
                 if area not in done and all(name in done or name not in _HOOKS for name in after)]
        if not ready:
            raise RuntimeError(f"Cloning hooks wait for each other: {sorted(set(_HOOKS) - set(done))}")
        done.append(ready[0])
    return [_HOOKS[area][0] for area in done]


def cloneable_events(user) -> list[Event]:
    """The events ``user`` may clone: those they manage (every event for a site admin), latest first."""
    query = sa.select(Event).order_by(Event.start_date.desc(), Event.title)
    if not user.can_administer():
        query = query.where(Event.id.in_(sa.select(EventRole.event_id).where(
            EventRole.user_id == user.id, EventRole.role == TeamRole.ORGANISER)))
    return list(db.session.scalars(query))


def clone_event(source: Event, *, title: str, slug: str, starts_on: dt.date | None, actor) -> Event:
    """A draft event like ``source`` under a new title and address, starting on ``starts_on``:
    its settings, tracks and team (the same people in the same roles; invitations still open are
    not copied) and each area's setup, every date moved by the days between the two starts.
    Only someone who manages ``source`` and may create events may."""
    source.require_manager(actor, _("Only the event's organisers can make a new event from it."))
    if not actor.can_create_event():
        raise NotAllowed(_("You do not have the right to create events. Ask a site administrator."))
    if starts_on is None:
        raise DomainError(_("Give the first day as a date."), field="start_date")
    fields = {name: getattr(source, name) for name in event_setup.EDITABLE_FIELDS}
    # The title's translations were the old title's: the new title is given in one language.
    fields.update(title=title, slug=slug, start_date=starts_on, title_translations={},
                  end_date=starts_on + (source.end_date - source.start_date) if date_in_range(starts_on)
                  else starts_on)
    try:
        target = event_setup.create_event(actor=actor, **fields)
    except ValidationFailed as error:
        # The new start can put the last day out of range: the form asks only for the start.
        if "end_date" in error.errors:
            errors = {name: text for name, text in error.errors.items() if name != "end_date"}
            errors.setdefault("start_date", error.errors["end_date"])
            raise ValidationFailed(errors) from error
        raise
    cloned = Cloned(source=source, target=target, days=(starts_on - source.start_date).days, actor=actor)
    _copy_tracks_and_team(cloned)
    for clone in _in_order():
        clone(cloned)
    db.session.flush()
    record("event.cloned", actor=actor, obj=target, event=target, source=source.slug)
    return target


def _copy_tracks_and_team(cloned: Cloned) -> None:
    for track in db.session.scalars(sa.select(Track).where(Track.event_id == cloned.source.id)
                                    .order_by(Track.position, Track.id)):
        cloned.copy(track, event_id=cloned.target.id)
    db.session.flush()
    already = {(role.user_id, role.role) for role in cloned.target.roles}
    for role in cloned.source.roles:
        if (role.user_id, role.role) in already:
            continue
        cloned.target.roles.append(EventRole(user_id=role.user_id, role=role.role, max_load=role.max_load,
                                             tracks=cloned.mapped("track", role.tracks)))
