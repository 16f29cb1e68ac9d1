"""An event's team: invitations by email, acceptance, roles."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from conference.accounts.models import User
from conference.accounts.users import normalise_email, sign_up
from conference.core.audit import record
from conference.core.bounds import id_or_none
from conference.core.links import external_url
from conference.core.tokens import make_token, read_token
from conference.core.types import utcnow
from conference.errors import (
    AlreadyExists,
    DomainError,
    InvalidState,
    InvalidToken,
)
from conference.events.enums import TeamRole
from conference.events.models import Event, EventRole, TeamInvitation, Track
from conference.extensions import db
from conference.mail.mailer import queue_mail

ROLE_LABELS = {
    TeamRole.ORGANISER: _l("organiser"),
    TeamRole.TRACK_CHAIR: _l("track chair"),
    TeamRole.REVIEWER: _l("reviewer"),
    TeamRole.DESK: _l("check-in desk"),
}


def invitation_token(invitation: TeamInvitation) -> str:
    return make_token("team-invitation", {"id": invitation.id})


# Roles that may be limited to some of the event's tracks.
TRACK_LIMITED_ROLES = frozenset({TeamRole.REVIEWER, TeamRole.TRACK_CHAIR})


def event_tracks(event: Event, track_ids, *, role: TeamRole, field: str = "track_ids") -> list[Track]:
    """The event's tracks numbered ``track_ids`` (none: all tracks). Only reviewers and track
    chairs are limited to tracks, and only to tracks of their own event."""
    wanted = {id_or_none(t) for t in track_ids or ()}
    if None in wanted:  # not a number, or beyond what the column holds: no track's
        raise DomainError(_("Choose tracks of this event."), field=field)
    if not wanted:
        return []
    if role not in TRACK_LIMITED_ROLES:
        raise DomainError(_("Only reviewers and track chairs can be limited to tracks."), field=field)
    tracks = list(db.session.scalars(
        sa.select(Track).where(Track.event_id == event.id, Track.id.in_(wanted)).order_by(Track.position, Track.name)
    ))
    if len(tracks) != len(wanted):
        raise DomainError(_("Choose tracks of this event."), field=field)
    return tracks


def invite_member(event: Event, *, actor, email: str, role: TeamRole, message: str = "",
                  track_ids=()) -> TeamInvitation:
    """Invite someone by email to a team role; works whether or not they have an account yet.
    Reviewers and track chairs may be invited for some tracks only (``track_ids``).

    One open invitation per person and event: to change the role, withdraw it and invite again.
    """
    event.require_manager(actor, _("Only the event's organisers can invite team members."))
    address = normalise_email(email)
    role = TeamRole(role)
    tracks = event_tracks(event, track_ids, role=role)
    existing_user = db.session.scalar(sa.select(User).where(User.email == address))
    if existing_user is not None and role in event.roles_of(existing_user):
        raise AlreadyExists(_("This person already has this role."), field="email")
    open_invitation = db.session.scalar(
        sa.select(TeamInvitation.id).where(
            TeamInvitation.event_id == event.id,
            TeamInvitation.email == address,
            TeamInvitation.accepted_at.is_(None),
            TeamInvitation.revoked_at.is_(None),
        )
    )
    if open_invitation is not None:
        raise AlreadyExists(
            _("This address already has an open invitation to this team. Withdraw it first to invite again."),
            field="email",
        )
    invitation = TeamInvitation(event=event, email=address, role=role, invited_by_id=actor.id,
                                track_ids=[t.id for t in tracks], message=message.strip())
    db.session.add(invitation)
    db.session.flush()
    queue_mail(
        "team_invitation",
        to=address,
        to_name=existing_user.name if existing_user else "",
        event=event,
        user=existing_user,
        context={
            "invitation": invitation,
            "inviter": actor,
            "role_label": ROLE_LABELS[role],
            "link": external_url("events.show_invitation", token=invitation_token(invitation)),
            "has_account": existing_user is not None,
            "tracks": [t.name for t in tracks],
        },
    )
    record("team.invited", actor=actor, obj=invitation, event=event, email=address, role=role.value,
           track_ids=[t.id for t in tracks] or None)
    return invitation


def invitation_from_token(token: str) -> TeamInvitation:
    payload = read_token("team-invitation", token, max_age=current_app.config["INVITATION_MAX_AGE"])
    invitation = db.session.get(TeamInvitation, payload.get("id"))
    if invitation is None:
        raise InvalidToken(_("This invitation does not exist any more."))
    if invitation.revoked_at is not None:
        raise InvalidToken(_("This invitation was withdrawn or declined and no longer works."))
    return invitation


def sign_up_and_accept(invitation: TeamInvitation, *, email: str, name: str, password: str,
                       timezone: str, language: str | None = None) -> tuple[User | None, bool]:
    """Sign up from an invitation link. Signing up with the invited address proves it (the link
    reached that mailbox): the account is verified at once and joins the team. With another
    address it is an ordinary sign-up that must verify its address; the invitation stays open.

    Returns the new account (None when the address already had one: see ``accounts.sign_up``)
    and whether it joined the team.
    """
    proven = invitation.is_open and normalise_email(email) == invitation.email
    user = sign_up(email=email, name=name, password=password, timezone=timezone, verified=proven,
                   language=language)
    if user is None:
        return None, False
    if proven:
        accept_invitation(invitation, user=user)
    return user, proven


def accept_invitation(invitation: TeamInvitation, *, user: User) -> EventRole | None:
    """Give ``user`` the invited role. Accepting twice is harmless."""
    if invitation.revoked_at is not None:
        raise InvalidState(_("This invitation was withdrawn or declined and no longer works."))
    if invitation.accepted_at is not None:
        if invitation.accepted_by_id == user.id:
            return None
        raise InvalidState(_("This invitation has already been accepted by someone else."))
    if not user.is_verified:
        raise DomainError(_("Verify your email address before joining an event's team."))
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    role = None
    if invitation.role not in invitation.event.roles_of(user):
        # Tracks deleted since the invitation simply drop out of the list.
        tracks = list(db.session.scalars(
            sa.select(Track).where(Track.event_id == invitation.event_id, Track.id.in_(invitation.track_ids or []))
        )) if invitation.track_ids else []
        role = EventRole(user_id=user.id, role=invitation.role, tracks=tracks)
        invitation.event.roles.append(role)
    record("team.joined", actor=user, obj=invitation, event=invitation.event, role=invitation.role.value)
    db.session.flush()
    return role


def decline_invitation(invitation: TeamInvitation, *, user: User | None) -> None:
    """Decline an open invitation. The link itself proves the mailbox, so someone without an
    account (``user`` None) may decline too."""
    if not invitation.is_open:
        raise InvalidState(_("This invitation is no longer open."))
    invitation.revoked_at = utcnow()
    record("team.declined", actor=user, obj=invitation, event=invitation.event, role=invitation.role.value)
    db.session.flush()


def revoke_invitation(invitation: TeamInvitation, *, actor) -> None:
    invitation.event.require_manager(actor, _("Only the event's organisers can withdraw invitations."))
    if not invitation.is_open:
        raise InvalidState(_("This invitation is no longer open."))
    invitation.revoked_at = utcnow()
    record("team.invitation_revoked", actor=actor, obj=invitation, event=invitation.event, email=invitation.email)
    db.session.flush()


def remove_role(role: EventRole, *, actor) -> None:
    event = role.event
    event.require_manager(actor, _("Only the event's organisers can change the team."))
    if role.role == TeamRole.ORGANISER:
        organisers = [r for r in event.roles if r.role == TeamRole.ORGANISER]
        if len(organisers) <= 1:
            raise InvalidState(_("An event needs at least one organiser. Add another before removing this one."))
    event.roles.remove(role)
    record("team.removed", actor=actor, obj=event, event=event, user_id=role.user_id, role=role.role.value)
    db.session.flush()


def restore_role(event: Event, *, actor, user_id: int, role: TeamRole, track_ids: list[int],
                 max_load: int | None) -> EventRole | None:
    """Undo a removal: give the person back the role they held, with its tracks (those that still
    exist) and their review cap. None when they hold the role again already."""
    event.require_manager(actor, _("Only the event's organisers can change the team."))
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        raise InvalidState(_("This person's account is no longer active: invite them again instead."))
    if role in event.roles_of(user):
        return None
    tracks = list(db.session.scalars(
        sa.select(Track).where(Track.event_id == event.id, Track.id.in_(track_ids)))) if track_ids else []
    restored = EventRole(user_id=user.id, role=role, tracks=tracks, max_load=max_load)
    event.roles.append(restored)
    record("team.restored", actor=actor, obj=event, event=event, user_id=user.id, role=role.value)
    db.session.flush()
    return restored


def members(event: Event) -> list[EventRole]:
    """The event's roles with their people, by name (the roles and people are already loaded)."""
    return sorted(event.roles, key=lambda r: (r.user.name.lower(), r.user.id, r.role.value))


def open_invitations(event: Event) -> list[TeamInvitation]:
    return list(
        db.session.scalars(
            sa.select(TeamInvitation)
            .where(TeamInvitation.event_id == event.id, TeamInvitation.accepted_at.is_(None),
                   TeamInvitation.revoked_at.is_(None))
            .order_by(TeamInvitation.created_at)
        )
    )


def invitations_for(user: User) -> list[TeamInvitation]:
    """Open invitations sent to ``user``'s (verified) address."""
    if not user.is_verified:
        return []
    return list(
        db.session.scalars(
            sa.select(TeamInvitation)
            .where(TeamInvitation.email == user.email, TeamInvitation.accepted_at.is_(None),
                   TeamInvitation.revoked_at.is_(None))
            .options(joinedload(TeamInvitation.event).lazyload(Event.roles))
            .order_by(TeamInvitation.created_at, TeamInvitation.id)
        )
    )
