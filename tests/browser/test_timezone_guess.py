"""The time-zone picker guesses the browser's zone, also when the browser names it by an old
name of the tz database (Chromium says Asia/Calcutta for India): the picker offers current names
only (Asia/Kolkata) and tells the script which option an old name stands for."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("browser_zone", "chosen"), [
    ("Asia/Kolkata", "Asia/Kolkata"),
    ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
    ("Europe/Kyiv", "Europe/Kyiv"),
    ("Europe/Zurich", "Europe/Zurich"),
])
def test_the_sign_up_form_guesses_the_browsers_zone(browser, live_server, browser_zone, chosen):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id=browser_zone)
    try:
        page = context.new_page()
        page.goto("/auth/signup")
        named = page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
        assert page.locator("#field-timezone").input_value() == chosen, f"the browser says {named}"
    finally:
        context.close()
