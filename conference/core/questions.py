"""Custom questions: checking and normalising the answers people give."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from conference.core.enums import QuestionKind
from conference.core.links import check_web_address
from conference.core.timezones import countries
from conference.errors import DomainError

SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 10000
CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)


def is_empty(value) -> bool:
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


def clean_answer(question, raw, *, field: str):
    """Return the value to store for ``raw`` (None when unanswered), or raise DomainError.

    Whether an answer is required is checked when the submission is submitted, not here:
    a draft may leave questions open.
    """
    kind = question.kind
    if kind == QuestionKind.FILE:
        raise ValueError("file answers are stored through domain.submissions.attach_file")
    if kind == QuestionKind.MULTIPLE_CHOICE:
        if isinstance(raw, str):
            raw = [raw]  # one box ticked arrives as a plain value
        values = [v for v in (raw or []) if not is_empty(v)]
        unknown = [v for v in values if v not in question.options]
        if unknown:
            raise DomainError(_("Choose among the options given."), field=field)
        return [option for option in question.options if option in values] or None
    if kind == QuestionKind.YES_NO:
        if isinstance(raw, str):
            raw = raw.strip().lower()
        if raw in (True, "yes", "y", "true", "1"):
            return True
        if raw in (False, "no", "n", "false", "0"):
            return False
        if is_empty(raw):
            return None
        raise DomainError(_("Answer yes or no."), field=field)
    if is_empty(raw):
        return None
    text = str(raw).strip()
    if kind == QuestionKind.SHORT_TEXT:
        if len(text) > SHORT_TEXT_MAX or "\n" in text:
            raise DomainError(_("Keep this to one line of at most %(n)d characters.", n=SHORT_TEXT_MAX), field=field)
        return text
    if kind == QuestionKind.LONG_TEXT:
        if len(text) > LONG_TEXT_MAX:
            raise DomainError(_("Keep this under %(n)d characters.", n=LONG_TEXT_MAX), field=field)
        return text
    if kind == QuestionKind.NUMBER:
        try:
            if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text):
                text = text.replace(",", "")  # thousands separators: 1,000 or 12,500.5
            elif "." not in text:
                text = text.replace(",", ".")  # a decimal comma, common outside English
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise DomainError(_("Enter a number, e.g. 12 or 3.5."), field=field)
        return format(number.normalize(), "f")
    if kind == QuestionKind.SINGLE_CHOICE:
        if text not in question.options:
            raise DomainError(_("Choose one of the options given."), field=field)
        return text
    if kind == QuestionKind.URL:
        return check_web_address(text, field=field)
    if kind == QuestionKind.COUNTRY:
        code = text.upper()
        if code not in {c for c, _name in countries()}:
            raise DomainError(_("Choose a country from the list."), field=field)
        return code
    if kind == QuestionKind.DATE:
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise DomainError(_("Enter a date as YYYY-MM-DD, e.g. 2027-03-16."), field=field) from None
    raise ValueError(f"unknown question kind {kind}")


def check_question_setup(*, kind: QuestionKind, options: list[str]) -> list[str]:
    """Choice questions need at least two distinct options; other kinds take none."""
    cleaned = []
    for option in options:
        option = option.strip()
        if option and option not in cleaned:
            cleaned.append(option)
    if kind in CHOICE_KINDS:
        if len(cleaned) < 2:
            raise DomainError(_("Give at least two options, one per line."), field="options")
        return cleaned
    return []


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
