"""Mail to a group in Chromium: an organiser chooses the authors of submitted talks, writes
the mail in an empty form, previews it and confirms the number of people it reaches; when the
group changes between the preview and the confirmation the send is refused and the new number
offered. The mail arrives with its unsubscribe link, and a recipient follows it and
unsubscribes. Every page passes axe-core and the CSP check."""

from __future__ import annotations

import sqlalchemy as sa

from conference.mail.models import MailOptOut

from .. import factories
from ..conftest import message_text
from ..review.builders import make_committee, make_submission
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
    expect(page.get_by_label("Subject")).to_have_value("")  # nothing to send by mistake
    expect(page.get_by_role("textbox", name="Message")).to_have_value("")
    expect(page.get_by_role("button", name="Send")).to_have_count(0)  # no sending before a preview
    page.submit(page.get_by_role("button", name="Preview"))
    expect(page.locator("#error-subject")).to_contain_text("Write the subject of the mail.")
    expect(page.locator("#error-body")).to_contain_text("Write the message.")
    page.get_by_label("Submitted").check()
    page.get_by_label("Subject").fill("Slides for {submission_code}")
    page.get_by_role("textbox", name="Message").fill("Hello {recipient_name},\n\nPlease send the slides of **{submission_title}**.")
    page.submit(page.get_by_role("button", name="Preview"))
    expect(page.get_by_role("status")).to_contain_text("This mail reaches 2 people.")
    expect(page.locator("#preview-subject")).to_have_text(f"Slides for {talk.code}")
    expect(page.locator("#preview-html strong")).to_have_text("Open <data> in practice")
    expect(page.get_by_label("Subject")).to_have_value("Slides for {submission_code}")
    expect(page.get_by_label("Submitted")).to_be_checked()

    expect(page.locator("#confirm-hint")).to_contain_text("2 people receive this mail within a minute.")

    # Someone joins the group between the preview and the confirmation: the send is refused.
    db.session.commit()  # end the test's read, begun before the server wrote (SQLite would refuse the write)
    carl = factories.make_user(name="Carl Author", email="carl@example.org")
    make_submission(committee, title="Late talk", author=carl)
    db.session.commit()
    page.submit(page.get_by_role("button", name="Send to 2 people"))
    expect(page.get_by_role("alert")).to_contain_text("the number of people this mail reaches changed to 3")
    expect(page.get_by_role("button", name="Send to 2 people")).to_have_count(0)
    expect(page.get_by_label("Subject")).to_have_value("Slides for {submission_code}")
    page.submit(page.get_by_role("button", name="Send to 3 people"))
    expect(page.get_by_role("status")).to_contain_text("The mail is queued for 3 people")
    expect(page.get_by_role("row", name="Slides for {submission_code}")).to_contain_text("Olga Organiser")

    assert live_server.deliver_mail().sent == 4  # Carl's "submission received" too
    received = next(m for m in live_mail.messages if m["to"] == ["ada@example.org"])
    mail = received["message"]
    assert b"\r\nList-Unsubscribe: <http://" in received["raw"]  # a link a mail provider can read, not encoded
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
    page.get_by_label("Submitted").check()
    page.get_by_label("Subject").fill("Next")
    page.get_by_role("textbox", name="Message").fill("Hello again")
    page.submit(page.get_by_role("button", name="Preview"))
    expect(page.get_by_role("status")).to_contain_text("1 more chosen opted out of announcements")
    expect(page.get_by_role("button", name="Send to 2 people")).to_be_visible()
