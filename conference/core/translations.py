"""Texts that organisers and authors give in several languages.

A translatable model keeps each text in its usual column, written in the event's main language,
and its translations into the event's other languages in one JSON column of the same row,
``translations = {"title": {"fr": "...", "es": "..."}, ...}``: a page that loads the row has
every language of every text, with no query per language or per item. ``obj.tr("title")`` is the
text in the viewer's language (the page's, or the mail recipient's inside ``force_locale``),
else the main text. ``title_translations = TranslationsOf("title")`` on the model gives forms
and operations the translations of one text as a plain ``{language: text}`` dict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column

from conference.core.bounds import storable
from conference.errors import DomainError

# The languages the event numbered ``event_id`` offers, or None when unknown (set by the events
# area, which owns events; a look-up in the session's identity map, no query for a loaded event).
EVENT_LANGUAGES: list[Callable[[int], Sequence[str] | None]] = []


def current_language() -> str | None:
    """The language pages and mail are being written in (None outside a request or mail)."""
    locale = get_locale()
    return str(locale) if locale is not None else None


class Translatable:
    """A model some of whose texts may be given in the event's other languages as well."""

    # The names of the columns that may be translated; the first is the model's name or title.
    TRANSLATED: ClassVar[tuple[str, ...]] = ()

    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(
        sa.JSON, default=dict, server_default="{}", nullable=False
    )

    def tr(self, field: str, language: str | None = None) -> str:
        """``field`` in ``language`` (by default the viewer's) when it is given and the event still
        offers that language, else in the main language. A language the event stopped offering
        keeps its texts (nothing typed is lost), shown again if the language comes back."""
        language = language or current_language()
        given = ((self.translations or {}).get(field) or {}).get(language or "") if language else None
        if given and language not in self.offered_languages():
            given = None
        return given or getattr(self, field) or ""

    def offered_languages(self) -> Sequence[str]:
        """The languages of the event the row belongs to (all, when that is not known)."""
        event_id = getattr(self, "event_id", None)
        if event_id is None:
            return _EVERY_LANGUAGE
        for lookup in EVENT_LANGUAGES:
            found = lookup(event_id)
            if found is not None:
                return found
        return _EVERY_LANGUAGE

    def languages_of(self, field: str) -> list[str]:
        """The languages ``field`` is given in besides the main one."""
        return sorted((self.translations or {}).get(field) or {})


class _Everything(tuple):
    def __contains__(self, item) -> bool:
        return True


_EVERY_LANGUAGE: Sequence[str] = _Everything()


class TranslationsOf:
    """``title_translations = TranslationsOf("title")``: the translations of one column as a
    ``{language: text}`` dict, read and written as one attribute (forms fill their translation
    fields from it with ``obj=``; operations set it like any other attribute). Setting it keeps
    the translations into languages not given (a language the event no longer offers keeps its
    texts, should it be offered again) and drops the empty ones."""

    def __init__(self, field: str):
        self.field = field

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, obj, owner=None) -> Any:
        if obj is None:
            return self
        return dict((obj.translations or {}).get(self.field) or {})

    def __set__(self, obj, value: dict[str, str] | None) -> None:
        texts = {**((obj.translations or {}).get(self.field) or {}), **(value or {})}
        texts = {code: text for code, text in sorted(texts.items()) if text}
        everything = {name: given for name, given in (obj.translations or {}).items() if name != self.field}
        if texts:
            everything[self.field] = texts
        # A new dict, so that SQLAlchemy sees the change (a JSON column does not track mutation).
        obj.translations = everything


def translated(obj: Translatable, field: str) -> str:
    """The ``tr`` template filter, for lists: ``types|map('tr', 'name')`` gives each one's name in
    the reader's language."""
    return obj.tr(field)


def clean_translations(
    values: dict[str, str] | None,
    *,
    field: str,
    languages: Iterable[str],
    max_length: int,
    one_line: bool = False,
) -> dict[str, str]:
    """The translations of a text as they are stored: only into ``languages`` (the event's
    other languages), trimmed (a one-line text's spaces collapsed, as titles are), each within
    ``max_length``; a language left empty is given as "" so that setting it removes its old text.
    A text too long or unstorable is refused with its message next to ``field``."""
    wanted = list(languages)
    cleaned: dict[str, str] = {}
    for code in wanted:
        text = (values or {}).get(code) or ""
        text = " ".join(text.split()) if one_line else text.strip()
        if not storable(text):
            raise DomainError(_("This contains an invisible control character (NUL) that cannot be saved. "
                                "Delete it, or type the text again instead of pasting it."), field=field)
        if len(text) > max_length:
            raise DomainError(_("Each translation can have at most %(max)d characters.", max=max_length),
                              field=field)
        cleaned[code] = text
    return cleaned
