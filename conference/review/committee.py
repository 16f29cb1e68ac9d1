"""The review committee: inviting reviewers and track chairs (by email, with or without an
account, optionally for some tracks), their track limits and individual caps, and the
committee as organisers see it: members with their load, and the invitations' answers."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.core.audit import record
from conference.core.models import AuditEntry
from conference.errors import DomainError
from conference.events import team
from conference.events.enums import TeamRole
from conference.events.models import Event, EventRole, TeamInvitation, Track
from conference.extensions import db
from conference.review.common import assignment_loads, cap_of, ensure_review_settings

COMMITTEE_INVITE_ROLES = (TeamRole.REVIEWER, TeamRole.TRACK_CHAIR)
MAX_INDIVIDUAL_LOAD = 500


def invite_to_committee(event: Event, *, actor, email: str, role: TeamRole, track_ids=(),
                        message: str = "") -> TeamInvitation:
    """Invite a reviewer or a track chair by email, optionally for some of the event's tracks
    only (none: all tracks). An individual cap is set once they have joined (set_member_limits)."""
    try:
        chosen: TeamRole | None = TeamRole(role)
    except ValueError:
        chosen = None
    if chosen is None or chosen not in COMMITTEE_INVITE_ROLES:
        raise DomainError(_("Invite reviewers or track chairs here."), field="role")
    return team.invite_member(event, actor=actor, email=email, role=chosen, message=message, track_ids=track_ids)


def set_member_limits(role: EventRole, *, actor, track_ids, max_load: int | None) -> None:
    """Limit a reviewer or track chair to some tracks (none: all), and give a reviewer a cap of
    their own on assigned reviews (None: the event's cap). Organisers only."""
    event = role.event
    event.require_manager(actor, _("Only the event's organisers can change the committee."))
    if role.role not in COMMITTEE_INVITE_ROLES:
        raise DomainError(_("Only reviewers and track chairs have tracks and caps."))
    tracks = team.event_tracks(event, track_ids, role=role.role)
    if max_load is not None:
        if role.role != TeamRole.REVIEWER:
            raise DomainError(_("Only reviewers have a cap on reviews."), field="max_load")
        if not 1 <= max_load <= MAX_INDIVIDUAL_LOAD:
            raise DomainError(_("Give a cap between 1 and %(max)d, or leave it empty for the event's cap.",
                                max=MAX_INDIVIDUAL_LOAD), field="max_load")
    before = (sorted(t.id for t in role.tracks), role.max_load)
    role.tracks = tracks
    role.max_load = max_load
    after = (sorted(t.id for t in tracks), max_load)
    if before != after:
        record("committee.limits_changed", actor=actor, obj=role, event=event, user_id=role.user_id,
               role=role.role.value, track_ids=after[0], max_load=max_load)
    db.session.flush()


# Reading ----------------------------------------------------------------------------------------

@dataclass
class Member:
    role: EventRole
    load: int  # reviews assigned in this event
    cap: int | None  # the cap that applies (own or the event's); None: no cap
    own_cap: bool  # whether the cap is the member's own

    @property
    def user(self):
        return self.role.user


@dataclass
class InvitationRow:
    invitation: TeamInvitation
    status: str  # "open", "accepted", "declined" or "withdrawn"
    tracks: list[Track]


@dataclass
class Committee:
    members: list[Member]
    invitations: list[InvitationRow]

    @property
    def open_or_declined(self) -> list[InvitationRow]:
        return [row for row in self.invitations if row.status in ("open", "declined")]


ROLE_ORDER = {TeamRole.ORGANISER: 0, TeamRole.TRACK_CHAIR: 1, TeamRole.REVIEWER: 2}


def committee_of(event: Event) -> Committee:
    """The committee with loads and caps, and the committee invitations with their answer, in a
    fixed number of queries."""
    settings = ensure_review_settings(event)
    loads = assignment_loads(event)
    members = [
        Member(role=r, load=loads.get(r.user_id, 0) if r.role == TeamRole.REVIEWER else 0,
               cap=cap_of(r, settings) if r.role == TeamRole.REVIEWER else None,
               own_cap=r.max_load is not None)
        # The committee is who organises and reviews: check-in desk staff are on the team, not on it.
        for r in sorted((r for r in event.roles if r.role in ROLE_ORDER),
                        key=lambda r: (ROLE_ORDER[r.role], r.user.name.casefold(), r.user_id))
    ]
    invitations = list(db.session.scalars(
        sa.select(TeamInvitation)
        .where(TeamInvitation.event_id == event.id, TeamInvitation.role.in_(COMMITTEE_INVITE_ROLES))
        .order_by(TeamInvitation.created_at.desc(), TeamInvitation.id.desc())
    ))
    # Declining and withdrawing both close an invitation; the audit log tells them apart.
    declined = set(db.session.scalars(
        sa.select(AuditEntry.object_id).where(AuditEntry.event_id == event.id, AuditEntry.action == "team.declined",
                                              AuditEntry.object_type == "TeamInvitation")
    ))
    tracks = {t.id: t for t in db.session.scalars(sa.select(Track).where(Track.event_id == event.id))}
    rows = []
    for invitation in invitations:
        if invitation.accepted_at is not None:
            status = "accepted"
        elif invitation.revoked_at is None:
            status = "open"
        else:
            status = "declined" if invitation.id in declined else "withdrawn"
        rows.append(InvitationRow(invitation=invitation, status=status,
                                  tracks=[tracks[i] for i in invitation.track_ids or [] if i in tracks]))
    return Committee(members=members, invitations=rows)


def event_tracks_of(event: Event) -> list[Track]:
    return list(db.session.scalars(
        sa.select(Track).where(Track.event_id == event.id).order_by(Track.position, Track.name)
    ))
