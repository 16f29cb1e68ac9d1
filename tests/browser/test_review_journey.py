"""The review journey end to end in Chromium, every page checked by axe-core and for CSP
violations: a reviewer bids, the organiser assigns automatically and the reviewer is told by
mail, the reviewer submits a review, the organiser accepts the submission and releases the
decision, sends the held mail from the outbox, and the author confirms from the mail's link."""

from __future__ import annotations

import re

import sqlalchemy as sa

from conference.cfp.enums import SubmissionState
from conference.cfp.models import Submission
from conference.review import setup as review_setup
from conference.review.enums import BlindMode
from conference.review.models import ReviewAssignment

from .. import factories
from ..conftest import first_link, message_text
from ..review.builders import add_member, reviewing_call, submission
from .test_account_and_event_journey import expect, log_in


def test_bid_assign_review_decide_release_and_confirm(page, new_page, live_server, live_mail, committed_db):
    db = committed_db
    call = reviewing_call(reviews_per_submission=1, slug="review-journey")
    event = call.event
    event.review_settings.blind_mode = BlindMode.DOUBLE_BLIND
    review_setup.save_criterion(event, actor=call.organiser, name="Originality", description="Is it new?",
                                scale_min=1, scale_max=5, labels={"1": "Known", "5": "New"}, weight=1.0,
                                required=True)
    rita = add_member(event, user=factories.make_user(name="Rita Reviewer", email="rita@reviewers.example"))
    ada = factories.make_user(name="Ada Author", email="ada@authors.example")
    talk = submission(call, author=ada, title="Open data in practice")
    db.session.commit()
    live_server.deliver_mail()  # the acknowledgement of the submission
    live_mail.messages.clear()
    review = f"/events/{event.slug}/review"

    # The reviewer bids during the bidding phase; no author is named on the page.
    log_in(page, rita.email, factories.DEFAULT_PASSWORD)
    page.goto(f"{review}/bidding")
    expect(page.get_by_text("Ada Author")).to_have_count(0)
    page.get_by_label(f"Your preference for {talk.code}: Open data in practice").select_option("eager")
    page.submit(page.get_by_role("button", name="Save my preferences"))
    expect(page.get_by_role("status")).to_contain_text("Your preferences are saved")

    # The organiser assigns automatically: the preview first, then apply.
    organiser = new_page()
    log_in(organiser, call.organiser.email, factories.DEFAULT_PASSWORD)
    organiser.goto(f"/events/{event.slug}")
    organiser.follow(organiser.get_by_role("link", name="Review", exact=True))
    organiser.follow(organiser.get_by_role("link", name="Assignments"))
    organiser.follow(organiser.get_by_role("link", name="Assign automatically"))
    organiser.submit(organiser.get_by_role("button", name="Compute a proposal"))
    expect(organiser.get_by_role("heading", level=1)).to_have_text("Proposed assignment")
    organiser.submit(organiser.get_by_role("button", name="Apply this assignment"))
    expect(organiser.get_by_role("status")).to_contain_text("1 assignments created")
    db.session.rollback()
    assert db.session.scalar(sa.select(ReviewAssignment.reviewer_id)) == rita.id

    # The reviewer is told by mail and follows its link to her reviews.
    assert live_server.deliver_mail().sent == 1
    [mail] = live_mail.messages
    assert mail["to"] == [rita.email]
    assert "Ada" not in message_text(mail["message"])
    page.goto(first_link(message_text(mail["message"])).replace("http://conference.test", ""))
    expect(page.get_by_text("0 of 1 review submitted.")).to_be_visible()
    page.follow(page.get_by_role("link", name=re.compile("write the review")))
    page.get_by_role("group", name=re.compile("^Originality")).get_by_label(re.compile("^4")).check()
    page.get_by_role("group", name=re.compile("^Your confidence")).get_by_role("radio").nth(3).check()
    page.get_by_label("Comments to the authors").fill("A clear, useful talk.")
    page.submit(page.get_by_role("button", name="Submit review"))
    expect(page.get_by_text("A clear, useful talk.")).to_be_visible()
    page.goto(f"{review}/mine")
    expect(page.get_by_text("1 of 1 review submitted.")).to_be_visible()

    # The organiser accepts it in the ranking and releases the decision.
    organiser.goto(f"{review}/ranking")
    expect(organiser.get_by_role("row", name=talk.code)).to_contain_text("7.5")
    organiser.get_by_label(f"Decision on {talk.code}").select_option(label="Accept")
    organiser.submit(organiser.get_by_role("button", name=f"Save the decision on {talk.code}"))
    expect(organiser.get_by_role("status")).to_contain_text(f"The decision on {talk.code} is saved")
    db.session.rollback()
    assert db.session.scalar(sa.select(Submission.state).where(Submission.id == talk.id)) == SubmissionState.SUBMITTED

    organiser.follow(organiser.get_by_role("link", name="Release 1 staged decision"))
    organiser.submit(organiser.get_by_role("button", name=re.compile("^Release 1 decision")))
    expect(organiser.get_by_role("heading", level=1)).to_contain_text("Outbox")
    assert live_server.deliver_mail().sent == 0  # held until the organiser sends it
    organiser.submit(organiser.get_by_role("button", name=re.compile("^Send all")))
    expect(organiser.get_by_role("status")).to_contain_text("The messages are queued")
    assert live_server.deliver_mail().sent == 1

    # The author reads the decision with the review and confirms from the mail's link.
    [mail] = live_mail.messages[1:]
    assert mail["to"] == [ada.email]
    assert mail["message"]["Subject"].startswith(f"Action required: confirm {talk.code}")
    text = message_text(mail["message"])
    assert "A clear, useful talk." in text and "Rita" not in text
    author = new_page()
    log_in(author, ada.email, factories.DEFAULT_PASSWORD)
    author.goto(first_link(text).replace("http://conference.test", ""))
    expect(author.get_by_text("A clear, useful talk.")).to_be_visible()
    expect(author.get_by_text("Rita Reviewer")).to_have_count(0)
    author.submit(author.get_by_role("button", name=re.compile("^Confirm")))
    expect(author.get_by_role("status")).to_contain_text(f"{talk.code} is confirmed")
    db.session.rollback()
    assert db.session.scalar(sa.select(Submission.state).where(Submission.id == talk.id)) == SubmissionState.CONFIRMED
