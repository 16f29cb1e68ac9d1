"""The review blueprint object and what its view modules share: loading an event and a
submission for the committee, with the permission checks every view makes."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload

from conference.cfp.models import Submission
from conference.events.models import Event
from conference.events.web.views import load_event
from conference.extensions import db
from conference.web.common import require

bp = Blueprint("review", __name__)

# The review area's navigation: (endpoint, label). Entries whose endpoint is not registered are
# left out, so the menu follows what the app actually serves.
MANAGER_NAV = [
    ("review.progress", _l("Progress")),
    ("review.conflicts", _l("Conflicts")),
    ("review.assignments", _l("Assignments")),
    ("review.ranking", _l("Ranking and decisions")),
]
# Pages for the event's organisers only (track chairs run review within their tracks).
ORGANISER_NAV = [
    ("review.committee", _l("Committee")),
    ("review.settings", _l("Review form and settings")),
]
REVIEWER_NAV = [
    ("review.my_reviews", _l("My reviews")),
    ("review.bidding", _l("Bidding")),
]
# Reviewers and track chairs: the conflicts they declared themselves, to withdraw one.
MEMBER_NAV = [
    ("review.own_conflicts", _l("My conflicts")),
]


def load_committee_event(slug: str) -> Event:
    """An event the current user reviews, chairs a track of, or organises (403 otherwise)."""
    event = load_event(slug)
    require(event.can_review(current_user))
    return event


def load_reviewing_manager_event(slug: str) -> Event:
    """An event whose review the current user runs: organisers and track chairs."""
    event = load_event(slug)
    require(event.can_manage_reviewing(current_user))
    return event


def load_submission(event: Event, code: str) -> Submission:
    """The submission ``code`` of ``event`` with what the permission predicates read; 404 when
    it does not exist (each view then checks what the user may do with it)."""
    return db.first_or_404(
        sa.select(Submission)
        .where(Submission.event_id == event.id, Submission.code == code)
        .options(selectinload(Submission.conflicts), selectinload(Submission.review_assignments),
                 selectinload(Submission.authors))
    )


def load_submission_for_review(event: Event, code: str) -> Submission:
    """404 for a submission the user may not see as committee member: a conflicted reviewer
    learns nothing, not even that it exists."""
    submission = load_submission(event, code)
    require(submission.can_view_for_review(current_user), hide=True)
    return submission


@bp.app_context_processor
def review_navigation():
    def review_nav(event: Event) -> list[tuple[str, str, bool]]:
        # Track chairs and reviewers find their review pages in the event's bar itself;
        # organisers' bar has one "Review" link, so the area's pages are listed here.
        if not event.can_manage(current_user):
            return []
        items = MANAGER_NAV + ORGANISER_NAV
        if event.is_reviewer(current_user):
            items += REVIEWER_NAV
        if event.is_reviewer(current_user) or event.is_track_chair(current_user):
            items += MEMBER_NAV
        return [(url_for(endpoint, slug=event.slug), label, request.endpoint == endpoint)
                for endpoint, label in items if endpoint in current_app.view_functions]

    return {"review_nav": review_nav}
