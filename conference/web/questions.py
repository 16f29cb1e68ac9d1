"""The pages' side of the custom-question engine (conference.core.questions): the one editor of
a question, which each area's setup form extends with its own limits, and the one way to put
questions on a form as answer fields. Templates render both with _macros/questions.html."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar, cast

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import InputRequired, Length, Optional

from conference.core.enums import QuestionKind
from conference.core.questions import HELP_TEXT_MAX, LABEL_MAX, OPTIONS_MAX, StoredQuestion
from conference.web.common import BaseForm, country_choices
from conference.web.fields import TranslationsField, WebAddressField

KIND_LABELS = {
    QuestionKind.SHORT_TEXT: _l("Short text"),
    QuestionKind.LONG_TEXT: _l("Long text"),
    QuestionKind.NUMBER: _l("Number"),
    QuestionKind.SINGLE_CHOICE: _l("Single choice"),
    QuestionKind.MULTIPLE_CHOICE: _l("Multiple choice"),
    QuestionKind.YES_NO: _l("Yes or no"),
    QuestionKind.URL: _l("Web address (URL)"),
    QuestionKind.DATE: _l("Date"),
    QuestionKind.COUNTRY: _l("Country"),
    QuestionKind.FILE: _l("File"),
}
F = TypeVar("F", bound=BaseForm)
WRONG_CHOICE = _l("Choose one of the options listed.")


def _at_most(n: int) -> Length:
    return Length(max=n, message=_l("Keep this to at most %(max)d characters.", max=n))


# The editor ------------------------------------------------------------------------------------------

class QuestionEditorForm(BaseForm):
    """A question's shared settings. An area's setup form extends it with its own fields (its
    limits, who sees the answers) and names the kinds its questions allow: the others are not
    offered, and a kind sent anyway is refused next to the field."""

    label = StringField(_l("Question"), [InputRequired(_l("Write the question.")), _at_most(LABEL_MAX)])
    help_text = TextAreaField(_l("Help text (optional)"), [Optional(), _at_most(HELP_TEXT_MAX)])
    kind = SelectField(_l("Kind of answer"), invalid_choice_message=WRONG_CHOICE)
    required = BooleanField(_l("An answer is required"))
    options = TextAreaField(_l("Options, one per line"), [Optional(), _at_most(OPTIONS_MAX)])
    label_translations = TranslationsField(_l("Question in the event's other languages"), max_length=LABEL_MAX)
    help_text_translations = TranslationsField(_l("Help text in the event's other languages"), multiline=True,
                                               max_length=HELP_TEXT_MAX)
    options_translations = TranslationsField(_l("Options in the event's other languages, one per line"),
                                             multiline=True, max_length=OPTIONS_MAX)

    def __init__(self, *args, kinds: Sequence[QuestionKind], default_kind: QuestionKind | None = None,
                 obj=None, **kwargs) -> None:
        kwargs.setdefault("kind", (default_kind or kinds[0]).value)
        super().__init__(*args, obj=obj, **kwargs)
        self.kind.choices = [SelectChoice(kind.value, KIND_LABELS[kind]) for kind in kinds]
        if obj is not None and not self.is_submitted():
            self.options.data = "\n".join(obj.options or [])

    def values(self) -> dict[str, Any]:
        """What the area's save operation takes for the shared settings, as typed."""
        return {"label": self.label.data, "help_text": self.help_text.data or "", "kind": self.kind.data,
                "required": self.required.data, "options": (self.options.data or "").splitlines(),
                "translations": {"label": self.label_translations.data,
                                 "help_text": self.help_text_translations.data,
                                 "options": self.options_translations.data}}


# Answer fields -----------------------------------------------------------------------------------------

YES_NO = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]


def _option_choices(question: StoredQuestion) -> list[SelectChoice]:
    """The options in the reader's language; the value is the option's main text, which answers store."""
    return [SelectChoice(option, label) for option, label in question.tr_options()]


def answer_field(question: StoredQuestion) -> UnboundField:
    """The field asking ``question``. It carries what was typed, whatever it is: the answer is
    checked by the domain (core.questions.clean_answers), so every form refuses bad input with
    the same message. Only a web address is checked here too, as every URL field of the site is."""
    kind, label = question.kind, question.tr("label")
    if kind == QuestionKind.LONG_TEXT:
        return TextAreaField(label)
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.YES_NO):
        choices = YES_NO if kind == QuestionKind.YES_NO else _option_choices(question)
        return RadioField(label, choices=choices, validate_choice=False)
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return SelectMultipleField(label, choices=_option_choices(question), validate_choice=False)
    if kind == QuestionKind.URL:
        return WebAddressField(label)
    if kind == QuestionKind.DATE:
        return StringField(label, render_kw={"type": "date"})
    if kind == QuestionKind.NUMBER:
        # Text with a decimal keypad: a number input would refuse "3,5", which the domain accepts.
        return StringField(label, render_kw={"inputmode": "decimal"})
    if kind == QuestionKind.FILE:
        return FileField(label)
    if kind == QuestionKind.COUNTRY:
        return SelectField(label, choices=country_choices(gettext("Choose a country")), validate_choice=False)
    return StringField(label)


def with_answer_fields(form_class: type[F], fields: Iterable[tuple[str, StoredQuestion]], **attributes: Any) -> type[F]:
    """A subclass of ``form_class`` with a field per (name, question), labelled with the question,
    and ``attributes`` (e.g. the list of question fields the form's ``values`` reads)."""
    namespace = dict(attributes)
    namespace.update({name: answer_field(question) for name, question in fields})
    return cast(type[F], type(form_class.__name__, (form_class,), namespace))


def shown_answer(value: object) -> object:
    """A stored answer as its field shows it: yes or no as the radio button's value."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value


def mark_required(form: BaseForm, fields: Iterable[tuple[str, StoredQuestion]]) -> None:
    """Flag the fields of required questions, so they are shown as such (an answer may still be
    left open where the area allows it, in a draft)."""
    for name, question in fields:
        form[name].flags.required = question.required
