"""Login sessions through the HTTP path: logging out ends a session for good, wherever its
cookies were copied; "log out everywhere else" and ending one session from the profile; a
password change or reset ends the others; disabled accounts, old sessions, session fixation,
and when a session was last used."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from conference.accounts import login_sessions
from conference.accounts.models import LoginSession
from conference.core.models import AuditEntry
from conference.core.types import utcnow
from conference.mail.models import OutboxMessage

from .. import factories
from ..conftest import first_link, login

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
PASSWORD = {"current_password": factories.DEFAULT_PASSWORD, "new_password": "a brand new passphrase",
            "confirm": "a brand new passphrase"}


def log_in(client, user, *, remember: bool = False, agent: str = FIREFOX):
    data = {"email": user.email, "password": factories.DEFAULT_PASSWORD} | ({"remember": "y"} if remember else {})
    response = client.post("/auth/login", data=data, headers={"User-Agent": agent})
    assert response.status_code == 302, "log-in failed"
    return client


def copy_cookies(app, source, *names: str):
    """Another browser holding copies of ``source``'s cookies ``names`` (only those)."""
    other = app.test_client()
    for name in names:
        cookie = source.get_cookie(name)
        assert cookie is not None, f"{name} not set"
        other.set_cookie(name, cookie.value)
    return other


def signed_in(client) -> bool:
    response = client.get("/dashboard")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def reset_path(db) -> str:
    body = db.session.scalars(sa.select(OutboxMessage.body_text).where(OutboxMessage.template == "reset_password")).one()
    return first_link(body).removeprefix("http://conference.test")


def sessions_of(db, user) -> list[LoginSession]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(LoginSession).where(LoginSession.user_id == user.id)
                                   .order_by(LoginSession.id)))


# Logging out ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("copied", [("session",), ("remember_token",), ("session", "remember_token")])
def test_a_copied_cookie_stops_working_when_its_session_logs_out(app, db, copied):
    user = factories.make_user()
    browser = log_in(app.test_client(), user, remember=True)
    thief = copy_cookies(app, browser, *copied)
    assert signed_in(thief)

    browser.post("/auth/logout")

    assert not signed_in(browser)
    assert not signed_in(thief)
    [row] = sessions_of(db, user)
    assert row.revoked_at is not None


def test_logging_out_deletes_the_remember_cookie_and_ends_only_that_session(app, db):
    user = factories.make_user()
    phone = log_in(app.test_client(), user, remember=True)
    laptop = log_in(app.test_client(), user)

    response = phone.post("/auth/logout")

    assert any(h.startswith("remember_token=;") for h in response.headers.getlist("Set-Cookie"))
    assert not signed_in(phone) and signed_in(laptop)
    assert [row.revoked_at is None for row in sessions_of(db, user)] == [False, True]


def test_a_cookie_from_before_login_sessions_no_longer_signs_in(app, db):
    """The old id "<user id>:<login version>" names no session."""
    user = factories.make_user()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = f"{user.id}:1", True
    assert not signed_in(client)


# Log in -------------------------------------------------------------------------------------------

def test_logging_in_starts_a_fresh_cookie_session(app, db):
    """Session fixation: nothing planted in the cookie session before the log-in survives it."""
    user = factories.make_user()
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"

    log_in(client, user)

    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{user.id}:") and len(session["_user_id"]) > 40


def test_each_log_in_is_a_session_with_its_device_and_address(app, db):
    user = factories.make_user()
    log_in(app.test_client(), user, agent=FIREFOX)
    log_in(app.test_client(), user, agent="curl/8.5.0")

    rows = sessions_of(db, user)

    assert [(row.device, row.ip_address, row.revoked_at) for row in rows] == [
        ("Firefox (Windows)", "127.0.0.1", None), ("curl/8.5.0", "127.0.0.1", None)]
    assert all(len(row.token_hash) == 64 for row in rows) and rows[0].token_hash != rows[1].token_hash
    assert user.last_login_at is not None


# The profile's list, ending one session, log out everywhere else -------------------------------------

def test_the_profile_lists_the_sessions_and_marks_this_device(app, db):
    user = factories.make_user()
    log_in(app.test_client(), user, agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1")
    laptop = log_in(app.test_client(), user)

    page = laptop.get("/auth/profile").get_data(as_text=True)

    rows = re.findall(r"<tr>\s*<td>(.*?)</td>", page, re.DOTALL)
    assert rows == ["Firefox (Windows) <strong>(this device)</strong>", "Safari (iOS)"]
    assert page.count('action="/auth/sessions/') == 3
    assert 'action="/auth/sessions/end-others"' in page and 'action="/auth/sessions/end-all"' in page


def test_log_out_everywhere_else_ends_every_other_session_and_keeps_this_one(app, db):
    user = factories.make_user()
    here = log_in(app.test_client(), user)
    elsewhere = log_in(app.test_client(), user)
    remembered = copy_cookies(app, log_in(app.test_client(), user, remember=True), "remember_token")
    someone_else = log_in(app.test_client(), factories.make_user())
    assert signed_in(elsewhere) and signed_in(remembered)

    response = here.post("/auth/sessions/end-others", follow_redirects=True)

    assert response.request.path == "/auth/profile"
    assert ("You are logged out everywhere else (2 sessions ended). This device stays logged in."
            in response.get_data(as_text=True))
    assert signed_in(here) and signed_in(someone_else)
    assert not signed_in(elsewhere) and not signed_in(remembered)
    assert [row.revoked_at is None for row in sessions_of(db, user)] == [True, False, False]
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "account.sessions_ended")).one()
    assert entry.object_id == user.id and entry.details == {"count": 2, "kept_current": True}


def test_log_out_everywhere_ends_every_session_this_one_too(app, db):
    user = factories.make_user()
    here = log_in(app.test_client(), user)
    elsewhere = log_in(app.test_client(), user)
    remembered = copy_cookies(app, log_in(app.test_client(), user, remember=True), "remember_token")
    copied_here = copy_cookies(app, here, "session")

    response = here.post("/auth/sessions/end-all", follow_redirects=True)

    assert response.request.path == "/auth/login"
    assert "You are logged out everywhere, on this device too." in response.get_data(as_text=True)
    assert not any(signed_in(c) for c in (here, elsewhere, remembered, copied_here))
    assert [row.revoked_at is not None for row in sessions_of(db, user)] == [True, True, True]


def test_ending_one_other_session_from_the_list(app, db):
    user = factories.make_user()
    here = log_in(app.test_client(), user)
    lost_phone = log_in(app.test_client(), user)
    other_row = sessions_of(db, user)[1]

    response = here.post(f"/auth/sessions/{other_row.id}/end", follow_redirects=True)

    assert "That session has ended: the device is logged out." in response.get_data(as_text=True)
    assert not signed_in(lost_phone) and signed_in(here)


@pytest.mark.parametrize("whose", ["another person's", "ended", "unknown", "huge"])
def test_ending_a_session_that_is_not_ones_own_and_live_is_not_found(app, db, whose):
    user, other = factories.make_user(), factories.make_user()
    here = log_in(app.test_client(), user)
    theirs = log_in(app.test_client(), other)
    ids = {"another person's": sessions_of(db, other)[0].id, "unknown": 999999, "huge": 2**63}
    if whose == "ended":
        gone = log_in(app.test_client(), user)
        gone.post("/auth/logout")
        ids["ended"] = sessions_of(db, user)[1].id

    assert here.post(f"/auth/sessions/{ids[whose]}/end").status_code == 404
    assert signed_in(theirs) and signed_in(here)


# Password change and reset, disabled accounts ---------------------------------------------------------

def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, db):
    user = factories.make_user()
    here = log_in(app.test_client(), user, remember=True)
    elsewhere = log_in(app.test_client(), user, remember=True)
    copied = copy_cookies(app, elsewhere, "remember_token")

    here.post("/auth/password", data=PASSWORD)

    assert not signed_in(elsewhere) and not signed_in(copied)
    assert signed_in(here)
    assert signed_in(copy_cookies(app, here, "remember_token"))  # this device's "remember me" goes on
    assert [row.revoked_at is None for row in sessions_of(db, user)] == [True, False]


def test_a_password_reset_ends_every_session(app, db):
    user = factories.make_user(email="known@example.org")
    logged_in = log_in(app.test_client(), user, remember=True)
    remembered = copy_cookies(app, logged_in, "remember_token")
    visitor = app.test_client()
    visitor.post("/auth/reset", data={"email": "known@example.org"})
    link = reset_path(db)

    visitor.post(link, data={"password": "a brand new passphrase", "confirm": "a brand new passphrase"})

    assert not signed_in(logged_in) and not signed_in(remembered)
    assert all(row.revoked_at is not None for row in sessions_of(db, user))


def test_a_disabled_account_cannot_use_its_cookies(app, db):
    user = factories.make_user()
    browser = log_in(app.test_client(), user, remember=True)
    remembered = copy_cookies(app, browser, "remember_token")
    assert signed_in(browser) and signed_in(remembered)

    user.disabled = True
    db.session.flush()

    assert not signed_in(browser) and not signed_in(remembered)


# Age and "last seen" -----------------------------------------------------------------------------------

def test_a_session_older_than_the_remember_duration_has_ended(app, db):
    user = factories.make_user()
    browser = log_in(app.test_client(), user, remember=True)
    [row] = sessions_of(db, user)
    max_age = dt.timedelta(seconds=app.config["REMEMBER_COOKIE_DURATION"])

    row.created_at = row.last_seen_at = utcnow() - max_age + dt.timedelta(minutes=1)
    db.session.flush()
    assert signed_in(browser)

    row.created_at = row.last_seen_at = utcnow() - max_age - dt.timedelta(minutes=1)
    db.session.flush()
    assert not signed_in(browser) and not signed_in(copy_cookies(app, browser, "remember_token"))


def test_purging_deletes_ended_and_expired_sessions_only(app, db):
    user = factories.make_user()
    live = log_in(app.test_client(), user)
    log_in(app.test_client(), user).post("/auth/logout")
    log_in(app.test_client(), user)
    expired = sessions_of(db, user)[2]
    expired.created_at = expired.last_seen_at = utcnow() - dt.timedelta(days=31)
    db.session.flush()

    assert login_sessions.purge() == 2

    assert [row.id for row in sessions_of(db, user)] == [sessions_of(db, user)[0].id]
    assert signed_in(live)


def test_last_seen_is_noted_at_most_every_five_minutes(app, db):
    user = factories.make_user()
    browser = log_in(app.test_client(), user)
    [row] = sessions_of(db, user)
    four_minutes_ago = utcnow() - dt.timedelta(minutes=4)
    row.created_at = row.last_seen_at = four_minutes_ago
    db.session.flush()

    browser.get("/dashboard").close()  # the note is written once the response is closed
    assert sessions_of(db, user)[0].last_seen_at == four_minutes_ago

    row = sessions_of(db, user)[0]
    row.created_at = row.last_seen_at = utcnow() - dt.timedelta(minutes=6)
    db.session.flush()
    before = utcnow()
    browser.get("/dashboard", environ_base={"REMOTE_ADDR": "192.0.2.9"}).close()

    row = sessions_of(db, user)[0]
    assert row.last_seen_at >= before and row.ip_address == "192.0.2.9"


def test_the_conftest_login_helper_still_logs_in(app, db):
    client = login(app.test_client(), factories.make_user())
    assert signed_in(client)


def test_the_cli_purges_ended_sessions(app, db, runner):
    user = factories.make_user()
    live = log_in(app.test_client(), user)
    log_in(app.test_client(), user).post("/auth/logout")

    result = runner.invoke(args=["users", "purge-sessions"])

    assert result.exit_code == 0 and result.output == "1 ended or expired login session(s) deleted\n"
    assert len(sessions_of(db, user)) == 1 and signed_in(live)
