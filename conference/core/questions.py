"""The custom-question engine: the organisers' own questions on the call for papers, the
registration forms and the review form all go through it.

Each area keeps its own table (with its own limits: types and tracks, categories, who sees the
answers) built on :class:`QuestionColumns`, and declares there which kinds of answer it allows.
This module checks a question as organisers set it up (:func:`check_question_setup`) and the
answers people give (:func:`clean_answers`, one cleaner per kind), so the same input gets the
same message on every form."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Protocol, TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column

from conference.core.enums import QuestionKind
from conference.core.links import check_web_address
from conference.core.timezones import countries
from conference.core.translations import Translatable, TranslationsOf, clean_translations, current_language
from conference.core.types import enum_type
from conference.errors import DomainError, ValidationFailed

LABEL_MAX = 300
HELP_TEXT_MAX = 2000
OPTIONS_MAX = 5000  # all the options of a question, one per line
SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 10000
ALL_KINDS = tuple(QuestionKind)
CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)


class AskedQuestion(Protocol):
    """What cleaning an answer needs to know of a question."""

    @property
    def kind(self) -> QuestionKind: ...

    @property
    def options(self) -> list: ...


class StoredQuestion(AskedQuestion, Protocol):
    """A question as its area stores it: what cleaning a form's answers needs."""

    @property
    def id(self) -> int: ...

    @property
    def label(self) -> str: ...

    @property
    def required(self) -> bool: ...

    def tr(self, field: str, language: str | None = None) -> str: ...

    def tr_options(self, language: str | None = None) -> list[tuple[str, str]]: ...


# The columns every question table has -------------------------------------------------------------

class QuestionColumns(Translatable):
    """The columns of a custom question, mixed into each area's question model, with the CHECK
    constraint of its kind. ``allowed_kinds`` is the one place an area says which kinds of answer
    its questions may take: the editor offers those, and the setup check refuses the others.

    Its label, help text and options may be translated into the event's other languages; an
    option's translations are one line per option, in the options' order, and an answer always
    stores the option's main text (``tr_options`` gives the ones to show)."""

    TRANSLATED = ("label", "help_text", "options")
    label_translations = TranslationsOf("label")
    help_text_translations = TranslationsOf("help_text")
    options_translations = TranslationsOf("options")

    allowed_kinds: ClassVar[tuple[QuestionKind, ...]] = ALL_KINDS

    kind: Mapped[QuestionKind] = mapped_column(enum_type(QuestionKind))
    label: Mapped[str] = mapped_column(sa.String(LABEL_MAX))
    help_text: Mapped[str] = mapped_column(sa.Text, default="")
    required: Mapped[bool] = mapped_column(default=False)
    options: Mapped[list] = mapped_column(sa.JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)

    @classmethod
    def check_setup(cls, *, label: str, kind: QuestionKind | str, help_text: str = "", required: bool = False,
                    options: Iterable[str] = (), answered_as: QuestionKind | None = None,
                    errors: Mapping[str, str] | None = None,
                    translations: Mapping[str, Mapping[str, str]] | None = None,
                    languages: Sequence[str] = ()) -> QuestionSetup:
        """:func:`check_question_setup` with the kinds this table allows."""
        return check_question_setup(cls.allowed_kinds, label=label, kind=kind, help_text=help_text,
                                    required=required, options=options, answered_as=answered_as, errors=errors,
                                    translations=translations, languages=languages)

    def tr_options(self, language: str | None = None) -> list[tuple[str, str]]:
        """Each option as (its stored text, its text in ``language``, by default the viewer's): an
        option not translated shows its main text."""
        language = language or current_language()
        given = ((self.translations or {}).get("options") or {}).get(language or "") or ""
        shown = given.splitlines()
        return [(option, (shown[i].strip() if i < len(shown) else "") or option)
                for i, option in enumerate(self.options or ())]

    def set_up(self, setup: QuestionSetup) -> None:
        self.label, self.kind, self.help_text = setup.label, setup.kind, setup.help_text
        self.required, self.options = setup.required, list(setup.options)
        self.label_translations = setup.translations.get("label", {})
        self.help_text_translations = setup.translations.get("help_text", {})
        self.options_translations = setup.translations.get("options", {})


# Setting a question up ---------------------------------------------------------------------------

@dataclass(frozen=True)
class QuestionSetup:
    """A question's shared settings, checked and normalised, ready to store."""

    label: str
    kind: QuestionKind
    help_text: str
    required: bool
    options: tuple[str, ...]
    # {"label": {language: text}, "help_text": {...}, "options": {language: one option per line}}
    translations: dict[str, dict[str, str]] = field(default_factory=dict)


def _kind_among(kind: QuestionKind | str, kinds: Collection[QuestionKind]) -> QuestionKind | None:
    try:
        chosen = QuestionKind(kind)
    except ValueError:
        return None
    return chosen if chosen in kinds else None


def _distinct_options(options: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for option in options:
        option = str(option).strip()
        if option and option not in cleaned:
            cleaned.append(option)
    return cleaned


def check_question_setup(kinds: Collection[QuestionKind], *, label: str, kind: QuestionKind | str,
                         help_text: str = "", required: bool = False, options: Iterable[str] = (),
                         answered_as: QuestionKind | None = None,
                         errors: Mapping[str, str] | None = None,
                         translations: Mapping[str, Mapping[str, str]] | None = None,
                         languages: Sequence[str] = ()) -> QuestionSetup:
    """A question as organisers set it up, checked: a label of one line, a kind among ``kinds``
    (and, once answered, the kind it was answered as: ``answered_as``), help text within its limit,
    and for a choice at least two distinct options (other kinds keep none); the label, help text
    and options translated into ``languages`` (the event's other languages) within the same limits.

    Raises ValidationFailed naming every field that is wrong, together with ``errors``: what the
    area found wrong in its own fields (its limits, whom the question is asked of)."""
    problems = dict(errors or {})
    label = " ".join((label or "").split())
    if not label:
        problems["label"] = _("Write the question.")
    elif len(label) > LABEL_MAX:
        problems["label"] = _("Keep the question under %(n)d characters.", n=LABEL_MAX)
    chosen = _kind_among(kind, kinds)
    if chosen is None:
        problems.setdefault("kind", _("Choose one of the options listed."))
    elif answered_as is not None and chosen != answered_as:
        problems.setdefault("kind", _("This question already has answers; its kind cannot change."))
    help_text = (help_text or "").strip()
    if len(help_text) > HELP_TEXT_MAX:
        problems["help_text"] = _("Keep the help text under %(n)d characters.", n=HELP_TEXT_MAX)
    cleaned = _distinct_options(options or ()) if chosen in CHOICE_KINDS else []
    if chosen in CHOICE_KINDS and len(cleaned) < 2:
        problems["options"] = _("Give at least two options, one per line.")
    translated = _translations(translations or {}, languages, problems)
    if problems or chosen is None:
        raise ValidationFailed(problems)
    if chosen not in CHOICE_KINDS and translated:
        translated["options"] = dict.fromkeys(languages, "")
    return QuestionSetup(label=label, kind=chosen, help_text=help_text, required=bool(required),
                         options=tuple(cleaned), translations=translated)


def _translations(given: Mapping[str, Mapping[str, str]], languages: Sequence[str],
                  problems: dict[str, str]) -> dict[str, dict[str, str]]:
    """The label's, help text's and options' translations, cleaned; a problem is added under
    ``<name>_translations``. Options keep one per line, in the options' order."""
    if not languages:
        return {}
    limits = {"label": (LABEL_MAX, True), "help_text": (HELP_TEXT_MAX, False), "options": (OPTIONS_MAX, False)}
    cleaned: dict[str, dict[str, str]] = {}
    for name, (limit, one_line) in limits.items():
        try:
            cleaned[name] = clean_translations(dict(given.get(name) or {}), field=f"{name}_translations",
                                               languages=languages, max_length=limit, one_line=one_line)
        except DomainError as refused:
            problems[f"{name}_translations"] = refused.message
    cleaned["options"] = {code: "\n".join(line.strip() for line in text.splitlines())
                          for code, text in cleaned.get("options", {}).items()}
    return cleaned


# Cleaning answers: one cleaner per kind ---------------------------------------------------------------

def is_empty(value) -> bool:
    return value is None or value in ("", []) or (isinstance(value, str) and not value.strip())


Q = TypeVar("Q", bound=StoredQuestion)
Cleaner = Callable[[AskedQuestion, Any, str], object]


def _typed(clean: Callable[[AskedQuestion, str, str], object]) -> Cleaner:
    """A cleaner of typed text: nothing typed is no answer; what is typed is stripped first."""
    def cleaner(question: AskedQuestion, raw: Any, field: str) -> object:
        if is_empty(raw):
            return None
        return clean(question, str(raw).strip(), field)
    return cleaner


@_typed
def _short_text(question: AskedQuestion, text: str, field: str) -> str:
    if len(text) > SHORT_TEXT_MAX or "\n" in text:
        raise DomainError(_("Keep this to one line of at most %(n)d characters.", n=SHORT_TEXT_MAX), field=field)
    return text


@_typed
def _long_text(question: AskedQuestion, text: str, field: str) -> str:
    if len(text) > LONG_TEXT_MAX:
        raise DomainError(_("Keep this under %(n)d characters.", n=LONG_TEXT_MAX), field=field)
    return text


@_typed
def _number(question: AskedQuestion, text: str, field: str) -> str:
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")  # thousands separators: 1,000 or 12,500.5
    elif "." not in text:
        text = text.replace(",", ".")  # a decimal comma, common outside English
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise DomainError(_("Enter a number, e.g. 12 or 3.5."), field=field)
    return format(number.normalize(), "f")


@_typed
def _single_choice(question: AskedQuestion, text: str, field: str) -> str:
    if text not in question.options:
        raise DomainError(_("Choose one of the options given."), field=field)
    return text


def _multiple_choice(question: AskedQuestion, raw: Any, field: str) -> list | None:
    if isinstance(raw, str):
        raw = [raw]  # one box ticked arrives as a plain value
    values = [v for v in (raw or []) if not is_empty(v)]
    if any(v not in question.options for v in values):
        raise DomainError(_("Choose among the options given."), field=field)
    return [option for option in question.options if option in values] or None


YES = (True, "yes", "y", "true", "1")
NO = (False, "no", "n", "false", "0")


def _yes_no(question: AskedQuestion, raw: Any, field: str) -> bool | None:
    if isinstance(raw, str):
        raw = raw.strip().lower()
    if raw in YES:
        return True
    if raw in NO:
        return False
    if is_empty(raw):
        return None
    raise DomainError(_("Answer yes or no."), field=field)


@_typed
def _url(question: AskedQuestion, text: str, field: str) -> str:
    return check_web_address(text, field=field)


@_typed
def _country(question: AskedQuestion, text: str, field: str) -> str:
    code = text.upper()
    if code not in {c for c, _name in countries()}:
        raise DomainError(_("Choose a country from the list."), field=field)
    return code


@_typed
def _date(question: AskedQuestion, text: str, field: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise DomainError(_("Enter a date as YYYY-MM-DD, e.g. 2027-03-16."), field=field) from None


def _file(question: AskedQuestion, raw: Any, field: str) -> dict | None:
    """A file is stored by the area's upload (cfp.submissions.attach_file, registration's
    answer_files), which hands over what it stored; a file is never typed."""
    if is_empty(raw) or raw == {}:
        return None
    if isinstance(raw, Mapping):
        return dict(raw)
    raise ValueError("file answers are stored through the area's upload (e.g. cfp.submissions.attach_file)")


CLEANERS: dict[QuestionKind, Cleaner] = {
    QuestionKind.SHORT_TEXT: _short_text,
    QuestionKind.LONG_TEXT: _long_text,
    QuestionKind.NUMBER: _number,
    QuestionKind.SINGLE_CHOICE: _single_choice,
    QuestionKind.MULTIPLE_CHOICE: _multiple_choice,
    QuestionKind.YES_NO: _yes_no,
    QuestionKind.URL: _url,
    QuestionKind.DATE: _date,
    QuestionKind.COUNTRY: _country,
    QuestionKind.FILE: _file,
}


def clean_answer(question: AskedQuestion, raw: Any, *, field: str) -> object:
    """Return the value to store for ``raw`` (None when unanswered), or raise DomainError naming
    ``field``. Whether an answer is required is :func:`clean_answers`' concern."""
    return CLEANERS[question.kind](question, raw, field)


def clean_answers(questions: Iterable[Q], raw: Mapping[Any, Any], *, field_of: Callable[[Q], str],
                  errors: dict[str, str], complete: bool = True, missing: str | None = None) -> dict[int, object]:
    """Each question's answer in ``raw`` (keyed by the question's id, as a number or as text),
    cleaned: None where it is unanswered. A refused answer puts its message in ``errors`` under
    the question's field, ``field_of(question)``; so does a required question left unanswered
    when the answers must be ``complete`` (message: ``missing``, else "Answer this question.").
    A draft, which may leave questions open, is not complete."""
    cleaned: dict[int, object] = {}
    for question in questions:
        field = field_of(question)
        try:
            value = clean_answer(question, raw.get(question.id, raw.get(str(question.id))), field=field)
        except DomainError as error:
            errors[field] = error.message
            continue
        if value is None and complete and question.required:
            errors[field] = missing or _("Answer this question.")
            continue
        cleaned[question.id] = value
    return cleaned


def answer_text(value) -> str:
    """An answer as plain text: yes/no, a list joined, a number or text as stored."""
    if value is None:
        return ""
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)
