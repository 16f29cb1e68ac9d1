"""Small helpers shared by the views: who is acting, loading an event's row, showing domain
errors on forms, safe redirects, the base of every form and the one way to read a number from
an address."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date, format_number, get_locale, gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.routing import IntegerConverter
from wtforms import (
    Choice,
    DateTimeField,
    IntegerField,
    SelectChoice,
    SelectField,
    ValidationError,
)
from wtforms.validators import StopValidation

from conference.core.bounds import (
    EARLIEST_DATE,
    INT_MAX,
    INT_MIN,
    LATEST_DATE,
    date_in_range,
    id_or_none,  # noqa: F401  (the forms' coerce for chosen ids)
    int_in_range,
    parse_int,
    storable,
)
from conference.core.timezones import (
    aliases_of,
    canonical_timezone,
    canonical_timezones,
    countries,
    is_valid_timezone,
)
from conference.errors import DomainError, ValidationFailed
from conference.extensions import db


def current_actor() -> Any:
    """Who is acting, for an operation's ``actor``: the logged-in User itself (the audit log
    records the User, not Flask-Login's proxy), or None for a visitor (who came by a signed link)."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def load_of_event(model, event, ident: int):
    """``model`` number ``ident`` (a row with an ``event_id``) of ``event``: 404 when it does not
    exist or belongs to another event."""
    return db.first_or_404(sa.select(model).where(model.id == ident, model.event_id == event.id))


def load_if_given(model, event, ident: int | None):
    """For a create-or-edit page: the row to edit (as load_of_event), or None, a new one, when
    the address gives no id."""
    return None if ident is None else load_of_event(model, event, ident)


def show_error(form, error: DomainError) -> None:
    """Put a domain error next to its field (each field's, for ValidationFailed), or at the
    top of the form."""
    problems = error.errors.items() if isinstance(error, ValidationFailed) else [(error.field, error.message)]
    for field, message in problems:
        if field and field in form._fields:
            form[field].errors = list(form[field].errors) + [message]
        else:
            form.form_errors.append(message)


def saved_form(form, operation, check: Callable[[], dict[str, str]] | None = None):
    """On a valid submit, run the domain ``operation`` and commit, giving back what it made or
    changed; else None, with the domain's refusal shown on the form (nothing typed is lost).

    ``check`` gives the domain's objections to what was typed, by field, without changing anything:
    when the form itself is refused, they are shown beside the fields it let through, so that one
    submit shows every problem (not the form's first, then the domain's on the next submit)."""
    if not form.validate_on_submit():
        if check is not None and form.is_submitted():
            for field, message in check().items():
                if field in form._fields and not form[field].errors:
                    form[field].errors = [*form[field].errors, message]
        return None
    try:
        saved = operation()
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return None
    db.session.commit()
    return saved if saved is not None else True


def edit_page(form, save: Callable[[], Any], *, saved: str | Callable[[Any], str], back: str | Callable[[Any], str],
              page: Callable[[], ResponseReturnValue],
              check: Callable[[], dict[str, str]] | None = None) -> ResponseReturnValue:
    """The one create-or-edit page. On a valid submit, ``save`` (one domain operation) runs and
    commits (saved_form), ``saved`` is flashed and the browser goes to ``back``; either may be a
    function of what ``save`` gave back. Otherwise ``page()`` shows the form: as typed, with the
    domain's refusal beside its field (and ``check``'s objections, see saved_form)."""
    done = saved_form(form, save, check)
    if done is None:
        return page()
    flash(saved(done) if callable(saved) else saved, "success")
    return redirect(back(done) if callable(back) else back)


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


def safe_next(default_endpoint: str = "home.dashboard", **values):
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
    return [SelectChoice(zone, zone.replace("_", " ")) for zone in canonical_timezones()]


def _old_zone_names() -> str:
    """"old=current" pairs for the picker's script, so that a browser's guess by an old name
    (Chrome says Asia/Calcutta) still finds its option (Asia/Kolkata)."""
    return " ".join(f"{old}={zone}" for zone, olds in sorted(aliases_of().items()) for old in olds)


def country_choices(blank_label: str) -> list[SelectChoice]:
    return [SelectChoice("", blank_label)] + [SelectChoice(code, name) for code, name in countries(page_locale())]


def page_locale() -> str:
    """The page's language code (fr, es...), for Babel's lists (countries) outside flask_babel's helpers."""
    return str(get_locale() or "en")


class TimezoneField(SelectField):
    """A time zone from the offered list. Any IANA name is accepted, and an old one (stored in a
    profile, or sent by hand) is read as its offered name (see timezones.canonical_timezone); a
    valid name without one (Etc/GMT+5) is kept and shown as an extra option, never lost."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, choices=timezone_choices(), default="UTC",
                         render_kw={"data-guess-timezone": _old_zone_names(), **kwargs.pop("render_kw", {})}, **kwargs)

    def process_data(self, value):
        super().process_data(canonical_timezone(value) or value)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.data = canonical_timezone(self.data) or self.data

    def iter_choices(self):
        if is_valid_timezone(self.data) and self.data not in canonical_timezones():
            yield Choice(self.data, self.data.replace("_", " "), True, {})
        yield from super().iter_choices()

    def pre_validate(self, form):
        if not is_valid_timezone(self.data):
            raise ValidationError(gettext("Choose a time zone from the list, e.g. Europe/Zurich."))


# Bad input ----------------------------------------------------------------------------------------

class BoundedIntegerConverter(IntegerConverter):
    """``<int:...>`` in addresses, up to the largest value an INTEGER column holds: a larger id
    can name nothing, so the address answers 404 before any query."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,
                 signed: bool = False) -> None:
        lower = (INT_MIN if signed else None) if min is None else min
        upper = INT_MAX if max is None or max > INT_MAX else max
        super().__init__(map, fixed_digits, lower, upper, signed)


def int_arg(name: str, default: int | None = None, *, minimum: int = INT_MIN) -> int | None:
    """A whole number from the query string (``?page=2``): ``default`` when it is missing, not a
    number, below ``minimum`` or beyond what the columns hold. Never an error: a link with a
    mangled number shows the default page."""
    value = parse_int(request.args.get(name), minimum=minimum)
    return default if value is None else value


def paginate(query, *, per_page: int):
    """A page of ``query``'s results, the page number read from ``?page=`` with int_arg (a page
    past the end is empty, a mangled number the first page)."""
    return db.paginate(query, page=int_arg("page", 1, minimum=1), per_page=per_page, error_out=False)


def _storable_text(form, field) -> None:
    if any(isinstance(raw, str) and not storable(raw) for raw in field.raw_data or ()):
        raise StopValidation(gettext("This contains an invisible control character (NUL) that cannot be saved. "
                                     "Delete it, or type the text again instead of pasting it."))


def _integer_in_range(form, field) -> None:
    if isinstance(field.data, int) and not int_in_range(field.data):
        if field.data > INT_MAX:
            raise StopValidation(gettext("Enter a number no larger than %(max)s.", max=format_number(INT_MAX)))
        raise StopValidation(gettext("Enter a number no smaller than %(min)s.", min=format_number(INT_MIN)))


def date_range_message() -> str:
    return gettext("Enter a date from %(first)s to %(last)s.", first=format_date(EARLIEST_DATE, "long"),
                   last=format_date(LATEST_DATE, "long"))


def _date_in_range(form, field) -> None:
    if isinstance(field.data, dt.date) and not date_in_range(field.data):
        raise StopValidation(date_range_message())


class BaseForm(FlaskForm):
    """The base of every form of the site: a CSRF token (FlaskForm), and, before a field's own
    validators, the checks every field needs: text the database can store (no NUL), integers
    within the INTEGER columns' range, dates within the app's range (conference.core.bounds). A refused
    value gets its message next to its field, and the field shows what was typed."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            checks = [_storable_text]
            if isinstance(field, IntegerField):
                checks.append(_integer_in_range)
            if isinstance(field, DateTimeField):  # DateField, DateTimeLocalField... (TimeField's data is no date)
                checks.append(_date_in_range)
            field.validators = [*checks, *field.validators]
            return field
