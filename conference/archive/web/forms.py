"""The archive's forms: a record (or external resource), a withdrawal, a theme."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from conference.archive.enums import ALL_RIGHTS_RESERVED, LICENCES, RecordKind
from conference.archive.models import Theme
from conference.archive.records import RecordDetails
from conference.core.bounds import id_or_none
from conference.core.keywords import parse_keywords
from conference.events.models import Event
from conference.web.common import BaseForm
from conference.web.fields import IdCheckboxesField, TranslationsField, WebAddressField

KIND_CHOICES = [
    SelectChoice(RecordKind.PAPER.value, _l("Paper")),
    SelectChoice(RecordKind.REPORT.value, _l("Report")),
    SelectChoice(RecordKind.POSITION_PAPER.value, _l("Position paper")),
    SelectChoice(RecordKind.POLICY_BRIEF.value, _l("Policy brief")),
    SelectChoice(RecordKind.OTHER.value, _l("Other")),
]


def licence_choices() -> list[SelectChoice]:
    return [SelectChoice(code, _l("All rights reserved") if code == ALL_RIGHTS_RESERVED else code)
            for code in LICENCES]


def parse_authors(text: str) -> list[dict[str, str]]:
    """One author per line, in order: the name, then optionally a semicolon and the affiliation."""
    authors = []
    for line in (text or "").splitlines():
        name, _semicolon, affiliation = line.partition(";")
        if name.strip():
            authors.append({"name": name.strip(), "affiliation": affiliation.strip()})
    return authors


def authors_text(authors: list[dict[str, str]]) -> str:
    return "\n".join(f"{a['name']}; {a['affiliation']}" if a.get("affiliation") else a["name"] for a in authors)


def record_data(record) -> dict:
    """A record's values as the form shows them (lists as typed: an author per line, keywords by commas)."""
    return {"kind": record.kind.value, "title": record.title, "authors": authors_text(record.authors),
            "abstract": record.abstract, "keywords": ", ".join(record.keywords),
            "themes": [theme.id for theme in record.themes], "language": record.language, "licence": record.licence,
            "year": record.year, "published_on": record.published_on, "doi": record.doi or "", "url": record.url or "",
            "publisher": record.publisher, "event_id": record.event_id}


class RecordForm(BaseForm):
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES, default=RecordKind.PAPER.value)
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the title.")), Length(max=500)])
    authors = TextAreaField(_l("Authors"), validators=[DataRequired(_l("Give at least one author, one per line.")),
                                                       Length(max=20000)])
    abstract = TextAreaField(_l("Abstract"), validators=[Optional(), Length(max=50000)])
    keywords = StringField(_l("Keywords"), validators=[Optional(), Length(max=2000)])
    themes = IdCheckboxesField(_l("Themes"))
    language = StringField(_l("Language"), default="en",
                           validators=[DataRequired(_l("Give the language as a code such as en, fr or es.")),
                                       Length(max=16)])
    licence = SelectField(_l("Licence"), choices=licence_choices, default="CC-BY-4.0")
    year = IntegerField(_l("Year published"), validators=[InputRequired(_l("Give the year as four digits."))])
    published_on = DateField(_l("Date published"), validators=[Optional()])
    doi = StringField(_l("DOI"), validators=[Optional(), Length(max=300)])
    url = WebAddressField(_l("Web address"), validators=[Optional(), Length(max=2000)])
    publisher = StringField(_l("Source or publisher"), validators=[Optional(), Length(max=200)])
    event_id = SelectField(_l("Event"), coerce=id_or_none, validate_choice=False)
    file = FileField(_l("File (optional)"))

    def __init__(self, *args, events: list[Event], vocabulary: list[Theme], allow_no_event: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.events = {event.id: event for event in events}
        blank = [SelectChoice("", _l("None (a resource of the whole site)"))] if allow_no_event else []
        self.event_id.choices = blank + [SelectChoice(event.id, event.tr("title")) for event in events]
        self.themes.choices = [SelectChoice(theme.id, theme.tr("name")) for theme in vocabulary]

    def details(self) -> RecordDetails:
        """What was typed, for the domain (which checks it again)."""
        return RecordDetails(
            kind=RecordKind(self.kind.data) if self.kind.data in set(RecordKind) else RecordKind.OTHER,
            title=self.title.data or "", authors=parse_authors(self.authors.data), language=self.language.data or "",
            licence=self.licence.data or "", year=self.year.data or 0, abstract=self.abstract.data or "",
            keywords=parse_keywords(self.keywords.data or ""), doi=self.doi.data or "", url=self.url.data or "",
            publisher=self.publisher.data or "", published_on=self.published_on.data,
            theme_ids=self.themes.chosen(), event=self.events.get(self.event_id.data),
        )


class WithdrawForm(BaseForm):
    reason = TextAreaField(_l("Why it is withdrawn"),
                           validators=[DataRequired(_l("Say why the record is withdrawn: readers will see it.")),
                                       Length(max=2000)])


class ThemeForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the theme a name.")), Length(max=200)])
    name_translations = TranslationsField(_l("Name in the site's other languages"), max_length=200)


def page_labels() -> dict:
    """The labels the archive's pages show for kinds and licences (their context processor)."""
    return {"kind_labels": {choice.value: choice.label for choice in KIND_CHOICES},
            "licence_labels": {choice.value: choice.label for choice in licence_choices()}}
