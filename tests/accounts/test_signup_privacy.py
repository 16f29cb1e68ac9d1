"""Sign-up must not tell who has an account: with a taken address it answers exactly as for a
new account (same page, wording and status, a password hashed either way), and the owner is
mailed instead, at most once a quarter of an hour."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from conference.accounts.models import User
from conference.core.types import utcnow
from conference.events import team
from conference.events.enums import TeamRole
from conference.mail.outbox import OutboxWorker

from .. import factories
from ..conftest import message_text
from .test_auth_pages import BASE, SIGNUP, actions_for, mails_to, user_by_email


def answer_to(response, client, *addresses: str) -> tuple:
    """What the person signing up sees: the response and the page it leads to, with the
    addresses typed masked (they are shown back, as typed or normalised)."""

    def masked(text: str) -> str:
        for address in addresses:
            text = text.replace(address, "ADDRESS")
        return text

    location = response.headers.get("Location")
    cookies = sorted(header.split("=", 1)[0] for header in response.headers.getlist("Set-Cookie"))
    page = client.get(location) if location else None
    return (response.status_code, location, masked(response.get_data(as_text=True)), cookies,
            page and (page.status_code, masked(page.get_data(as_text=True))))


@pytest.mark.parametrize("typed", ["taken@example.org", "Taken@Example.ORG", "  TAKEN@example.org "])
def test_signup_with_a_taken_address_answers_as_a_new_signup_and_mails_the_owner(app, db, typed):
    owner = factories.make_user(email="taken@example.org", name="First Owner")
    new, taken = app.test_client(), app.test_client()

    fresh = answer_to(new.post("/auth/signup", data=SIGNUP | {"email": "fresh@example.org"}), new, "fresh@example.org")
    again = answer_to(taken.post("/auth/signup", data=SIGNUP | {"email": typed, "name": "Second Try"}), taken,
                      typed.strip(), "taken@example.org")

    assert again == fresh
    assert again[:2] == (302, "/auth/login") and "we sent a link to ADDRESS" in again[4][1]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)
                             .where(sa.func.lower(User.email) == "taken@example.org")) == 1
    owner = user_by_email(db, "taken@example.org")
    assert owner.name == "First Owner" and owner.check_password(factories.DEFAULT_PASSWORD)
    [mail] = mails_to(db, "taken@example.org")
    assert (mail.template, mail.to_name, mail.subject) == (
        "account_exists", "First Owner", "Someone tried to create an account with your address")
    assert "Someone tried to create an account with your email address, taken@example.org." in mail.body_text
    assert f"If it was you, log in:\n\n{BASE}/auth/login\n" in mail.body_text
    assert f"If you forgot your password, choose a new one here:\n\n{BASE}/auth/reset\n" in mail.body_text
    assert f'<a href="{BASE}/auth/reset">' in mail.body_html
    assert actions_for(db, owner) == ["account.signup_attempted"]


def test_the_owner_gets_the_mail_over_smtp(client, db, smtp_server):
    factories.make_user(email="taken@example.org", name="First Owner")
    client.post("/auth/signup", data=SIGNUP | {"email": "taken@example.org"})
    db.session.commit()  # a savepoint: the worker sees the queued row

    assert OutboxWorker().run_once().sent == 1

    [received] = smtp_server.messages
    assert received["to"] == ["taken@example.org"]
    assert received["message"]["Subject"] == "Someone tried to create an account with your address"
    text = message_text(received["message"])
    assert "You already have an account, so no second one was created." in text
    assert f"{BASE}/auth/login" in text and f"{BASE}/auth/reset" in text


def test_signing_up_with_a_taken_address_hashes_the_password_as_a_new_signup_does(client, db, monkeypatch):
    """The answer takes as long either way: a password is hashed once in both cases."""
    from conference.accounts import models as account_models

    hashed = []
    real = account_models.generate_password_hash
    monkeypatch.setattr(account_models, "generate_password_hash",
                        lambda password, **kw: hashed.append(password) or real(password, **kw))
    factories.make_user(email="taken@example.org")
    hashed.clear()

    client.post("/auth/signup", data=SIGNUP | {"email": "fresh@example.org"})
    client.post("/auth/signup", data=SIGNUP | {"email": "taken@example.org"})

    assert hashed == [SIGNUP["password"], SIGNUP["password"]]


def test_repeated_signups_with_a_taken_address_mail_the_owner_once_a_quarter_hour(client, db):
    factories.make_user(email="taken@example.org")
    for _ in range(3):
        assert client.post("/auth/signup", data=SIGNUP | {"email": "taken@example.org"}).status_code == 302
    assert [m.template for m in mails_to(db, "taken@example.org")] == ["account_exists"]

    mails_to(db, "taken@example.org")[0].created_at = utcnow() - dt.timedelta(minutes=16)
    db.session.flush()
    client.post("/auth/signup", data=SIGNUP | {"email": "taken@example.org"})
    assert [m.template for m in mails_to(db, "taken@example.org")] == ["account_exists", "account_exists"]


def test_signing_up_from_an_invitation_with_a_taken_address_neither_logs_in_nor_joins(app, client, db, event,
                                                                                      organiser):
    factories.make_user(email="taken@example.org", name="First Owner")
    invitation = team.invite_member(event, actor=organiser, email="taken@example.org", role=TeamRole.REVIEWER)
    data = SIGNUP | {"email": "taken@example.org", "invitation": team.invitation_token(invitation)}

    response = client.post("/auth/signup", data=data)

    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    assert client.get("/dashboard").status_code == 302
    assert invitation.is_open
    assert sorted(m.template for m in mails_to(db, "taken@example.org")) == ["account_exists", "team_invitation"]


def test_a_disabled_account_is_not_mailed_but_the_answer_is_the_same(client, db):
    user = factories.make_user(email="taken@example.org")
    user.disabled = True
    db.session.flush()

    response = client.post("/auth/signup", data=SIGNUP | {"email": "taken@example.org"}, follow_redirects=True)

    assert "Almost done: we sent a link to taken@example.org." in response.get_data(as_text=True)
    assert mails_to(db, "taken@example.org") == []
