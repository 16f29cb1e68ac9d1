"""Bidding: a reviewer states, in one form, how much they want to review each submission of
their tracks."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user, login_required

from conference.cfp.queries import tracks_of
from conference.events.enums import TeamRole
from conference.review import bidding as bidding_ops
from conference.review.web.assignment_forms import TrackFilterForm, bidding_form
from conference.review.web.blueprint import bp, load_committee_event
from conference.web.common import current_actor, require, saved_form


@bp.route("/events/<slug>/review/bidding", methods=["GET", "POST"])
@login_required
def bidding(slug):
    event = load_committee_event(slug)
    role = event.role_row(current_user, TeamRole.REVIEWER)
    require(role is not None)
    filters = TrackFilterForm(request.args, tracks=role.tracks or tracks_of(event))
    rows = bidding_ops.biddable_submissions(event, current_user)
    if filters.track.data is not None:
        rows = [row for row in rows if row.submission.track_id == filters.track.data]
    form = bidding_form(rows)
    changed = saved_form(form, lambda: bidding_ops.place_bids(
        event, reviewer=current_actor(), preferences=form.preferences(), actor=current_actor(),
        confirm_conflicts=form.confirm_conflicts.data))
    if changed is not None:
        flash(ngettext("Your preferences are saved (%(num)d changed).",
                       "Your preferences are saved (%(num)d changed).", changed), "success")
        return redirect(url_for(".bidding", slug=slug, **({"track": filters.track.data} if filters.track.data else {})))
    settings = event.review_settings
    return render_template("review/bidding.html", event=event, rows=rows, form=form, filters=filters,
                           bidding_open=settings is not None and settings.bidding_open)
