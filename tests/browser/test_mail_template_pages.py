"""The mail template editor in Chromium: an organiser opens the list, edits the acceptance mail,
previews it with a real submission, meets a save error, saves, and goes back to the default.
Every page passes axe-core and the CSP check."""

from __future__ import annotations

import sqlalchemy as sa

from conference.mail.models import MailTemplate

from .. import factories
from ..review.builders import make_committee, make_submission
from .test_account_and_event_journey import expect, fresh, log_in


def test_organiser_previews_and_saves_a_template(page, live_server, committed_db):
    db = committed_db
    committee = make_committee(slug="mailtmpl", reviewers=1)
    make_submission(committee, title="Data <b>bold</b> & more", author=factories.make_user(name="Ada Author"))
    db.session.commit()

    log_in(page, committee.organiser.email, factories.DEFAULT_PASSWORD)
    page.goto("/events/mailtmpl/mail/templates")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Mail templates of {committee.event.title}")
    expect(page.get_by_role("row", name="Decision: accepted")).to_contain_text("Default")

    page.follow(page.get_by_role("link", name="Decision: accepted"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mail template: Decision: accepted")
    expect(page.get_by_role("row", name="{submission_title}")).to_contain_text("The submission's title")
    page.get_by_label("Subject").fill("Accepted: {submission_title}")
    page.get_by_label("Message").fill("Dear {recipient_name},\n\n**Welcome** to {sumbission_title}.")

    page.submit(page.get_by_role("button", name="Save"))
    expect(page.get_by_role("alert")).to_contain_text(
        "Unknown placeholder {sumbission_title}: use one of the placeholders listed.")
    expect(page.get_by_label("Message")).to_have_value("Dear {recipient_name},\n\n**Welcome** to {sumbission_title}.")
    expect(page.get_by_label("Subject")).to_have_value("Accepted: {submission_title}")

    page.get_by_label("Message").fill("Dear {recipient_name},\n\n**Welcome** to {submission_title}.")
    page.submit(page.get_by_role("button", name="Preview"))
    preview = page.get_by_role("region", name="Preview (not saved)")
    expect(preview).to_contain_text("Ada Author")
    expect(page.locator("#preview-subject")).to_have_text("Accepted: Data <b>bold</b> & more")
    expect(page.locator("#preview-html strong")).to_have_text("Welcome")
    expect(page.locator("#preview-html b")).to_have_count(0)  # the title's markup is shown as text
    expect(page.get_by_label("Message")).to_have_value("Dear {recipient_name},\n\n**Welcome** to {submission_title}.")
    assert fresh(db).scalars(sa.select(MailTemplate)).all() == []  # a preview saves nothing

    page.submit(page.get_by_role("button", name="Save"))
    expect(page.get_by_role("status")).to_contain_text("Your version of “Decision: accepted” is saved")
    expect(page.get_by_role("row", name="Decision: accepted")).to_contain_text("Your version")
    saved = fresh(db).scalars(sa.select(MailTemplate)).one()
    assert (saved.key, saved.subject) == ("decision_accepted", "Accepted: {submission_title}")

    page.follow(page.get_by_role("link", name="Decision: accepted"))
    page.get_by_text("Use the default text again").click()
    page.get_by_role("button", name="Delete my version and use the default").click()
    page.submit(page.get_by_role("dialog").get_by_role("button", name="Delete my version and use the default"))
    expect(page.get_by_role("status")).to_contain_text("“Decision: accepted” is back to the default text.")
    expect(page.get_by_label("Subject")).to_have_value(
        'Action required: confirm {submission_code} "{submission_title}" for {event_title}')
    assert fresh(db).scalars(sa.select(MailTemplate)).all() == []
