"""Setting up review, for organisers: the settings, and the review form's criteria and questions."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from conference.events.web.views import load_managed_event
from conference.review import setup as review_setup
from conference.review.common import ensure_review_settings
from conference.review.models import ReviewCriterion, ReviewQuestion
from conference.review.web.blueprint import bp
from conference.review.web.review_forms import (
    BLIND_LABELS,
    OTHER_REVIEWS_LABELS,
    CriterionForm,
    ReviewQuestionForm,
    SettingsForm,
)
from conference.web.common import current_actor, edit_page, load_if_given, load_of_event, run_action
from conference.web.confirm import ask_first
from conference.web.fields import show_languages
from conference.web.questions import KIND_LABELS


@bp.route("/events/<slug>/review/settings", methods=["GET", "POST"])
@login_required
def settings(slug):
    event = load_managed_event(slug)
    form = SettingsForm(obj=ensure_review_settings(event), zone=event.timezone)
    return edit_page(form, lambda: review_setup.update_settings(event, actor=current_actor(), **form.values()),
                     saved=_("The review settings are saved."), back=url_for(".settings", slug=slug),
                     page=lambda: render_template(
                         "review/settings.html", event=event, form=form, criteria=review_setup.criteria_for(event),
                         questions=review_setup.review_questions_for(event), blind_labels=BLIND_LABELS,
                         other_labels=OTHER_REVIEWS_LABELS, kind_labels=KIND_LABELS))


# Criteria -----------------------------------------------------------------------------------------

@bp.route("/events/<slug>/review/criteria/new", methods=["GET", "POST"], endpoint="new_criterion")
@bp.route("/events/<slug>/review/criteria/<int:criterion_id>", methods=["GET", "POST"], endpoint="edit_criterion")
@login_required
def criterion_page(slug, criterion_id=None):
    event = load_managed_event(slug)
    criterion = load_if_given(ReviewCriterion, event, criterion_id)
    form = CriterionForm(obj=criterion)
    return edit_page(form, lambda: review_setup.save_criterion(event, actor=current_actor(), criterion=criterion,
                                                               **form.values()),
                     saved=_("The criterion is saved."), back=url_for(".settings", slug=slug),
                     page=lambda: render_template(
                         "review/criterion_form.html", event=event, form=form, criterion=criterion,
                         scored=review_setup.submitted_scores_of(criterion) if criterion else 0))


@bp.post("/events/<slug>/review/criteria/<int:criterion_id>/delete")
@login_required
def delete_criterion(slug, criterion_id):
    event = load_managed_event(slug)
    criterion = load_of_event(ReviewCriterion, event, criterion_id)
    if (asking := ask_first(_("Delete the criterion"))) is not None:
        return asking
    if run_action(lambda: review_setup.delete_criterion(criterion, actor=current_actor(), event=event),
                  _("The criterion %(name)s is deleted.", name=criterion.name)):
        return redirect(url_for(".settings", slug=slug))
    return redirect(url_for(".edit_criterion", slug=slug, criterion_id=criterion_id))


# Custom questions ---------------------------------------------------------------------------------------

@bp.route("/events/<slug>/review/questions/new", methods=["GET", "POST"], endpoint="new_question")
@bp.route("/events/<slug>/review/questions/<int:question_id>", methods=["GET", "POST"], endpoint="edit_question")
@login_required
def question_page(slug, question_id=None):
    event = load_managed_event(slug)
    question = load_if_given(ReviewQuestion, event, question_id)
    form = ReviewQuestionForm(obj=question)
    show_languages(form, event.other_languages)
    return edit_page(form, lambda: review_setup.save_review_question(event, actor=current_actor(), question=question,
                                                                     **form.values()),
                     saved=_("The question is saved."), back=url_for(".settings", slug=slug),
                     page=lambda: render_template("review/question_form.html", event=event, form=form,
                                                  question=question))


@bp.post("/events/<slug>/review/questions/<int:question_id>/delete")
@login_required
def delete_question(slug, question_id):
    event = load_managed_event(slug)
    question = load_of_event(ReviewQuestion, event, question_id)
    if (asking := ask_first(_("Delete the question"))) is not None:
        return asking
    run_action(lambda: review_setup.delete_review_question(question, actor=current_actor(), event=event),
               _("The question is deleted."))
    return redirect(url_for(".settings", slug=slug))
