"""Login sessions: each log-in is a row (``LoginSession``) that logging out, "log out of the
other sessions", a password change or reset, or age ends for good.

The browser holds the session's random token, inside the id Flask-Login keeps in the session
cookie and in the "remember me" cookie (``user.get_id()``, "<user id>:<token>"); the table
keeps only the token's SHA-256. A request is signed in only while its session row is live, so
a copied session cookie or remember cookie stops working once its session has ended.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from conference.accounts.models import LoginSession, User
from conference.core.audit import record
from conference.core.rows import affected_rows
from conference.core.types import utcnow
from conference.errors import NotAllowed
from conference.extensions import db

# How stale "last seen" may get: a session is written to at most this often, not on every request.
SEEN_EVERY = dt.timedelta(minutes=5)
TOKEN_BYTES = 32


def max_age() -> dt.timedelta:
    """How long a login lasts at most, however active: as long as the "remember me" cookie."""
    duration = current_app.config["REMEMBER_COOKIE_DURATION"]
    return duration if isinstance(duration, dt.timedelta) else dt.timedelta(seconds=int(duration))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(user: User, *, user_agent: str = "", ip_address: str = "",
                 now: dt.datetime | None = None) -> LoginSession:
    """Start a login session for ``user``, who has just proven who they are, and name it on the
    user object: ``user.get_id()`` is then the id the cookies carry."""
    now = now or utcnow()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = LoginSession(user_id=user.id, token_hash=_digest(token), created_at=now, last_seen_at=now,
                       device=device_summary(user_agent), ip_address=(ip_address or "")[:45])
    db.session.add(row)
    user.last_login_at = now
    db.session.flush()
    user.login_id = f"{user.id}:{token}"
    return row


def is_live(row: LoginSession, *, now: dt.datetime | None = None) -> bool:
    now = now or utcnow()
    return row.revoked_at is None and row.created_at > now - max_age()


def session_for(login_id: str, *, now: dt.datetime | None = None) -> LoginSession | None:
    """The live session a cookie's id names, with its user named by it; None when the id is
    malformed or unknown, the session ended or is older than ``max_age()``, or the account is
    disabled."""
    ident, sep, token = (login_id or "").partition(":")
    if not sep or not (ident.isascii() and ident.isdigit()) or not token or len(token) > 100:
        return None
    row = db.session.scalar(sa.select(LoginSession).options(joinedload(LoginSession.user))
                            .where(LoginSession.token_hash == _digest(token)))
    if row is None or row.user_id != int(ident) or not is_live(row, now=now) or row.user.disabled:
        return None
    row.user.login_id = login_id
    return row


def is_due_for_seen(row: LoginSession, *, now: dt.datetime | None = None) -> bool:
    return (now or utcnow()) - row.last_seen_at >= SEEN_EVERY


def mark_seen(session_id: int, *, ip_address: str = "", now: dt.datetime | None = None) -> None:
    """Note that the session was used just now, from this address (one UPDATE; the caller commits)."""
    now = now or utcnow()
    db.session.execute(sa.update(LoginSession)
                       .where(LoginSession.id == session_id, LoginSession.revoked_at.is_(None))
                       .values(last_seen_at=now, ip_address=(ip_address or "")[:45]))


def end_session(row: LoginSession, *, actor: User, now: dt.datetime | None = None) -> None:
    """End one of one's own sessions (logging out, or ending another device's session from the
    list): its cookies stop working, wherever they were copied."""
    if actor.id != row.user_id:
        raise NotAllowed(_("You may only end your own sessions."))
    if row.revoked_at is None:
        row.revoked_at = now or utcnow()
    db.session.flush()


def own_session(user: User, session_id: int) -> LoginSession | None:
    """One of ``user``'s live sessions by its id; None for anyone else's or an ended one."""
    if not 0 < session_id < 2**31:
        return None
    row = db.session.get(LoginSession, session_id)
    if row is None or row.user_id != user.id or not is_live(row):
        return None
    return row


def end_other_sessions(user: User, *, actor: User, keep: LoginSession | None,
                       now: dt.datetime | None = None) -> int:
    """End every session of ``user`` but ``keep`` (None: every one). Returns how many ended."""
    if actor.id != user.id and not actor.can_administer():
        raise NotAllowed(_("You may only end your own sessions."))
    ended = _revoke(user, keep=keep, now=now or utcnow())
    if ended:
        record("account.sessions_ended", actor=actor, obj=user, count=ended, kept_current=keep is not None)
    db.session.flush()
    return ended


def end_every_session(user: User, *, now: dt.datetime | None = None) -> int:
    """End all of ``user``'s sessions, for an operation that has checked its own actor and
    records its own audit entry (disabling the account). Returns how many ended."""
    ended = _revoke(user, keep=None, now=now or utcnow())
    db.session.flush()
    return ended


def _revoke(user: User, *, keep: LoginSession | None, now: dt.datetime) -> int:
    stmt = sa.update(LoginSession).where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
    if keep is not None:
        stmt = stmt.where(LoginSession.id != keep.id)
    return affected_rows(db.session.execute(stmt.values(revoked_at=now)
                                            .execution_options(synchronize_session="fetch")))


def live_sessions(user: User, *, now: dt.datetime | None = None) -> list[LoginSession]:
    """The user's sessions that still work, the most recently used first."""
    now = now or utcnow()
    return list(db.session.scalars(
        sa.select(LoginSession).where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None),
                                      LoginSession.created_at > now - max_age())
        .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())))


def purge(*, now: dt.datetime | None = None) -> int:
    """Delete the rows of ended and expired sessions (they log no one in); returns how many."""
    now = now or utcnow()
    result = db.session.execute(sa.delete(LoginSession).where(
        sa.or_(LoginSession.revoked_at.is_not(None), LoginSession.created_at <= now - max_age())))
    db.session.flush()
    return affected_rows(result)


_BROWSERS = [("Edg/", "Edge"), ("EdgA/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("CriOS/", "Chrome"), ("FxiOS/", "Firefox"), ("Safari/", "Safari")]
_SYSTEMS = [("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iOS"), ("Windows", "Windows"),
            ("CrOS", "ChromeOS"), ("Mac OS X", "macOS"), ("Macintosh", "macOS"), ("Linux", "Linux")]


def device_summary(user_agent: str) -> str:
    """A short, language-neutral name for the browser and system, e.g. "Firefox (Windows)"."""
    agent = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in agent), "")
    system = next((name for marker, name in _SYSTEMS if marker in agent), "")
    if browser and system:
        return f"{browser} ({system})"
    if browser or system:
        return browser or system
    # Something else (a script, a text browser): its first word, printable only.
    return re.sub(r"[^\w./ -]", "", agent.split(" ", 1)[0])[:60]
