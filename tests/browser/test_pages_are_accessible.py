"""Every kind of page in the app, in Chromium: the ``page`` fixture checks each one with
axe-core (no serious or critical violation) and for Content-Security-Policy violations.
The journeys cover the main path; these visit the pages they do not, including forms with
errors and the error pages."""

from __future__ import annotations

import re

import sqlalchemy as sa

from conference.accounts import users
from conference.core.tokens import make_token
from conference.events.models import TeamInvitation
from conference.events.team import invitation_token

from .. import factories
from .test_account_and_event_journey import expect, log_in


def test_public_and_error_pages_pass_the_checks(page, committed_db):
    event = factories.make_event(published=True, title="Open Symposium", slug="open-symposium")
    draft = factories.make_event(title="Secret Draft", slug="secret-draft")
    committed_db.session.commit()

    page.goto("/")
    page.follow(page.get_by_role("link", name=event.title))
    expect(page.get_by_role("heading", level=1)).to_have_text("Open Symposium")

    page.goto("/auth/signup")
    page.get_by_label("Email address").fill("not-an-address")
    page.submit(page.get_by_role("button", name="Create account"))
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_label("Email address")).to_have_value("not-an-address")
    expect(page.get_by_label("Full name")).to_have_attribute("aria-invalid", "true")

    page.goto("/auth/reset")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    # The page a reset link opens (the link is mailed; made here as the mail would carry it).
    forgetful = factories.make_user(name="Fay Forgetful")
    committed_db.session.commit()
    token = make_token("reset-password", {"id": forgetful.id, "fp": users._reset_fingerprint(forgetful)})
    response = page.goto(f"/auth/reset/{token}")
    assert response.status == 200
    expect(page.get_by_label(re.compile("password", re.I)).first).to_be_visible()

    response = page.goto("/auth/verify/not-a-token")
    assert response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")

    response = page.goto("/no/such/page")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")

    response = page.goto(f"/events/{draft.slug}/")
    assert response.status == 404


def test_account_and_team_pages_pass_the_checks(page, new_page, committed_db):
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    event = factories.make_event(organiser=organiser, title="Team Symposium", slug="team-symposium")
    newcomer = factories.make_user(name="Nina Newcomer", verified=False)
    committed_db.session.commit()

    log_in(page, organiser.email, factories.DEFAULT_PASSWORD)
    page.follow(page.get_by_role("link", name="Profile"))
    page.follow(page.get_by_role("link", name="Change your password"))
    page.submit(page.get_by_role("button", name=re.compile("password", re.I)))
    expect(page.get_by_role("alert")).to_be_focused()

    # Event settings with a rule of the domain broken: the error comes back on its field.
    page.goto(f"/events/{event.slug}/edit")
    page.get_by_label("Web address").fill("Not A Slug")
    page.submit(page.get_by_role("button", name="Save event"))
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_label("Web address")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Web address")).to_have_value("Not A Slug")

    event_nav = page.get_by_role("navigation", name="Event management")
    page.follow(event_nav.get_by_role("link", name="Team"))
    page.get_by_label("Email address").fill("reviewer@example.org")
    page.get_by_role("combobox", name="Role").select_option("reviewer")
    page.submit(page.get_by_role("button", name="Send invitation"))
    expect(page.get_by_role("main")).to_contain_text("reviewer@example.org")
    # The page the invitation's mailed link opens, for someone without an account yet.
    committed_db.session.commit()  # end the test's read transaction: see what the server wrote
    invitation = committed_db.session.scalar(sa.select(TeamInvitation).where(TeamInvitation.email == "reviewer@example.org"))
    invited = new_page()
    response = invited.goto(f"/invitations/{invitation_token(invitation)}")
    assert response.status == 200
    expect(invited.get_by_role("heading", level=1)).to_be_visible()
    page.follow(event_nav.get_by_role("link", name="Audit log"))
    expect(page.get_by_role("table")).to_be_visible()

    # Someone without rights, whose address is not confirmed yet.
    other = new_page()
    log_in(other, newcomer.email, factories.DEFAULT_PASSWORD)
    expect(other.get_by_role("button", name="Send the link again")).to_be_visible()
    response = other.goto("/admin/users")
    assert response.status == 403
    expect(other.get_by_role("heading", level=1)).to_have_text("Not allowed")


def test_your_data_and_erasure_pages_pass_the_checks(page, new_page, committed_db):
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    factories.make_event(organiser=organiser, title="Bound Symposium", slug="bound-symposium")
    admin = factories.make_user(name="Ada Admin", is_admin=True)
    free = factories.make_user(name="Fred Free", email="fred@example.org")
    committed_db.session.commit()

    # Bound to an event that is not over: the page says why it cannot erase.
    log_in(page, organiser.email, factories.DEFAULT_PASSWORD)
    page.follow(page.get_by_role("link", name="Profile"))
    page.follow(page.get_by_role("link", name="Download everything this site holds about you, or erase your account"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    expect(page.get_by_role("main")).to_contain_text("You are on the team of Bound Symposium until it is over.")

    # Free to erase: a missing confirmation comes back on the form.
    other = new_page()
    log_in(other, free.email, factories.DEFAULT_PASSWORD)
    other.goto("/account/data")
    other.get_by_label("Your password").fill(factories.DEFAULT_PASSWORD)
    other.submit(other.get_by_role("button", name="Erase my account"))
    expect(other.get_by_role("alert")).to_be_focused()
    expect(other.get_by_label("I understand that this cannot be undone")).to_have_attribute("aria-invalid", "true")

    # An administrator erases the bound account from the user list.
    third = new_page()
    log_in(third, admin.email, factories.DEFAULT_PASSWORD)
    third.goto("/admin/users")
    third.follow(third.get_by_role("link", name="Erase account of Olga Organiser"))
    expect(third.get_by_role("main")).to_contain_text("They could not erase it themselves because:")
    third.get_by_label("I understand that this cannot be undone").check()
    third.submit(third.get_by_role("button", name="Erase this account"))
    expect(third.get_by_role("main")).to_contain_text("The account of Olga Organiser is erased.")
