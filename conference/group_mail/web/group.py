"""Mail to groups for organisers: choose the audience and its filters, write the mail with the
audience's placeholders, preview it (how many people, the mail for one of them), then confirm
the number to send it (or hold it in the outbox); and the list of group mail sent. Plain forms:
the confirmation button sits in the preview and submits the form the preview was made from."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import login_required

from conference.errors import DomainError
from conference.events.web.views import load_managed_event
from conference.extensions import db
from conference.group_mail import sending as group_mail
from conference.group_mail import sent as group_mail_sent
from conference.group_mail.web.blueprint import bp
from conference.group_mail.web.group_forms import (
    AUDIENCE_HINTS,
    AudienceForm,
    GroupMailForm,
    event_days,
)
from conference.group_mail.web.outbox_forms import STATE_LABELS
from conference.web.common import current_actor, show_error


def _compose_form(event, audience: str, saved: tuple[str, str] | None) -> GroupMailForm:
    """Empty subject and body, unless the organiser asked to start from the text their event
    saved for this group (``?start=saved``)."""
    options = group_mail.filter_options(event)
    subject, body = saved if saved and request.args.get("start") == "saved" else ("", "")
    return GroupMailForm(audience=audience, subject=subject, body=body, tracks=options.tracks, types=options.types,
                         forms=options.forms, categories=options.categories, days=event_days(event))


def _attempt(form, operation):
    """Run a domain operation; on refusal show it on the form (nothing typed is lost)."""
    try:
        return operation()
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return None


@bp.route("/group", methods=["GET", "POST"], endpoint="group_mail")
@login_required
def group_mail_page(slug):
    event = load_managed_event(slug)
    chooser = AudienceForm(request.args)
    audience = request.form.get("audience") if request.method == "POST" else chooser.chosen()
    if audience not in group_mail.AUDIENCES:
        return render_template("mail/group_mail.html", event=event, chooser=chooser, hints=AUDIENCE_HINTS, form=None)
    chooser.audience.data = audience
    saved = group_mail.saved_text(event, audience)
    form, preview = _compose_form(event, audience, saved), None
    if form.validate_on_submit():
        values = form.values(audience)
        # Every submit previews; a send also needs the confirmation of the preview the organiser
        # saw, and when it is refused the page shows the new preview to confirm.
        preview = _attempt(form, lambda: group_mail.preview(event, **values))
        if preview is not None and "send" in request.form:
            confirmation = request.form.get("confirmation", "")
            actor = current_actor()
            if sent := _attempt(form, lambda: group_mail.send(event, actor=actor, confirmation=confirmation, **values)):
                return _sent(event, sent)
    return render_template("mail/group_mail.html", event=event, chooser=chooser, hints=AUDIENCE_HINTS, form=form,
                           audience=audience, audiences=group_mail.AUDIENCES, preview=preview, saved=saved is not None,
                           placeholders=group_mail.spec_for(audience).placeholders.values())


def _sent(event, sent):
    db.session.commit()
    if sent.held:
        flash(ngettext("The message is held in the outbox: look it over and send it from there.",
                       "The %(num)d messages are held in the outbox: look them over and send them from there.",
                       sent.recipients), "success")
        return redirect(url_for(".outbox", slug=event.slug))
    flash(ngettext("The mail is queued for %(num)d person: it goes out within a minute.",
                   "The mail is queued for %(num)d people: it goes out within a minute.", sent.recipients), "success")
    return redirect(url_for(".group_mails", slug=event.slug))


@bp.route("/groups")
@login_required
def group_mails(slug):
    event = load_managed_event(slug)
    return render_template("mail/group_mails.html", event=event, mails=group_mail_sent.sent_group_mails(event),
                           audiences=group_mail.AUDIENCES, state_labels=STATE_LABELS)
