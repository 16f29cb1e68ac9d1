"""The participants' side of registration: registering (openly or by invitation), and one's
own registration page, reached by its signed link with or without an account."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from conference.core.types import utcnow
from conference.errors import DomainError, InvalidToken, ValidationFailed
from conference.events.web.views import load_event
from conference.extensions import db
from conference.i18n import format_datetime, viewer_timezone_name
from conference.registration import participants as participating
from conference.registration import places, queries, reconfirmation
from conference.registration import registrations as ops
from conference.registration.enums import RegistrationState
from conference.registration.organisations import organisation_source
from conference.registration.participants import answer_files, send_registration_link
from conference.registration.web.blueprint import bp
from conference.registration.web.participant_forms import (
    MODE_LABELS,
    AgendaUpdatesForm,
    ButtonForm,
    ResendLinkForm,
    SendLinkForm,
    build_answers_form,
    build_register_form,
    build_switch_form,
)
from conference.web.common import current_actor, id_or_none, int_arg, require, run_action, show_error

# Registering -------------------------------------------------------------------------------------------

def _in_zones(when, event) -> str:
    """``when`` in the viewer's zone, and in the event's when that differs."""
    text = format_datetime(when)
    return text if viewer_timezone_name() == event.timezone else f"{text}; {format_datetime(when, tz=event.timezone)}"


def _chosen_form(event, forms, now):
    """?form=<id>; else the one open form, or the only form; None: let the visitor choose."""
    wanted = int_arg("form")
    if wanted is not None:
        chosen = next((f for f in forms if f.id == wanted), None)
        require(chosen is not None, hide=True)
        return chosen
    open_forms = [f for f in forms if f.is_open(now)]
    return open_forms[0] if len(open_forms) == 1 else (forms[0] if len(forms) == 1 else None)


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
def register(slug):
    event = load_event(slug)
    forms, now = queries.forms_of(event), utcnow()
    require(bool(forms), hide=True)
    form = _chosen_form(event, forms, now)
    if form is None:
        return render_template("registration/register_choose.html", event=event, forms=forms, now=now,
                               dates={f.id: (_in_zones(f.opens_at, event), _in_zones(f.closes_at, event))
                                      for f in forms})
    if not form.is_open(now):
        return render_template("registration/register_closed.html", event=event, reg_form=form,
                               opens=_in_zones(form.opens_at, event), closes=_in_zones(form.closes_at, event),
                               not_yet=now < form.opens_at)
    if form.requires_account and not current_user.is_authenticated:
        flash(_("Log in or create an account to register for %(event)s.", event=event.tr("title")), "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    return _registration_page(event, form, now=now)


@bp.route("/registration-invitations/<token>", methods=["GET", "POST"])
def register_invited(token):
    try:
        invitation = ops.invitation_from_token(token)
    except InvalidToken as error:
        return render_template("registration/invitation_error.html", message=error.message), 400
    category = invitation.category
    return _registration_page(category.form.event, category.form, now=utcnow(), invitation=invitation)


def _registration_page(event, reg_form, *, now, invitation=None):
    user = current_user if current_user.is_authenticated else None
    categories = [invitation.category] if invitation else [c for c in reg_form.categories if not c.invitation_only]
    prefill = {"name": getattr(user, "name", "") or (invitation.name if invitation else ""),
               "email": invitation.email if invitation else getattr(user, "email", "")}
    if invitation:
        prefill["category_id"] = str(invitation.category_id)
    # A focal point's nominee registers with their organisation, fixed; others may name one.
    organisations = [] if invitation and invitation.organisation_id else organisation_source().organisations_of(event)
    suggested = _suggestion(event, organisations, user.email) if organisations and user is not None else None
    if suggested is not None:
        prefill["organisation_id"] = str(suggested.id)
    form = build_register_form(questions=reg_form.questions, categories=categories, modes=places.modes_of(event),
                               consent_label=_("I agree that the organisers store and use what I give here to run "
                                               "the event (questions: %(email)s).", email=event.contact_email),
                               organisations=organisations, **prefill)
    if form.is_submitted():
        suggested = None  # what they chose stands, unless the form comes back (below)
    existing, already = None, False
    if form.validate_on_submit():
        try:
            submitted = _register(reg_form, form, invitation=invitation, user=user, now=now)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            already = isinstance(error, ops.AlreadyRegistered)  # their own (see registration_participants)
            if already:
                existing = error.registration
        else:
            db.session.commit()
            return _submitted(event, submitted)
    if form.is_submitted() and organisations and not form.organisation_id.data:
        # The form comes back with a problem: suggest the organisation of their address's domain.
        suggested = _suggestion(event, organisations, form.email.data or "")
        if suggested is not None:
            form.organisation_id.data = str(suggested.id)
    own = existing or (ops.active_registration(event, user=user) if user and request.method == "GET" else None)
    return render_template("registration/register.html", event=event, reg_form=reg_form, form=form,
                           invitation=invitation, categories=categories, own=own, organisations=organisations,
                           suggested=suggested,
                           own_url=ops.manage_url(own) if own is not None and own.is_owner(current_user) else None,
                           availability=queries.availability(event, categories), modes=places.modes_of(event),
                           mode_labels=MODE_LABELS, changes_until=_in_zones(reg_form.changes_until(), event),
                           resend_form=ResendLinkForm(formdata=None, email=form.email.data), already=already)


def _suggestion(event, organisations, email: str):
    """The organisation of the address's domain, if it is one of those offered."""
    found = organisation_source().suggested_organisation(event, email)
    return found if found in organisations else None


def _register(reg_form, form, *, invitation, user, now):
    category = next((c for c in reg_form.categories if str(c.id) == form.category_id.data), None)
    errors = {} if category is not None else {"category_id": _("Choose one of the categories listed.")}
    organisation = None
    if form.organisation_id.data and not (invitation and invitation.organisation_id):
        chosen = form.organisation_id.data
        ident = id_or_none(chosen)
        organisation = organisation_source().organisation_of(reg_form.event, ident) if ident is not None else None
        if organisation is None:
            errors["organisation_id"] = _("Choose one of the organisations listed.")
    if errors:  # with every other problem of the form, so that one submit shows them all
        others = ops.registration_problems(
            reg_form, category=category, name=form.name.data, email=form.email.data, mode=form.mode.data or None,
            answers=form.answers(), privacy_consent=form.privacy_consent.data, invitation=invitation,
            organisation=None)
        # A file sent is stored only with the registration: its question is not a problem here.
        raise ValidationFailed({field: message for field, message in others.items()
                                if field not in {f"q_{ident}" for ident in form.uploads()}} | errors)
    answers = form.answers()
    answers.update(answer_files(reg_form, category.id, form.uploads()))
    return participating.submit(reg_form, category=category, name=form.name.data, email=form.email.data,
                                affiliation=form.affiliation.data or "", user=user, mode=form.mode.data or None,
                                answers=answers, privacy_consent=form.privacy_consent.data, listed=form.listed.data,
                                agenda_updates=form.agenda_updates.data, invitation=invitation,
                                organisation=organisation, now=now, language=str(get_locale()))


def _submitted(event, submitted):
    """The answer to a registration sent: its result on its page where the address is the
    sender's; else only that a mail went to the address (see registration_participants)."""
    if submitted.by_mail:
        flash(_("We have sent a mail to %(email)s. Follow the link in it to see your registration.",
                email=submitted.address), "success")
        return redirect(url_for("registration.register_sent", slug=event.slug))
    flash(_result_message(submitted.registration), "success")
    return redirect(url_for("registration.manage", token=ops.manage_token(submitted.registration)))


def _result_message(registration) -> str:
    if registration.state == RegistrationState.CONFIRMED:
        return _("You are registered: your registration is confirmed. We sent you a confirmation by mail.")
    if organisation_source().awaiting_focal_point(registration):
        return _("Your registration is received and awaits approval by the focal point of %(organisation)s. We "
                 "will tell you by mail.", organisation=registration.organisation.name)
    if organisation_source().waits_for_quota(registration):
        return _("The delegation of %(organisation)s has no place left: you are on its waiting list. We will mail "
                 "you if a place frees up.", organisation=registration.organisation.name)
    if registration.state == RegistrationState.PENDING:
        return _("Your registration is received and is pending approval by the organisers. We will tell you "
                 "by mail.")
    return _("The category is full: you are on the waiting list at position %(n)s. We will mail you if a place "
             "frees up.", n=places.position(registration))


@bp.route("/events/<slug>/register/sent")
def register_sent(slug):
    event = load_event(slug)
    return render_template("registration/register_sent.html", event=event, send_form=SendLinkForm())


@bp.post("/events/<slug>/registration-link")
def resend_link(slug):
    event = load_event(slug)
    form = ResendLinkForm()
    if form.validate_on_submit():
        send_registration_link(event, email=form.email.data or "")
        db.session.commit()
    flash(_("If this address has a registration for %(event)s, we sent it the link to its page.",
            event=event.tr("title")), "info")
    return redirect(url_for("registration.register", slug=event.slug))


@bp.route("/events/<slug>/registration")
def my_registration(slug):
    event = load_event(slug)
    own = ops.active_registration(event, user=current_user) if current_user.is_authenticated else None
    if own is None:
        return redirect(url_for("registration.register", slug=event.slug))
    return redirect(url_for("registration.manage", token=ops.manage_token(own)))


# One's own registration ------------------------------------------------------------------------------------

def _load(token):
    """The registration of this signed link. Anyone holding the link may use it, unless they are
    logged in with another account than the one it belongs to (and are not an organiser)."""
    try:
        registration = ops.registration_from_token(token)
    except InvalidToken as error:
        raise _BadLink(error.message) from error
    if current_user.is_authenticated and registration.user_id is not None:
        require(registration.can_view(current_user))
    return registration


class _BadLink(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


@bp.errorhandler(_BadLink)
def _bad_link(error):
    return render_template("registration/link_error.html", message=error.message), 400


def _back(token, anchor=""):
    return redirect(url_for("registration.manage", token=token) + anchor)


@bp.route("/registrations/<token>")
def manage(token):
    registration = _load(token)
    return _manage_page(registration, token)


def _manage_page(registration, token, *, answers_form=None, switch_form=None):
    event, now = registration.event, utcnow()
    questions = ops.questions_for_category(registration.form, registration.category_id)
    settings = event.registration_settings
    views = current_app.view_functions
    return render_template(
        "registration/manage.html", registration=registration, event=event, token=token, questions=questions,
        state_label=places.state_label(registration.state), position=places.position(registration),
        offer_expires=_in_zones(registration.offer_expires_at, event) if registration.offer_expires_at else None,
        changes_until=_in_zones(registration.form.changes_until(), event),
        can_change=registration.can_change_answers(now) or (registration.is_active and event.can_manage(current_user)),
        answers_form=answers_form or build_answers_form(registration, questions=questions, formdata=None),
        switch_form=switch_form or build_switch_form(registration, places.modes_of(event), formdata=None),
        can_switch=len(places.modes_of(event)) > 1 and registration.state in (RegistrationState.CONFIRMED,
                                                                               RegistrationState.PENDING),
        button=ButtonForm(formdata=None), mode_labels=MODE_LABELS,
        agenda_form=AgendaUpdatesForm(formdata=None, agenda_updates=registration.agenda_updates),
        ticket_url=url_for("registration.ticket", token=registration.ticket_token)
        if "registration.ticket" in views and registration.state == RegistrationState.CONFIRMED else None,
        can_reconfirm="registration.reconfirm" in views and reconfirmation.is_asked(registration, now),
        reconfirm_by=_in_zones(settings.reconfirm_by, event) if settings and settings.reconfirm_by else None,
        **_delegation_status(registration, settings),
    )


def _delegation_status(registration, settings) -> dict:
    """Who decides on a pending registration of a delegation, and whether it waits for the
    delegation's quota."""
    organisation = registration.organisation
    pending = registration.state == RegistrationState.PENDING
    awaiting = organisation_source().awaiting_focal_point(registration)
    deadline = settings.focal_point_deadline if settings and awaiting else None
    return {"organisation": organisation, "awaiting_focal_point": awaiting,
            "escalated": pending and organisation is not None and organisation.has_focal_points and not awaiting,
            "focal_point_deadline": _in_zones(deadline, registration.event) if deadline else None,
            "delegation_waiting": organisation_source().waits_for_quota(registration)}


@bp.post("/registrations/<token>/answers")
def manage_answers(token):
    registration = _load(token)
    questions = ops.questions_for_category(registration.form, registration.category_id)
    form = build_answers_form(registration, questions=questions)
    if form.validate_on_submit():
        try:
            answers = {**{k: v for k, v in registration.answers.items() if isinstance(v, dict)}, **form.answers()}
            answers.update(answer_files(registration.form, registration.category_id, form.uploads()))
            ops.update_answers(registration, actor=current_actor(), answers=answers, listed=form.listed.data,
                               name=form.name.data, affiliation=form.affiliation.data or "")
        except DomainError as error:
            db.session.rollback()
            if not isinstance(error, ValidationFailed) and error.field is None:  # too late, or cancelled
                flash(error.message, "error")
                return _back(token)
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Your changes are saved."), "success")
            return _back(token)
    return _manage_page(registration, token, answers_form=form)


@bp.route("/registrations/<token>/cancel", methods=["GET", "POST"])
def manage_cancel(token):
    registration = _load(token)
    form = ButtonForm()
    cancelled = form.validate_on_submit() and run_action(lambda: ops.cancel(registration, actor=current_actor()),
                                                         _("Your registration is cancelled."))
    if cancelled:
        return _back(token)
    return render_template("registration/manage_cancel.html", registration=registration, event=registration.event,
                           token=token, button=form, state_label=places.state_label(registration.state))


@bp.post("/registrations/<token>/offer/accept")
def manage_accept_offer(token):
    registration = _load(token)
    if ButtonForm().validate_on_submit():
        run_action(lambda: ops.accept_offer(registration, actor=current_actor()), _("You took the place."))
    return _back(token)


@bp.post("/registrations/<token>/offer/decline")
def manage_decline_offer(token):
    registration = _load(token)
    if ButtonForm().validate_on_submit():
        run_action(lambda: ops.decline_offer(registration, actor=current_actor()),
                   _("You let the place go; it passes to the next person waiting."))
    return _back(token)


@bp.post("/registrations/<token>/switch")
def manage_switch(token):
    registration = _load(token)
    form = build_switch_form(registration, places.modes_of(registration.event))
    if form.validate_on_submit():
        try:
            switched = ops.request_mode_switch(registration, actor=current_actor(), mode=form.mode.data or "")
        except (DomainError, ValueError) as error:
            db.session.rollback()
            show_error(form, error if isinstance(error, DomainError) else DomainError(
                _("Choose how you want to attend."), field="mode"))
        else:
            db.session.commit()
            flash(_("You now attend %(mode)s.", mode=MODE_LABELS[registration.mode].lower()) if switched else
                  _("There is no room that way yet: your request is on its waiting list at position %(n)s, and you "
                    "keep your current place meanwhile.", n=places.position(registration)), "success")
            return _back(token)
    return _manage_page(registration, token, switch_form=form)


@bp.post("/registrations/<token>/agenda-updates")
def manage_agenda_updates(token):
    registration = _load(token)
    form = AgendaUpdatesForm()
    if form.validate_on_submit():
        wanted = form.agenda_updates.data
        run_action(lambda: participating.set_agenda_updates(registration, actor=current_actor(), wanted=wanted),
                   _("We will mail you a summary when the agenda changes.") if wanted else
                   _("You will get no mail when the agenda changes."))
    return _back(token, "#agenda-updates-title")


@bp.post("/registrations/<token>/switch/withdraw")
def manage_withdraw_switch(token):
    registration = _load(token)
    if ButtonForm().validate_on_submit():
        run_action(lambda: ops.withdraw_mode_switch(registration, actor=current_actor()),
                   _("Your request to switch is withdrawn; you keep your place."))
    return _back(token)
