"""The committee and conflicts pages in Chromium, as an organiser and as an author: every page,
and every form with an error, passes axe-core and the CSP check of the ``page`` fixture; the
author's conflict list is filled in with the keyboard only."""

from __future__ import annotations

import sqlalchemy as sa

from conference.review import conflicts as conflict_ops
from conference.review.enums import ConflictKind, ConflictSource
from conference.review.models import Conflict

from .. import factories
from ..cfp.builders import make_call
from ..review.builders import make_reviewer, make_submitted
from .test_account_and_event_journey import expect, fresh, log_in


def test_organiser_and_author_conflict_pages_pass_the_checks(page, new_page, committed_db):
    call = make_call(slug="committee-pages")
    event = call.event
    author = factories.make_user(name="Ada Author", email="ada@uni-a.edu", affiliation="University A")
    colleague = make_reviewer(event, name="Carl Colleague", email="carl@uni-a.edu", expertise=["SDMX"])
    rita = make_reviewer(event, name="Rita Reviewer", email="rita@elsewhere.org")
    submission = make_submitted(event, author, title="Open data")
    other = make_submitted(event, author, title="Closed data")
    conflict_ops.declare_conflict(other, rita, kind=ConflictKind.OTHER, source=ConflictSource.ORGANISER,
                                  actor=call.organiser)
    committed_db.session.commit()
    rita_id, colleague_id, submission_id = rita.id, colleague.id, submission.id

    log_in(page, call.organiser.email, factories.DEFAULT_PASSWORD)
    page.goto(f"/events/{event.slug}/review/committee")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Review committee of {event.title}")
    page.get_by_label("Email address").fill("not an address")
    page.get_by_role("checkbox", name="Data standards").check()
    page.submit(page.get_by_role("button", name="Send invitation"))
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_label("Email address")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("checkbox", name="Data standards")).to_be_checked()

    page.follow(page.get_by_role("link", name="Tracks and cap of Rita Reviewer"))
    page.get_by_label("Own cap on reviews (optional)").fill("0")
    page.submit(page.get_by_role("button", name="Save"))
    expect(page.get_by_label("Own cap on reviews (optional)")).to_have_attribute("aria-invalid", "true")

    page.goto(f"/events/{event.slug}/review/conflicts")
    same_domain = page.get_by_text("Same mail domain (uni-a.edu) as Ada Author.")
    expect(same_domain).to_have_count(2)  # Carl and each of Ada's submissions
    page.get_by_label("Submission code").last.fill("NOPE42")
    page.submit(page.get_by_role("button", name="Add the conflict"))
    expect(page.get_by_role("alert")).to_be_focused()
    page.submit(page.get_by_role("button", name=f"Confirm Carl Colleague and {submission.code}"))
    expect(page.get_by_text(f"The conflict of Carl Colleague with {submission.code} is recorded.")).to_be_visible()
    expect(same_domain).to_have_count(1)
    session = fresh(committed_db)
    assert {(c.submission_id, c.user_id) for c in session.scalars(sa.select(Conflict))} >= {(submission_id, colleague_id)}

    # The author fills in their list with the keyboard alone.
    author_page = new_page()
    log_in(author_page, author.email, factories.DEFAULT_PASSWORD)
    author_page.goto(f"/events/{event.slug}/submissions/{submission.code}")
    author_page.follow(author_page.get_by_role("link", name="Conflicts of interest"))
    select = author_page.get_by_label("Rita Reviewer")
    select.focus()
    author_page.keyboard.press("ArrowDown")  # from "No conflict" to the first kind
    expect(select).to_have_value("coauthor")
    author_page.get_by_role("button", name="Save conflicts").focus()
    with author_page.raw.expect_navigation():
        author_page.keyboard.press("Enter")
    author_page.audit()
    expect(author_page.get_by_text("Your conflicts of interest are saved.")).to_be_visible()
    session = fresh(committed_db)
    mine = session.scalars(sa.select(Conflict).where(Conflict.submission_id == submission_id,
                                                     Conflict.user_id == rita_id)).one()
    assert (mine.kind, mine.source) == (ConflictKind.COAUTHOR, ConflictSource.AUTHOR)
