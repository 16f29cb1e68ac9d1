"""Bidding and assignment in Chromium: a reviewer bids with the keyboard alone; an organiser
opens the assignments, computes an automatic assignment, previews and applies it. axe-core and
the CSP check run on every page."""

from __future__ import annotations

import sqlalchemy as sa

from conference.events.enums import TeamRole
from conference.review.enums import BidPreference
from conference.review.models import Bid, ReviewAssignment

from .. import factories
from ..review.builders import add_member, reviewing_call, submission
from .test_account_and_event_journey import expect, log_in


def test_reviewer_bids_and_organiser_assigns(page, new_page, committed_db):
    call = reviewing_call(reviews_per_submission=1, slug="bidding-symposium")
    event = call.event
    rita = add_member(event, name="Rita Reviewer", user=factories.make_user(name="Rita Reviewer"))
    add_member(event, name="Sam Second")
    chair = add_member(event, role=TeamRole.TRACK_CHAIR, tracks=[call.data], name="Chad Chair")
    first = submission(call, title="Open data in practice", keywords="standards")
    second = submission(call, title="Privacy by design", track=call.privacy)
    committed_db.session.commit()
    review = f"/events/{event.slug}/review"

    # The reviewer: focus a select, type to choose, tab to the button, press Enter.
    log_in(page, rita.email, factories.DEFAULT_PASSWORD)
    page.goto(f"{review}/bidding")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bidding")
    choice = page.get_by_label(f"Your preference for {first.code}: Open data in practice")
    choice.focus()
    page.keyboard.press("e")  # "Eager to review"
    expect(choice).to_have_value("eager")
    other = page.get_by_label(f"Your preference for {second.code}: Privacy by design")
    other.focus()
    page.keyboard.press("ArrowDown")  # from "Neutral" to "Not willing"
    expect(other).to_have_value("not_willing")
    page.get_by_role("combobox").last.focus()  # the last row's select: the conflicts' confirmation, then the button
    page.keyboard.press("Tab")
    expect(page.get_by_role("checkbox", name="Yes, declare a conflict of interest with each submission where I chose "
                                             "“Conflict of interest”")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save my preferences")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.audit()
    expect(page.get_by_role("status")).to_have_text("Your preferences are saved (2 changed).")
    committed_db.session.rollback()  # end the test's read transaction: see what the server committed
    bids = dict(committed_db.session.execute(sa.select(Bid.submission_id, Bid.preference)).all())
    assert bids == {first.id: BidPreference.EAGER, second.id: BidPreference.NOT_WILLING}
    page.get_by_label("Track").select_option(label="Privacy and ethics")
    page.submit(page.get_by_role("button", name="Show"))
    expect(page.get_by_text("Open data in practice")).to_have_count(0)

    # The organiser: assignments, a reviewer's page, the automatic assignment and its preview.
    organiser = new_page()
    log_in(organiser, call.organiser.email, factories.DEFAULT_PASSWORD)
    organiser.goto(f"{review}/assignments")
    organiser.follow(organiser.get_by_role("link", name="Rita Reviewer").first)
    expect(organiser.get_by_role("heading", level=1)).to_have_text("Reviews of Rita Reviewer")
    organiser.follow(organiser.get_by_role("link", name="Back to all assignments"))
    organiser.follow(organiser.get_by_role("link", name="Assign automatically"))
    organiser.get_by_label("Reviews per submission").fill("0")
    organiser.submit(organiser.get_by_role("button", name="Compute a proposal"))
    expect(organiser.get_by_role("alert")).to_be_focused()
    organiser.get_by_label("Reviews per submission").fill("1")
    organiser.submit(organiser.get_by_role("button", name="Compute a proposal"))
    expect(organiser.get_by_role("heading", level=1)).to_have_text("Proposed assignment")
    expect(organiser.get_by_text("Every submission gets the reviews it needs.")).to_be_visible()
    organiser.submit(organiser.get_by_role("button", name="Apply this assignment"))
    expect(organiser.get_by_role("status")).to_have_text(
        "2 assignments created, 0 skipped because they are no longer possible.")
    committed_db.session.rollback()
    made = dict(committed_db.session.execute(
        sa.select(ReviewAssignment.submission_id, ReviewAssignment.reviewer_id)).all())
    assert made[first.id] == rita.id  # her eager bid
    # Remove one by hand, from the submissions table.
    organiser.submit(organiser.get_by_role("button", name=f"Remove Rita Reviewer from {first.code}"))
    expect(organiser.get_by_role("status")).to_have_text(f"Rita Reviewer no longer reviews {first.code}.")

    # A track chair sees the pages too.
    chair_page = new_page()
    log_in(chair_page, chair.email, factories.DEFAULT_PASSWORD)
    chair_page.goto(f"{review}/assignments")
    chair_page.goto(f"{review}/assignments/auto")
    expect(chair_page.get_by_label("Track")).to_have_value(str(call.data.id))
