"""The event's mail templates for organisers: the list, the editor with its preview, and the
way back to the default text."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from conference.errors import DomainError
from conference.events.web.views import load_managed_event
from conference.group_mail import template_admin as admin
from conference.group_mail.web.blueprint import bp
from conference.group_mail.web.template_forms import ResetTemplateForm, TemplateForm
from conference.web.common import current_actor, run_action, saved_form, show_error
from conference.web.confirm import ask_first


def _load(slug: str, key: str):
    event = load_managed_event(slug)
    spec = admin.editable(key)
    if spec is None:  # unknown, or an account mail (those belong to no event)
        abort(404)
    return event, spec


@bp.route("/templates")
@login_required
def templates(slug):
    event = load_managed_event(slug)
    return render_template("mail/templates.html", event=event,
                           groups=admin.by_group(admin.template_rows(event)))


def _preview(event, key, form, language):
    if not form.validate_on_submit():
        return None
    try:
        return admin.preview(event, key, language=language, **form.values())
    except DomainError as error:
        show_error(form, error)
        return None


@bp.route("/templates/<key>", methods=["GET", "POST"])
@login_required
def edit_template(slug, key):
    event, spec = _load(slug, key)
    language = admin.edited_language(event, request.args.get("language"))
    current = admin.current_text(event, key, language=language)
    form = TemplateForm(data={"subject": current.subject, "body": current.body})
    preview = None
    if request.method == "POST" and "preview" in request.form:
        preview = _preview(event, key, form, language)
    elif saved_form(form, lambda: admin.save_template(event, key, actor=current_actor(), language=language,
                                                      **form.values())):
        flash(_("Your version of “%(label)s” is saved: it is sent from the next message on.", label=spec.label),
              "success")
        return redirect(url_for(".templates", slug=slug))
    return render_template("mail/template_form.html", event=event, spec=spec, current=current, form=form,
                           preview=preview, reset_form=ResetTemplateForm(formdata=None), language=language)


@bp.post("/templates/<key>/reset")
@login_required
def reset_template(slug, key):
    event, spec = _load(slug, key)
    language = admin.edited_language(event, request.args.get("language"))
    if (asking := ask_first(_("Delete my version and use the default"))) is not None:
        return asking
    if ResetTemplateForm().validate_on_submit():
        run_action(lambda: admin.reset_template(event, key, actor=current_actor(), language=language),
                   _("“%(label)s” is back to the default text.", label=spec.label))
    return redirect(url_for(".edit_template", slug=slug, key=key, language=request.args.get("language") and language))
