"""Reviewing in Chromium: a reviewer saves a draft, then submits the review, with the keyboard
alone; an organiser edits the review form's criteria. axe-core and the CSP check run on every page."""

from __future__ import annotations

import re

import sqlalchemy as sa

from conference.review.enums import ReviewState
from conference.review.models import Review, ReviewCriterion

from .. import factories
from ..review.builders import make_reviewing
from .test_account_and_event_journey import expect, log_in


def press_enter_on(page, button) -> None:
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.audit()


def test_reviewer_saves_a_draft_then_submits_with_the_keyboard(page, committed_db):
    r = make_reviewing(slug="reviewing-symposium")
    committed_db.session.commit()
    log_in(page, r.reviewer.email, factories.DEFAULT_PASSWORD)
    page.goto(f"/events/{r.event.slug}/review/mine")
    expect(page.get_by_text("0 of 1 review submitted.")).to_be_visible()
    page.follow(page.get_by_role("link", name=re.compile("write the review")))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tidal statistics")

    # A score by keyboard: Space picks the focused point, the arrow keys move along the scale.
    originality = page.get_by_role("group", name=re.compile("^Originality"))
    originality.get_by_role("radio", name="1 – Poor").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(originality.get_by_role("radio", name="3")).to_be_checked()
    page.get_by_label("Comments to the authors").focus()
    page.keyboard.type("A promising start.")
    press_enter_on(page, page.get_by_role("button", name="Save draft"))
    expect(page.get_by_role("status").first).to_contain_text("Your review is saved.")
    expect(page.get_by_label("Comments to the authors")).to_have_value("A promising start.")

    # Submitting without the required answers: the summary takes focus, nothing typed is lost.
    press_enter_on(page, page.get_by_role("button", name="Submit review"))
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_role("alert")).to_contain_text("Answer this question to submit the review.")
    expect(page.get_by_label("Comments to the authors")).to_have_value("A promising start.")
    confidence = page.get_by_role("group", name=re.compile("^Your confidence"))
    confidence.get_by_role("radio", name=re.compile("^4")).focus()
    page.keyboard.press("Space")
    attend = page.get_by_role("group", name=re.compile("^Would you attend this talk"))
    attend.get_by_role("radio", name="Yes").focus()
    page.keyboard.press("Space")
    press_enter_on(page, page.get_by_role("button", name="Submit review"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(r.submission.code)
    expect(page.get_by_text("A promising start.")).to_be_visible()

    committed_db.session.rollback()  # see what the server committed
    review = committed_db.session.scalars(sa.select(Review)).one()
    assert review.state == ReviewState.SUBMITTED and review.confidence == 4
    assert review.score_for(r.originality.id) == 3 and review.comments_to_authors == "A promising start."
    page.goto(f"/events/{r.event.slug}/review/mine")
    expect(page.get_by_text("1 of 1 review submitted.")).to_be_visible()


def test_organiser_edits_the_review_form(page, committed_db):
    r = make_reviewing(slug="review-form-symposium")
    committed_db.session.commit()
    log_in(page, r.organiser.email, factories.DEFAULT_PASSWORD)
    page.goto(f"/events/{r.event.slug}/review/settings")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review form and settings")
    page.follow(page.get_by_role("link", name="Originality"))
    page.get_by_label("Highest score").fill("20")
    page.submit(page.get_by_role("button", name="Save the criterion"))
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_label("Highest score")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Highest score").fill("10")
    page.get_by_label("Labels of the scale (optional)").fill("1: Poor\n10: Outstanding")
    page.submit(page.get_by_role("button", name="Save the criterion"))
    expect(page.get_by_role("cell", name="1 to 10")).to_be_visible()
    page.follow(page.get_by_role("link", name="Add a question"))
    page.get_by_label(re.compile("^Question")).fill("Best paper candidate?")
    page.get_by_label("Kind of answer").select_option("yes_no")
    page.submit(page.get_by_role("button", name="Save the question"))
    expect(page.get_by_role("link", name="Best paper candidate?")).to_be_visible()
    page.goto(f"/events/{r.event.slug}/review/submissions/{r.submission.code}")
    expect(page.get_by_role("heading", name="Anonymised copy for reviewers")).to_be_visible()
    committed_db.session.rollback()
    originality = committed_db.session.get(ReviewCriterion, r.originality.id)
    assert (originality.scale_max, originality.labels) == (10, {"1": "Poor", "10": "Outstanding"})
