"""Ranking, decisions and held mail in Chromium: an organiser follows progress, stages one
decision and one in bulk, releases them, and sends a held mail from the outbox; the author
then sees the decision and confirms. Every page passes axe-core and the CSP check."""

from __future__ import annotations

from conference.cfp.enums import SubmissionState

from .. import factories
from ..conftest import message_text
from ..review.builders import add_review, assign, make_committee, make_submission, three_reviews
from .test_account_and_event_journey import expect, log_in


def test_organiser_stages_releases_and_sends_the_held_mail(page, new_page, live_server, live_mail, committed_db):
    db = committed_db
    committee = make_committee(slug="decide")
    talk = make_submission(committee, title="Open data in practice", author=factories.make_user(name="Ada Author"))
    three_reviews(committee, talk)
    weak = make_submission(committee, title="Weak idea", track=committee.call.privacy)
    add_review(committee, weak, committee.reviewers[0], originality=1, relevance=0, to_authors="Too thin.")
    assign(weak, committee.reviewers[1])  # a missing review
    db.session.commit()
    live_server.deliver_mail()  # the "submission received" mails

    log_in(page, committee.organiser.email, factories.DEFAULT_PASSWORD)
    page.goto("/events/decide/review/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress of review")
    page.submit(page.get_by_role("button", name="Remind the selected reviewers"))
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one reviewer")
    page.submit(page.get_by_role("button", name="Remind all with missing reviews (1)"))
    expect(page.get_by_role("status")).to_contain_text("The reminders are on their way")

    live_server.deliver_mail()
    assert [m["to"] for m in live_mail.messages[-1:]] == [[committee.reviewers[1].email]]
    live_mail.messages.clear()

    page.follow(page.get_by_role("link", name="Ranking and decisions"))
    page.get_by_label("Only submissions whose reviewers disagree").check()
    page.submit(page.get_by_role("button", name="Show"))
    expect(page.get_by_role("row", name=talk.code)).to_contain_text("5.55")
    expect(page.get_by_text("Weak idea")).to_have_count(0)
    page.follow(page.get_by_role("link", name="Clear the filters"))

    page.get_by_label(f"Decision on {talk.code}").select_option(label="Accept as Full paper")
    page.submit(page.get_by_role("button", name=f"Save the decision on {talk.code}"))
    expect(page.get_by_role("status")).to_contain_text(f"The decision on {talk.code} is saved")
    page.get_by_label(f"Select {weak.code}").check()
    page.get_by_label("Decision", exact=True).select_option(label="Reject")
    page.submit(page.get_by_role("button", name="Save for the selected submissions"))
    expect(page.get_by_role("row", name=weak.code)).to_contain_text("Reject")

    page.follow(page.get_by_role("link", name="Release 2 staged decisions"))
    page.submit(page.get_by_role("button", name="Release 2 decisions"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Outbox")
    page.get_by_text(f"Read the message to {talk.submitter.email}").click()
    expect(page.get_by_text("A clear, useful talk.")).to_be_visible()
    page.get_by_label(f"Action required: confirm {talk.code}", exact=False).check()
    page.submit(page.get_by_role("button", name="Send selected"))
    expect(page.get_by_role("status")).to_contain_text("The messages are queued")

    assert live_server.deliver_mail().sent == 1
    [mail] = live_mail.messages
    assert mail["to"] == [talk.submitter.email]
    assert mail["message"]["Subject"].startswith(f"Action required: confirm {talk.code}")
    assert "A clear, useful talk." in message_text(mail["message"])
    page.goto("/events/decide/review/unconfirmed")
    expect(page.get_by_role("row", name=talk.code)).to_be_visible()

    author = new_page()
    log_in(author, talk.submitter.email, factories.DEFAULT_PASSWORD)
    author.goto(f"/events/decide/submissions/{talk.code}")
    expect(author.get_by_text("Accepted as a Full paper. Action required").first).to_be_visible()
    author.submit(author.get_by_role("button", name="Confirm: we will present it"))
    expect(author.get_by_role("status")).to_contain_text(f"{talk.code} is confirmed")
    author.goto("/my/submissions")
    db.session.commit()  # end the test's own read transaction, to see what the server committed
    db.session.refresh(talk)
    assert talk.state == SubmissionState.CONFIRMED
