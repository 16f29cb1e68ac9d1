from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    EmailField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from conference.events.enums import EventFormat, EventKind, SeriesFrequency, TeamRole
from conference.i18n import default_language, language_choices
from conference.web.common import BaseForm, TimezoneField
from conference.web.fields import CheckboxesField, TranslationsField

KIND_CHOICES = [
    SelectChoice(EventKind.CONFERENCE.value, _l("Conference")),
    SelectChoice(EventKind.SYMPOSIUM.value, _l("Symposium")),
]
FORMAT_CHOICES = [
    SelectChoice(EventFormat.IN_PERSON.value, _l("In person")),
    SelectChoice(EventFormat.VIRTUAL.value, _l("Virtual")),
    SelectChoice(EventFormat.HYBRID.value, _l("Hybrid")),
]
ROLE_CHOICES = [
    SelectChoice(TeamRole.ORGANISER.value, _l("Organiser")),
    SelectChoice(TeamRole.TRACK_CHAIR.value, _l("Track chair")),
    SelectChoice(TeamRole.REVIEWER.value, _l("Reviewer")),
    SelectChoice(TeamRole.DESK.value, _l("Check-in desk")),
]


def optional_id(value) -> int | None:
    """A chosen row's id; "" (none chosen) or anything else not a number is None."""
    text = str(value or "")
    return int(text) if text.isdigit() else None


class EventForm(BaseForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the event a title.")), Length(max=200)])
    slug = StringField(_l("Web address"),
                       validators=[DataRequired(_l("Choose the event's web address.")), Length(max=64)])
    kind = RadioField(_l("Kind of event"), choices=KIND_CHOICES, default=EventKind.SYMPOSIUM.value,
                      validators=[DataRequired(_l("Choose the kind of event."))])
    start_date = DateField(_l("First day"), validators=[DataRequired(_l("Give the first day as a date."))])
    end_date = DateField(_l("Last day"), validators=[DataRequired(_l("Give the last day as a date."))])
    timezone = TimezoneField(_l("Time zone of the event"))
    format = RadioField(_l("Format"), choices=FORMAT_CHOICES, default=EventFormat.HYBRID.value,
                        validators=[DataRequired(_l("Choose the format."))])
    venue = TextAreaField(_l("Venue"), validators=[Optional(), Length(max=2000)])
    online_details = TextAreaField(_l("Online details"), validators=[Optional(), Length(max=2000)])
    contact_email = EmailField(
        _l("Contact email"),
        validators=[DataRequired(_l("Give an address where participants can reach the organisers.")), Length(max=254)],
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=50000)])
    default_language = SelectField(_l("Default language"))
    languages = CheckboxesField(_l("Languages of the event's texts"))
    title_translations = TranslationsField(_l("Title in the event's other languages"), max_length=200)
    description_translations = TranslationsField(_l("Description in the event's other languages"),
                                                 multiline=True, max_length=50000)
    series_id = SelectField(_l("Series"), coerce=optional_id, validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_language.choices = [SelectChoice(code, name) for code, name in language_choices()]
        self.languages.choices = [SelectChoice(code, name) for code, name in language_choices()]
        if not self.default_language.data:  # a new event
            self.default_language.data = default_language()
        if not self.languages.data:
            self.languages.data = [self.default_language.data]


FREQUENCY_CHOICES = [
    SelectChoice(SeriesFrequency.YEARLY.value, _l("Every year")),
    SelectChoice(SeriesFrequency.EVERY_TWO_YEARS.value, _l("Every two years")),
    SelectChoice(SeriesFrequency.IRREGULAR.value, _l("From time to time")),
]

FREQUENCY_LABELS = {SeriesFrequency(choice.value): choice.label for choice in FREQUENCY_CHOICES}


def series_choices(field: SelectField, series: list) -> None:
    """Offer ``series`` (and none) in ``field``."""
    field.choices = [SelectChoice("", _l("None: a one-off event")),
                     *(SelectChoice(str(s.id), s.tr("name")) for s in series)]


class SeriesForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the series a name.")), Length(max=200)])
    name_translations = TranslationsField(_l("Name in the site's other languages"), max_length=200)
    slug = StringField(_l("Web address"),
                       validators=[DataRequired(_l("Choose the series' web address.")), Length(max=64)])
    frequency = RadioField(_l("How often"), choices=FREQUENCY_CHOICES, default=SeriesFrequency.YEARLY.value,
                           validators=[DataRequired(_l("Choose how often the series comes round."))])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=50000)])
    description_translations = TranslationsField(_l("Description in the site's other languages"),
                                                 multiline=True, max_length=50000)


class InviteForm(BaseForm):
    email = EmailField(_l("Email address"),
                       validators=[DataRequired(_l("Enter the email address to invite.")), Length(max=254)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=TeamRole.REVIEWER.value)
    message = TextAreaField(_l("Personal message (optional)"), validators=[Optional(), Length(max=2000)])


class CloneForm(BaseForm):
    source = SelectField(_l("Earlier event"), validators=[DataRequired(_l("Choose the event to start from."))])
    title = StringField(_l("Title of the new event"),
                        validators=[DataRequired(_l("Give the event a title.")), Length(max=200)])
    slug = StringField(_l("Web address"),
                       validators=[DataRequired(_l("Choose the event's web address.")), Length(max=64)])
    start_date = DateField(_l("First day"), validators=[DataRequired(_l("Give the first day as a date."))])
