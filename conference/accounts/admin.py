"""Site administration: who may create events, who administers the site."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.accounts.models import User
from conference.core.audit import record
from conference.errors import InvalidState, NotAllowed
from conference.extensions import db


def set_site_rights(user: User, *, actor, may_create_events: bool, is_admin: bool) -> None:
    if not actor.can_administer():
        raise NotAllowed(_("Only site administrators can change site rights."))
    if user.id == actor.id and not is_admin:
        raise InvalidState(_("You cannot remove your own administrator right; ask another administrator."))
    changes = {}
    if user.may_create_events != may_create_events:
        user.may_create_events = may_create_events
        changes["may_create_events"] = may_create_events
    if user.is_admin != is_admin:
        user.is_admin = is_admin
        changes["is_admin"] = is_admin
    if changes:
        record("account.rights_changed", actor=actor, obj=user, **changes)
    db.session.flush()


def users_matching(query: str) -> sa.Select:
    """Accounts whose name or address contains ``query`` (any case; % and _ match themselves)."""
    stmt = sa.select(User).order_by(User.name, User.id)
    needle = query.strip().lower()
    if needle:
        stmt = stmt.where(sa.or_(sa.func.lower(User.name).contains(needle, autoescape=True),
                                 User.email.contains(needle, autoescape=True)))
    return stmt
