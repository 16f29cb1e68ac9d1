"""The language of a submission and its title and abstract in the event's other languages.

Authors write the title and abstract in one of the event's languages (the submission's own,
``Submission.language``) and may give them in the event's other languages as well. The
translations are held to the limits of the texts they translate: a title of one line and at
most TITLE_MAX characters, an abstract within its type's word limit."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _

from conference.cfp.models import Submission, SubmissionType
from conference.core.translations import clean_translations
from conference.errors import DomainError
from conference.events.models import Event
from conference.i18n import language_name

TITLE_MAX = 300
# The abstract has no limit of characters, only its type's of words; its translations have this
# one as well, as every text typed in a form has.
ABSTRACT_TRANSLATION_MAX = 50000


def event_languages(event: Event) -> list[str]:
    """The languages of the event's texts, its default language first."""
    return list(event.languages or ()) or [event.default_language]


def offered_languages(event: Event, submission: Submission | None = None) -> list[str]:
    """The languages an author may choose for ``submission``: the event's, and the submission's
    own should the event no longer offer it (its authors are not made to change it)."""
    offered = event_languages(event)
    if submission is not None and submission.language and submission.language not in offered:
        offered.append(submission.language)
    return offered


def word_count(text: str) -> int:
    return len(re.findall(r"\S+", text or ""))


@dataclass(frozen=True)
class Texts:
    """A submission's language and its title's and abstract's translations, checked; a
    translation left None is left as it is."""

    language: str
    titles: dict[str, str] | None
    abstracts: dict[str, str] | None

    def apply(self, submission: Submission) -> None:
        submission.language = self.language
        # Setting merges: translations into languages not given (no longer the event's, or the
        # submission's own) are kept.
        if self.titles is not None:
            submission.title_translations = self.titles
        if self.abstracts is not None:
            submission.abstract_translations = self.abstracts


def check_texts(submission: Submission, event: Event, *, language: str | None,
                title_translations: Mapping[str, str] | None, abstract_translations: Mapping[str, str] | None,
                type_: SubmissionType | None, errors: dict[str, str]) -> Texts:
    """The submission's language (``language``, else the one it has, else the event's default),
    which must be one the event offers; the translations into the event's other languages, each
    within its limits. Problems are added to ``errors`` by field."""
    chosen = language or submission.language or event.default_language
    if chosen not in offered_languages(event, submission):
        errors["language"] = _("Choose one of the event's languages.")
        chosen = submission.language or event.default_language
    others = [code for code in event_languages(event) if code != chosen]
    titles = _cleaned(title_translations, "title_translations", others, TITLE_MAX, errors, one_line=True)
    abstracts = _cleaned(abstract_translations, "abstract_translations", others, ABSTRACT_TRANSLATION_MAX, errors)
    limit = type_.abstract_word_limit if type_ is not None else None
    over = {code: word_count(text) for code, text in (abstracts or {}).items() if limit and word_count(text) > limit}
    if type_ is not None and over:
        code, n = next(iter(over.items()))
        errors["abstract_translations"] = _(
            "The abstract's translation (%(language)s) has %(n)d words; a %(type)s allows at most %(limit)d. "
            "Shorten it.", language=language_name(code), n=n, type=type_.tr("name"), limit=limit)
    return Texts(language=chosen, titles=titles, abstracts=abstracts)


def _cleaned(values: Mapping[str, str] | None, field: str, languages: list[str], max_length: int,
             errors: dict[str, str], *, one_line: bool = False) -> dict[str, str] | None:
    if values is None:
        return None
    try:
        return clean_translations(dict(values), field=field, languages=languages, max_length=max_length,
                                  one_line=one_line)
    except DomainError as error:
        errors[field] = error.message
        return None
