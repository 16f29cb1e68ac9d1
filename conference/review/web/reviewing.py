"""Reviewing, for the committee: a reviewer's assignments, the committee's (blind) view of a
submission with its files, the review form, and the discussion."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from conference.cfp import anonymised
from conference.core import files
from conference.core.types import utcnow
from conference.review import discussion, reviews, visibility
from conference.review import setup as review_setup
from conference.review.common import ensure_review_settings
from conference.review.web.blueprint import (
    bp,
    load_committee_event,
    load_submission_for_review,
)
from conference.review.web.review_forms import (
    CONFIDENCE_LABELS,
    PROGRESS_LABELS,
    AnonymisedCopyForm,
    CommentForm,
    review_form,
)
from conference.web.common import current_actor, require, saved_form
from conference.web.downloads import send_stored

DECLARE_CONFLICT = "review.declare_own_conflict"


@bp.route("/events/<slug>/review/mine")
@login_required
def my_reviews(slug):
    event = load_committee_event(slug)
    rows = reviews.my_assignments(event, current_actor())
    submitted = sum(1 for row in rows if row.progress == reviews.Progress.SUBMITTED)
    settings = event.review_settings
    return render_template("review/mine.html", event=event, rows=rows, submitted=submitted,
                           deadline=settings.review_deadline if settings else None, progress_labels=PROGRESS_LABELS)


def _submission_page(event, submission, *, comment_form=None, upload_form=None):
    view = reviews.committee_view(submission, current_actor())
    return render_template(
        "review/submission.html", event=event, submission=submission, view=view,
        comment_form=comment_form or CommentForm(), upload_form=upload_form or AnonymisedCopyForm(),
        can_upload=event.can_manage(current_user), confidence_labels=CONFIDENCE_LABELS,
        can_declare_conflict=DECLARE_CONFLICT in current_app.view_functions and not event.can_manage(current_user),
    )


@bp.route("/events/<slug>/review/submissions/<code>")
@login_required
def show_submission(slug, code):
    event = load_committee_event(slug)
    return _submission_page(event, load_submission_for_review(event, code))


@bp.route("/events/<slug>/review/submissions/<code>/review", methods=["GET", "POST"])
@login_required
def edit_review(slug, code):
    event = load_committee_event(slug)
    submission = load_submission_for_review(event, code)
    require(submission.can_review(current_user))
    assignment = submission.assignment_of(current_user)
    settings = ensure_review_settings(event)
    criteria, questions = review_setup.criteria_for(event), review_setup.review_questions_for(event)
    form = review_form(criteria, questions, ask_confidence=settings.ask_confidence, review=assignment.review)
    saved = saved_form(form, lambda: reviews.save_review(assignment, actor=current_actor(), **form.values()))
    if saved:
        flash(_("Your review is submitted.") if form.submit_review.data and saved.is_submitted
              else _("Your review is saved."), "success")
        if form.submit_review.data:
            return redirect(url_for(".show_submission", slug=slug, code=code))
        return redirect(url_for(".edit_review", slug=slug, code=code))
    return render_template("review/review_form.html", event=event, submission=submission, form=form,
                           criteria=criteria, questions=questions, review=assignment.review, settings=settings,
                           closed=settings.review_deadline_passed(utcnow()))


@bp.post("/events/<slug>/review/submissions/<code>/discussion")
@login_required
def post_comment(slug, code):
    event = load_committee_event(slug)
    submission = load_submission_for_review(event, code)
    require(visibility.can_discuss(submission, current_user))
    form = CommentForm()
    if saved_form(form, lambda: discussion.post_comment(submission, actor=current_actor(), body=form.body.data)):
        flash(_("Your comment is posted."), "success")
        return redirect(url_for(".show_submission", slug=slug, code=code, _anchor="discussion"))
    return _submission_page(event, submission, comment_form=form)


@bp.post("/events/<slug>/review/submissions/<code>/anonymised")
@login_required
def upload_anonymised(slug, code):
    event = load_committee_event(slug)
    submission = load_submission_for_review(event, code)
    require(event.can_manage(current_user))
    form = AnonymisedCopyForm()
    if saved_form(form, lambda: anonymised.attach_anonymised_copy(submission, actor=current_actor(),
                                                                  kind=form.kind.data, **form.upload())):
        flash(_("The anonymised copy is uploaded: reviewers now get it instead of the authors' file."), "success")
        return redirect(url_for(".show_submission", slug=slug, code=code))
    return _submission_page(event, submission, upload_form=form)


@bp.route("/events/<slug>/review/submissions/<code>/files/<int:file_id>")
@login_required
def download_file(slug, code, file_id):
    event = load_committee_event(slug)
    submission = load_submission_for_review(event, code)
    shown = next((f for f in reviews.reviewer_files(submission, current_actor()) if f.file.id == file_id), None)
    require(shown is not None, hide=True)
    key = files.download_key(shown.file.sha256, without_metadata=shown.without_metadata)
    require(key is not None, hide=True)
    # The committee's copy: send_stored keeps it out of shared caches.
    return send_stored(key, content_type=shown.file.content_type, download_name=shown.download_name)
