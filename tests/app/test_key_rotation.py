"""SECRET_KEY_FALLBACKS: after a rotation, what the old key signed (links in mails, password-reset
fingerprints, sessions, "remember me" cookies, CSRF tokens) still works while the old key is listed;
what an unknown key signed does not; new signatures carry the new key."""

from __future__ import annotations

import pytest
from flask import session
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms import ValidationError

from conference import create_app
from conference.accounts.users import _reset_fingerprint, user_for_reset_token
from conference.core.tokens import make_token, read_token
from conference.errors import InvalidToken

from .. import factories
from ..conftest import make_test_config

OLD = "old-key-" + "o" * 40
NEW = "new-key-" + "n" * 40
UNKNOWN = "unknown-key-" + "u" * 40


def app_with(tmp_path, key: str, fallbacks=(), **settings):
    return create_app(make_test_config("sqlite:///" + str(tmp_path / "k.sqlite"), tmp_path)
                      | {"SECRET_KEY": key, "SECRET_KEY_FALLBACKS": " , ".join(fallbacks)} | settings)


def token_under(tmp_path, key: str) -> str:
    with app_with(tmp_path, key).app_context():
        return make_token("verify-email", {"id": 7})


def test_a_link_signed_with_the_old_key_works_after_rotation(tmp_path):
    old_link = token_under(tmp_path, OLD)
    rotated = app_with(tmp_path, NEW, fallbacks=[OLD])
    with rotated.app_context():
        assert read_token("verify-email", old_link, max_age=60) == {"id": 7}
        new_link = make_token("verify-email", {"id": 8})
    with app_with(tmp_path, NEW).app_context():  # new links carry the new key alone
        assert read_token("verify-email", new_link, max_age=60) == {"id": 8}
        with pytest.raises(InvalidToken, match="This link is not valid"):
            read_token("verify-email", old_link, max_age=60)  # the old key dropped: the link dies


def test_a_link_signed_with_an_unknown_key_is_refused(tmp_path):
    forged = token_under(tmp_path, UNKNOWN)
    with app_with(tmp_path, NEW, fallbacks=[OLD]).app_context(), pytest.raises(InvalidToken):
        read_token("verify-email", forged, max_age=60)


def test_fallbacks_are_read_from_the_environment_as_a_list(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY_FALLBACKS", f"{OLD}, {UNKNOWN}")
    from conference import config

    cfg = config.defaults(str(tmp_path))
    config.from_environment(cfg)
    assert cfg["SECRET_KEY_FALLBACKS"] == [OLD, UNKNOWN]


def test_a_password_reset_link_survives_rotation(app, db, monkeypatch):
    user = factories.make_user()
    monkeypatch.setitem(app.config, "SECRET_KEY", OLD)
    link = make_token("reset-password", {"id": user.id, "fp": _reset_fingerprint(user)})
    monkeypatch.setitem(app.config, "SECRET_KEY", NEW)
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [OLD])
    assert user_for_reset_token(link) == user
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [UNKNOWN])
    with pytest.raises(InvalidToken):
        user_for_reset_token(link)


def test_sessions_and_remember_cookies_survive_rotation(app, db, monkeypatch):
    user = factories.make_user()
    monkeypatch.setitem(app.config, "SECRET_KEY", OLD)
    client = app.test_client()
    response = client.post("/auth/login", data={"email": user.email, "password": factories.DEFAULT_PASSWORD,
                                                "remember": "y"})
    assert response.status_code == 302
    session_cookie = client.get_cookie("session")
    assert client.get_cookie("remember_token") is not None

    monkeypatch.setitem(app.config, "SECRET_KEY", NEW)
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [OLD])
    assert client.get("/auth/profile").status_code == 200  # the session cookie, signed with OLD
    client.delete_cookie("session")
    assert client.get("/auth/profile").status_code == 200  # the remember cookie alone, signed with OLD

    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [])
    stranger = app.test_client()
    stranger.set_cookie("session", session_cookie.value)
    assert stranger.get("/auth/profile").status_code == 302  # to the log-in page: OLD no longer accepted


def test_remember_cookie_signed_with_an_unknown_key_logs_no_one_in(app, db, monkeypatch):
    user = factories.make_user()
    monkeypatch.setitem(app.config, "SECRET_KEY", UNKNOWN)
    client = app.test_client()
    client.post("/auth/login", data={"email": user.email, "password": factories.DEFAULT_PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is not None
    monkeypatch.setitem(app.config, "SECRET_KEY", NEW)
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [OLD])
    client.delete_cookie("session")
    assert client.get("/auth/profile").status_code == 302


def test_a_form_opened_before_rotation_can_still_be_sent(tmp_path):
    before = app_with(tmp_path, OLD, WTF_CSRF_ENABLED=True)
    with before.test_request_context():
        token = generate_csrf()
        raw = session["csrf_token"]
    after = app_with(tmp_path, NEW, fallbacks=[OLD], WTF_CSRF_ENABLED=True)
    with after.test_request_context():
        session["csrf_token"] = raw
        validate_csrf(token)  # no error
        assert generate_csrf() != token  # a form opened now is signed with the new key
    with app_with(tmp_path, NEW, WTF_CSRF_ENABLED=True).test_request_context():
        session["csrf_token"] = raw
        with pytest.raises(ValidationError):
            validate_csrf(token)
