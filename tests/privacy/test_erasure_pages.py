"""Erasing an account from the pages (one's own, an administrator's) and from the command line."""

from __future__ import annotations

import sqlalchemy as sa

from conference.accounts.models import User
from conference.core.models import AuditEntry
from conference.extensions import db
from conference.privacy import erasure

from .. import factories
from ..conftest import login
from .builders import EMAIL, person_everywhere


def fresh(model, ident):
    """The row as the request left it (the test's session still holds what it loaded before)."""
    db.session.expire_all()
    return db.session.get(model, ident)


def test_a_person_erases_their_own_account_and_is_logged_out(app, db):
    person = factories.make_user(name="Free Person", email="free@example.org")
    client = login(app.test_client(), person)
    page = client.get("/account/data").get_data(as_text=True)
    assert "Erase my account" in page and "You cannot erase your account yet" not in page

    unticked = client.post("/account/data/erase", data={"password": factories.DEFAULT_PASSWORD})
    assert unticked.status_code == 400 and "Tick the box to confirm." in unticked.get_data(as_text=True)
    wrong = client.post("/account/data/erase", data={"confirm": "y", "password": "not my password"})
    assert wrong.status_code == 400 and "This is not your password." in wrong.get_data(as_text=True)
    assert fresh(User, person.id).erased_at is None

    done = client.post("/account/data/erase", data={"confirm": "y", "password": factories.DEFAULT_PASSWORD})
    assert done.status_code == 302
    assert fresh(User, person.id).email == f"deleted-{person.id}@erased.invalid"
    assert client.get("/account/data").status_code == 302  # logged out: the login page
    # Nor can anyone log in with the old address and password.
    again = app.test_client().post("/auth/login", data={"email": "free@example.org",
                                                        "password": factories.DEFAULT_PASSWORD})
    assert again.status_code == 200 and "The email address or the password is wrong." in again.get_data(as_text=True)


def test_a_bound_person_sees_why_and_cannot_post_around_it(app, db):
    world = person_everywhere()
    client = login(app.test_client(), world.person)
    page = client.get("/account/data").get_data(as_text=True)
    assert "You cannot erase your account yet" in page and "Erasure Agency" in page and "Erase my account" not in page
    refused = client.post("/account/data/erase", data={"confirm": "y", "password": factories.DEFAULT_PASSWORD})
    assert refused.status_code == 400 and "You are registered for" in refused.get_data(as_text=True)
    assert fresh(User, world.person.id).erased_at is None


def test_an_administrator_erases_a_bound_account(admin_client, db):
    world = person_everywhere()
    users_page = admin_client.get("/admin/users").get_data(as_text=True)
    assert f"/admin/users/{world.person.id}/erase" in users_page
    page = admin_client.get(f"/admin/users/{world.person.id}/erase").get_data(as_text=True)
    assert "They could not erase it themselves because:" in page and "Erasure Agency" in page
    done = admin_client.post(f"/admin/users/{world.person.id}/erase", data={"confirm": "y"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/admin/users")
    assert fresh(User, world.person.id).erased_at is not None
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "account.erased")).one()
    assert entry.actor_id == admin_client.user.id


def test_only_administrators_reach_the_erase_page(user_client, db):
    other = factories.make_user()
    assert user_client.get(f"/admin/users/{other.id}/erase").status_code == 403
    assert user_client.post(f"/admin/users/{other.id}/erase", data={"confirm": "y"}).status_code == 403
    assert fresh(User, other.id).erased_at is None


def test_the_command_line_erases_an_account(app, runner, db):
    world = person_everywhere()
    result = runner.invoke(args=["users", "erase", EMAIL, "--yes"])
    assert result.exit_code == 0, result.output
    assert result.output == f"Erased account #{world.person.id}; it is now deleted-{world.person.id}@erased.invalid\n"
    again = runner.invoke(args=["users", "erase", EMAIL, "--yes"])
    assert again.exit_code == 1 and f"No account uses {EMAIL}" in again.output


def test_the_event_pages_still_work_after_an_erasure(app, db):
    """The event's pages that show people (review, submissions, team, registrations, delegations,
    the agenda, the outbox) render for its organiser, and the review pages for the remaining
    reviewer, once a reviewer, author, registrant, focal point and speaker is erased."""
    world = person_everywhere()
    erasure.erase_account(world.person, actor=factories.make_user(is_admin=True))
    db.session.commit()
    values = {"slug": world.review.event.slug, "code": world.review.submission.code}
    showing_people = ("review", "submissions", "team", "registrations", "delegations", "agenda", "outbox")
    paths = sorted({rule.rule.replace("<slug>", values["slug"]).replace("<code>", values["code"])
                    for rule in app.url_map.iter_rules()
                    if "GET" in rule.methods and rule.arguments and rule.arguments <= set(values)
                    and any(word in rule.rule for word in showing_people)})
    assert len(paths) > 15
    for user, seen in ((world.review.organiser, paths), (world.review.second, [p for p in paths if "review" in p])):
        client = login(app.test_client(), user)
        failures = {path: code for path in seen if (code := client.get(path).status_code) >= 500}
        assert failures == {}
