"""The languages of the programme's texts.

A room's name and a session's title and description are written in the event's default language,
like the event's own texts; an item's title and abstract in the item's language, the one it is
given in (a talk's is its submission's; None: the event's default language). Each text may also
be given in the event's other languages (conference.core.translations), which pages show to the
readers of those languages.
"""

from __future__ import annotations

from flask_babel import gettext as _

from conference.agenda.models import AgendaItem
from conference.core.translations import clean_translations
from conference.errors import DomainError
from conference.events.models import Event


def translation_languages(event: Event, language: str | None = None) -> list[str]:
    """The languages a text of the programme may be given in besides its own: the event's
    languages but ``language``, the one it is written in (by default the event's default one)."""
    main = language or event.default_language
    return [code for code in event.languages or () if code != main]


def cleaned_translations(values: dict[str, str] | None, *, field: str, languages: list[str], max_length: int,
                         one_line: bool = False) -> dict[str, str] | None:
    """The translations of one text cleaned for storing (core.translations.clean_translations);
    None when none were given, so that a caller that does not offer them changes none."""
    if values is None:
        return None
    return clean_translations(values, field=field, languages=languages, max_length=max_length, one_line=one_line)


def item_language(event: Event, item: AgendaItem | None, language: str | None) -> str | None:
    """The language an item is given in, which its title and abstract are written in: a talk's
    stays its submission's; another item's is the one chosen among the event's languages (or
    the one it has, which the event may have stopped offering). None: the default language."""
    if item is not None and item.submission_id is not None:
        return item.language
    if not language or language == event.default_language:
        return None
    if language not in (event.languages or ()) and language != (item.language if item else None):
        raise DomainError(_("Choose one of the event's languages."), field="language")
    return language
