"""Mail about accounts and the team: the address check and password reset (which belong to no
event, so organisers do not change them), and the invitation to an event's team, which the
review committee page also sends to reviewers and track chairs."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..extensions import db
from . import MailContext, Placeholder, TemplateSpec, register

GROUP = _l("Accounts and team")

# Preview links carry this instead of a real token: a preview must not hand an organiser a
# link that resets someone's password or accepts an invitation in their name.
PREVIEW_TOKEN = "preview"


def _organiser_sample(event, endpoint: str):
    """An organiser of the event as the recipient of an account mail, with a link that
    looks like the real one but carries no working token."""
    from ..domain.links import external_url
    from ..enums import TeamRole

    roles = sorted((r for r in event.roles if r.role == TeamRole.ORGANISER), key=lambda r: r.user_id)
    if not roles:
        return None
    user = roles[0].user
    return {"user": user, "link": external_url(endpoint, token=PREVIEW_TOKEN)}, user.name, user.email, user


register(TemplateSpec(
    key="verify_email",
    group=GROUP,
    label=_l("Account: confirm the email address"),
    when=_l("To a new account (and to an account whose address changed), to confirm the address."),
    subject=_l("Confirm your email address"),
    body=_l("""Hello {recipient_name},

Please confirm your email address by opening this link:

{link}

The link works for 48 hours. If you did not sign up, ignore this message."""),
    sets=("recipient", "link"),
    per_event=False,
    sample=lambda event: _organiser_sample(event, "auth.verify_email"),
))

register(TemplateSpec(
    key="reset_password",
    group=GROUP,
    label=_l("Account: choose a new password"),
    when=_l("To an account whose owner asked to reset the password."),
    subject=_l("Choose a new password"),
    body=_l("""Hello {recipient_name},

Someone asked to reset the password of your account. To choose a new password, open this link:

{link}

The link works for two hours and only once. If you did not ask for it, ignore this message: your password stays as it is."""),
    sets=("recipient", "link"),
    per_event=False,
    sample=lambda event: _organiser_sample(event, "auth.reset_password"),
))


def _signup_attempt_sample(event):
    """An organiser of the event, with the real log-in and reset pages (they carry no token)."""
    from ..domain.links import external_url

    found = _organiser_sample(event, "auth.verify_email")
    if found is None:
        return None
    _data, name, address, user = found
    return {"user": user, "login_link": external_url("auth.login"),
            "reset_link": external_url("auth.request_reset")}, name, address, user


register(TemplateSpec(
    key="account_exists",
    group=GROUP,
    label=_l("Account: someone tried to sign up with your address"),
    when=_l("To an account whose address someone typed into the sign-up form. The sign-up page answers as "
            "for a new account, so that it does not tell who has an account; this mail tells the owner."),
    subject=_l("Someone tried to create an account with your address"),
    body=_l("""Hello {recipient_name},

Someone tried to create an account with your email address, {recipient_email}. You already have an account, so no second one was created.

If it was you, log in:

{login_link}

If you forgot your password, choose a new one here:

{reset_link}

If it was not you, ignore this message: nothing has changed on your account."""),
    sets=("recipient",),
    extra=(
        Placeholder("login_link", _l("The log-in page"), lambda c: c.get("login_link", ""), kind="url"),
        Placeholder("reset_link", _l("The page to ask for a new password"), lambda c: c.get("reset_link", ""),
                    kind="url"),
    ),
    per_event=False,
    sample=_signup_attempt_sample,
))


# The team invitation ----------------------------------------------------------------------------

def _greeting(c: MailContext) -> str:
    # Someone invited by address only has no name yet.
    return _("Hello %(name)s,", name=c.recipient_name) if c.recipient_name else _("Hello,")


def _inviter(c: MailContext) -> str:
    inviter = c.get("inviter")
    return inviter.display_name if inviter is not None else ""


def _tracks(c: MailContext) -> str:
    tracks = c.get("tracks") or []
    return _("For these tracks: %(tracks)s.", tracks=", ".join(tracks)) if tracks else ""


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
    from ..domain.links import external_url
    from ..domain.team import ROLE_LABELS
    from ..models import TeamInvitation, Track, User

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
