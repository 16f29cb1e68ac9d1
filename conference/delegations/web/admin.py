"""Delegations for organisers: the overview of the event's organisations with their quotas and
delegates, the focal point deadline, adding, editing and deleting an organisation and its focal
points, and the list's CSV export, import and copy from an earlier event."""

from __future__ import annotations

from types import SimpleNamespace

import sqlalchemy as sa
from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required

from conference.core.lists import format_list
from conference.core.timezones import countries
from conference.delegations import delegations
from conference.delegations import imports as delegation_import
from conference.delegations import overview as delegation_overview
from conference.delegations.models import FocalPoint, Organisation
from conference.delegations.web.admin_forms import (
    KIND_LABELS,
    CopyForm,
    DeadlineForm,
    FocalPointForm,
    ImportForm,
    OrganisationForm,
    OverviewFilterForm,
)
from conference.errors import DomainError
from conference.events.web.views import load_managed_event
from conference.extensions import db
from conference.registration import admin, places
from conference.registration.web.blueprint import bp
from conference.registration.web.setup_forms import MODE_LABELS
from conference.web.common import (
    current_actor,
    edit_page,
    load_if_given,
    load_of_event,
    page_locale,
    run_action,
    saved_form,
)
from conference.web.confirm import ask_first

PREFIX = "/events/<slug>/manage/delegations"


def _overview_url(event) -> str:
    return url_for("registration.delegations_overview", slug=event.slug)


def _back(event):
    return redirect(_overview_url(event))


# The overview --------------------------------------------------------------------------------------------

def _deadline_form(event, formdata=None):
    settings = places.ensure_registration_settings(event)
    return DeadlineForm(formdata=formdata, obj=SimpleNamespace(deadline=settings.focal_point_deadline),
                        zone=event.timezone)


def _overview(event, *, deadline_form=None):
    filters = OverviewFilterForm(request.args)
    return render_template(
        "delegations/delegations.html", event=event, filters=filters,
        overview=delegation_overview.overview(event, **filters.filters()), modes=places.modes_of(event),
        mode_labels=MODE_LABELS, kind_labels=KIND_LABELS, country_names=dict(countries(page_locale())),
        settings=places.ensure_registration_settings(event), deadline_form=deadline_form or _deadline_form(event),
    )


@bp.route(PREFIX)
@login_required
def delegations_overview(slug):
    return _overview(load_managed_event(slug))


@bp.post(PREFIX + "/deadline")
@login_required
def set_focal_point_deadline(slug):
    event = load_managed_event(slug)
    form = _deadline_form(event, formdata=request.form)
    if saved_form(form, lambda: delegation_overview.set_focal_point_deadline(event, actor=current_actor(),
                                                                             deadline=form.deadline.utc)):
        flash(_("The focal point deadline is saved.") if form.deadline.utc else
              _("There is no focal point deadline now: focal points decide as long as registration is open."),
              "success")
        return _back(event)
    return _overview(event, deadline_form=form)


@bp.post(PREFIX + "/remind")
@login_required
def remind_focal_points(slug):
    event = load_managed_event(slug)
    try:
        sent = delegation_overview.remind_focal_points_now(event, actor=current_actor())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back(event)
    db.session.commit()
    if sent:
        flash(ngettext("%(num)d reminder is on its way to a focal point.",
                       "%(num)d reminders are on their way to focal points.", sent), "success")
    else:
        flash(_("Nobody is waiting for a focal point: no reminder was sent."), "info")
    return _back(event)


# One organisation ------------------------------------------------------------------------------------------

def _organisation_page(event, organisation, *, form=None, focal_form=None):
    return render_template(
        "delegations/delegation_organisation_form.html", event=event, organisation=organisation,
        form=form or OrganisationForm(obj=organisation, modes=places.modes_of(event),
                                      categories=admin.categories_of(event), formdata=None),
        focal_form=focal_form or FocalPointForm(formdata=None),
    )


def _after_saving(event, organisation, saved) -> str:
    """A new organisation goes on to its page, for its focal points; an edited one back to the list."""
    if organisation is None:
        return url_for("registration.edit_organisation", slug=event.slug, organisation_id=saved.id)
    return _overview_url(event)


@bp.route(PREFIX + "/new", methods=["GET", "POST"], endpoint="new_organisation")
@bp.route(PREFIX + "/<int:organisation_id>", methods=["GET", "POST"], endpoint="edit_organisation")
@login_required
def organisation_page(slug, organisation_id=None):
    event = load_managed_event(slug)
    organisation = load_if_given(Organisation, event, organisation_id)
    form = OrganisationForm(obj=organisation, modes=places.modes_of(event), categories=admin.categories_of(event))
    return edit_page(form, lambda: delegations.save_organisation(event, actor=current_actor(),
                                                                 organisation=organisation, **form.values()),
                     saved=lambda saved: _("%(name)s is saved.", name=saved.name),
                     back=lambda saved: _after_saving(event, organisation, saved),
                     page=lambda: _organisation_page(event, organisation, form=form))


@bp.post(PREFIX + "/<int:organisation_id>/delete")
@login_required
def delete_organisation(slug, organisation_id):
    event = load_managed_event(slug)
    organisation = load_of_event(Organisation, event, organisation_id)
    name = organisation.name
    if (asking := ask_first(_("Delete %(organisation)s", organisation=organisation.name))) is not None:
        return asking
    if run_action(lambda: delegations.delete_organisation(organisation, actor=current_actor()),
                  _("%(name)s is deleted from the list.", name=name)):
        return _back(event)
    return redirect(url_for("registration.edit_organisation", slug=slug, organisation_id=organisation_id))


@bp.post(PREFIX + "/<int:organisation_id>/focal-points")
@login_required
def add_focal_point(slug, organisation_id):
    event = load_managed_event(slug)
    organisation = load_of_event(Organisation, event, organisation_id)
    form = FocalPointForm()
    focal = saved_form(form, lambda: delegations.add_focal_point(organisation, actor=current_actor(), **form.values()))
    if focal:
        flash(_("%(email)s is a focal point of %(organisation)s; a mail tells them.", email=focal.email,
                organisation=organisation.name), "success")
        return redirect(url_for("registration.edit_organisation", slug=slug, organisation_id=organisation_id))
    return _organisation_page(event, organisation, focal_form=form)


@bp.post(PREFIX + "/<int:organisation_id>/focal-points/<int:focal_point_id>/remove")
@login_required
def remove_focal_point(slug, organisation_id, focal_point_id):
    event = load_managed_event(slug)
    organisation = load_of_event(Organisation, event, organisation_id)
    focal = db.first_or_404(sa.select(FocalPoint).where(FocalPoint.id == focal_point_id,
                                                        FocalPoint.organisation_id == organisation.id))
    email = focal.email
    run_action(lambda: delegations.remove_focal_point(focal, actor=current_actor()),
               _("%(email)s is no longer a focal point of %(organisation)s.", email=email,
                 organisation=organisation.name))
    return redirect(url_for("registration.edit_organisation", slug=slug, organisation_id=organisation_id))


# Export, import, copy ----------------------------------------------------------------------------------------

@bp.route(PREFIX + ".csv")
@login_required
def export_organisations(slug):
    event = load_managed_event(slug)
    response = Response(delegation_import.organisations_csv(event), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-organisations.csv"'
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


def _import_page(event, *, form=None, copy_form=None, errors=()):
    return render_template(
        "delegations/delegations_import.html", event=event, form=form or ImportForm(formdata=None), errors=errors,
        copy_form=copy_form or CopyForm(sources=delegation_import.copy_sources(event, current_actor()), formdata=None),
        columns=delegation_import.CSV_COLUMNS,
    )


@bp.route(PREFIX + "/import", methods=["GET", "POST"])
@login_required
def import_organisations(slug):
    event = load_managed_event(slug)
    form = ImportForm()
    errors = []
    if form.validate_on_submit():
        imported, errors = delegation_import.import_organisations(event, actor=current_actor(), text=form.csv_text)
        if not errors:
            db.session.commit()
            flash(_("Imported: %(created)d organisations added, %(updated)d updated, %(focal)d focal points "
                    "added.", created=len(imported.created), updated=len(imported.updated),
                    focal=imported.focal_points), "success")
            return _back(event)
        db.session.rollback()
        form.file.errors = [_("Nothing was imported: correct the lines listed below and import the file again.")]
    return _import_page(event, form=form, errors=errors)


@bp.post(PREFIX + "/copy")
@login_required
def copy_organisations(slug):
    event = load_managed_event(slug)
    form = CopyForm(sources=delegation_import.copy_sources(event, current_actor()))
    copied = saved_form(form, lambda: delegation_import.copy_organisations(event, source=form.source(),
                                                                           actor=current_actor()))
    if copied:
        flash(ngettext("%(num)d organisation copied from %(event)s.", "%(num)d organisations copied from %(event)s.",
                       len(copied.created), event=form.source().title), "success")
        if copied.skipped:
            flash(_("Already in the list, so left as they are: %(names)s.", names=format_list(copied.skipped)),
                  "info")
        return _back(event)
    return _import_page(event, copy_form=form)
