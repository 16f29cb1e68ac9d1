"""The organisers' view of registrations: the list with filters, counts and bulk decisions, one
registration with its history, the CSV export, the reconfirmation request; and the participant
list and the participants' reconfirm button."""

from __future__ import annotations

from types import SimpleNamespace

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from conference.core.enums import QuestionKind
from conference.core.questions import answer_text
from conference.errors import DomainError, InvalidToken
from conference.events.web.views import load_event, load_managed_event
from conference.extensions import db, login_manager
from conference.registration import admin, places, reconfirmation
from conference.registration import registrations as ops
from conference.registration.enums import ListVisibility, RegistrationState
from conference.registration.models import Registration
from conference.registration.organisations import organisation_source
from conference.registration.web.blueprint import bp
from conference.registration.web.organiser_forms import (
    ACTION_LABELS,
    STATE_LABELS,
    BulkForm,
    ButtonForm,
    ReconfirmationForm,
    RegistrationFilterForm,
    RejectForm,
)
from conference.registration.web.setup_forms import MODE_LABELS
from conference.web import lists
from conference.web.common import current_actor, require, run_action, safe_next, saved_form

PREFIX = "/events/<slug>/manage/registrations"


def _registration_of(event, registration_id: int) -> Registration:
    return db.first_or_404(
        sa.select(Registration).where(Registration.id == registration_id, Registration.event_id == event.id)
        .options(joinedload(Registration.form), joinedload(Registration.category), joinedload(Registration.user))
    )


# The list's optional columns; the name, category and state always show.
COLUMNS = {"email": _l("Email"), "affiliation": _l("Affiliation"), "organisation": _l("Organisation"),
           "mode": _l("Attending"), "registered": _l("Registered"), "checked_in": _l("Checked in")}


@bp.route(PREFIX)
@login_required
def list_registrations(slug):
    event = load_managed_event(slug)
    forms, categories = admin.forms_of(event), admin.categories_of(event)
    filters = RegistrationFilterForm(request.args, forms=forms, categories=categories)
    args = lists.read_list_args(request.args)
    columns = lists.read_columns(request.args, name="registrations", offered=COLUMNS, default=tuple(COLUMNS))
    page = lists.page_of(admin.list_registrations(event, **filters.filters()), args)
    organisations = {o.id: o for o in organisation_source().organisations_of(event)}  # loaded once, for every row
    return render_template(
        "registration/list.html", event=event, filters=filters, counts=admin.category_counts(event),
        page=page, args=args, columns=columns, bulk_form=BulkForm(formdata=None),
        state_labels=STATE_LABELS, mode_labels=MODE_LABELS, several_forms=len(forms) > 1, organisations=organisations,
        awaiting_focal_point={r.id for r in page.items if organisation_source().awaiting_focal_point(r)},
    )


@bp.post(PREFIX + "/bulk")
@login_required
def bulk_registrations(slug):
    """First a confirmation that names the action and how many, then, confirmed, the action."""
    event = load_managed_event(slug)
    form = BulkForm()
    ids, problem = lists.read_ids(request.form.getlist("registration_ids"))
    valid = form.validate_on_submit()
    chosen = admin.registrations_by_id(event, ids) if valid and not problem else []
    if valid and not problem and len(chosen) != len(ids):
        problem = _("Some of the selected registrations are not of this event or no longer exist: nothing was "
                    "done. Reload the list and tick them again.")
    if not valid or problem:
        flash(problem or " ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return safe_next("registration.list_registrations", slug=slug)
    if request.form.get("confirmed") != "yes" and chosen:
        return render_template("registration/bulk_confirm.html", event=event, form=form, chosen=chosen,
                               action_label=ACTION_LABELS[form.action.data], state_labels=STATE_LABELS,
                               back=request.form.get("next") or "")
    try:
        done, refused = admin.bulk(event, actor=current_actor(), action=form.action.data,
                                   registration_ids=ids, message=form.message.data or "")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return safe_next("registration.list_registrations", slug=slug)
    db.session.commit()
    flash(_("%(action)s: done for %(num)d registrations.", action=ACTION_LABELS[form.action.data], num=done),
          "success")
    for name, reason in refused:
        flash(_("%(name)s: %(reason)s", name=name, reason=reason), "error")
    return safe_next("registration.list_registrations", slug=slug)


@bp.route(PREFIX + ".csv")
@login_required
def export_registrations(slug):
    event = load_managed_event(slug)
    response = Response(admin.registrations_csv(event), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-registrations.csv"'
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


@bp.route(PREFIX + "/<int:registration_id>")
@login_required
def show_registration(slug, registration_id):
    event = load_managed_event(slug)
    registration = _registration_of(event, registration_id)
    answers = [(q, _answer(q, (registration.answers or {}).get(str(q.id))))
               for q in ops.questions_for_category(registration.form, registration.category_id)]
    return render_template(
        "registration/show.html", event=event, registration=registration, answers=answers,
        history=admin.history_of(registration), state_labels=STATE_LABELS, mode_labels=MODE_LABELS,
        position=places.position(registration), button=ButtonForm(formdata=None), reject_form=RejectForm(formdata=None),
        can_approve=registration.state == RegistrationState.PENDING,
        awaiting_focal_point=organisation_source().awaiting_focal_point(registration),
        can_reject=registration.state in (RegistrationState.PENDING, RegistrationState.WAITLISTED),
        can_cancel=registration.is_active,
        manage_url=url_for("registration.manage", token=ops.manage_token(registration))
        if "registration.manage" in current_app.view_functions else None,
    )


def _answer(question, value) -> str:
    if question.kind == QuestionKind.FILE and isinstance(value, dict):
        return value.get("filename", "")
    return answer_text(value)


def _decide(slug, registration_id, operation, message):
    event = load_managed_event(slug)
    registration = _registration_of(event, registration_id)
    form = RejectForm() if operation is ops.reject else ButtonForm()
    if form.validate_on_submit():
        extra = {"message": form.message.data or ""} if operation is ops.reject else {}
        run_action(lambda: operation(registration, actor=current_actor(), **extra),
                   message % {"name": registration.name})
    return redirect(url_for("registration.show_registration", slug=slug, registration_id=registration_id))


@bp.post(PREFIX + "/<int:registration_id>/approve")
@login_required
def approve(slug, registration_id):
    return _decide(slug, registration_id, ops.approve, _("The registration of %(name)s is approved."))


@bp.post(PREFIX + "/<int:registration_id>/reject")
@login_required
def reject(slug, registration_id):
    return _decide(slug, registration_id, ops.reject, _("The registration of %(name)s is rejected."))


@bp.post(PREFIX + "/<int:registration_id>/cancel")
@login_required
def cancel_registration(slug, registration_id):
    return _decide(slug, registration_id, ops.cancel, _("The registration of %(name)s is cancelled."))


# Reconfirmation --------------------------------------------------------------------------------------------

@bp.route("/events/<slug>/manage/reconfirmation", methods=["GET", "POST"], endpoint="reconfirmation")
@login_required
def reconfirmation_page(slug):
    event = load_managed_event(slug)
    settings = places.ensure_registration_settings(event)
    is_open = reconfirmation.is_open(settings)
    current = SimpleNamespace(by=settings.reconfirm_by if is_open else None,
                              reminder_hours=settings.reconfirm_reminder_hours,
                              modes=sorted(settings.reconfirm_modes() if is_open
                                           else reconfirmation.default_modes(event)))
    form = ReconfirmationForm(obj=current, zone=event.timezone, modes=places.modes_of(event))
    asked = saved_form(form, lambda: [reconfirmation.request_reconfirmation(event, actor=current_actor(),
                                                                            **form.values())])
    if asked:
        flash(ngettext("Reconfirmation is requested; %(num)d participant is asked by mail.",
                       "Reconfirmation is requested; %(num)d participants are asked by mail.", asked[0]), "success")
        return redirect(url_for("registration.reconfirmation", slug=slug))
    return render_template(
        "registration/reconfirmation.html", event=event, form=form, settings=settings, is_open=is_open,
        progress=reconfirmation.progress(event), remind_at=reconfirmation.reminder_time(settings),
        asked_modes=[MODE_LABELS[m] for m in places.modes_of(event) if m in settings.reconfirm_modes()],
        exempt=reconfirmation.exempt_categories(event),
    )


@bp.post("/registrations/<token>/reconfirm")
def reconfirm(token):
    try:
        registration = ops.registration_from_token(token)
    except InvalidToken as error:
        return render_template("registration/link_error.html", message=error.message), 400
    if current_user.is_authenticated and registration.user_id is not None:
        require(registration.can_view(current_user))
    if ButtonForm().validate_on_submit():
        run_action(lambda: reconfirmation.reconfirm(registration, actor=current_actor()),
                   _("Thank you: your place is reconfirmed."))
    return redirect(url_for("registration.manage", token=token))


# The participant list ---------------------------------------------------------------------------------------

@bp.route("/events/<slug>/participants")
def participants(slug):
    event = load_event(slug)
    by_organisation = request.args.get("by") == "organisation"
    listed = (organisation_source().participants_by_organisation if by_organisation
              else admin.participant_list)(event, current_user)
    if listed is None:
        if admin.visibility_of(event) == ListVisibility.HIDDEN:
            abort(404)
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        abort(403)
    return render_template("registration/participants.html", event=event, participants=listed,
                           by_organisation=by_organisation,
                           has_organisations=organisation_source().has_organisations(event),
                           visibility=admin.visibility_of(event), can_manage=event.can_manage(current_user))
