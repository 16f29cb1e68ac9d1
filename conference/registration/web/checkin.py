"""Tickets (open to whoever holds the ticket's link) and the check-in desk (organisers and desk staff)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from conference.core.types import utcnow
from conference.events.models import Event
from conference.events.web.views import load_event
from conference.i18n import format_time_of_day, format_wall_clock
from conference.registration import checkin as checkin_ops
from conference.registration import places
from conference.registration.enums import RegistrationState
from conference.registration.models import Registration
from conference.registration.web.blueprint import bp
from conference.registration.web.checkin_forms import MODE_LABELS, CodeForm, SearchForm
from conference.web.common import current_actor, load_of_event, require, run_action, saved_form

PRIVATE_HEADERS = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}


def _private(response):
    """The ticket's token is in the URL: keep it out of shared caches and Referer headers."""
    response.headers.update(PRIVATE_HEADERS)
    return response


def _ticket_or_404(token: str) -> Registration:
    registration = checkin_ops.ticket_registration(token)
    if registration is None:
        abort(404)
    return registration


def local_time(at: dt.datetime, event) -> str:
    """A time at the venue: the time of day, and the date too when it is not today there."""
    local = at.astimezone(zoneinfo.ZoneInfo(event.timezone))
    wall = local.replace(tzinfo=None)
    if local.date() == utcnow().astimezone(local.tzinfo).date():
        return format_time_of_day(wall)
    return format_wall_clock(wall)


def _result_message(result: checkin_ops.CheckIn, event) -> str:
    person = {"name": result.registration.name, "category": result.registration.category.tr("name")}
    if result.first_time:
        return _("Checked in: %(name)s (%(category)s)", **person)
    if result.by is None:
        return _("Already checked in at %(time)s: %(name)s (%(category)s)", time=local_time(result.at, event), **person)
    return _("Already checked in at %(time)s by %(who)s: %(name)s (%(category)s)",
             time=local_time(result.at, event), who=result.by.name, **person)


# Tickets ---------------------------------------------------------------------------------------------

@bp.route("/tickets/<token>")
def ticket(token):
    registration = _ticket_or_404(token)
    valid = registration.state == RegistrationState.CONFIRMED
    return _private(make_response(render_template(
        "registration/ticket.html", registration=registration, event=registration.event, valid=valid,
        state_label=places.state_label(registration.state), mode_labels=MODE_LABELS,
        code_groups=[token[i:i + 4] for i in range(0, len(token), 4)])))


@bp.route("/tickets/<token>/qr.svg")
def ticket_qr(token):
    registration = _ticket_or_404(token)
    if registration.state != RegistrationState.CONFIRMED:
        abort(404)
    svg = checkin_ops.ticket_qr_svg(checkin_ops.ticket_url(registration))
    return _private(make_response(svg, 200, {"Content-Type": "image/svg+xml"}))


# The check-in desk -----------------------------------------------------------------------------------

def _desk_event(slug: str) -> Event:
    """The event, for its organisers and its check-in desk staff only."""
    event = load_event(slug)
    require(event.can_check_in(current_user))
    return event


@bp.route("/events/<slug>/manage/check-in", methods=["GET", "POST"])
@login_required
def checkin(slug):
    event = _desk_event(slug)
    form = CodeForm()
    result = saved_form(form, lambda: checkin_ops.check_in_by_code(event, form.code.data, actor=current_actor()))
    if result:
        flash(_result_message(result, event), "success" if result.first_time else "info")
        return redirect(url_for(".checkin", slug=slug))
    search = SearchForm(request.args)
    return render_template(
        "registration/checkin.html", event=event, form=form, search=search, mode_labels=MODE_LABELS,
        found=checkin_ops.search(event, search.q.data) if search.validate() else [],
        counts=checkin_ops.counts(event), recent=checkin_ops.recent_check_ins(event), local_time=local_time,
        refresh_seconds=current_app.config.get("CHECKIN_REFRESH_SECONDS", 10))


@bp.route("/events/<slug>/manage/check-in/<int:registration_id>/undo", methods=["POST"])
@login_required
def undo_checkin(slug, registration_id):
    event = _desk_event(slug)
    registration = load_of_event(Registration, event, registration_id)
    run_action(lambda: checkin_ops.undo_check_in(registration, actor=current_actor()),
               _("The check-in of %(name)s is undone.", name=registration.name))
    return redirect(url_for(".checkin", slug=slug))


@bp.route("/events/<slug>/manage/check-in/counts.json")
@login_required
def checkin_counts(slug):
    event = _desk_event(slug)
    response = jsonify(checkin_ops.counts(event).as_json())
    response.headers["Cache-Control"] = "private, no-store"
    return response
