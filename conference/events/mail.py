"""Mail about an event's team: the invitation to join it, which the review committee page also
sends to reviewers and track chairs."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from conference.accounts.models import User
from conference.core.links import external_url
from conference.core.lists import format_list
from conference.events.models import TeamInvitation, Track
from conference.events.team import ROLE_LABELS
from conference.extensions import db
from conference.mail.registry import MailContext, Placeholder, TemplateSpec, register

GROUP = _l("Accounts and team")

# Preview links carry this instead of a real token: a preview must not let an organiser accept
# an invitation in someone else's name.
PREVIEW_TOKEN = "preview"


# The team invitation ----------------------------------------------------------------------------

def _greeting(c: MailContext) -> str:
    # Someone invited by address only has no name yet.
    return _("Hello %(name)s,", name=c.recipient_name) if c.recipient_name else _("Hello,")


def _inviter(c: MailContext) -> str:
    inviter = c.get("inviter")
    return inviter.display_name if inviter is not None else ""


def _tracks(c: MailContext) -> str:
    tracks = c.get("tracks") or []
    return _("For these tracks: %(tracks)s.", tracks=format_list(tracks)) if tracks else ""


def _account_note(c: MailContext) -> str:
    if c.get("has_account"):
        return ""
    return _("You do not need an account yet: the link lets you create one with this address.")


INVITATION_PLACEHOLDERS = (
    Placeholder("greeting", _l('"Hello" and the recipient\'s name, or "Hello," alone when the address has no account'),
                _greeting),
    Placeholder("inviter_name", _l("Who sent the invitation"), _inviter),
    Placeholder("role", _l("The role offered: organiser, track chair or reviewer"),
                lambda c: str(c.get("role_label", ""))),
    Placeholder("tracks", _l('"For these tracks: …" when the role is limited to some tracks (empty otherwise)'),
                _tracks),
    Placeholder("message", _l("The personal message written with the invitation (empty if none)"),
                lambda c: c["invitation"].message or "", kind="block"),
    Placeholder("account_note", _l("A note that no account is needed yet, when the address has none (empty otherwise)"),
                _account_note),
)


def _invitation_sample(event):
    """The event's newest invitation, its link without a working token."""
    invitation = db.session.scalars(
        sa.select(TeamInvitation).where(TeamInvitation.event_id == event.id)
        .order_by(TeamInvitation.created_at.desc(), TeamInvitation.id.desc()).limit(1)
    ).first()
    if invitation is None:
        return None
    account = db.session.scalar(sa.select(User).where(User.email == invitation.email))
    tracks = list(db.session.scalars(
        sa.select(Track.name).where(Track.event_id == event.id, Track.id.in_(invitation.track_ids or []))
        .order_by(Track.position, Track.name)
    )) if invitation.track_ids else []
    data = {"invitation": invitation, "inviter": invitation.invited_by, "role_label": ROLE_LABELS[invitation.role],
            "tracks": tracks, "has_account": account is not None,
            "link": external_url("events.show_invitation", token=PREVIEW_TOKEN)}
    return data, account.name if account else "", invitation.email, account


register(TemplateSpec(
    key="team_invitation",
    group=GROUP,
    label=_l("Invitation to the team or the review committee"),
    when=_l("To someone invited to the event's team as organiser, track chair or reviewer "
            "(from the team page or the review committee page)."),
    subject=_l("Invitation: {role} for {event_title}"),
    body=_l("""{greeting}

{inviter_name} invites you to join the team of {event_title} as {role}.

{tracks}

{message}

To accept or decline, open this link:

{link}

{account_note}

The invitation is valid for 30 days."""),
    sets=("recipient", "event", "link"),
    extra=INVITATION_PLACEHOLDERS,
    sample=_invitation_sample,
))
