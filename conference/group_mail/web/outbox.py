"""The event's outbox for organisers: every message with filters and counts per state; one
message whole; held mail (decision notifications, group mail) to look over, edit, send or
discard; failed mail to retry; every message sent to one person."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from conference.errors import InvalidState
from conference.events.web.views import load_managed_event
from conference.group_mail import outbox_review
from conference.group_mail.web.blueprint import bp
from conference.group_mail.web.outbox_forms import (
    STATE_LABELS,
    ButtonForm,
    HeldMailForm,
    MessageForm,
    OutboxFilterForm,
    PersonForm,
)
from conference.mail.enums import MailState
from conference.web.common import current_actor, paginate, run_action, safe_next, saved_form


def _message_of(event, message_id: int):
    message = outbox_review.message_of(event, message_id)
    if message is None:  # another event's message is not found either
        abort(404)
    return message


def _page_of(query):
    return paginate(query, per_page=outbox_review.PAGE_SIZE)


def _list_context(event) -> dict:
    return {"event": event, "state_labels": STATE_LABELS, "form": HeldMailForm(formdata=None),
            "counts": outbox_review.counts_by_state(event), "template_label": outbox_review.template_label}


@bp.route("/outbox")
@login_required
def outbox(slug):
    event = load_managed_event(slug)
    filters = OutboxFilterForm(request.args, templates=outbox_review.templates_used(event),
                               group_mails=outbox_review.group_mails_of(event))
    filters.validate()
    page = _page_of(outbox_review.messages_of(event, **filters.filters()))
    return render_template("mail/outbox.html", filters=filters, page=page, **_list_context(event))


@bp.route("/outbox/people")
@login_required
def person(slug):
    event = load_managed_event(slug)
    form = PersonForm(request.args)
    asked = "address" in request.args and form.validate()
    page = _page_of(outbox_review.messages_of(event, address=form.address.data)) if asked else None
    return render_template("mail/person.html", person_form=form, page=page, **_list_context(event))


@bp.route("/outbox/<int:message_id>")
@login_required
def message(slug, message_id):
    event = load_managed_event(slug)
    message = _message_of(event, message_id)
    return render_template(
        "mail/message.html", event=event, message=message, state_labels=STATE_LABELS,
        template_label=outbox_review.template_label(message.template),
        group_mail=outbox_review.group_mail_of(message), attachments=outbox_review.attachments_of(message),
        html_part=outbox_review.readable_html(message.body_html), sender=current_app.config["MAIL_DEFAULT_SENDER"],
        button=ButtonForm(formdata=None),
    )


@bp.route("/outbox/<int:message_id>/edit", methods=["GET", "POST"])
@login_required
def edit_message(slug, message_id):
    event = load_managed_event(slug)
    message = _message_of(event, message_id)
    if message.state != MailState.HELD:
        flash(_("Only a held message can be edited: this one is no longer held."), "error")
        return redirect(url_for(".message", slug=slug, message_id=message_id))
    form = MessageForm(obj=message)
    if saved_form(form, lambda: outbox_review.edit_held(event, message, actor=current_actor(),
                                                        subject=form.subject.data, body_text=form.body_text.data)):
        flash(_("The message is saved. It is still held: send it when it is ready."), "success")
        return redirect(url_for(".message", slug=slug, message_id=message_id))
    return render_template("mail/message_form.html", event=event, message=message, form=form)


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
        run_action(lambda: outbox_review.release_held(event, actor=current_actor(),
                                                      message_ids=None if every else _chosen(form)),
                   _("The messages are queued: they go out within a minute."))
    return safe_next("mail.outbox", slug=slug)


@bp.post("/outbox/discard")
@login_required
def discard_held(slug):
    event = load_managed_event(slug)
    form = HeldMailForm()
    if form.validate_on_submit():
        run_action(lambda: outbox_review.discard_held(event, actor=current_actor(), message_ids=_chosen(form)),
                   _("The selected messages are discarded: they will not be sent."))
    return safe_next("mail.outbox", slug=slug)


@bp.post("/outbox/retry")
@login_required
def retry_failed(slug):
    event = load_managed_event(slug)
    if ButtonForm().validate_on_submit():
        run_action(lambda: outbox_review.retry_failed(event, actor=current_actor()),
                   _("The failed messages are queued again: they go out within a minute."))
    return safe_next("mail.outbox", slug=slug)


def _one_message_action(slug, message_id, operation, done: str, *, gone: bool = False):
    """A button on one message: send, discard or retry it, then back to where it was pressed
    (the message's page, unless the message is gone)."""
    event = load_managed_event(slug)
    message = _message_of(event, message_id)
    if ButtonForm().validate_on_submit():
        run_action(lambda: operation(event, actor=current_actor(), message_ids=[message.id]), done)
    if gone:
        return safe_next("mail.outbox", slug=slug)
    return safe_next("mail.message", slug=slug, message_id=message_id)


@bp.post("/outbox/<int:message_id>/send")
@login_required
def release_message(slug, message_id):
    return _one_message_action(slug, message_id, outbox_review.release_held,
                               _("The message is queued: it goes out within a minute."))


@bp.post("/outbox/<int:message_id>/discard")
@login_required
def discard_message(slug, message_id):
    return _one_message_action(slug, message_id, outbox_review.discard_held,
                               _("The message is discarded: it will not be sent."), gone=True)


@bp.post("/outbox/<int:message_id>/retry")
@login_required
def retry_message(slug, message_id):
    return _one_message_action(slug, message_id, outbox_review.retry_failed,
                               _("The message is queued again: it goes out within a minute."))
