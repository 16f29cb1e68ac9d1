"""The mail journey in Chromium, every page checked by axe-core and for CSP violations: an
organiser rewrites the acceptance template for the event (a misspelt placeholder is refused by
name, the preview shows a real submission), stages and releases the decisions, reads a held
mail in the outbox, edits it, sends the held mails, and they arrive over SMTP with the event's
text, the submission's values and the organisers' Reply-To."""

from __future__ import annotations

import re

import sqlalchemy as sa

from conference.mail.enums import MailState
from conference.mail.models import OutboxMessage
from conference.review import decisions

from .. import factories
from ..conftest import message_text
from ..review.builders import make_committee, make_submission, three_reviews
from .test_account_and_event_journey import expect, log_in


def test_edit_the_acceptance_mail_preview_release_review_and_send(page, live_server, live_mail, committed_db):
    db = committed_db
    committee = make_committee(slug="mail-journey")
    event, organiser = committee.event, committee.organiser
    first = make_submission(committee, title="Tides & <b>storms</b>", author=factories.make_user(name="Ada Author"))
    second = make_submission(committee, title="Open data in practice",
                             author=factories.make_user(name="Ben Author"))
    for talk in (first, second):
        three_reviews(committee, talk)
        decisions.stage_decision(talk, actor=organiser, decision="accept")
    db.session.commit()
    live_server.deliver_mail()  # the "submission received" mails
    live_mail.messages.clear()

    log_in(page, organiser.email, factories.DEFAULT_PASSWORD)
    page.goto(f"/events/{event.slug}")
    page.follow(page.get_by_role("link", name="Mail", exact=True))
    page.follow(page.get_by_role("link", name="Templates", exact=True))
    page.follow(page.get_by_role("link", name=re.compile("^Decision: accepted")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mail template: Decision: accepted")

    # A misspelt placeholder is refused by name, next to the field, and the text typed stays.
    page.get_by_label("Subject").fill("Accepted at {event_title}: {submission_code}")
    body = ("Dear {recipient_name},\n\n\"{submision_title}\" is in the programme of {event_title}.\n\n"
            "Confirm here: {link}\n\n{reviews}")
    page.get_by_label("Message").fill(body)
    page.submit(page.get_by_role("button", name="Save", exact=True))
    expect(page.get_by_role("alert")).to_contain_text("Unknown placeholder {submision_title}")
    expect(page.get_by_label("Message")).to_have_value(body)

    # Corrected, the preview renders a real submission of the event without saving.
    page.get_by_label("Message").fill(body.replace("{submision_title}", "{submission_title}"))
    page.submit(page.get_by_role("button", name="Preview"))
    preview = page.get_by_role("region", name=re.compile("Preview"))
    expect(preview).to_contain_text(re.compile(r"is in the programme of"))
    expect(preview.locator("b")).to_have_count(0)  # the title's markup is text, not HTML
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.template == "decision_accepted")) == 0
    page.submit(page.get_by_role("button", name="Save", exact=True))
    expect(page.get_by_role("status")).to_contain_text("is saved")

    # Release: the mails wait in the outbox, written from the event's own template.
    page.goto(f"/events/{event.slug}/review/decisions/release")
    page.submit(page.get_by_role("button", name=re.compile("^Release 2 decisions")))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Outbox")
    assert live_server.deliver_mail().sent == 0
    page.get_by_text(f"Read the message to {first.submitter.email}").click()
    expect(page.get_by_text("Dear Ada Author,")).to_be_visible()
    page.follow(page.get_by_role("link", name=f"Accepted at {event.title}: {first.code}"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(first.code)
    page.follow(page.get_by_role("link", name="Edit", exact=True))
    text = page.get_by_label("Message")
    text.fill(text.input_value().replace("Dear Ada Author,", "Dear Ada,"))
    page.submit(page.get_by_role("button", name="Save the message"))
    expect(page.get_by_role("status")).to_contain_text("The message is saved")

    page.goto(f"/events/{event.slug}/mail/outbox")
    page.submit(page.get_by_role("button", name=re.compile("^Send all held")))
    expect(page.get_by_role("status")).to_contain_text("The messages are queued")
    assert live_server.deliver_mail().sent == 2

    by_address = {mail["to"][0]: mail["message"] for mail in live_mail.messages}
    assert set(by_address) == {first.submitter.email, second.submitter.email}
    ada = by_address[first.submitter.email]
    assert ada["Subject"] == f"Accepted at {event.title}: {first.code}"
    assert ada["Reply-To"] == event.contact_email
    ada_text = message_text(ada)
    assert ada_text.startswith("Dear Ada,") and '"Tides & <b>storms</b>" is in the programme' in ada_text
    ben_text = message_text(by_address[second.submitter.email])
    assert ben_text.startswith("Dear Ben Author,") and f"/submissions/{second.code}" in ben_text
    html_part = next(part for part in ada.walk() if part.get_content_type() == "text/html").get_content()
    assert "Tides &amp; &lt;b&gt;storms&lt;/b&gt;" in html_part
    db.session.rollback()
    assert set(db.session.scalars(sa.select(OutboxMessage.state).where(
        OutboxMessage.template == "decision_accepted"))) == {MailState.SENT}
