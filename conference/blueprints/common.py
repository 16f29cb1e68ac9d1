"""Small helpers shared by the views: showing domain errors on forms, safe redirects."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext
from wtforms import SelectChoice, SelectField, ValidationError

from ..errors import DomainError, ValidationFailed
from ..extensions import db
from ..timezones import all_timezones, countries, is_valid_timezone


def show_error(form, error: DomainError) -> None:
    """Put a domain error next to its field (each field's, for ValidationFailed), or at the
    top of the form."""
    problems = error.errors.items() if isinstance(error, ValidationFailed) else [(error.field, error.message)]
    for field, message in problems:
        if field and field in form._fields:
            form[field].errors = list(form[field].errors) + [message]
        else:
            form.form_errors.append(message)


def saved_form(form, operation):
    """On a valid submit, run the domain ``operation`` and commit, giving back what it made or
    changed; else None, with the domain's refusal shown on the form (nothing typed is lost)."""
    if not form.validate_on_submit():
        return None
    try:
        saved = operation()
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return None
    db.session.commit()
    return saved if saved is not None else True


def run_action(operation, message: str) -> bool:
    """For a button: run the domain ``operation``, commit and flash ``message``, or flash the
    refusal. Returns whether it went through."""
    try:
        operation()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return False
    db.session.commit()
    flash(message, "success")
    return True


def safe_next(default_endpoint: str = "events.dashboard", **values):
    """Redirect to ?next= when it stays on this site, else to ``default_endpoint``."""
    target = request.args.get("next") or request.form.get("next")
    if target:
        parts = urlsplit(target)
        # Browsers read "\" as "/" and drop tabs and newlines, so "/\evil" would leave the site.
        plain = target.isprintable() and " " not in target and "\\" not in target
        if plain and not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return redirect(target)
    return redirect(url_for(default_endpoint, **values))


def require(allowed: bool, *, hide: bool = False) -> None:
    """403 when not allowed; 404 where the object's existence must not leak."""
    if not allowed:
        abort(404 if hide else 403)


def timezone_choices() -> list[SelectChoice]:
    return [SelectChoice(zone, zone.replace("_", " ")) for zone in all_timezones()]


def country_choices(blank_label: str) -> list[SelectChoice]:
    return [SelectChoice("", blank_label)] + [SelectChoice(code, name) for code, name in countries()]


class TimezoneField(SelectField):
    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, choices=timezone_choices(), default="UTC",
                         render_kw={"data-guess-timezone": "", **kwargs.pop("render_kw", {})}, **kwargs)

    def pre_validate(self, form):
        if not is_valid_timezone(self.data):
            raise ValidationError(gettext("Choose a time zone from the list, e.g. Europe/Zurich."))
