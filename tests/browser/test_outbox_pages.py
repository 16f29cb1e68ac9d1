"""The outbox in Chromium: an organiser filters the event's messages, opens a held one, edits
and sends it, reads why another failed and retries it, visits a person's messages and
discards a held mail; the mails arrive at a real SMTP server. Every page passes axe-core and
the CSP check."""

from __future__ import annotations

import re

from .. import factories
from ..conftest import message_text
from ..group_mail.builders import make_group_mail, queue
from .test_account_and_event_journey import expect, log_in


def test_organiser_filters_opens_edits_and_sends_a_held_message(page, live_server, live_mail, committed_db):
    db = committed_db
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    event = factories.make_event(organiser=organiser, slug="mailbox", title="Mail Symposium")
    group = make_group_mail(event, organiser, subject="Volunteers wanted")
    queue(event, "sam@example.org", name="Sam Sent", subject="Welcome, {recipient_name}")
    queue(event, "nobody@example.org", name="No Body", subject="Lost mail")
    db.session.commit()
    live_mail.refuse["nobody@example.org"] = "550 5.1.1 No such user"
    assert live_server.deliver_mail().sent == 1
    for address, name in (("ann@example.org", "Ann Author"), ("bob@example.org", "Bob Builder")):
        queue(event, address, name=name, subject="Volunteers wanted, {recipient_name}", group_mail=group, hold=True,
              body="Hello {recipient_name},\n\nwould you help at **{event_title}**?")
    db.session.commit()

    log_in(page, organiser.email, factories.DEFAULT_PASSWORD)
    page.goto("/events/mailbox/mail/outbox")
    expect(page.get_by_role("heading", level=1)).to_have_text("Outbox of Mail Symposium")
    expect(page.get_by_role("heading", name="4 messages, newest first")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Held: 2")).to_be_visible()

    page.get_by_label("State", exact=True).select_option(label="Held")
    page.get_by_label("Recipient's address or name contains").fill("ann")
    page.submit(page.get_by_role("button", name="Show"))
    expect(page.get_by_role("heading", name="1 message, newest first")).to_be_visible()
    page.follow(page.get_by_role("link", name="Volunteers wanted, Ann Author"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Volunteers wanted, Ann Author")
    expect(page.get_by_role("region", name="Plain text")).to_contain_text("Hello Ann Author,")
    expect(page.locator(".mail-html")).to_contain_text("Hello Ann Author,")
    expect(page.locator(".mail-html strong")).to_have_text("Mail Symposium")
    page.follow(page.get_by_role("link", name="Edit", exact=True))
    page.get_by_label("Subject").fill("Thank you, Ann")
    page.get_by_label(re.compile("^Message")).fill("Dear Ann,\n\nthank you for <offering> help.")
    page.submit(page.get_by_role("button", name="Save the message"))
    expect(page.get_by_role("status")).to_contain_text("The message is saved")
    expect(page.locator(".mail-html")).to_contain_text("thank you for <offering> help.")
    page.submit(page.get_by_role("button", name="Send this message"))
    expect(page.get_by_role("status")).to_contain_text("The message is queued")

    assert live_server.deliver_mail().sent == 1
    [mail] = [m for m in live_mail.messages if m["to"] == ["ann@example.org"]]
    assert mail["message"]["Subject"] == "Thank you, Ann"
    assert message_text(mail["message"]).replace("\r\n", "\n") == "Dear Ann,\n\nthank you for <offering> help.\n"

    # The failed message: the server's answer, and a retry once the cause is gone.
    page.goto("/events/mailbox/mail/outbox?state=failed")
    page.follow(page.get_by_role("link", name="Lost mail"))
    expect(page.get_by_text("550 5.1.1 No such user (recipient nobody@example.org)")).to_be_visible()
    del live_mail.refuse["nobody@example.org"]
    page.submit(page.get_by_role("button", name="Retry this message"))
    expect(page.get_by_role("status")).to_contain_text("queued again")
    assert live_server.deliver_mail().sent == 1
    assert [m["to"] for m in live_mail.messages][-1] == ["nobody@example.org"]

    # Everything sent to one person; then the last held mail is discarded from the list.
    page.follow(page.get_by_role("link", name="nobody@example.org"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages to nobody@example.org")
    expect(page.get_by_role("row", name=re.compile("Lost mail"))).to_contain_text("Sent")
    page.follow(page.get_by_role("link", name="Back to the outbox"))
    page.get_by_label("Select the held message Volunteers wanted, Bob Builder").check()
    page.submit(page.get_by_role("button", name="Discard selected"))
    expect(page.get_by_role("status")).to_contain_text("discarded")
    expect(page.get_by_text("No message is held.")).to_be_visible()
    assert live_server.deliver_mail().sent == 0
