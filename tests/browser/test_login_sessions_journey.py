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
