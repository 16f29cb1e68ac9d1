"""Assigning reviewers: by hand, per submission or per reviewer, and automatically through a
proposal that organisers and track chairs preview before applying it."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from conference.accounts.models import User
from conference.cfp.models import Submission
from conference.cfp.queries import tracks_of
from conference.errors import DomainError
from conference.events.enums import TeamRole
from conference.extensions import db
from conference.review import assignment
from conference.review import assignment_queries as queries
from conference.review.common import ensure_review_settings
from conference.review.models import AssignmentProposal, ReviewAssignment
from conference.review.web.assignment_forms import (
    BID_LABELS,
    AssignForm,
    AutoAssignForm,
)
from conference.review.web.blueprint import bp, load_reviewing_manager_event
from conference.web.common import current_actor, load_of_event, require, run_action, safe_next, saved_form


@bp.context_processor
def assignment_labels():
    return {"bid_labels": BID_LABELS}


def _managed_submission(event, submission_id) -> Submission:
    """A submission whose review the current user runs; 404 otherwise (a conflicted chair
    learns nothing)."""
    submission = db.first_or_404(
        sa.select(Submission).where(Submission.id == submission_id, Submission.event_id == event.id)
        .options(selectinload(Submission.conflicts), selectinload(Submission.review_assignments),
                 selectinload(Submission.authors))
    )
    require(submission.can_manage_review(current_user), hide=True)
    return submission


def _proposal(event, proposal_id) -> AssignmentProposal:
    proposal = load_of_event(AssignmentProposal, event, proposal_id)
    track_id = proposal.parameters.get("track_id")
    chair = event.role_row(current_user, TeamRole.TRACK_CHAIR)
    require(event.can_manage(current_user) or (track_id is not None and chair is not None
                                               and chair.covers_track(track_id)))
    return proposal


@bp.route("/events/<slug>/review/assignments")
@login_required
def assignments(slug):
    event = load_reviewing_manager_event(slug)
    return render_template("review/assignments.html", event=event,
                           overview=queries.assignment_overview(event, current_user))


@bp.post("/events/<slug>/review/assignments/assign")
@login_required
def assign(slug):
    event = load_reviewing_manager_event(slug)
    form = AssignForm()
    if not form.validate():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return safe_next("review.assignments", slug=slug)
    submission = _managed_submission(event, form.submission_id.data)
    reviewer = db.get_or_404(User, form.reviewer_id.data)
    run_action(lambda: assignment.assign(submission, reviewer, actor=current_actor()),
               _("%(name)s now reviews %(code)s.", name=reviewer.name, code=submission.code))
    return safe_next("review.assignments", slug=slug)


@bp.post("/events/<slug>/review/assignments/<int:assignment_id>/remove")
@login_required
def unassign(slug, assignment_id):
    event = load_reviewing_manager_event(slug)
    row = db.first_or_404(sa.select(ReviewAssignment).join(Submission)
                          .where(ReviewAssignment.id == assignment_id, Submission.event_id == event.id))
    submission = _managed_submission(event, row.submission_id)
    run_action(lambda: assignment.unassign(row, actor=current_actor()),
               _("%(name)s no longer reviews %(code)s.", name=row.reviewer.name, code=submission.code))
    return safe_next("review.assignments", slug=slug)


@bp.route("/events/<slug>/review/reviewers/<int:user_id>")
@login_required
def reviewer_assignments(slug, user_id):
    event = load_reviewing_manager_event(slug)
    role = event.role_row(db.get_or_404(User, user_id), TeamRole.REVIEWER)
    require(role is not None, hide=True)
    return render_template("review/reviewer_assignments.html", event=event,
                           overview=queries.reviewer_overview(event, current_user, role))


@bp.route("/events/<slug>/review/assignments/auto", methods=["GET", "POST"])
@login_required
def auto_assign(slug):
    event = load_reviewing_manager_event(slug)
    organiser = event.can_manage(current_user)
    chaired = event.track_ids_for(current_user, TeamRole.TRACK_CHAIR)
    tracks = [t for t in tracks_of(event) if organiser or chaired is None or t.id in chaired]
    settings = ensure_review_settings(event)
    form = AutoAssignForm(tracks=tracks, all_tracks=organiser,
                          data={"reviews_per_submission": settings.reviews_per_submission,
                                "max_load": settings.max_load})
    proposal = saved_form(form, lambda: assignment.propose(event, actor=current_actor(), **form.values()))
    if proposal is not None:
        return redirect(url_for(".show_proposal", slug=slug, proposal_id=proposal.id))
    return render_template("review/auto_assign.html", event=event, form=form)


@bp.route("/events/<slug>/review/assignments/proposals/<int:proposal_id>")
@login_required
def show_proposal(slug, proposal_id):
    event = load_reviewing_manager_event(slug)
    proposal = _proposal(event, proposal_id)
    return render_template("review/proposal.html", event=event,
                           preview=queries.proposal_preview(event, current_user, proposal))


@bp.post("/events/<slug>/review/assignments/proposals/<int:proposal_id>/apply")
@login_required
def apply_proposal(slug, proposal_id):
    event = load_reviewing_manager_event(slug)
    proposal = _proposal(event, proposal_id)
    try:
        created = assignment.apply_proposal(proposal, actor=current_actor())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".show_proposal", slug=slug, proposal_id=proposal_id))
    db.session.commit()
    flash(_("%(created)d assignments created, %(skipped)d skipped because they are no longer possible.",
            created=created, skipped=len(proposal.pairs) - created), "success")
    return redirect(url_for(".assignments", slug=slug))
