"""The organisers' set-up of registration: settings, forms, categories, questions and
invitations, under /events/<slug>/manage/registration."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from conference.events.web.views import load_managed_event
from conference.extensions import db
from conference.registration import places, queries, setup
from conference.registration.models import (
    ParticipantCategory,
    RegistrationForm,
    RegistrationInvitation,
    RegistrationQuestion,
)
from conference.registration.web.blueprint import bp
from conference.registration.web.setup_forms import (
    LIST_LABELS,
    MODE_LABELS,
    CategoryForm,
    InviteCsvForm,
    InviteForm,
    QuestionForm,
    RegistrationFormForm,
    SettingsForm,
)
from conference.web.common import current_actor, edit_page, load_if_given, load_of_event, run_action
from conference.web.confirm import ask_first
from conference.web.fields import show_languages
from conference.web.questions import KIND_LABELS

PREFIX = "/events/<slug>/manage/registration"

# The registration area's navigation for organisers: (endpoint, label, the endpoints under it).
# Entries whose endpoint is not registered are left out.
MANAGE_NAV = [
    ("registration.setup", _l("Set-up"), {"registration.setup", "registration.new_form", "registration.edit_form",
                                          "registration.new_category", "registration.edit_category",
                                          "registration.new_question", "registration.edit_question",
                                          "registration.invite", "registration.invite_csv"}),
    ("registration.list_registrations", _l("Registrations"),
     {"registration.list_registrations", "registration.show_registration"}),
    ("registration.delegations_overview", _l("Delegations"),
     {"registration.delegations_overview", "registration.new_organisation", "registration.edit_organisation",
      "registration.import_organisations", "registration.set_focal_point_deadline",
      "registration.add_focal_point", "registration.copy_organisations"}),
    ("registration.checkin", _l("Check-in"), {"registration.checkin"}),
    ("registration.reconfirmation", _l("Reconfirmation"), {"registration.reconfirmation"}),
]


@bp.app_context_processor
def registration_navigation():
    def registration_nav(event) -> list[tuple[str, str, bool]]:
        if not event.can_manage(current_user):  # desk staff open check-in only: no other page to offer
            return []
        return [(url_for(endpoint, slug=event.slug), label, request.endpoint in current)
                for endpoint, label, current in MANAGE_NAV if endpoint in current_app.view_functions]

    return {"registration_nav": registration_nav}


def _question_of(event, ident: int) -> RegistrationQuestion:
    return db.first_or_404(sa.select(RegistrationQuestion).join(RegistrationQuestion.form)
                           .where(RegistrationQuestion.id == ident, RegistrationForm.event_id == event.id))


def _setup_url(event) -> str:
    return url_for("registration.setup", slug=event.slug)


# The overview and the settings -------------------------------------------------------------------------

def _overview(event, *, settings_form=None, invite_form=None, csv_form=None, csv_errors=()):
    forms = queries.forms_of(event)
    return render_template(
        "registration/setup.html", event=event, forms=forms, invitations=setup.invitations_of(event),
        taken=places.occupancy(event), firm=places.occupancy(event, states=places.FIRM_STATES),
        modes=places.modes_of(event), mode_labels=MODE_LABELS,
        kind_labels=KIND_LABELS, list_labels=LIST_LABELS, csv_errors=csv_errors,
        settings_form=settings_form or SettingsForm(obj=event.registration_settings, modes=places.modes_of(event),
                                                    formdata=None),
        invite_form=invite_form or InviteForm(forms=forms, formdata=None),
        csv_form=csv_form or InviteCsvForm(formdata=None),
    )


@bp.route(PREFIX, methods=["GET", "POST"], endpoint="setup")
@login_required
def setup_page(slug):
    event = load_managed_event(slug)
    form = SettingsForm(obj=event.registration_settings, modes=places.modes_of(event))
    return edit_page(form, lambda: setup.update_settings(event, actor=current_actor(), **form.values()),
                     saved=_("The registration settings are saved."), back=_setup_url(event),
                     page=lambda: _overview(event, settings_form=form))


# Forms --------------------------------------------------------------------------------------------------------

@bp.route(PREFIX + "/forms/new", methods=["GET", "POST"], endpoint="new_form")
@bp.route(PREFIX + "/forms/<int:form_id>", methods=["GET", "POST"], endpoint="edit_form")
@login_required
def form_page(slug, form_id=None):
    event = load_managed_event(slug)
    registration_form = load_if_given(RegistrationForm, event, form_id)
    form = RegistrationFormForm(obj=registration_form, zone=event.timezone)
    show_languages(form, event.other_languages)
    return edit_page(form, lambda: setup.save_form(event, actor=current_actor(), form=registration_form,
                                                   **form.values()),
                     saved=_("The registration form is saved."), back=_setup_url(event),
                     page=lambda: render_template("registration/setup_form.html", event=event, form=form,
                                                  registration_form=registration_form))


@bp.post(PREFIX + "/forms/<int:form_id>/delete")
@login_required
def delete_form(slug, form_id):
    event = load_managed_event(slug)
    registration_form = load_of_event(RegistrationForm, event, form_id)
    if (asking := ask_first(_("Delete the form"))) is not None:
        return asking
    run_action(lambda: setup.delete_form(registration_form, actor=current_actor()),
               _("The registration form %(title)s is deleted.", title=registration_form.tr("title")))
    return redirect(_setup_url(event))


# Categories ---------------------------------------------------------------------------------------------------

@bp.route(PREFIX + "/forms/<int:form_id>/categories/new", methods=["GET", "POST"], endpoint="new_category")
@bp.route(PREFIX + "/categories/<int:category_id>", methods=["GET", "POST"], endpoint="edit_category")
@login_required
def category_page(slug, form_id=None, category_id=None):
    event = load_managed_event(slug)
    category = load_if_given(ParticipantCategory, event, category_id)
    registration_form = category.form if category else load_of_event(RegistrationForm, event, form_id)
    form = CategoryForm(obj=category, modes=places.modes_of(event))
    show_languages(form, event.other_languages)
    return edit_page(form, lambda: setup.save_category(registration_form, actor=current_actor(), category=category,
                                                       **form.values()),
                     saved=_("The category is saved."), back=_setup_url(event),
                     page=lambda: render_template(
                         "registration/setup_category.html", event=event, form=form,
                         registration_form=registration_form, category=category, mode_labels=MODE_LABELS,
                         held=places.occupancy(event) if category else None,
                         firm=places.occupancy(event, states=places.FIRM_STATES) if category else None))


@bp.post(PREFIX + "/categories/<int:category_id>/delete")
@login_required
def delete_category(slug, category_id):
    event = load_managed_event(slug)
    category = load_of_event(ParticipantCategory, event, category_id)
    if (asking := ask_first(_("Delete the category"))) is not None:
        return asking
    run_action(lambda: setup.delete_category(category, actor=current_actor()),
               _("The category %(name)s is deleted.", name=category.tr("name")))
    return redirect(_setup_url(event))


# Questions ----------------------------------------------------------------------------------------------------

@bp.route(PREFIX + "/forms/<int:form_id>/questions/new", methods=["GET", "POST"], endpoint="new_question")
@bp.route(PREFIX + "/questions/<int:question_id>", methods=["GET", "POST"], endpoint="edit_question")
@login_required
def question_page(slug, form_id=None, question_id=None):
    event = load_managed_event(slug)
    question = None if question_id is None else _question_of(event, question_id)
    registration_form = question.form if question else load_of_event(RegistrationForm, event, form_id)
    form = QuestionForm(obj=question, categories=registration_form.categories)
    show_languages(form, event.other_languages)
    return edit_page(form, lambda: setup.save_question(registration_form, actor=current_actor(), question=question,
                                                       **form.values()),
                     saved=_("The question is saved."), back=_setup_url(event),
                     page=lambda: render_template("registration/setup_question.html", event=event, form=form,
                                                  registration_form=registration_form, question=question,
                                                  retention_days=current_app.config["RETAIN_SENSITIVE_ANSWERS_DAYS"]))


@bp.post(PREFIX + "/questions/<int:question_id>/delete")
@login_required
def delete_question(slug, question_id):
    event = load_managed_event(slug)
    question = _question_of(event, question_id)
    if (asking := ask_first(_("Delete the question"))) is not None:
        return asking
    run_action(lambda: setup.delete_question(question, actor=current_actor()),
               _("The question %(label)s is deleted, with its answers.", label=question.tr("label")))
    return redirect(_setup_url(event))


# Invitations --------------------------------------------------------------------------------------------------

@bp.post(PREFIX + "/invitations")
@login_required
def invite(slug):
    event = load_managed_event(slug)
    form = InviteForm(forms=queries.forms_of(event))
    return edit_page(form, lambda: setup.invite(event, actor=current_actor(), **form.values()),
                     saved=lambda invitation: _("An invitation is on its way to %(email)s.", email=invitation.email),
                     back=_setup_url(event), page=lambda: _overview(event, invite_form=form))


@bp.post(PREFIX + "/invitations/csv")
@login_required
def invite_csv(slug):
    event = load_managed_event(slug)
    form = InviteCsvForm()
    errors = []
    if form.validate_on_submit():
        created, errors = setup.invite_from_csv(event, actor=current_actor(), **form.values())
        if not errors:
            db.session.commit()
            flash(ngettext("%(num)d invitation is on its way.", "%(num)d invitations are on their way.",
                           len(created)), "success")
            return redirect(_setup_url(event))
        form.file.errors = [_("Nobody was invited: correct the lines listed below and upload the file again.")]
    return _overview(event, csv_form=form, csv_errors=errors)


@bp.post(PREFIX + "/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(slug, invitation_id):
    event = load_managed_event(slug)
    invitation = load_of_event(RegistrationInvitation, event, invitation_id)
    run_action(lambda: setup.revoke_invitation(invitation, actor=current_actor()),
               _("The invitation to %(email)s is withdrawn.", email=invitation.email))
    return redirect(_setup_url(event))
