"""What the organisers read and set about delegations as a whole: the overview of every
organisation with its quota and delegates per attendance mode (filtered, with totals), the
focal point deadline and an immediate reminder, and the participant list grouped by
organisation. Every reading runs a fixed number of SQL statements whatever the number of
organisations and registrations."""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.core.audit import record
from conference.core.types import utcnow
from conference.delegations import delegations
from conference.delegations.enums import OrganisationKind
from conference.delegations.models import Organisation
from conference.errors import DomainError
from conference.events.models import Event
from conference.extensions import db
from conference.registration import places
from conference.registration.admin import ListedParticipant, may_see_participants
from conference.registration.enums import AttendanceMode, RegistrationState
from conference.registration.models import Registration, RegistrationSettings

# The overview ------------------------------------------------------------------------------------------

@dataclasses.dataclass
class ModeLine:
    """One organisation's delegation (or all of them) in one attendance mode."""

    mode: AttendanceMode
    quota: int | None
    approved: int
    pending: int
    waiting: int
    checked_in: int
    left: int | None
    reserved: int = 0  # kept for substitutes


def mode_lines(organisation: Organisation, counts: delegations.DelegationCounts,
               modes: tuple[AttendanceMode, ...]) -> list[ModeLine]:
    """The organisation's delegation per mode, from the event's counts (no query)."""
    return [ModeLine(mode, organisation.quota(mode), counts.approved[(organisation.id, mode)],
                     counts.pending[(organisation.id, mode)], counts.waiting[(organisation.id, mode)],
                     counts.checked_in[(organisation.id, mode)], counts.left(organisation, mode),
                     counts.reserved[(organisation.id, mode)])
            for mode in modes]


@dataclasses.dataclass
class OrganisationLine:
    organisation: Organisation
    modes: list[ModeLine]
    nominated: int  # open nominations, not used yet
    escalated: int  # pending ones the organisers decide, the focal point deadline having passed

    @property
    def pending(self) -> int:
        return sum(line.pending for line in self.modes)

    @property
    def quota_full(self) -> bool:
        """No place is left in a mode that has a quota."""
        return any(line.left == 0 for line in self.modes)


@dataclasses.dataclass
class Overview:
    lines: list[OrganisationLine]  # those matching the filters, by name
    totals: list[ModeLine]  # of the lines shown; a quota total only when every line has one
    nominated: int
    escalated: int
    organisations: int  # before filtering


def _escalated(event: Event) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(Registration.organisation_id, sa.func.count())
        .where(Registration.event_id == event.id, Registration.state == RegistrationState.PENDING,
               Registration.organisation_id.is_not(None), Registration.escalated_at.is_not(None))
        .group_by(Registration.organisation_id)
    ).all()
    return {organisation_id: count for organisation_id, count in rows if organisation_id is not None}


def _matches(line: OrganisationLine, *, kind, pending_only: bool, full_only: bool, search: str) -> bool:
    organisation = line.organisation
    if kind is not None and organisation.kind != kind:
        return False
    if pending_only and not line.pending:
        return False
    if full_only and not line.quota_full:
        return False
    return not search or search in organisation.name.casefold() or search in (organisation.acronym or "").casefold()


def overview(event: Event, *, kind: OrganisationKind | str | None = None, pending_only: bool = False,
             full_only: bool = False, search: str = "") -> Overview:
    """Every organisation of the event with, per mode of the event, its quota and how many are
    approved, pending, waiting and checked in and the places left; and its open nominations.
    ``kind``, ``pending_only`` (someone pending), ``full_only`` (a quota with no place left)
    and ``search`` (in the name or acronym) narrow the lines; the totals add up the lines shown."""
    try:
        kind = OrganisationKind(kind) if kind else None
    except ValueError:
        kind = None
    search = " ".join((search or "").split()).casefold()[:200]
    modes = places.modes_of(event)
    counts = delegations.delegation_counts(event)
    escalated = _escalated(event)
    organisations = delegations.organisations_of(event)
    lines = []
    for organisation in organisations:
        line = OrganisationLine(organisation, mode_lines(organisation, counts, modes),
                                counts.nominated[organisation.id],
                                escalated.get(organisation.id, 0))
        if _matches(line, kind=kind, pending_only=pending_only, full_only=full_only, search=search):
            lines.append(line)
    totals = []
    for i, mode in enumerate(modes):
        column = [line.modes[i] for line in lines]
        quotas = [each.quota for each in column if each.quota is not None]
        lefts = [each.left for each in column if each.left is not None]  # one where there is a quota
        every_quota = bool(column) and len(quotas) == len(column)
        totals.append(ModeLine(
            mode, sum(quotas) if every_quota else None, sum(each.approved for each in column),
            sum(each.pending for each in column), sum(each.waiting for each in column),
            sum(each.checked_in for each in column), sum(lefts) if every_quota else None))
    return Overview(lines, totals, sum(line.nominated for line in lines), sum(line.escalated for line in lines),
                    len(organisations))


def has_organisations(event: Event) -> bool:
    return bool(db.session.scalar(sa.select(sa.exists().where(Organisation.event_id == event.id))))


# The focal point deadline --------------------------------------------------------------------------------

def set_focal_point_deadline(event: Event, *, actor, deadline: dt.datetime | None,
                             now: dt.datetime | None = None) -> RegistrationSettings:
    """Set (or, with None, remove) the moment after which the organisers decide what focal points
    left pending. A new deadline must be in the future; a changed one is reminded of again
    before it. People already handed to the organisers stay with them."""
    delegations.require_organiser(event, actor)
    now = now or utcnow()
    settings = places.ensure_registration_settings(event)
    if deadline == settings.focal_point_deadline:
        return settings
    if deadline is not None and deadline <= now:
        raise DomainError(_("Choose a date and time in the future."), field="deadline")
    settings.focal_point_deadline = deadline
    settings.focal_point_reminded_at = None
    db.session.flush()
    record("delegation.deadline_set", actor=actor, obj=event, event=event,
           deadline=deadline.isoformat() if deadline else "")
    return settings


def remind_focal_points_now(event: Event, *, actor, now: dt.datetime | None = None) -> int:
    """Remind now every focal point with people waiting for them; returns the number of mails.
    When nobody waits, no mail goes out and the reminder before the deadline is still due."""
    return delegations.remind_focal_points(event, actor=actor, now=now)


# The participant list by organisation ----------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class ParticipantGroup:
    organisation: str | None  # the organisation's label; None for people of no organisation
    participants: list[ListedParticipant]


def participants_by_organisation(event: Event, viewer) -> list[ParticipantGroup] | None:
    """The participant list (confirmed people who agreed to be listed, names and affiliations
    only) in one group per organisation, by name, then those of no organisation; None when
    ``viewer`` may not see the list."""
    if not may_see_participants(event, viewer):
        return None
    rows = db.session.execute(
        sa.select(Registration.name, Registration.affiliation, Organisation.name, Organisation.acronym)
        .outerjoin(Organisation, Registration.organisation_id == Organisation.id)
        .where(Registration.event_id == event.id, Registration.state == RegistrationState.CONFIRMED,
               Registration.listed.is_(True))
    ).all()
    groups: dict[tuple[str, str] | None, list[ListedParticipant]] = {}
    for name, affiliation, organisation, acronym in rows:
        key = (organisation, acronym or "") if organisation is not None else None
        groups.setdefault(key, []).append(ListedParticipant(name, affiliation or ""))
    ordered = sorted((key for key in groups if key is not None), key=lambda key: key[0].casefold())
    result = [ParticipantGroup(f"{name} ({acronym})" if acronym else name, _by_name(groups[(name, acronym)]))
              for name, acronym in ordered]
    if None in groups:
        result.append(ParticipantGroup(None, _by_name(groups[None])))
    return result


def _by_name(people: list[ListedParticipant]) -> list[ListedParticipant]:
    return sorted(people, key=lambda p: (p.name.casefold(), p.affiliation.casefold()))
