"""Mail to a group in Chromium: an organiser chooses the authors of submitted talks, writes,
previews and sends; the mail arrives with its unsubscribe link, and a recipient follows it
and unsubscribes. Every page passes axe-core and the CSP check."""

from __future__ import annotations

import sqlalchemy as sa

from conference.models import MailOptOut

from .. import factories
from ..conftest import message_text
from ..domain.decision_helpers import make_committee, make_submission
from .test_account_and_event_journey import expect, fresh, log_in


def test_organiser_writes_to_authors_and_one_unsubscribes(page, new_page, live_server, live_mail, committed_db):
    db = committed_db
    committee = make_committee(slug="grouped-live", reviewers=1)
    ada = factories.make_user(name="Ada Author", email="ada@example.org")
    ben = factories.make_user(name="Ben Author", email="ben@example.org")
    talk = make_submission(committee, title="Open <data> in practice", author=ada)
    make_submission(committee, title="Privacy by design", author=ben, track=committee.call.privacy)
    db.session.commit()
    live_server.deliver_mail()  # the "submission received" mails
    live_mail.messages.clear()

    log_in(page, committee.organiser.email, factories.DEFAULT_PASSWORD)
    page.goto("/events/grouped-live/mail/group")
    page.get_by_label("Authors of submissions").check()
    page.submit(page.get_by_role("button", name="Write to them"))
    page.get_by_label("Submitted").check()
    page.get_by_label("Subject").fill("Slides for {submission_code}")
    page.get_by_role("textbox", name="Message").fill("Hello {recipient_name},\n\nPlease send the slides of **{submission_title}**.")
    page.submit(page.get_by_role("button", name="Preview"))
    expect(page.get_by_role("status")).to_contain_text("This mail reaches 2 people.")
    expect(page.locator("#preview-subject")).to_have_text(f"Slides for {talk.code}")
    expect(page.locator("#preview-html strong")).to_have_text("Open <data> in practice")
    expect(page.get_by_label("Subject")).to_have_value("Slides for {submission_code}")
    expect(page.get_by_label("Submitted")).to_be_checked()

    page.submit(page.get_by_role("button", name="Send", exact=True))
    expect(page.get_by_role("status")).to_contain_text("The mail is queued for 2 people")
    expect(page.get_by_role("row", name="Slides for {submission_code}")).to_contain_text("Olga Organiser")

    assert live_server.deliver_mail().sent == 2
    mail = next(m["message"] for m in live_mail.messages if m["to"] == ["ada@example.org"])
    assert mail["Subject"] == f"Slides for {talk.code}"
    assert "Please send the slides of **Open <data> in practice**." in message_text(mail)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = mail["List-Unsubscribe"].strip("<>")
    assert link in message_text(mail)

    reader = new_page()
    reader.goto(link)
    expect(reader.get_by_role("heading", level=1)).to_have_text("Unsubscribe")
    expect(reader.get_by_text("ada@example.org")).to_be_visible()
    reader.submit(reader.get_by_role("button", name="Unsubscribe from announcements from the organisers"))
    expect(reader.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    expect(reader.get_by_role("button", name="Receive announcements from the organisers again")).to_be_visible()
    assert fresh(db).scalars(sa.select(MailOptOut.email)).all() == ["ada@example.org"]

    page.goto("/events/grouped-live/mail/group?audience=authors")
    page.submit(page.get_by_role("button", name="Preview"))
    expect(page.get_by_role("status")).to_contain_text("1 more chosen opted out of announcements")
