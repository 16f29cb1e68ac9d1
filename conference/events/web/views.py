"""Events: the public list and pages, creating, editing and publishing events."""

import datetime as dt
import zoneinfo

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from conference.core.bounds import id_or_none, storable
from conference.core.types import utcnow
from conference.errors import DomainError
from conference.events import series as series_ops
from conference.events import setup as event_ops
from conference.events import team
from conference.events.enums import TeamRole
from conference.events.models import Event, EventRole, Series, TeamInvitation
from conference.events.web.forms import EventForm, InviteForm, series_choices
from conference.events.web.nav import event_bar
from conference.extensions import db
from conference.web.common import current_actor, edit_page, load_of_event, paginate, require, run_action
from conference.web.confirm import offer_undo
from conference.web.fields import show_languages
from conference.web.page_values import PageValues

bp = Blueprint("events", __name__)
SLUG_MAX = 64  # Event.slug's length

# The event's page shows what areas above events know: ``call`` (where the call for papers
# stands), ``registration`` (where registration and the visitor's own stand) and ``agenda``
# (whether one is released), provided by cfp, registration and agenda.
event_page = PageValues("the event's page")


def event_page_language() -> str | None:
    """The default language of the event a page under /events/<slug>/ belongs to: read from the
    event the view already loaded when it did (no query), else looked up."""
    slug = (request.view_args or {}).get("slug")
    if not isinstance(slug, str) or not storable(slug) or len(slug) > SLUG_MAX:  # an error page for a bad address
        return None
    for loaded in list(db.session.identity_map.values()):
        if isinstance(loaded, Event) and loaded.slug == slug:
            return loaded.default_language
    return db.session.scalar(sa.select(Event.default_language).where(Event.slug == slug))


@bp.app_context_processor
def event_bar_links():
    """``event_bar(event)``: the links of the event's bar for the viewer (see nav.py)."""
    return {"event_bar": lambda event: event_bar(event, current_user)}


def load_event(slug: str) -> Event:
    """The event at ``slug``; 404 when it does not exist or is a draft the user may not see."""
    event = db.first_or_404(db.select(Event).where(Event.slug == slug))
    require(event.can_view(current_user), hide=True)
    return event


def load_managed_event(slug: str) -> Event:
    event = load_event(slug)
    require(event.can_manage(current_user))
    return event


@bp.route("/")
def index():
    today = dt.datetime.now(zoneinfo.ZoneInfo("UTC")).date()
    upcoming, past = event_ops.published_events(today=today)
    return render_template("events/index.html", upcoming=upcoming, past=past, series=series_ops.all_series(),
                           can_create_series=current_user.is_authenticated and Series.can_create(current_user))


def _event_fields(form: EventForm) -> dict:
    return {name: getattr(form, name).data for name in event_ops.EDITABLE_FIELDS}


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def create_event():
    require(current_user.can_create_event())
    form = EventForm(contact_email=current_user.email)
    series_choices(form.series_id, series_ops.all_series())
    return edit_page(form, lambda: event_ops.create_event(actor=current_actor(), **_event_fields(form)),
                     saved=_("The event is created as a draft: only its team sees it until you publish it."),
                     back=lambda created: url_for("events.show_event", slug=created.slug),
                     page=lambda: render_template("events/form.html", form=form, event=None),
                     check=lambda: event_ops.event_problems(_event_fields(form), exclude_id=None))


@bp.route("/events/<slug>/")
def show_event(slug):
    event = load_event(slug)
    return render_template("events/show.html", event=event, can_manage=event.can_manage(current_user),
                           **event_page.values(event, current_user, utcnow()))


@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_event(slug):
    event = load_managed_event(slug)
    form = EventForm(obj=event)
    series_choices(form.series_id, series_ops.all_series())
    show_languages(form, event.other_languages)
    return edit_page(form, lambda: event_ops.update_event(event, actor=current_actor(), **_event_fields(form)),
                     saved=_("The event is saved."), back=lambda saved: url_for("events.show_event", slug=saved.slug),
                     page=lambda: render_template("events/form.html", form=form, event=event),
                     check=lambda: event_ops.event_problems(_event_fields(form), exclude_id=event.id))


@bp.post("/events/<slug>/publish")
@login_required
def publish_event(slug):
    event = load_managed_event(slug)
    run_action(lambda: event_ops.publish_event(event, actor=current_actor()),
               _("The event is published: everyone can see its page."))
    return redirect(url_for("events.show_event", slug=event.slug))


@bp.post("/events/<slug>/unpublish")
@login_required
def unpublish_event(slug):
    event = load_managed_event(slug)
    run_action(lambda: event_ops.unpublish_event(event, actor=current_actor()),
               _("The event is back to draft: only its team sees it."))
    return redirect(url_for("events.show_event", slug=event.slug))


# Team -------------------------------------------------------------------------------------

@bp.route("/events/<slug>/team", methods=["GET", "POST"])
@login_required
def manage_team(slug):
    event = load_managed_event(slug)
    form = InviteForm()
    return edit_page(form, lambda: team.invite_member(event, actor=current_actor(), email=form.email.data,
                                                      role=form.role.data, message=form.message.data or ""),
                     saved=lambda invitation: _("Invitation sent to %(email)s.", email=invitation.email),
                     back=url_for("events.manage_team", slug=event.slug),
                     page=lambda: render_template("events/team.html", event=event, form=form,
                                                  roles=team.members(event), invitations=team.open_invitations(event)))


@bp.post("/events/<slug>/team/roles/<int:role_id>/remove")
@login_required
def remove_team_role(slug, role_id):
    event = load_managed_event(slug)
    role = load_of_event(EventRole, event, role_id)
    held = {"user_id": role.user_id, "role": role.role.value, "track_ids": [t.id for t in role.tracks],
            "max_load": role.max_load}
    what = _("the removal of %(name)s (%(role)s)", name=role.user.name, role=team.ROLE_LABELS[role.role])
    removed = run_action(lambda: team.remove_role(role, actor=current_actor()), _("The role is removed."))
    if removed and held["user_id"] != current_user.id:  # who removed themselves can no longer put it back
        offer_undo(what, url_for("events.restore_team_role", slug=event.slug), held)
    return redirect(url_for("events.manage_team", slug=event.slug))


@bp.post("/events/<slug>/team/roles/restore")
@login_required
def restore_team_role(slug):
    """The undo of a removal (offered on the page after it): the same person, role, tracks and cap."""
    event = load_managed_event(slug)
    user_id, role = id_or_none(request.form.get("user_id", "")), request.form.get("role", "")
    if user_id is None or role not in {each.value for each in TeamRole}:
        abort(400)
    tracks = [ident for ident in map(id_or_none, request.form.getlist("track_ids")) if ident is not None]
    run_action(lambda: team.restore_role(event, actor=current_actor(), user_id=user_id, role=TeamRole(role),
                                         track_ids=tracks, max_load=id_or_none(request.form.get("max_load", ""))),
               _("The role is back."))
    return redirect(url_for("events.manage_team", slug=event.slug))


@bp.post("/events/<slug>/team/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(slug, invitation_id):
    event = load_managed_event(slug)
    invitation = load_of_event(TeamInvitation, event, invitation_id)
    run_action(lambda: team.revoke_invitation(invitation, actor=current_actor()), _("The invitation is withdrawn."))
    return redirect(url_for("events.manage_team", slug=event.slug))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def show_invitation(token):
    try:
        invitation = team.invitation_from_token(token)
    except DomainError as error:
        return render_template("auth/token_error.html", message=error.message), 400
    if request.method == "POST":
        declining = request.form.get("decision") == "decline"
        # The link proves the mailbox: declining needs no account, accepting does.
        if not current_user.is_authenticated and not declining:
            return redirect(url_for("auth.login", next=request.path))
        try:
            if declining:
                team.decline_invitation(invitation, user=current_user if current_user.is_authenticated else None)
                message = _("You declined the invitation.")
            else:
                team.accept_invitation(invitation, user=current_user)
                message = _("Welcome to the team of %(event)s.", event=invitation.event.tr("title"))
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("home.dashboard" if current_user.is_authenticated else "events.index"))
    return render_template("events/invitation.html", invitation=invitation, token=token,
                           role_label=team.ROLE_LABELS[invitation.role])


# Audit log --------------------------------------------------------------------------------

AUDIT_PAGE_SIZE = 100


@bp.route("/events/<slug>/audit")
@login_required
def audit_log(slug):
    event = load_event(slug)
    require(event.can_view_audit_log(current_user))
    page = paginate(event_ops.audit_log_of(event), per_page=AUDIT_PAGE_SIZE)
    return render_template("events/audit.html", event=event, page=page)
