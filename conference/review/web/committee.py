"""The review committee for organisers: members with their tracks, caps and loads; inviting
reviewers and track chairs; changing a member's tracks and cap; withdrawing invitations."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from conference.events import team
from conference.events.models import EventRole, TeamInvitation
from conference.events.web.views import load_event
from conference.review import committee as committee_ops
from conference.review.web.blueprint import bp
from conference.review.web.committee_forms import CommitteeInviteForm, MemberLimitsForm
from conference.web.common import current_actor, load_of_event, require, run_action, saved_form


def _organised_event(slug: str):
    event = load_event(slug)
    require(event.can_manage(current_user))
    return event


@bp.route("/events/<slug>/review/committee", methods=["GET", "POST"])
@login_required
def committee(slug):
    event = _organised_event(slug)
    tracks = committee_ops.event_tracks_of(event)
    form = CommitteeInviteForm(tracks=tracks)
    invitation = saved_form(form, lambda: committee_ops.invite_to_committee(event, actor=current_actor(),
                                                                            **form.values()))
    if invitation:
        flash(_("Invitation sent to %(email)s.", email=invitation.email), "success")
        return redirect(url_for("review.committee", slug=slug))
    return render_template("review/committee.html", event=event, form=form, tracks=tracks,
                           committee=committee_ops.committee_of(event), role_labels=team.ROLE_LABELS)


@bp.route("/events/<slug>/review/committee/<int:role_id>", methods=["GET", "POST"])
@login_required
def edit_member(slug, role_id):
    event = _organised_event(slug)
    role = load_of_event(EventRole, event, role_id)
    require(role.role in committee_ops.COMMITTEE_INVITE_ROLES, hide=True)
    tracks = committee_ops.event_tracks_of(event)
    form = MemberLimitsForm(tracks=tracks, data={"track_ids": [t.id for t in role.tracks], "max_load": role.max_load})
    if saved_form(form, lambda: committee_ops.set_member_limits(role, actor=current_actor(), **form.values())):
        flash(_("The limits of %(name)s are saved.", name=role.user.name), "success")
        return redirect(url_for("review.committee", slug=slug))
    return render_template("review/committee_member.html", event=event, role=role, form=form,
                           role_labels=team.ROLE_LABELS)


@bp.post("/events/<slug>/review/committee/invitations/<int:invitation_id>/withdraw")
@login_required
def withdraw_invitation(slug, invitation_id):
    event = _organised_event(slug)
    invitation = load_of_event(TeamInvitation, event, invitation_id)
    run_action(lambda: team.revoke_invitation(invitation, actor=current_actor()), _("The invitation is withdrawn."))
    return redirect(url_for("review.committee", slug=slug))
