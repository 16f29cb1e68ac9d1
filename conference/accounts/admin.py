"""Site administration: who may create events, who administers the site, whose account is
disabled."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.accounts import login_sessions
from conference.accounts.models import User
from conference.core.audit import record
from conference.errors import DomainError, InvalidState, NotAllowed
from conference.extensions import db

MAX_REASON_LENGTH = 500


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


def _check_administrator(actor: User | None) -> None:
    # None is the server's operator at the command line (flask users disable/enable).
    if actor is not None and not actor.can_administer():
        raise NotAllowed(_("Only site administrators can disable or enable accounts."))


def disable_account(user: User, *, actor: User | None, reason: str) -> int:
    """Disable ``user``'s account: they can no longer log in, and every session ends at once, so
    an open page and a "remember me" cookie stop working on their next request. The reason is
    required and kept in the audit log. Nobody disables their own account, nor the last
    administrator who can still log in (the site would have no one to enable it). ``actor`` None
    is the command line. Returns how many sessions ended."""
    _check_administrator(actor)
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_("Say why the account is disabled: it is kept in the audit log."), field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise DomainError(_("Keep the reason under %(max)d characters.", max=MAX_REASON_LENGTH), field="reason")
    if actor is not None and user.id == actor.id:
        raise InvalidState(_("You cannot disable your own account; ask another administrator."))
    if user.disabled:
        raise InvalidState(_("This account is already disabled."))
    if user.is_admin and not _other_active_admins(user):
        raise InvalidState(_("This is the last administrator who can log in: make someone else an "
                             "administrator first."))
    user.disabled = True
    ended = login_sessions.end_every_session(user)
    record("account.disabled", actor=actor, obj=user, reason=reason, sessions_ended=ended,
           via="cli" if actor is None else None)
    db.session.flush()
    return ended


def enable_account(user: User, *, actor: User | None) -> None:
    """Let a disabled account log in again (its old sessions stay ended)."""
    _check_administrator(actor)
    if not user.disabled:
        raise InvalidState(_("This account is not disabled."))
    user.disabled = False
    record("account.enabled", actor=actor, obj=user, via="cli" if actor is None else None)
    db.session.flush()


def _other_active_admins(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.is_admin.is_(True), User.disabled.is_(False), User.id != user.id)) or 0


class AccountStatus(enum.StrEnum):
    """The user list's filter."""

    ALL = "all"
    ACTIVE = "active"
    DISABLED = "disabled"


def users_matching(query: str, status: AccountStatus = AccountStatus.ALL) -> sa.Select:
    """Accounts whose name or address contains ``query`` (any case; % and _ match themselves),
    only the enabled or the disabled ones if ``status`` says so."""
    stmt = sa.select(User).order_by(User.name, User.id)
    needle = query.strip().lower()
    if needle:
        stmt = stmt.where(sa.or_(sa.func.lower(User.name).contains(needle, autoescape=True),
                                 User.email.contains(needle, autoescape=True)))
    if status is not AccountStatus.ALL:
        stmt = stmt.where(User.disabled.is_(status is AccountStatus.DISABLED))
    return stmt
