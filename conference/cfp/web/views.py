"""The call for papers for authors: the public call page, submitting, editing, co-authors,
files, withdrawing, and the author's dashboard."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from conference.cfp import authoring, queries, submissions
from conference.cfp.enums import SubmissionState
from conference.cfp.languages import event_languages
from conference.cfp.web.forms import (
    AccessCodeForm,
    AuthorForm,
    AuthorUpdateForm,
    WithdrawForm,
    build_submission_form,
    new_nonce,
)
from conference.core import files
from conference.core.types import utcnow
from conference.errors import DomainError
from conference.events.web.views import load_event
from conference.i18n import format_datetime, viewer_timezone_name
from conference.web.common import current_actor, edit_page, require, run_action, saved_form
from conference.web.downloads import send_stored
from conference.web.page_values import PageValues

bp = Blueprint("cfp", __name__)
# An author's page of a submission shows what review knows: ``author_reviews`` (the reviews
# released with the decision), provided by the review area.
submission_page = PageValues("an author's page of a submission")


# Loading and shared context -----------------------------------------------------------------------

def load_submission(slug: str, code: str):
    """The submission, for people who may see it; 404 for everyone else (its existence must not leak)."""
    event = load_event(slug)
    submission = submissions.load_submission(event, code)
    require(submission is not None and submission.can_view(current_user), hide=True)
    return submission


def require_changer(submission) -> None:
    """Only the submitter and the organisers change a submission; whether its state and dates
    still allow it is the domain's to say (with a message for the form)."""
    require(submission.is_submitter(current_user) or submission.event.can_manage(current_user))


def _author_or_404(submission, author_id: int):
    author = next((a for a in submission.authors if a.id == author_id), None)
    require(author is not None, hide=True)
    return author


def _form_context(event) -> dict:
    return {"questions": submissions.submission_questions(event), "types": queries.types_of(event),
            "tracks": queries.tracks_of(event), "track_required": event.call.track_required,
            "languages": event_languages(event)}


def _in_zones(when, event):
    """``when`` in the event's zone and, for a signed-in viewer in another zone, in theirs."""
    if when is None:
        return None
    own = viewer_timezone_name()
    return (format_datetime(when, tz=event.timezone),
            format_datetime(when, tz=own) if current_user.is_authenticated and own != event.timezone else None)


def _action_wants_submit() -> bool:
    return request.form.get("action") == "submit"


def _render_form(form, *, event, submission, context, files_dropped=False):
    now = utcnow()
    reason = authoring.read_only_reason(submission, current_user, now) if submission else None
    state = authoring.call_state(event.call, context["types"], now)
    if submission is None:
        closed = state != "open"
    else:
        closed = authoring.next_step(submission, current_user, now).key == "closed"
    return render_template("cfp/form.html", form=form, event=event, submission=submission, read_only=reason,
                           call_closed=closed, can_submit=authoring.can_submit(submission, current_user),
                           formats=files.FORMATS, question_file_formats=submissions.QUESTION_FILE_FORMATS,
                           question_file_max_mb=submissions.QUESTION_FILE_MAX_MB, files_dropped=files_dropped,
                           **context)


# The call ------------------------------------------------------------------------------------------

@bp.route("/events/<slug>/call")
def show_call(slug):
    event = load_event(slug)
    call = event.call
    require(call is not None, hide=True)
    types = queries.types_of(event)
    times = {"opens": _in_zones(call.opens_at, event), "deadline": _in_zones(call.deadline, event),
             "edit_until": _in_zones(call.edit_until, event),
             "types": {t.id: _in_zones(t.deadline, event) for t in types}}
    return render_template("cfp/call.html", event=event, call=call, types=types, tracks=queries.tracks_of(event),
                           state=authoring.call_state(call, types, utcnow()), times=times, formats=files.FORMATS,
                           code_form=AccessCodeForm(formdata=None))


# Submitting and editing -----------------------------------------------------------------------------

@bp.route("/events/<slug>/submissions/new", methods=["GET", "POST"])
@login_required
def new_submission(slug):
    event = load_event(slug)
    require(event.call is not None, hide=True)
    context = _form_context(event)
    form = build_submission_form(**context, form_nonce=new_nonce(), access_code=request.args.get("access_code", ""))
    uploads = form.uploads() if request.method == "POST" else {}
    started = saved_form(form, lambda: authoring.start_submission(
        event, actor=current_actor(), form_nonce=form.form_nonce.data or None, content=form.content(),
        own_answers=form.own_answers(), uploads=uploads, submit_now=_action_wants_submit(),
        access_code=form.access_code.data))
    if started:
        submission, created = started
        return _after_save(submission, created=created)
    return _render_form(form, event=event, submission=None, context=context, files_dropped=bool(uploads))


def _after_save(submission, *, created: bool = True):
    if not created:
        flash(_("This form had already been sent: here is the submission it created."), "info")
    elif submission.state == SubmissionState.SUBMITTED and _action_wants_submit():
        flash(_("Submission %(code)s is submitted. Every author gets a confirmation by mail. Under "
                "\u201cConflicts of interest\u201d, name the committee members who should not review it.",
                code=submission.code), "success")
        return redirect(url_for("cfp.show_submission", slug=submission.event.slug, code=submission.code))
    else:
        flash(_("Saved. The draft %(code)s is kept until you submit it.", code=submission.code)
              if submission.state == SubmissionState.DRAFT else _("Your changes are saved."), "success")
    endpoint = "cfp.edit_submission" if submission.state == SubmissionState.DRAFT else "cfp.show_submission"
    return redirect(url_for(endpoint, slug=submission.event.slug, code=submission.code))


@bp.route("/events/<slug>/submissions/<code>/edit", methods=["GET", "POST"])
@login_required
def edit_submission(slug, code):
    submission = load_submission(slug, code)
    if request.method == "POST":
        require_changer(submission)
    context = _form_context(submission.event)
    form = build_submission_form(**context, submission=submission)
    uploads = form.uploads() if request.method == "POST" else {}
    if saved_form(form, lambda: authoring.save_submission(
            submission, actor=current_actor(), content=form.content(), uploads=uploads,
            submit_now=_action_wants_submit(), access_code=form.access_code.data)):
        return _after_save(submission)
    return _render_form(form, event=submission.event, submission=submission, context=context,
                        files_dropped=bool(uploads))


@bp.route("/events/<slug>/submissions/<code>")
@login_required
def show_submission(slug, code):
    return _render_submission(load_submission(slug, code))


def _render_submission(submission, *, add_form=None, update_form=None, updating=None):
    now = utcnow()
    failed = {"form": update_form or add_form} if (update_form or add_form) else {}
    update_forms = {a.id: AuthorUpdateForm(formdata=None, obj=a, prefix=f"a{a.id}") for a in submission.authors}
    if updating is not None:
        update_forms[updating] = update_form
    return render_template(
        "cfp/submission.html", submission=submission, event=submission.event,
        questions=submissions.submission_questions(submission.event), formats=files.FORMATS,
        can_edit=submission.can_edit(current_user, now), can_withdraw=submission.can_withdraw(current_user),
        can_delete=authoring.can_delete(submission, current_user),
        read_only=authoring.read_only_reason(submission, current_user, now),
        step=authoring.next_step(submission, current_user, now),
        add_form=add_form or AuthorForm(formdata=None), update_forms=update_forms, opened_author=updating, **failed,
        can_confirm=submission.can_confirm(current_user), **submission_page.values(submission),
        file_warnings=authoring.file_warnings(submission),
    )


# Co-authors -------------------------------------------------------------------------------------------

def _authors_url(submission) -> str:
    return url_for("cfp.show_submission", slug=submission.event.slug, code=submission.code) + "#authors"


@bp.post("/events/<slug>/submissions/<code>/authors")
@login_required
def add_author(slug, code):
    submission = load_submission(slug, code)
    require_changer(submission)
    form = AuthorForm()
    return edit_page(form, lambda: submissions.add_author(submission, actor=current_actor(), name=form.name.data,
                                                          email=form.email.data or "",
                                                          affiliation=form.affiliation.data,
                                                          is_presenter=form.is_presenter.data,
                                                          is_corresponding=form.is_corresponding.data),
                     saved=lambda author: _("%(name)s is added to the authors. We sent them a link to the "
                                            "submission.", name=author.name),
                     back=_authors_url(submission), page=lambda: _render_submission(submission, add_form=form))


@bp.post("/events/<slug>/submissions/<code>/authors/<int:author_id>")
@login_required
def update_author(slug, code, author_id):
    submission = load_submission(slug, code)
    require_changer(submission)
    author = _author_or_404(submission, author_id)
    form = AuthorUpdateForm(prefix=f"a{author.id}")
    return edit_page(form, lambda: submissions.update_author(author, actor=current_actor(), name=form.name.data,
                                                             affiliation=form.affiliation.data,
                                                             is_presenter=form.is_presenter.data,
                                                             is_corresponding=form.is_corresponding.data),
                     saved=lambda _done: _("The details of %(name)s are saved.", name=author.name),
                     back=_authors_url(submission),
                     page=lambda: _render_submission(submission, update_form=form, updating=author_id))


@bp.post("/events/<slug>/submissions/<code>/authors/<int:author_id>/remove")
@login_required
def remove_author(slug, code, author_id):
    submission = load_submission(slug, code)
    require_changer(submission)
    author = _author_or_404(submission, author_id)
    run_action(lambda: submissions.remove_author(author, actor=current_actor()),
               _("%(name)s is no longer an author.", name=author.name))
    return redirect(_authors_url(submission))


@bp.post("/events/<slug>/submissions/<code>/authors/<int:author_id>/move")
@login_required
def move_author(slug, code, author_id):
    submission = load_submission(slug, code)
    require_changer(submission)
    author = _author_or_404(submission, author_id)
    run_action(lambda: submissions.move_author(author, actor=current_actor(),
                                               offset=-1 if request.form.get("direction") == "up" else 1),
               _("The order of the authors is saved."))
    return redirect(_authors_url(submission))


@bp.route("/coauthorship/<token>", methods=["GET", "POST"])
def accept_coauthorship(token):
    try:
        author = submissions.author_from_token(token)
    except DomainError as error:
        return render_template("auth/token_error.html", message=error.message), 400
    submission = author.submission
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.path))
        if run_action(lambda: submissions.accept_coauthorship(author, user=current_actor()),
                      _("You are an author of %(code)s: it is on your list of submissions.", code=submission.code)):
            return redirect(url_for("cfp.show_submission", slug=submission.event.slug, code=submission.code))
    return render_template("cfp/coauthorship.html", author=author, submission=submission, token=token,
                           accepted=current_user.is_authenticated and author.user_id == current_user.id)


# Withdrawing, deleting, files --------------------------------------------------------------------------

@bp.route("/events/<slug>/submissions/<code>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw_submission(slug, code):
    submission = load_submission(slug, code)
    require(submission.can_withdraw(current_user))
    form = WithdrawForm()
    return edit_page(form, lambda: submissions.withdraw(submission, actor=current_actor(),
                                                        reason=form.reason.data or ""),
                     saved=_("Submission %(code)s is withdrawn. The organisers have been told.", code=submission.code),
                     back=url_for("cfp.show_submission", slug=slug, code=submission.code),
                     page=lambda: render_template("cfp/withdraw.html", form=form, submission=submission,
                                                  event=submission.event))


@bp.post("/events/<slug>/submissions/<code>/confirm")
@login_required
def confirm_submission(slug, code):
    submission = load_submission(slug, code)
    require(submission.is_author(current_user))
    run_action(lambda: submissions.confirm(submission, actor=current_actor()),
               _("Thank you: %(code)s is confirmed. The organisers will be in touch about the programme.",
                 code=submission.code))
    return redirect(url_for("cfp.show_submission", slug=slug, code=submission.code))


@bp.route("/events/<slug>/submissions/<code>/delete", methods=["GET", "POST"])
@login_required
def delete_submission(slug, code):
    submission = load_submission(slug, code)
    require(authoring.can_delete(submission, current_user))
    if request.method == "POST" and run_action(lambda: submissions.delete_draft(submission, actor=current_actor()),
                                               _("The draft %(code)s is deleted.", code=code.upper())):
        return redirect(url_for("cfp.my_submissions"))
    return render_template("cfp/delete.html", submission=submission, event=submission.event)


@bp.route("/events/<slug>/submissions/<code>/files/<int:file_id>")
@login_required
def download_file(slug, code, file_id):
    submission = load_submission(slug, code)
    stored = next((f for f in submission.files if f.id == file_id), None)
    require(stored is not None, hide=True)
    # The organisers' anonymised copies are for reviewers (see review.download_file).
    require(not stored.for_reviewers or submission.event.can_manage(current_user), hide=True)
    key = files.download_key(stored.sha256)
    require(key is not None, hide=True)
    # Only the authors and organisers may see it: send_stored keeps it out of shared caches.
    return send_stored(key, content_type=stored.content_type, download_name=stored.filename)


# The author's dashboard ---------------------------------------------------------------------------------

@bp.route("/my/submissions")
@login_required
def my_submissions():
    now = utcnow()
    mine = submissions.submissions_of(current_user)
    steps = {s.id: authoring.next_step(s, current_user, now) for s in mine}
    return render_template("cfp/dashboard.html", submissions=mine, steps=steps)
