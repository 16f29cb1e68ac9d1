"""The organisers' list of submissions: filters, pages and columns, and setting the track of the
ticked submissions at once, after a confirmation that names how many, with an undo."""

from __future__ import annotations

import time

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import login_required
from sqlalchemy.orm import selectinload

from conference.cfp import queries, submissions
from conference.cfp.models import Submission
from conference.cfp.web.manage import bp
from conference.cfp.web.manage_forms import SubmissionFilterForm
from conference.errors import DomainError
from conference.events.web.views import load_managed_event
from conference.extensions import db
from conference.web import lists
from conference.web.common import BaseForm, current_actor, safe_next

COLUMNS = {"authors": _l("Authors"), "type": _l("Type"), "track": _l("Track"), "keywords": _l("Keywords"),
           "submitted": _l("Submitted")}
DEFAULT_COLUMNS = ("authors", "type", "track", "submitted")
# An undo is offered for this long after a change, and for at most this many submissions (it is
# kept in the session cookie).
UNDO_SECONDS, UNDO_MAX = 15 * 60, 250
UNDO_KEY = "undo:submissions-track"


class ButtonForm(BaseForm):
    """A button that only carries the CSRF token."""


@bp.route("/submissions/")
@login_required
def list_submissions(slug):
    event = load_managed_event(slug)
    tracks = queries.tracks_of(event)
    form = SubmissionFilterForm(request.args, types=queries.types_of(event), tracks=tracks,
                                keywords=queries.keywords_of(event))
    args = lists.read_list_args(request.args)
    columns = lists.read_columns(request.args, name="submissions", offered=COLUMNS, default=DEFAULT_COLUMNS)
    page = lists.page_of(queries.list_submissions(event, form.filters()), args)
    return render_template("cfp_manage/submissions.html", event=event, form=form, page=page, args=args,
                           columns=columns, tracks=tracks, counts=queries.state_counts(event),
                           undo=_undo_offer(event, tracks), button=ButtonForm(formdata=None))


# Setting the track of several submissions ------------------------------------------------------------------

def _chosen(event) -> tuple[list[Submission], str | None]:
    """The ticked submissions of ``event``, or why there are none to act on."""
    ids, problem = lists.read_ids(request.form.getlist("ids"))
    if problem:
        return [], problem
    if not ids:
        return [], _("Choose at least one submission: tick the box in its row.")
    found = list(db.session.scalars(sa.select(Submission).where(Submission.event_id == event.id,
                                                                  Submission.id.in_(ids))
                                    .options(selectinload(Submission.authors)).order_by(Submission.code)))
    if len(found) != len(ids):
        return [], _("Some of the selected submissions are not of this event or no longer exist: nothing was "
                     "changed. Reload the list and tick them again.")
    return found, None


def _track_choice(tracks) -> tuple[object, str | None]:
    """The track chosen in the bulk form (None: no track), or why it is not one of the list."""
    raw = (request.form.get("track_id") or "").strip()
    if raw == "none":
        return None, None
    track = next((t for t in tracks if str(t.id) == raw), None)
    return track, None if track is not None else _("Choose one of the tracks listed.")


@bp.post("/submissions/bulk/track")
@login_required
def set_tracks(slug):
    """First the confirmation (how many, which track), then, confirmed, the change."""
    event = load_managed_event(slug)
    tracks = queries.tracks_of(event)
    form = ButtonForm()
    chosen, problem = _chosen(event)
    track, track_problem = _track_choice(tracks)
    if not form.validate_on_submit() or problem or track_problem:
        flash(problem or track_problem or _("The form had expired: try again."), "error")
        return safe_next("cfp_manage.list_submissions", slug=slug)
    if request.form.get("confirmed") != "yes":
        return render_template("cfp_manage/submissions_track_confirm.html", event=event, chosen=chosen, track=track,
                               form=form, back=request.form.get("next") or "", undoable=len(chosen) <= UNDO_MAX)
    done, refused = _set_track(chosen, track)
    db.session.commit()
    _flash_outcome(done, refused, track)
    _remember_undo(event, done, track)
    return safe_next("cfp_manage.list_submissions", slug=slug)


def _set_track(chosen: list[Submission], track) -> tuple[list[tuple[int, int | None]], list[tuple[str, str]]]:
    """Each submission through the organisers' edit (update_submission, which checks the track is
    the event's and that a submitted one stays complete); those it refuses are left as they are.
    Returns (id, previous track id) of each change, and (code, reason) of each refusal."""
    done, refused = [], []
    for submission in chosen:
        previous = submission.track_id
        if previous == (track.id if track else None):
            continue
        try:
            with db.session.begin_nested():
                _save_track(submission, track.id if track else None)
        except DomainError as error:
            db.session.refresh(submission)
            refused.append((submission.code, error.message))
        else:
            done.append((submission.id, previous))
    return done, refused


def _save_track(submission: Submission, track_id: int | None) -> None:
    """Change the track only: every other part is given back as it is."""
    submissions.update_submission(submission, actor=current_actor(), title=submission.title,
                                  abstract=submission.abstract, type_id=submission.type_id, track_id=track_id,
                                  keywords=list(submission.keywords or []))


def _flash_outcome(done, refused, track) -> None:
    name = track.tr("name") if track else _("no track")
    if done:
        flash(ngettext("The track of %(num)d submission is now %(track)s.",
                       "The track of %(num)d submissions is now %(track)s.", len(done), track=name), "success")
    elif not refused:
        flash(_("Nothing changed: the selected submissions were already in %(track)s.", track=name), "success")
    for code, reason in refused:
        flash(_("%(code)s: %(message)s", code=code, message=reason), "error")


def _remember_undo(event, done, track) -> None:
    session.pop(UNDO_KEY, None)
    if done and len(done) <= UNDO_MAX:
        session[UNDO_KEY] = {"event": event.id, "track": track.id if track else None, "at": int(time.time()),
                             "before": [[submission_id, previous] for submission_id, previous in done]}


def _undo_payload(event) -> dict | None:
    payload = session.get(UNDO_KEY)
    if not isinstance(payload, dict) or payload.get("event") != event.id:
        return None
    return payload if time.time() - payload.get("at", 0) <= UNDO_SECONDS else None


def _undo_offer(event, tracks) -> dict | None:
    """What the list's undo panel says: how many submissions went to which track."""
    payload = _undo_payload(event)
    if payload is None:
        return None
    track = next((t for t in tracks if t.id == payload["track"]), None)
    return {"count": len(payload["before"]), "track": track.tr("name") if track else _("no track")}


@bp.post("/submissions/bulk/track/undo")
@login_required
def undo_set_tracks(slug):
    """Put back the tracks the last change replaced, for the submissions still in the track it
    set (one changed since is left alone)."""
    event = load_managed_event(slug)
    payload = _undo_payload(event)
    if not ButtonForm().validate_on_submit() or payload is None:
        flash(_("There is nothing to undo any more: the change is older than 15 minutes or was undone."), "error")
        return safe_next("cfp_manage.list_submissions", slug=slug)
    before = {int(i): p for i, p in payload["before"]}
    found = db.session.scalars(sa.select(Submission).where(Submission.event_id == event.id,
                                                           Submission.id.in_(list(before)))
                               .options(selectinload(Submission.authors)))
    restored, refused = 0, []
    for submission in found:
        if submission.track_id != payload["track"]:
            continue
        try:
            with db.session.begin_nested():
                _save_track(submission, before[submission.id])
        except DomainError as error:
            db.session.refresh(submission)
            refused.append((submission.code, error.message))
        else:
            restored += 1
    db.session.commit()
    session.pop(UNDO_KEY, None)
    flash(ngettext("Undone: %(num)d submission is back in its previous track.",
                   "Undone: %(num)d submissions are back in their previous track.", restored), "success")
    for code, reason in refused:
        flash(_("%(code)s: %(message)s", code=code, message=reason), "error")
    return redirect(url_for("cfp_manage.list_submissions", slug=slug))
