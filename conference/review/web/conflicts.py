"""Conflicts of interest: the organisers' and track chairs' list with the app's suggestions, a
member declaring their own conflict (confirmed first) and withdrawing it, and the authors'
declaration for their submission."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from conference.accounts.models import User
from conference.cfp.models import Submission
from conference.core.types import utcnow
from conference.events.web.views import load_event
from conference.extensions import db
from conference.review import conflict_suggestions as suggestions_ops
from conference.review import conflicts as ops
from conference.review.enums import ConflictKind, ConflictSource
from conference.review.models import Conflict
from conference.review.web.blueprint import (
    bp,
    load_committee_event,
    load_reviewing_manager_event,
    load_submission,
)
from conference.review.web.committee_forms import (
    KIND_CHOICES,
    AddConflictForm,
    ConflictFilterForm,
    DeclareOwnConflictForm,
    author_conflicts_form,
)
from conference.web.common import current_actor, id_or_none, load_of_event, require, run_action, saved_form


def _conflicts_page(event, add_form=None):
    members = ops.committee_users(event)
    filters = ConflictFilterForm(request.args, members=members)
    suggestions = suggestions_ops.suggest_conflicts(event, viewer=current_user)
    return render_template(
        "review/conflicts.html", event=event, filters=filters, add_form=add_form or AddConflictForm(members=members),
        conflicts=ops.conflicts_for(event, current_user, user_id=filters.member.data,
                                    code=filters.submission.data or None),
        suggestions=suggestions, kind_labels=ops.KIND_LABELS, source_labels=ops.SOURCE_LABELS,
        kind_choices=KIND_CHOICES,
    )


@bp.route("/events/<slug>/review/conflicts")
@login_required
def conflicts(slug):
    return _conflicts_page(load_reviewing_manager_event(slug))


@bp.post("/events/<slug>/review/conflicts/add")
@login_required
def add_conflict(slug):
    event = load_reviewing_manager_event(slug)
    form = AddConflictForm(members=ops.committee_users(event))
    conflict = saved_form(form, lambda: ops.add_conflict(event, code=form.code.data, user_id=form.user_id.data,
                                                         kind=ConflictKind(form.kind.data), note=form.note.data or "",
                                                         actor=current_actor()))
    if conflict:
        flash(_("The conflict is recorded."), "success")
        return redirect(url_for("review.conflicts", slug=slug))
    return _conflicts_page(event, add_form=form), 422


@bp.post("/events/<slug>/review/conflicts/<int:conflict_id>/remove")
@login_required
def remove_conflict(slug, conflict_id):
    event = load_reviewing_manager_event(slug)
    conflict = load_of_event(Conflict, event, conflict_id)
    require(conflict.submission.can_manage_review(current_user), hide=True)
    run_action(lambda: ops.remove_conflict(conflict, actor=current_actor()), _("The conflict is removed."))
    return redirect(url_for("review.conflicts", slug=slug))


def _suggested_pair(event):
    submission = db.first_or_404(sa.select(Submission).where(
        Submission.id == id_or_none(request.form.get("submission_id")), Submission.event_id == event.id))
    require(submission.can_manage_review(current_user), hide=True)
    user = db.first_or_404(sa.select(User).where(User.id == id_or_none(request.form.get("user_id"))))
    return submission, user


@bp.post("/events/<slug>/review/conflicts/suggestions/confirm")
@login_required
def confirm_suggestion(slug):
    event = load_reviewing_manager_event(slug)
    submission, user = _suggested_pair(event)
    kind = request.form.get("kind", ConflictKind.OTHER.value)
    if kind not in {k.value for k in ConflictKind}:
        flash(_("Choose a kind of conflict from the list."), "error")
    else:
        run_action(lambda: suggestions_ops.confirm_suggestion(submission, user, kind=ConflictKind(kind),
                                                              actor=current_actor()),
                   _("The conflict of %(name)s with %(code)s is recorded.", name=user.name, code=submission.code))
    return redirect(url_for("review.conflicts", slug=slug, _anchor="suggestions"))


@bp.post("/events/<slug>/review/conflicts/suggestions/dismiss")
@login_required
def dismiss_suggestion(slug):
    event = load_reviewing_manager_event(slug)
    submission, user = _suggested_pair(event)
    run_action(lambda: suggestions_ops.dismiss_suggestion(submission, user, actor=current_actor()),
               _("The suggestion is dismissed; it will not come back."))
    return redirect(url_for("review.conflicts", slug=slug, _anchor="suggestions"))


@bp.route("/events/<slug>/review/submissions/<code>/conflict", methods=["GET", "POST"])
@login_required
def declare_own_conflict(slug, code):
    """A member declares their own conflict, once they have confirmed what it deletes; the
    submission then disappears for them."""
    event = load_committee_event(slug)
    submission = load_submission(event, code)
    require(submission.can_view_for_review(current_user), hide=True)
    form = DeclareOwnConflictForm()
    if saved_form(form, lambda: ops.declare_own_conflict(submission, actor=current_actor(),
                                                         kind=ConflictKind(form.kind.data), note=form.note.data or "",
                                                         confirmed=form.confirm.data)):
        flash(_("Your conflict with %(code)s is recorded: you will not see it again. You can withdraw it here.",
                code=submission.code), "success")
        return redirect(url_for("review.own_conflicts", slug=slug))
    return render_template("review/declare_own_conflict.html", event=event, submission=submission, form=form,
                           removes=ops.what_declaring_removes(submission, current_user))


@bp.route("/events/<slug>/review/my-conflicts")
@login_required
def own_conflicts(slug):
    """The conflicts the member declared themselves, each with a button to withdraw it."""
    event = load_committee_event(slug)
    return render_template("review/own_conflicts.html", event=event,
                           conflicts=ops.own_declarations(event, current_actor()), kind_labels=ops.KIND_LABELS)


@bp.post("/events/<slug>/review/my-conflicts/<int:conflict_id>/withdraw")
@login_required
def withdraw_own_conflict(slug, conflict_id):
    event = load_committee_event(slug)
    conflict = load_of_event(Conflict, event, conflict_id)
    require(conflict.can_withdraw(current_user), hide=True)
    run_action(lambda: ops.withdraw_own_conflict(conflict, actor=current_actor()),
               _("Your conflict with %(code)s is withdrawn. Nothing it removed comes back: you may bid on the "
                 "submission again, and the organisers may assign it to you again.", code=conflict.submission.code))
    return redirect(url_for("review.own_conflicts", slug=slug))


@bp.route("/events/<slug>/submissions/<code>/conflicts", methods=["GET", "POST"])
@login_required
def declare_conflicts(slug, code):
    """The authors' side: their conflicts with each committee member."""
    event = load_event(slug)
    submission = load_submission(event, code)
    require(submission.can_view(current_user), hide=True)
    members = [u for u in ops.committee_users(event) if not submission.is_author(u)]
    own = {c.user_id: c.kind for c in submission.conflicts if c.source == ConflictSource.AUTHOR}
    form = author_conflicts_form(members=members, current=own)
    now = utcnow()
    if saved_form(form, lambda: ops.declare_author_conflicts(submission, actor=current_actor(), kinds=form.chosen(),
                                                             now=now)):
        flash(_("Your conflicts of interest are saved."), "success")
        return redirect(url_for("cfp.show_submission", slug=slug, code=code))
    editable = submission.is_editable(now) or submission.can_manage_review(current_user)
    return render_template("review/declare_conflicts.html", event=event, submission=submission, form=form,
                           editable=editable, kind_labels=ops.KIND_LABELS, members=members, own=own)
