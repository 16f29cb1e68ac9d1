"""A focal point's pages for their own organisation's delegation: who registered claiming it
(and waits for them), who is nominated, the places left in the quota, the delegation's
waiting list; nominating, approving, declining, replacing a delegate and withdrawing a
nomination. Organisers may open and act on every delegation of their event; anyone else is
told nothing exists (404)."""

from __future__ import annotations

from types import SimpleNamespace

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from conference.delegations import delegations
from conference.delegations.overview import mode_lines
from conference.delegations.web.forms import (
    ApproveForm,
    ButtonForm,
    DeclineForm,
    NominateForm,
    SubstituteForm,
    row_prefix,
)
from conference.events.models import Event
from conference.extensions import db
from conference.registration import places
from conference.registration.enums import RegistrationState
from conference.registration.models import Registration, RegistrationInvitation
from conference.registration.web.blueprint import bp
from conference.registration.web.organiser_forms import STATE_LABELS
from conference.registration.web.participant_forms import MODE_LABELS
from conference.web.common import current_actor, require, run_action, saved_form

PREFIX = "/events/<slug>/delegations/<int:organisation_id>"


def _event(slug) -> Event:
    # Not load_event: a focal point may be invited before the event is published.
    return db.first_or_404(sa.select(Event).where(Event.slug == slug))


def _arrive(event) -> tuple[list, bool]:
    """The viewer's organisations as focal point, and whether an invitation by their address
    just became theirs (for a page to keep by committing)."""
    arrived = delegations.claim_invitations(event, current_user)
    return delegations.focal_organisations(event, current_user), arrived


def _delegation_of(slug, organisation_id):
    """The event and organisation, when the viewer is its focal point or an organiser (else 404),
    and whether the viewer just became a focal point."""
    event = _event(slug)
    _mine, arrived = _arrive(event)
    organisation = delegations.organisation_of(event, organisation_id)
    require(organisation is not None and delegations.may_manage(organisation, current_user), hide=True)
    return event, organisation, arrived


def _member(organisation, registration_id) -> Registration:
    return db.first_or_404(sa.select(Registration).where(
        Registration.id == registration_id, Registration.organisation_id == organisation.id))


def _back(event, organisation, anchor=""):
    return redirect(url_for("registration.delegation", slug=event.slug, organisation_id=organisation.id) + anchor)


@bp.app_template_global()
def focal_delegations(event) -> list:
    """The organisations of ``event`` the viewer is a focal point of (for the event page's link)."""
    return delegations.focal_organisations(event, current_user)


# Pages -------------------------------------------------------------------------------------------------

@bp.route("/events/<slug>/delegations")
@login_required
def my_delegations(slug):
    event = _event(slug)
    mine, arrived = _arrive(event)
    is_organiser = event.can_manage(current_user)
    require(bool(mine) or is_organiser, hide=True)
    if arrived:
        db.session.commit()  # they arrived with the address they were invited by: they are a focal point now
    shown = delegations.organisations_of(event) if is_organiser else mine
    return render_template("delegations/my_delegations.html", event=event, organisations=shown,
                           is_organiser=is_organiser, summaries=_summaries(event, shown), mode_labels=MODE_LABELS)


@bp.route(PREFIX)
@login_required
def delegation(slug, organisation_id):
    event, organisation, arrived = _delegation_of(slug, organisation_id)
    if arrived:
        db.session.commit()  # as in my_delegations: the focal point's acceptance is kept
    return _page(event, organisation)


def _summaries(event, organisations) -> dict:
    counts, modes = delegations.delegation_counts(event), places.modes_of(event)
    summaries = {}
    for o in organisations:
        lines = mode_lines(o, counts, modes)
        summaries[o.id] = SimpleNamespace(pending=sum(line.pending for line in lines), nominated=counts.nominated[o.id],
                                          lines=lines)
    return summaries


def _groups(people: list[Registration]) -> SimpleNamespace:
    """The delegation by what the focal point has to do: those waiting for a decision first
    (longest waiting first), then the delegates, the delegation's waiting list, and the past."""
    def of(*states):
        return [r for r in people if r.state in states]

    return SimpleNamespace(
        pending=sorted(of(RegistrationState.PENDING), key=lambda r: (r.created_at, r.id)),
        delegates=of(RegistrationState.CONFIRMED, RegistrationState.OFFERED),
        waiting=sorted(of(RegistrationState.WAITLISTED), key=lambda r: r.waiting_number),  # the order of places
        past=of(RegistrationState.CANCELLED, RegistrationState.REJECTED),
    )


def _page(event, organisation, *, nominate_form=None, failed=None):
    """The delegation page; ``failed`` is (registration, action name, form) of a row's refused action."""
    people = delegations.delegation(organisation)
    groups = _groups(people)
    counts, modes = delegations.delegation_counts(event), places.modes_of(event)
    row_forms = {r.id: SimpleNamespace(approve=ApproveForm(formdata=None, prefix=row_prefix(r.id)),
                                       decline=DeclineForm(formdata=None, prefix=row_prefix(r.id)))
                 for r in groups.pending}
    row_forms.update({r.id: SimpleNamespace(substitute=SubstituteForm(formdata=None, prefix=row_prefix(r.id)))
                      for r in groups.delegates})
    if failed is not None:
        setattr(row_forms.setdefault(failed[0].id, SimpleNamespace()), failed[1], failed[2])
    settings = event.registration_settings
    return render_template(
        "delegations/delegation.html", event=event, organisation=organisation, groups=groups,
        people_by_id={r.id: r for r in people}, nominations=delegations.open_nominations(organisation),
        quota=mode_lines(organisation, counts, modes),
        nominated=counts.nominated[organisation.id], modes=modes, mode_labels=MODE_LABELS, state_labels=STATE_LABELS,
        deadline=settings.focal_point_deadline if settings else None,
        is_focal_point=organisation.is_focal_point(current_user), is_organiser=event.can_manage(current_user),
        nominate_form=nominate_form or NominateForm(formdata=None), row_forms=row_forms, failed=failed,
        button=ButtonForm(formdata=None),
    )


# Actions ----------------------------------------------------------------------------------------------

@bp.post(PREFIX + "/nominate")
@login_required
def delegation_nominate(slug, organisation_id):
    event, organisation, _arrived = _delegation_of(slug, organisation_id)  # kept by the action's commit
    form = NominateForm()
    invitation = saved_form(form, lambda: delegations.nominate(
        organisation, actor=current_actor(), email=form.email.data or "", name=form.name.data or "",
        message=form.message.data or ""))
    if invitation:
        flash(_("%(email)s is nominated: we sent them a link that registers them with the delegation.",
                email=invitation.email), "success")
        return _back(event, organisation, "#nominated-title")
    return _page(event, organisation, nominate_form=form)


@bp.post(PREFIX + "/registrations/<int:registration_id>/approve")
@login_required
def delegation_approve(slug, organisation_id, registration_id):
    event, organisation, _arrived = _delegation_of(slug, organisation_id)  # kept by the action's commit
    registration = _member(organisation, registration_id)
    form = ApproveForm(prefix=row_prefix(registration.id))
    state = saved_form(form, lambda: delegations.approve(registration, actor=current_actor(),
                                                         waitlist_if_full=bool(form.waitlist_if_full.data)))
    if state:
        flash(_("%(name)s is approved and told by mail.", name=registration.name)
              if state == RegistrationState.CONFIRMED else
              _("The quota is full: %(name)s is on the delegation's waiting list and told by mail.",
                name=registration.name), "success")
        return _back(event, organisation)
    return _page(event, organisation, failed=(registration, "approve", form))


@bp.post(PREFIX + "/registrations/<int:registration_id>/decline")
@login_required
def delegation_decline(slug, organisation_id, registration_id):
    event, organisation, _arrived = _delegation_of(slug, organisation_id)  # kept by the action's commit
    registration = _member(organisation, registration_id)
    form = DeclineForm(prefix=row_prefix(registration.id))
    if saved_form(form, lambda: delegations.decline(registration, actor=current_actor(),
                                                    message=form.message.data or "")):
        flash(_("%(name)s is declined and told by mail.", name=registration.name), "success")
        return _back(event, organisation)
    return _page(event, organisation, failed=(registration, "decline", form))


@bp.post(PREFIX + "/registrations/<int:registration_id>/substitute")
@login_required
def delegation_substitute(slug, organisation_id, registration_id):
    event, organisation, _arrived = _delegation_of(slug, organisation_id)  # kept by the action's commit
    registration = _member(organisation, registration_id)
    form = SubstituteForm(prefix=row_prefix(registration.id))
    invitation = saved_form(form, lambda: delegations.substitute(
        registration, actor=current_actor(), email=form.email.data or "", name=form.name.data or "",
        message=form.message.data or ""))
    if invitation:
        flash(_("%(name)s is replaced: %(email)s got a link to register in their place, which is kept for them.",
                name=registration.name, email=invitation.email), "success")
        return _back(event, organisation, "#nominated-title")
    return _page(event, organisation, failed=(registration, "substitute", form))


@bp.post(PREFIX + "/nominations/<int:invitation_id>/withdraw")
@login_required
def delegation_withdraw(slug, organisation_id, invitation_id):
    event, organisation, _arrived = _delegation_of(slug, organisation_id)  # kept by the action's commit
    invitation = db.first_or_404(sa.select(RegistrationInvitation).where(
        RegistrationInvitation.id == invitation_id, RegistrationInvitation.organisation_id == organisation.id))
    if ButtonForm().validate_on_submit():
        run_action(lambda: delegations.withdraw_nomination(invitation, actor=current_actor()),
                   _("The nomination of %(email)s is withdrawn: its link no longer works.", email=invitation.email))
    return _back(event, organisation, "#nominated-title")
