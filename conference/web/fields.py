"""Form fields shared by the areas' forms."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext
from wtforms import Field, SelectMultipleField, StringField
from wtforms.utils import unset_value
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, URLInput

from conference.core.bounds import id_or_none
from conference.core.links import is_web_address, web_address_message


class WebAddressField(StringField):
    """A web address someone types (a join link, a URL answer): only an absolute http or https
    address with a host passes, with the message next to the field and the text kept as typed.
    The domain operation that stores it checks again (``domain.links.check_web_address``)."""

    widget = URLInput()

    def pre_validate(self, form) -> None:
        typed = (self.data or "").strip()
        if typed and not is_web_address(typed):
            raise ValidationError(web_address_message())


class TranslationsField(Field):
    """The translations of the text above it into the event's other languages: one input per
    language (``<name>-<code>``), its data a ``{code: text}`` dict. Every site language's input
    is read; the view names the event's other languages (``show_languages``), the template shows
    those (the ``translations`` macro), and the operation keeps only those. With no other
    language the field shows nothing and changes nothing."""

    def __init__(self, label=None, validators=None, *, multiline: bool = False, max_length: int = 200, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.multiline = multiline
        self.max_length = max_length
        self.languages: list[str] = []

    def process(self, formdata, data=unset_value, extra_filters=None) -> None:
        self.process_errors: list = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = data
        self.data = dict(data or {})
        self.raw_data = []
        if formdata is not None:
            for code in current_app.config["LANGUAGES"]:
                key = f"{self.name}-{code}"
                if key in formdata:
                    typed = formdata.get(key) or ""
                    self.raw_data.append(typed)
                    self.data[code] = typed

    def pre_validate(self, form) -> None:
        for code in self.languages:
            if len((self.data.get(code) or "").strip()) > self.max_length:
                raise ValidationError(gettext("Each translation can have at most %(max)d characters.",
                                              max=self.max_length))

    def text(self, code: str) -> str:
        return self.data.get(code) or ""


def show_languages(form, languages: list[str]) -> None:
    """Let ``form``'s translation fields show the event's other ``languages``."""
    for field in form:
        if isinstance(field, TranslationsField):
            field.languages = list(languages)


class CheckboxesField(SelectMultipleField):
    """A group of checkboxes. Values not offered are not refused here: the domain drops or refuses
    them, with its own message."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, validate_choice=False, **kwargs)

    def chosen(self) -> list:
        """The ticked values that could be read (a coerce that gives None drops a value)."""
        return [value for value in self.data or [] if value is not None]


class IdCheckboxesField(CheckboxesField):
    """Checkboxes whose values are row ids. A value that is no id (a tampered form) is refused next
    to the field rather than dropped: dropping it could widen a choice where none means "all"."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", id_or_none)
        super().__init__(label, validators, **kwargs)

    def pre_validate(self, form) -> None:
        if any(value is None for value in self.data or ()):
            raise ValidationError(gettext("Choose among the options listed."))
