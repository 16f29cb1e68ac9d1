"""Review progress and reminders, the ranking, staged decisions and their release, and the
accepted authors who have not confirmed yet."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from conference.cfp import queries
from conference.errors import DomainError
from conference.events.web.views import load_managed_event
from conference.extensions import db
from conference.review import decisions, ranking
from conference.review import progress as review_progress
from conference.review.web.blueprint import (
    bp,
    load_reviewing_manager_event,
    load_submission,
)
from conference.review.web.decision_forms import (
    CLEAR,
    REVIEWABLE_STATE_LABELS,
    SORT_LABELS,
    BulkDecisionForm,
    DecisionForm,
    RankingFilterForm,
    RemindReviewersForm,
    decision_choices,
)
from conference.web import lists
from conference.web.common import current_actor, require, run_action, safe_next

# The ranking's optional columns; the code, title, state, scores' mean and the decision always show.
RANKING_COLUMNS = {"track": _l("Track"), "type": _l("Type"), "reviews": _l("Reviews"), "median": _l("Median"),
                   "spread": _l("Spread"), "range": _l("Min–max"), "weighted": _l("Confidence-weighted")}
DEFAULT_COLUMNS = ("track", "type", "reviews", "spread", "range")

# Progress and reminders ---------------------------------------------------------------------------

@bp.route("/events/<slug>/review/")
@login_required
def progress(slug):
    event = load_reviewing_manager_event(slug)
    figures = review_progress.progress(event, viewer=current_actor())
    return render_template("review/progress.html", event=event, progress=figures, form=RemindReviewersForm())


@bp.post("/events/<slug>/review/reminders")
@login_required
def remind_reviewers(slug):
    event = load_reviewing_manager_event(slug)
    form = RemindReviewersForm()
    if form.validate_on_submit():
        chosen = None if request.form.get("all") else form.chosen()
        run_action(lambda: _remind(event, chosen), _("The reminders are on their way."))
    return redirect(url_for(".progress", slug=slug))


def _remind(event, chosen):
    if chosen is not None and not chosen:
        raise DomainError(_("Choose at least one reviewer, or remind all with missing reviews."))
    review_progress.remind_reviewers(event, actor=current_actor(), reviewer_ids=chosen)


# Ranking and staged decisions --------------------------------------------------------------------------

@bp.route("/events/<slug>/review/ranking", endpoint="ranking")
@login_required
def ranking_page(slug):
    event = load_reviewing_manager_event(slug)
    types = queries.types_of(event)
    form = RankingFilterForm(request.args, types=types, tracks=queries.tracks_of(event))
    args = lists.read_list_args(request.args)
    columns = lists.read_columns(request.args, name="ranking", offered=RANKING_COLUMNS, default=DEFAULT_COLUMNS)
    page = lists.page_of(ranking.ranking(event, viewer=current_actor(), **form.values()), args)
    return render_template("review/ranking.html", event=event, form=form, page=page, args=args, columns=columns,
                           sort_labels=SORT_LABELS,
                           state_names=REVIEWABLE_STATE_LABELS, choices=decision_choices(types),
                           can_release=event.can_manage(current_user),
                           staged_count=decisions.staged_count(event), bulk_form=BulkDecisionForm(formdata=None))


@bp.route("/events/<slug>/review/reviews.csv")
@login_required
def export_reviews(slug):
    event = load_reviewing_manager_event(slug)
    response = Response(ranking.reviews_csv(event, viewer=current_actor()), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-reviews.csv"'
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


def _decide(submissions, form, *, bulk: bool):
    decision, type_id = form.parsed()
    if decision is None:
        raise DomainError(_("Choose a decision from the list."), field="decision")
    if decision == CLEAR:
        for submission in submissions:
            decisions.clear_decision(submission, actor=current_actor())
        return len(submissions), []
    if bulk:
        return decisions.stage_decisions(submissions, actor=current_actor(), decision=decision,
                                         accept_as_type_id=type_id)
    decisions.stage_decision(submissions[0], actor=current_actor(), decision=decision, accept_as_type_id=type_id)
    return 1, []


@bp.post("/events/<slug>/review/submissions/<code>/decision")
@login_required
def stage_decision(slug, code):
    event = load_reviewing_manager_event(slug)
    submission = load_submission(event, code)
    user = current_user
    require(submission.can_decide(user), hide=submission.is_conflicted(user) or submission.is_author(user))
    form = DecisionForm()
    if form.validate_on_submit():
        run_action(lambda: _decide([submission], form, bulk=False),
                   _("The decision on %(code)s is saved; authors see it once it is released.", code=submission.code))
    return safe_next("review.ranking", slug=slug)


@bp.post("/events/<slug>/review/decisions")
@login_required
def stage_decisions(slug):
    event = load_reviewing_manager_event(slug)
    form = BulkDecisionForm()
    chosen = decisions.load_for_decision(event, form.codes.data)
    if not form.validate_on_submit():
        return safe_next("review.ranking", slug=slug)
    if not chosen:
        flash(_("Choose at least one submission: tick the box in its row."), "error")
        return safe_next("review.ranking", slug=slug)
    try:
        done, refused = _decide(chosen, form, bulk=True)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return safe_next("review.ranking", slug=slug)
    db.session.commit()
    flash(_("Decisions saved for %(num)d submissions; authors see them once they are released.", num=done), "success")
    for code, message in refused:
        flash(_("%(code)s: %(message)s", code=code, message=message), "error")
    return safe_next("review.ranking", slug=slug)


@bp.route("/events/<slug>/review/decisions/release", methods=["GET", "POST"])
@login_required
def release_decisions(slug):
    event = load_managed_event(slug)
    if request.method == "POST" and run_action(lambda: decisions.release_decisions(event, actor=current_actor()), _(
            "The decisions are released. Their mails are held in the outbox: look them over and send them.")):
        return redirect(url_for("mail.outbox", slug=slug))
    return render_template("review/release.html", event=event, staged=decisions.staged(event))


# Confirmations ---------------------------------------------------------------------------------------

@bp.route("/events/<slug>/review/unconfirmed")
@login_required
def unconfirmed(slug):
    event = load_managed_event(slug)
    return render_template("review/unconfirmed.html", event=event, submissions=decisions.unconfirmed(event))


@bp.post("/events/<slug>/review/unconfirmed/remind")
@login_required
def remind_authors(slug):
    event = load_managed_event(slug)
    run_action(lambda: decisions.remind_unconfirmed(event, actor=current_actor()),
               _("The authors of the unconfirmed submissions are reminded."))
    return redirect(url_for(".unconfirmed", slug=slug))
