"""The event's outbox for organisers: held mail (decision notifications) to look over, send
or discard, and what was sent recently."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...domain import outbox_review
from ...errors import InvalidState
from ..common import run_action
from ..events.views import load_managed_event
from .blueprint import bp
from .forms import HeldMailForm


def _actor():
    return current_user._get_current_object()


@bp.route("/outbox")
@login_required
def outbox(slug):
    event = load_managed_event(slug)
    return render_template("mail/outbox.html", event=event, held=outbox_review.held_messages(event),
                           recent=outbox_review.recent_messages(event), form=HeldMailForm(formdata=None))


def _chosen(form):
    chosen = form.chosen()
    if not chosen:
        raise InvalidState(_("Choose at least one message: tick the box next to it."))
    return chosen


@bp.post("/outbox/send")
@login_required
def release_held(slug):
    event = load_managed_event(slug)
    form = HeldMailForm()
    if form.validate_on_submit():
        every = bool(request.form.get("all"))
        run_action(lambda: outbox_review.release_held(event, actor=_actor(),
                                                      message_ids=None if every else _chosen(form)),
                   _("The messages are queued: they go out within a minute."))
    return redirect(url_for(".outbox", slug=slug))


@bp.post("/outbox/discard")
@login_required
def discard_held(slug):
    event = load_managed_event(slug)
    form = HeldMailForm()
    if form.validate_on_submit():
        run_action(lambda: outbox_review.discard_held(event, actor=_actor(), message_ids=_chosen(form)),
                   _("The selected messages are discarded: they will not be sent."))
    return redirect(url_for(".outbox", slug=slug))
