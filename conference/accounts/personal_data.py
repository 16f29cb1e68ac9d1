"""What accounts hold about a person (the profile and the login sessions), for the export and for
erasure (see conference.core.personal_data)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.accounts.models import LoginSession, PrivacyNotice, User
from conference.core.personal_data import Person, iso
from conference.extensions import db

# privacy_notice: the versions of the site's notice an administrator wrote keep their author, the
# account (which erasure leaves in place, naming no one), as the audit trail does.
TABLES = ("user", "login_session", "privacy_notice")


def export(user: User) -> dict:
    sessions = db.session.scalars(sa.select(LoginSession).where(LoginSession.user_id == user.id)
                                  .order_by(LoginSession.id))
    return {
        "profile": {
            "id": user.id, "email": user.email, "name": user.name, "affiliation": user.affiliation,
            "country": user.country, "timezone": user.timezone, "bio": user.bio,
            "expertise": list(user.expertise or []), "email_verified_at": iso(user.email_verified_at),
            "is_admin": user.is_admin, "may_create_events": user.may_create_events,
            "created_at": iso(user.created_at), "last_login_at": iso(user.last_login_at),
        },
        "privacy_notice_versions_written": [
            iso(created) for created in db.session.scalars(sa.select(PrivacyNotice.created_at)
                                                           .where(PrivacyNotice.author_id == user.id)
                                                           .order_by(PrivacyNotice.id))
        ],
        "login_sessions": [
            {"device": s.device, "ip_address": s.ip_address, "created_at": iso(s.created_at),
             "last_seen_at": iso(s.last_seen_at), "revoked_at": iso(s.revoked_at)}
            for s in sessions
        ],
    }


def erase(user: User, *, person: Person, actor, now: dt.datetime) -> None:
    """The account stays, naming no one: a label for a name, an address nothing is delivered to,
    no password, no profile, no site rights; every login session ends (the rows go)."""
    user.name, user.email = person.label, person.placeholder
    user.password_hash = None
    user.affiliation = user.country = user.bio = ""
    user.timezone, user.expertise = "UTC", []
    user.email_verified_at = user.last_login_at = None
    user.is_admin = user.may_create_events = False
    user.disabled = True
    user.erased_at = now
    db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == user.id))


def binds(user: User, *, now: dt.datetime) -> list[str]:
    if user.is_admin:
        return [_("You are a site administrator: another administrator can erase your account once your "
                  "rights are removed.")]
    return []
