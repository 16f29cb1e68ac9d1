"""Login sessions in Chromium: the profile lists where one is logged in, "Log out everywhere
else" logs the other browser out, and cookies copied out of a browser stop working once it
logs out."""

from __future__ import annotations

import re

from .. import factories
from .test_account_and_event_journey import expect, log_in


def test_log_out_everywhere_else_and_copied_cookies(page, new_page, committed_db):
    user = factories.make_user(name="Sam Sessions")
    committed_db.session.commit()
    phone, copy = new_page(), new_page()
    log_in(phone, user.email, factories.DEFAULT_PASSWORD)
    log_in(page, user.email, factories.DEFAULT_PASSWORD)

    # The profile lists both, this one marked; the other is logged out from here.
    page.goto("/auth/profile")
    table = page.get_by_role("table", name="Where you are logged in")
    expect(table.get_by_role("row")).to_have_count(3)  # the header and two sessions
    expect(table).to_contain_text("(this device)")
    page.submit(page.get_by_role("button", name="Log out everywhere else"))
    expect(page.get_by_role("status")).to_contain_text("You are logged out everywhere else (1 session ended).")
    expect(page.get_by_role("table", name="Where you are logged in").get_by_role("row")).to_have_count(2)

    phone.goto("/dashboard")
    expect(phone).to_have_url(re.compile(r"/auth/login\?next="))

    # Cookies copied into another browser work until the browser they came from logs out.
    copy.raw.context.add_cookies(page.raw.context.cookies())
    copy.goto("/dashboard")
    expect(copy).to_have_url(re.compile(r"/dashboard$"))
    page.submit(page.get_by_role("button", name="Log out", exact=True))
    copy.goto("/dashboard")
    expect(copy).to_have_url(re.compile(r"/auth/login\?next="))


def test_an_administrator_disables_and_enables_an_account(page, new_page, committed_db):
    person = factories.make_user(name="Dina Disabled", email="dina@example.org")
    admin = factories.make_user(name="Ada Admin", email="ada@example.org", is_admin=True)
    committed_db.session.commit()
    theirs = new_page()
    log_in(theirs, person.email, factories.DEFAULT_PASSWORD)
    log_in(page, admin.email, factories.DEFAULT_PASSWORD)

    # From the user list to the person's page, where the form asks for a reason and a confirmation.
    page.follow(page.get_by_role("link", name="Administration"))
    page.follow(page.get_by_role("link", name="Dina Disabled", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dina Disabled")
    page.get_by_label(re.compile("^Why is this account disabled")).fill("Reported as a shared account")
    page.submit(page.get_by_role("button", name="Disable the account"))
    expect(page.get_by_role("alert")).to_contain_text("Tick the box to confirm.")
    expect(page.get_by_label(re.compile("^Why is this account disabled"))).to_have_value("Reported as a shared account")
    page.get_by_label(re.compile("^Yes, disable this account")).check()
    page.submit(page.get_by_role("button", name="Disable the account"))
    expect(page.get_by_role("status")).to_contain_text("The account of Dina Disabled is disabled; 1 session ended.")

    # Their open browser is logged out at its next request, and logging in again says why it fails.
    theirs.goto("/dashboard")
    expect(theirs).to_have_url(re.compile(r"/auth/login\?next="))
    log_in(theirs, person.email, factories.DEFAULT_PASSWORD)
    expect(theirs.get_by_role("alert")).to_contain_text("This account is disabled.")

    # The list marks it, and shows it alone when asked for the disabled accounts.
    page.goto("/admin/users")
    page.get_by_role("combobox", name="Accounts").select_option("disabled")
    page.submit(page.get_by_role("button", name="Search"))
    expect(page.get_by_role("row", name=re.compile("Dina Disabled"))).to_contain_text("disabled")
    expect(page.get_by_role("row")).to_have_count(2)  # the header and Dina

    # Enabled again, the account logs in.
    page.follow(page.get_by_role("link", name="Dina Disabled", exact=True))
    page.submit(page.get_by_role("button", name="Enable the account"))
    expect(page.get_by_role("status")).to_contain_text("The account of Dina Disabled is enabled")
    log_in(theirs, person.email, factories.DEFAULT_PASSWORD)
    expect(theirs).to_have_url(re.compile(r"/dashboard$"))

    # The privacy notice the log-in form links to.
    theirs.follow(theirs.get_by_role("contentinfo").get_by_role("link", name="Privacy notice"))
    expect(theirs.get_by_role("heading", level=1)).to_have_text("Privacy notice")
