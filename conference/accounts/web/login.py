"""Flask-Login on top of login sessions (``domain.login_sessions``): the user loader, logging in
and out, and noting when a session was last used.

The id Flask-Login keeps in the session cookie and the "remember me" cookie names a login
session, so the loader signs a request in only while that session is live.
"""

from __future__ import annotations

from flask import Flask, Response, g, request, session
from flask_login import current_user, login_user, logout_user

from conference.accounts import login_sessions
from conference.accounts.models import LoginSession, User
from conference.extensions import db, login_manager


def load_user(login_id: str) -> User | None:
    """Flask-Login's user loader: the user of the live session ``login_id`` names, or None."""
    row = login_sessions.session_for(login_id)
    if row is None:
        return None
    g.login_session = row
    return row.user


def current_login_session() -> LoginSession | None:
    """The login session of this request (None when nobody is signed in)."""
    if not current_user.is_authenticated:  # loads the user, and with it the session
        return None
    return g.get("login_session")


def log_in(user: User, *, remember: bool = False) -> None:
    """Sign ``user`` in on this device: a new login session (the caller commits), and a fresh
    cookie session, so a session cookie planted before the log-in (session fixation) carries
    nothing over."""
    session.clear()
    g.login_session = login_sessions.open_session(
        user, user_agent=request.headers.get("User-Agent", ""), ip_address=request.remote_addr or "")
    login_user(user, remember=remember)


def log_out() -> None:
    """End this device's login session for good (the caller commits): its cookies, wherever
    they were copied, stop working."""
    row = current_login_session()
    if row is not None:
        login_sessions.end_session(row, actor=row.user)
    session.clear()
    logout_user()  # also deletes the "remember me" cookie


def init_login(app: Flask) -> None:
    """Install the loader, and note the use of a session at most every few minutes. That write
    happens once the response is sent, in its own transaction: it never mixes with the
    request's own work, nor waits for it."""
    login_manager.user_loader(load_user)

    @app.after_request
    def note_session_use(response: Response) -> Response:
        row = g.get("login_session")
        if row is None or not login_sessions.is_due_for_seen(row):
            return response
        session_id, address = row.id, request.remote_addr or ""

        def mark_seen() -> None:
            with app.app_context():
                login_sessions.mark_seen(session_id, ip_address=address)
                db.session.commit()

        response.call_on_close(mark_seen)
        return response
