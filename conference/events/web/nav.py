"""The event's bar: the parts of the event a member of its team may open, by their roles.

Organisers get every management page; track chairs the review of their tracks; reviewers their
reviews and bidding; the check-in desk staff the check-in; anyone else no bar. Read from
``Event.roles``, loaded with the event, so the bar costs no query. The pages belong to areas
above events and are named by endpoint only: an endpoint the app does not serve is left out."""

from __future__ import annotations

from typing import NamedTuple

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l

from conference.events.models import Event


class BarLink(NamedTuple):
    label: str
    url: str
    current: bool  # the page being shown is under this link


# (endpoint, label, what makes it current: endpoints, or blueprints for a whole area's pages)
EVENT_PAGE = ("events.show_event", _l("Event page"), frozenset({"events.show_event"}))
ORGANISER_BAR = [
    EVENT_PAGE,
    ("events.edit_event", _l("Settings"), frozenset({"events.edit_event"})),
    ("events.manage_team", _l("Team"), frozenset({"events.manage_team"})),
    ("cfp_manage.edit_call", _l("Call for papers"), frozenset({"cfp_manage.edit_call"})),
    ("cfp_manage.list_submissions", _l("Submissions"), frozenset({"cfp_manage.list_submissions"})),
    ("review.progress", _l("Review"), frozenset({"review"})),
    # Only the registration area's management pages show the bar, so its blueprint marks them.
    ("registration.list_registrations", _l("Registration"), frozenset({"registration"})),
    ("agenda.editor", _l("Agenda"), frozenset({"agenda"})),
    ("mail.outbox", _l("Mail"), frozenset({"mail"})),
    ("events.audit_log", _l("Audit log"), frozenset({"events.audit_log"})),
]
# Track chairs run the review of their tracks (the pages show their tracks only).
TRACK_CHAIR_BAR = [
    ("review.progress", _l("Review"), frozenset({"review.progress"})),
    ("review.assignments", _l("Assignments"), frozenset({"review.assignments", "review.auto_assign",
                                                         "review.show_proposal", "review.reviewer_assignments"})),
    ("review.ranking", _l("Ranking and decisions"), frozenset({"review.ranking", "review.release_decisions"})),
]
# Bidding stays reachable for reviewers all along: its page tells whether bids are still taken.
REVIEWER_BAR = [
    ("review.my_reviews", _l("My reviews"), frozenset({"review.my_reviews", "review.show_submission",
                                                       "review.edit_review"})),
    ("review.bidding", _l("Bidding"), frozenset({"review.bidding"})),
]
# Desk staff open the check-in and nothing else (they have no committee to declare conflicts to).
DESK_BAR = [
    ("registration.checkin", _l("Check-in"), frozenset({"registration.checkin"})),
]
MEMBER_BAR = [
    ("review.own_conflicts", _l("My conflicts"), frozenset({"review.own_conflicts"})),
]


def bar_entries(event: Event, user) -> list[tuple[str, str, frozenset[str]]]:
    """The bar's entries for ``user`` by their roles in ``event`` (none for visitors)."""
    if event.can_manage(user):
        return ORGANISER_BAR
    chair, reviewer, desk = event.is_track_chair(user), event.is_reviewer(user), event.is_desk_staff(user)
    if not (chair or reviewer or desk):
        return []
    return ([EVENT_PAGE] + (TRACK_CHAIR_BAR if chair else []) + (REVIEWER_BAR if reviewer else [])
            + (DESK_BAR if desk else []) + (MEMBER_BAR if chair or reviewer else []))


def event_bar(event: Event, user) -> list[BarLink]:
    """The links of the event's bar for ``user`` on the page being shown."""
    where = {request.endpoint, request.blueprint}
    return [BarLink(str(label), url_for(endpoint, slug=event.slug), bool(where & current))
            for endpoint, label, current in bar_entries(event, user) if endpoint in current_app.view_functions]


def work_links(event: Event, user) -> list[BarLink]:
    """The bar's links but the event page: the person's parts of the event, as their Home lists them."""
    return [link for link in event_bar(event, user) if link.url != url_for(EVENT_PAGE[0], slug=event.slug)]
