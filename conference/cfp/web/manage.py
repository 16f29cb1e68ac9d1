"""The call for papers for organisers: setting it up and seeing what came in."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from conference.cfp import queries, submissions
from conference.cfp import setup as cfp_setup
from conference.cfp.models import AccessCode, Question, SubmissionType
from conference.cfp.web.manage_forms import (
    STATE_LABELS,
    TARGET_LABELS,
    AccessCodeForm,
    CallForm,
    QuestionForm,
    SubmissionFilterForm,
    SubmissionTypeForm,
    TrackForm,
)
from conference.core.types import utcnow
from conference.events.models import Track
from conference.events.web.views import load_managed_event
from conference.web.common import current_actor, edit_page, load_if_given, load_of_event, require, run_action
from conference.web.confirm import ask_first
from conference.web.fields import show_languages
from conference.web.questions import KIND_LABELS

bp = Blueprint("cfp_manage", __name__, url_prefix="/events/<slug>/manage")


@bp.context_processor
def labels():
    return {"state_labels": STATE_LABELS, "kind_labels": KIND_LABELS, "target_labels": TARGET_LABELS}


# The call's dates and text -------------------------------------------------------------------------

@bp.route("/call", methods=["GET", "POST"])
@login_required
def edit_call(slug):
    event = load_managed_event(slug)
    form = CallForm(obj=event.call, zone=event.timezone)
    show_languages(form, event.other_languages)
    return edit_page(form, lambda: cfp_setup.configure_call(event, actor=current_actor(), **form.values()),
                     saved=_("The call for papers is saved."), back=url_for(".edit_call", slug=slug),
                     page=lambda: render_template("cfp_manage/call.html", event=event, form=form),
                     check=lambda: cfp_setup.call_date_problems(opens_at=form.opens_at.utc, deadline=form.deadline.utc,
                                                                edit_until=form.edit_until.utc))


# Submission types ------------------------------------------------------------------------------------

@bp.route("/call/types/")
@login_required
def list_types(slug):
    event = load_managed_event(slug)
    return render_template("cfp_manage/types.html", event=event, types=queries.types_of(event),
                           usage=queries.type_usage(event))


@bp.route("/call/types/new", methods=["GET", "POST"], endpoint="new_type")
@bp.route("/call/types/<int:type_id>", methods=["GET", "POST"], endpoint="edit_type")
@login_required
def type_page(slug, type_id=None):
    event = load_managed_event(slug)
    submission_type = load_if_given(SubmissionType, event, type_id)
    form = SubmissionTypeForm(obj=submission_type, zone=event.timezone)
    show_languages(form, event.other_languages)
    return edit_page(form, lambda: cfp_setup.save_submission_type(event, actor=current_actor(),
                                                                  submission_type=submission_type, **form.values()),
                     saved=_("The submission type is saved."), back=url_for(".list_types", slug=slug),
                     page=lambda: render_template("cfp_manage/type_form.html", event=event, form=form,
                                                  submission_type=submission_type))


@bp.post("/call/types/<int:type_id>/delete")
@login_required
def delete_type(slug, type_id):
    event = load_managed_event(slug)
    submission_type = load_of_event(SubmissionType, event, type_id)
    if (asking := ask_first(_("Delete %(name)s", name=submission_type.tr("name")))) is not None:
        return asking
    run_action(lambda: cfp_setup.delete_submission_type(submission_type, actor=current_actor(), event=event),
               _("The submission type %(name)s is deleted.", name=submission_type.tr("name")))
    return redirect(url_for(".list_types", slug=slug))


# Tracks ------------------------------------------------------------------------------------------------

@bp.route("/call/tracks/")
@login_required
def list_tracks(slug):
    event = load_managed_event(slug)
    return render_template("cfp_manage/tracks.html", event=event, tracks=queries.tracks_of(event),
                           usage=queries.track_usage(event))


@bp.route("/call/tracks/new", methods=["GET", "POST"], endpoint="new_track")
@bp.route("/call/tracks/<int:track_id>", methods=["GET", "POST"], endpoint="edit_track")
@login_required
def track_page(slug, track_id=None):
    event = load_managed_event(slug)
    track = load_if_given(Track, event, track_id)
    form = TrackForm(obj=track)
    show_languages(form, event.other_languages)
    return edit_page(form, lambda: cfp_setup.save_track(event, actor=current_actor(), track=track, **form.values()),
                     saved=_("The track is saved."), back=url_for(".list_tracks", slug=slug),
                     page=lambda: render_template("cfp_manage/track_form.html", event=event, form=form, track=track))


@bp.post("/call/tracks/<int:track_id>/delete")
@login_required
def delete_track(slug, track_id):
    event = load_managed_event(slug)
    track = load_of_event(Track, event, track_id)
    if (asking := ask_first(_("Delete %(name)s", name=track.tr("name")))) is not None:
        return asking
    run_action(lambda: cfp_setup.delete_track(track, actor=current_actor(), event=event),
               _("The track %(name)s is deleted.", name=track.tr("name")))
    return redirect(url_for(".list_tracks", slug=slug))


# Custom questions ------------------------------------------------------------------------------------------

@bp.route("/call/questions/")
@login_required
def list_questions(slug):
    event = load_managed_event(slug)
    return render_template("cfp_manage/questions.html", event=event, questions=submissions.submission_questions(event),
                           answered=queries.answer_counts(event))


@bp.route("/call/questions/new", methods=["GET", "POST"], endpoint="new_question")
@bp.route("/call/questions/<int:question_id>", methods=["GET", "POST"], endpoint="edit_question")
@login_required
def question_page(slug, question_id=None):
    event = load_managed_event(slug)
    question = load_if_given(Question, event, question_id)
    form = QuestionForm(obj=question, types=queries.types_of(event), tracks=queries.tracks_of(event))
    show_languages(form, event.other_languages)
    return edit_page(form, lambda: cfp_setup.save_question(event, actor=current_actor(), question=question,
                                                           **form.values()),
                     saved=_("The question is saved."), back=url_for(".list_questions", slug=slug),
                     page=lambda: render_template(
                         "cfp_manage/question_form.html", event=event, form=form, question=question,
                         answered=queries.answer_counts(event).get(question.id, 0) if question else 0))


@bp.post("/call/questions/<int:question_id>/delete")
@login_required
def delete_question(slug, question_id):
    event = load_managed_event(slug)
    question = load_of_event(Question, event, question_id)
    if (asking := ask_first(_("Delete the question"))) is not None:
        return asking
    run_action(lambda: cfp_setup.delete_question(question, actor=current_actor(), event=event),
               _("The question %(label)s is deleted, with its answers.", label=question.tr("label")))
    return redirect(url_for(".list_questions", slug=slug))


# Late access codes ------------------------------------------------------------------------------------------

@bp.route("/call/access-codes", methods=["GET", "POST"])
@login_required
def manage_access_codes(slug):
    event = load_managed_event(slug)
    form = AccessCodeForm(zone=event.timezone, types=queries.types_of(event), tracks=queries.tracks_of(event))
    return edit_page(form, lambda: cfp_setup.create_access_code(event, actor=current_actor(), **form.values()),
                     saved=lambda access_code: _("The access code %(code)s is ready to hand out.",
                                                 code=access_code.code),
                     back=url_for(".manage_access_codes", slug=slug),
                     page=lambda: render_template("cfp_manage/access_codes.html", event=event, form=form,
                                                  codes=queries.access_codes_of(event)))


@bp.post("/call/access-codes/<int:code_id>/delete")
@login_required
def delete_access_code(slug, code_id):
    event = load_managed_event(slug)
    access_code = load_of_event(AccessCode, event, code_id)
    if (asking := ask_first(_("Delete %(name)s", name=access_code.code))) is not None:
        return asking
    run_action(lambda: cfp_setup.delete_access_code(access_code, actor=current_actor(), event=event),
               _("The access code %(code)s is deleted.", code=access_code.code))
    return redirect(url_for(".manage_access_codes", slug=slug))


# What came in ------------------------------------------------------------------------------------------------

@bp.route("/submissions.csv")
@login_required
def export_submissions(slug):
    event = load_managed_event(slug)
    filters = SubmissionFilterForm(request.args, types=(), tracks=(), keywords=()).filters()
    text = queries.submissions_csv(queries.list_submissions(event, filters, with_answers=True),
                                   submissions.submission_questions(event))
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-submissions.csv"'
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


@bp.route("/submissions/<code>")
@login_required
def show_submission(slug, code):
    event = load_managed_event(slug)
    submission = submissions.load_submission(event, code)
    require(submission is not None, hide=True)
    return render_template(
        "cfp_manage/submission.html", event=event, submission=submission,
        answers=queries.answers_of(submission, submissions.submission_questions(event)),
        audit=queries.audit_of(submission),
        can_edit=submission.can_edit(current_user, utcnow()), can_withdraw=submission.can_withdraw(current_user),
    )
