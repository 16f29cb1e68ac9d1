"""Accounts through the HTTP path: sign-up and verification, log-in and out, password reset
and change, profile (rate limits: test_rate_limits.py)."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from conference.accounts.models import User
from conference.core.models import AuditEntry
from conference.mail.models import OutboxMessage

from .. import factories
from ..conftest import TEST_SECRET_KEY, first_link, login

BASE = "http://conference.test"
SIGNUP = {"name": "Nadia Newcomer", "email": "nadia@example.org", "password": "a long passphrase",
          "confirm": "a long passphrase", "timezone": "Africa/Nairobi"}


def mails_to(db, address: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == address)
                                   .order_by(OutboxMessage.id)))


def link_path(message: OutboxMessage) -> str:
    link = first_link(message.body_text)
    assert link.startswith(BASE + "/")
    return link.removeprefix(BASE)


def user_by_email(db, email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def actions_for(db, user) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_type == "User",
                                                                       AuditEntry.object_id == user.id)
                                   .order_by(AuditEntry.id)))


def past_token(purpose: str, payload, *, age_seconds: int) -> str:
    """A token signed ``age_seconds`` ago with the app's key, as the app's serializer would."""

    class PastSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - age_seconds

    serializer = URLSafeTimedSerializer(TEST_SECRET_KEY, salt=f"conference.{purpose}", signer=PastSigner)
    return serializer.dumps(payload)


def tampered(link: str) -> str:
    """The link with one character of its signed payload changed (the last character of a
    signature may only carry padding bits, so changing it can leave the signature intact)."""
    head, _sep, token = link.rpartition("/")
    return f"{head}{_sep}{'b' if token[0] != 'b' else 'c'}{token[1:]}"


def error_of(html: str, field: str) -> str:
    """The text of the error paragraph next to ``field``."""
    start = html.index(f'<p class="invalid-feedback d-block" id="error-{field}">')
    return html[start:html.index("</p>", start)]


# Sign-up and verification ---------------------------------------------------------------------

def test_signup_creates_an_unverified_account_and_queues_a_verification_mail(client, db):
    response = client.post("/auth/signup", data=SIGNUP)

    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    user = user_by_email(db, "nadia@example.org")
    assert user.name == "Nadia Newcomer"
    assert user.timezone == "Africa/Nairobi"
    assert user.email_verified_at is None
    assert user.password_hash != SIGNUP["password"] and user.password_hash.startswith("pbkdf2:sha256:")
    assert user.check_password(SIGNUP["password"])
    [mail] = mails_to(db, "nadia@example.org")
    assert mail.template == "verify_email" and mail.subject == "Confirm your email address"
    assert "/auth/verify/" in mail.body_text
    page = client.get("/auth/login").get_data(as_text=True)
    assert "we sent a link to nadia@example.org" in page
    assert actions_for(db, user) == ["account.signed_up"]


def test_verification_link_verifies_the_address(client, db):
    client.post("/auth/signup", data=SIGNUP)
    [mail] = mails_to(db, "nadia@example.org")

    response = client.get(link_path(mail), follow_redirects=True)

    assert response.status_code == 200
    assert response.request.path == "/auth/login"
    assert "Your email address nadia@example.org is confirmed." in response.get_data(as_text=True)
    user = user_by_email(db, "nadia@example.org")
    assert user.email_verified_at is not None
    assert actions_for(db, user) == ["account.signed_up", "account.verified"]


def test_expired_verification_link_is_refused(client, db):
    user = factories.make_user(verified=False)
    token = past_token("verify-email", {"id": user.id, "email": user.email}, age_seconds=49 * 3600)

    response = client.get(f"/auth/verify/{token}")

    assert response.status_code == 400
    assert "This link has expired. Ask for a new one." in response.get_data(as_text=True)
    assert user_by_email(db, user.email).email_verified_at is None


def test_verification_link_just_inside_its_lifetime_works(client, db):
    user = factories.make_user(verified=False)
    token = past_token("verify-email", {"id": user.id, "email": user.email}, age_seconds=47 * 3600)

    assert client.get(f"/auth/verify/{token}").status_code == 302
    assert user_by_email(db, user.email).email_verified_at is not None


def test_tampered_verification_link_is_refused(client, db):
    client.post("/auth/signup", data=SIGNUP)
    [mail] = mails_to(db, "nadia@example.org")

    response = client.get(tampered(link_path(mail)))

    assert response.status_code == 400
    assert "This link is not valid. Check that you copied all of it." in response.get_data(as_text=True)
    assert user_by_email(db, "nadia@example.org").email_verified_at is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"password": "short", "confirm": "short"}, "password", "Use between 10 and 128 characters."),
        ({"confirm": "something else entirely"}, "confirm", "The two passwords differ."),
        ({"name": ""}, "name", "Enter your name."),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "Choose a time zone from the list, e.g. Europe/Zurich."),
    ],
)
def test_signup_with_bad_input_keeps_what_was_typed(client, db, changes, field, message):
    data = SIGNUP | changes

    response = client.post("/auth/signup", data=data)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in error_of(html, field)
    assert f'aria-describedby="error-{field}"' in html or f'aria-describedby="hint-{field} error-{field}"' in html
    if data["name"]:
        assert f'value="{data["name"]}"' in html
    assert f'value="{data["email"]}"' in html
    if field != "timezone":
        assert '<option selected value="Africa/Nairobi">' in html
    assert "a long passphrase" not in html  # passwords are never sent back
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_signed_in_user_is_sent_from_signup_to_the_dashboard(user_client):
    response = user_client.get("/auth/signup")
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"


# Log-in and out --------------------------------------------------------------------------------

def test_login_and_logout(client, db):
    user = factories.make_user(email="lena@example.org")

    response = client.post("/auth/login", data={"email": "LENA@example.org", "password": factories.DEFAULT_PASSWORD})

    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert client.get_cookie("remember_token") is None
    assert client.get("/dashboard").status_code == 200
    db.session.expire_all()
    assert user.last_login_at is not None

    response = client.post("/auth/logout", follow_redirects=True)

    assert response.request.path == "/"
    assert "You are logged out." in response.get_data(as_text=True)
    response = client.get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login?next=")


def test_one_clients_login_does_not_sign_in_another(app, client, db):
    login(client, factories.make_user())
    assert client.get("/dashboard").status_code == 200

    assert app.test_client().get("/dashboard").status_code == 302


@pytest.mark.parametrize("email", ["lena@example.org", "nobody@example.org"])
def test_wrong_password_or_unknown_address_get_the_same_message(client, db, email):
    factories.make_user(email="lena@example.org")

    response = client.post("/auth/login", data={"email": email, "password": "not my password"})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "The email address or the password is wrong." in error_of(html, "password")
    assert f'value="{email}"' in html
    assert client.get("/dashboard").status_code == 302


def test_disabled_account_cannot_log_in_and_is_told_so_only_with_its_password(app, client, db, monkeypatch):
    user = factories.make_user()
    user.disabled = True
    db.session.flush()

    right = client.post("/auth/login", data={"email": user.email, "password": factories.DEFAULT_PASSWORD})
    wrong = client.post("/auth/login", data={"email": user.email, "password": "a wrong password"})
    monkeypatch.setitem(app.config, "SITE_CONTACT_EMAIL", "help@un.example")
    with_contact = client.post("/auth/login", data={"email": user.email, "password": factories.DEFAULT_PASSWORD})

    assert right.status_code == 200
    assert ("This account is disabled. If you think this is a mistake, write to the organisers of your event "
            "or to this site&#39;s administrators.") in right.get_data(as_text=True)
    # Without the password, a disabled account looks like any wrong guess.
    assert "The email address or the password is wrong." in error_of(wrong.get_data(as_text=True), "password")
    assert "disabled" not in wrong.get_data(as_text=True)
    assert ("This account is disabled. If you think this is a mistake, write to help@un.example."
            in with_contact.get_data(as_text=True))
    assert client.get("/dashboard").status_code == 302


def test_remember_me_sets_the_remember_cookie(client, db):
    user = factories.make_user()

    client.post("/auth/login", data={"email": user.email, "password": factories.DEFAULT_PASSWORD, "remember": "y"})

    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.http_only
    # The cookie alone keeps the person logged in once the session cookie is gone.
    client.delete_cookie("session")
    assert client.get("/dashboard").status_code == 200


@pytest.mark.parametrize("target", ["/events/new", "/dashboard?tab=2"])
def test_login_follows_next_on_this_site(client, db, target):
    user = factories.make_user()
    response = client.post("/auth/login", query_string={"next": target},
                           data={"email": user.email, "password": factories.DEFAULT_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == target


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example", "/\t/evil.example",
    "javascript:alert(1)", "http:evil.example", " //evil.example",
])
def test_login_refuses_next_leaving_the_site(client, db, target):
    user = factories.make_user()
    response = client.post("/auth/login", data={"email": user.email, "password": factories.DEFAULT_PASSWORD,
                                                "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


def test_login_page_carries_next_into_the_form(client, db):
    html = client.get("/auth/login?next=/events/new").get_data(as_text=True)
    assert 'name="next" type="hidden" value="/events/new"' in html


def test_unverified_user_can_log_in_and_is_told_to_confirm(client, db):
    user = factories.make_user(verified=False)
    response = client.post("/auth/login", data={"email": user.email, "password": factories.DEFAULT_PASSWORD},
                           follow_redirects=True)
    assert response.status_code == 200 and response.request.path == "/dashboard"
    assert "Confirm your email address with the link we sent you" in response.get_data(as_text=True)


def test_resend_verification_queues_a_fresh_link(client, db):
    user = factories.make_user(verified=False)
    login(client, user)

    response = client.post("/auth/verify/resend", follow_redirects=True)

    assert f"We sent a new confirmation link to {user.email}." in response.get_data(as_text=True)
    [mail] = mails_to(db, user.email)
    assert client.get(link_path(mail)).status_code == 302
    assert user_by_email(db, user.email).is_verified


# Password reset ---------------------------------------------------------------------------------

@pytest.mark.parametrize("email", ["known@example.org", "unknown@example.org"])
def test_reset_request_gives_the_same_answer_for_known_and_unknown_addresses(client, db, email):
    factories.make_user(email="known@example.org")

    response = client.post("/auth/reset", data={"email": email}, follow_redirects=True)

    assert response.status_code == 200 and response.request.path == "/auth/login"
    assert (f"If an account uses {email}, we sent it a link to choose a new password."
            in response.get_data(as_text=True))
    queued = mails_to(db, email)
    assert [m.template for m in queued] == (["reset_password"] if email.startswith("known") else [])


def test_reset_link_sets_a_new_password_and_works_once(client, db):
    factories.make_user(email="known@example.org")
    client.post("/auth/reset", data={"email": "known@example.org"})
    [mail] = mails_to(db, "known@example.org")
    path = link_path(mail)

    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": "a brand new passphrase", "confirm": "a brand new passphrase"},
                           follow_redirects=True)

    assert response.request.path == "/auth/login"
    assert "Your password is changed. Log in with the new one." in response.get_data(as_text=True)
    user = user_by_email(db, "known@example.org")
    assert user.check_password("a brand new passphrase")
    assert not user.check_password(factories.DEFAULT_PASSWORD)
    assert "account.password_reset" in actions_for(db, user)

    for method in (client.get, client.post):
        again = method(path, data={"password": "yet another passphrase", "confirm": "yet another passphrase"})
        assert again.status_code == 400
        assert "This link has already been used or is no longer valid." in again.get_data(as_text=True)
    assert user_by_email(db, "known@example.org").check_password("a brand new passphrase")


def test_reset_with_a_short_password_keeps_the_form(client, db):
    factories.make_user(email="known@example.org")
    client.post("/auth/reset", data={"email": "known@example.org"})
    path = link_path(mails_to(db, "known@example.org")[0])

    response = client.post(path, data={"password": "short", "confirm": "short"})

    assert response.status_code == 200
    assert "Use between 10 and 128 characters." in error_of(response.get_data(as_text=True), "password")
    assert user_by_email(db, "known@example.org").check_password(factories.DEFAULT_PASSWORD)


@pytest.mark.parametrize("kind", ["expired", "tampered"])
def test_expired_or_invalid_reset_link_is_refused(client, db, kind):
    user = factories.make_user()
    from conference.accounts.users import _reset_fingerprint
    token = past_token("reset-password", {"id": user.id, "fp": _reset_fingerprint(user)},
                       age_seconds=3 * 3600 if kind == "expired" else 60)
    if kind == "tampered":
        token = tampered(token)

    response = client.get(f"/auth/reset/{token}")

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    expected = "This link has expired." if kind == "expired" else "This link is not valid."
    assert expected in html
    assert 'href="/auth/reset"' in html  # a way to ask for a new link


# Change password and profile ------------------------------------------------------------------

def test_change_password_with_wrong_current_password(client, db):
    user = factories.make_user()
    login(client, user)

    response = client.post("/auth/password", data={"current_password": "not the password",
                                                   "new_password": "a brand new passphrase",
                                                   "confirm": "a brand new passphrase"})

    assert response.status_code == 200
    assert "This is not your current password." in error_of(response.get_data(as_text=True), "current_password")
    assert user_by_email(db, user.email).check_password(factories.DEFAULT_PASSWORD)


def test_change_password_logs_out_other_sessions_but_not_this_one(app, client, db):
    user = factories.make_user()
    login(client, user)
    other = login(app.test_client(), user)
    remembered = app.test_client()
    remembered.post("/auth/login", data={"email": user.email, "password": factories.DEFAULT_PASSWORD, "remember": "y"})
    remembered.delete_cookie("session")
    assert other.get("/dashboard").status_code == 200
    assert remembered.get("/dashboard").status_code == 200

    response = client.post("/auth/password", data={"current_password": factories.DEFAULT_PASSWORD,
                                                   "new_password": "a brand new passphrase",
                                                   "confirm": "a brand new passphrase"}, follow_redirects=True)

    assert response.request.path == "/auth/profile"
    assert "Your password is changed. Other devices are logged out." in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 200
    assert other.get("/dashboard").status_code == 302
    remembered.delete_cookie("session")
    assert remembered.get("/dashboard").status_code == 302
    user = user_by_email(db, user.email)
    assert user.check_password("a brand new passphrase")
    assert actions_for(db, user)[-1] == "account.password_changed"


def test_change_password_keeps_this_devices_remember_me(app, client, db):
    user = factories.make_user()
    client.post("/auth/login", data={"email": user.email, "password": factories.DEFAULT_PASSWORD, "remember": "y"})

    client.post("/auth/password", data={"current_password": factories.DEFAULT_PASSWORD,
                                        "new_password": "a brand new passphrase", "confirm": "a brand new passphrase"})

    client.delete_cookie("session")
    assert client.get("/dashboard").status_code == 200


def test_profile_saves_every_field(client, db):
    user = factories.make_user()
    login(client, user)

    response = client.post("/auth/profile", data={"name": "Dr. Amina Diallo", "affiliation": "WMO",
                                                  "country": "SN", "timezone": "Africa/Dakar",
                                                  "bio": "Works on early warning systems."},
                           follow_redirects=True)

    assert response.status_code == 200 and response.request.path == "/auth/profile"
    html = response.get_data(as_text=True)
    assert "Your profile is saved." in html
    assert 'value="Dr. Amina Diallo"' in html and '<option selected value="SN">' in html
    user = user_by_email(db, user.email)
    assert (user.name, user.affiliation, user.country, user.timezone, user.bio) == (
        "Dr. Amina Diallo", "WMO", "SN", "Africa/Dakar", "Works on early warning systems.")
    assert "Times are shown in Africa/Dakar, your time zone." in html
    assert actions_for(db, user)[-1] == "account.profile_updated"


def test_profile_refuses_an_unknown_time_zone(client, db):
    user = factories.make_user(timezone="Europe/Oslo")
    login(client, user)

    response = client.post("/auth/profile", data={"name": "New Name", "affiliation": "ITU", "country": "CH",
                                                  "timezone": "Europe/Atlantis", "bio": "Bio"})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Choose a time zone from the list, e.g. Europe/Zurich." in error_of(html, "timezone")
    assert 'value="New Name"' in html and 'value="ITU"' in html and "Bio</textarea>" in html
    user = user_by_email(db, user.email)
    assert user.name != "New Name" and user.timezone == "Europe/Oslo"


def test_account_pages_need_a_login(client):
    for path in ("/auth/password", "/auth/profile", "/dashboard"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"] == f"/auth/login?next={path.replace('/', '%2F')}"
