"""Forms of the organisers' side of the call for papers. They carry what was typed, in the
types the domain takes; the rules are the domain's. Dates and times are typed as wall-clock
times in the event's time zone and handed to the domain as aware UTC datetimes."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    Form,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import ColorInput

from conference.cfp.enums import QuestionTarget, SubmissionState
from conference.cfp.models import Question
from conference.cfp.queries import SORT_KEYS, SubmissionFilter
from conference.cfp.setup import DESCRIPTION_MAX, INTRO_MAX, NAME_MAX
from conference.core.bounds import date_in_range
from conference.core.files import FORMATS
from conference.i18n import format_wall_clock
from conference.web.common import BaseForm, date_range_message
from conference.web.common import (
    id_or_none as _id_or_none,  # other forms modules import it from here
)
from conference.web.fields import CheckboxesField, IdCheckboxesField, TranslationsField
from conference.web.questions import WRONG_CHOICE, QuestionEditorForm

TARGET_LABELS = {
    QuestionTarget.SUBMISSION: _l("Each submission"),
    QuestionTarget.AUTHOR: _l("Each author of a submission"),
}
STATE_LABELS = {
    SubmissionState.DRAFT: _l("Draft"),
    SubmissionState.SUBMITTED: _l("Submitted"),
    SubmissionState.ACCEPTED: _l("Accepted"),
    SubmissionState.REJECTED: _l("Rejected"),
    SubmissionState.CONFIRMED: _l("Confirmed"),
    SubmissionState.WITHDRAWN: _l("Withdrawn"),
}
SORT_LABELS = {
    "code": _l("Code"), "title": _l("Title"), "submitted": _l("Submitted"), "state": _l("State"),
    "type": _l("Type"), "track": _l("Track"),
}


# Times in the event's zone ----------------------------------------------------------------------

def local_to_utc(local: dt.datetime, zone_name: str) -> dt.datetime:
    """The instant a wall-clock time names in ``zone_name``, in UTC.

    Raises ValueError, with a message for the person, for a time the clocks skip when summer
    time starts, or pass twice when it ends: a datetime-local input cannot say which is meant;
    and for a date outside the range the app accepts (conference.core.bounds), where the conversion
    could overflow.
    """
    if not date_in_range(local):
        raise ValueError(date_range_message())
    zone = zoneinfo.ZoneInfo(zone_name)
    local = local.replace(tzinfo=None, fold=0, second=0, microsecond=0)
    earlier = local.replace(tzinfo=zone, fold=0).astimezone(dt.UTC)
    later = local.replace(tzinfo=zone, fold=1).astimezone(dt.UTC)
    shown = format_wall_clock(local)
    if earlier.astimezone(zone).replace(tzinfo=None, fold=0) != local:
        raise ValueError(_("%(time)s does not exist in %(zone)s: the clocks skip that hour when summer time starts. "
                           "Choose a time outside it, e.g. one hour later.", time=shown, zone=zone_name))
    if earlier != later:
        raise ValueError(_("%(time)s happens twice in %(zone)s: the clocks go back that night when summer time ends. "
                           "Choose a time outside that hour.", time=shown, zone=zone_name))
    return earlier


class LocalDateTimeField(DateTimeLocalField):
    """A date and time typed in the form's zone. After validation ``utc`` holds the instant."""

    data: dt.datetime | None

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        super().__init__(label, validators, format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                         invalid_value_message=_l("Enter a date and time, e.g. 2027-03-16 at 17:00."), **kwargs)
        self.stored: dt.datetime | None = None
        self.utc: dt.datetime | None = None

    def show_in(self, zone_name: str, stored: dt.datetime | None) -> None:
        """Remember the ``stored`` instant, and show a stored (aware) value as wall-clock time."""
        self.stored = stored
        if self.data is not None and self.data.tzinfo is not None:
            self.data = self.data.astimezone(zoneinfo.ZoneInfo(zone_name)).replace(tzinfo=None, fold=0)

    def read_in(self, zone_name: str) -> None:
        self.utc = None
        if self.data is None:
            return
        if self.stored is not None and self.stored.astimezone(zoneinfo.ZoneInfo(zone_name)).replace(
                tzinfo=None, fold=0, second=0, microsecond=0) == self.data:
            # Unchanged: keep the exact instant, even one the clocks pass twice.
            self.utc = self.stored
            return
        try:
            self.utc = local_to_utc(self.data, zone_name)
        except ValueError as error:
            self.errors.append(str(error))


class ZonedForm(BaseForm):
    """A form whose LocalDateTimeFields are read and shown in ``zone`` (the event's)."""

    def __init__(self, *args, zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        obj = kwargs.get("obj")
        for each in self._zoned():
            each.show_in(zone, getattr(obj, each.name, None) if obj is not None else None)

    def _zoned(self):
        return [each for each in self if isinstance(each, LocalDateTimeField)]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for each in self._zoned():
            if not each.errors:
                each.read_in(self.zone)
                valid = valid and not each.errors
        return valid


DEFAULT_COLOUR = "#0b5cab"


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(str(key), label) for key, label in labels.items()]


def _at_most(n: int) -> Length:
    return Length(max=n, message=_l("Keep this to at most %(max)d characters.", max=n))


def _whole(label, message, *validators, **kwargs):
    return IntegerField(label, list(validators), invalid_value_message=message, **kwargs)


# The call ----------------------------------------------------------------------------------------

class CallForm(ZonedForm):
    opens_at = LocalDateTimeField(_l("Opens"), [InputRequired(_l("Give the date and time the call opens."))])
    deadline = LocalDateTimeField(_l("Deadline"), [InputRequired(_l("Give the deadline."))])
    edit_until = LocalDateTimeField(_l("Submitted work can be changed until (optional)"), [Optional()])
    intro = TextAreaField(_l("Introduction"), [Optional(), _at_most(INTRO_MAX)])
    intro_translations = TranslationsField(_l("Introduction in the event's other languages"), multiline=True,
                                           max_length=INTRO_MAX)
    track_required = BooleanField(_l("Authors must choose a track"))

    def values(self) -> dict:
        return {"opens_at": self.opens_at.utc, "deadline": self.deadline.utc, "edit_until": self.edit_until.utc,
                "intro": self.intro.data or "", "intro_translations": self.intro_translations.data,
                "track_required": self.track_required.data}


def _name_translations() -> TranslationsField:
    return TranslationsField(_l("Name in the event's other languages"), max_length=NAME_MAX)


def _description_translations() -> TranslationsField:
    return TranslationsField(_l("Description in the event's other languages"), multiline=True,
                             max_length=DESCRIPTION_MAX)


class SubmissionTypeForm(ZonedForm):
    name = StringField(_l("Name"), [InputRequired(_l("Give a name.")), _at_most(NAME_MAX)])
    name_translations = _name_translations()
    description = TextAreaField(_l("Description"), [Optional(), _at_most(DESCRIPTION_MAX)])
    description_translations = _description_translations()
    default_duration = _whole(_l("Default duration (minutes)"), _l("Enter a whole number of minutes, e.g. 20."),
                              InputRequired(_l("Give the duration in minutes.")), default=20)
    abstract_word_limit = _whole(_l("Abstract word limit (optional)"),
                                 _l("Enter a whole number of words, e.g. 300, or leave the field empty."), Optional())
    file_required = BooleanField(_l("Authors must upload a file"))
    accepted_file_types = CheckboxesField(_l("Accepted file types"), default=["pdf"],
                                          choices=[SelectChoice(key, fmt.label) for key, fmt in FORMATS.items()])
    max_file_size_mb = _whole(_l("Size limit (MB)"), _l("Enter a whole number of megabytes, e.g. 10."),
                              InputRequired(_l("Give the size limit in megabytes.")), default=10)
    max_pages = _whole(_l("Page limit of a PDF paper (optional)"),
                       _l("Enter a whole number of pages, e.g. 12, or leave the field empty."), Optional())
    deadline = LocalDateTimeField(_l("Deadline of this type (optional)"), [Optional()])

    def values(self) -> dict:
        return {"name": self.name.data, "description": self.description.data or "",
                "name_translations": self.name_translations.data,
                "description_translations": self.description_translations.data,
                "default_duration": self.default_duration.data, "abstract_word_limit": self.abstract_word_limit.data,
                "file_required": self.file_required.data, "accepted_file_types": self.accepted_file_types.chosen(),
                "max_file_size_mb": self.max_file_size_mb.data, "max_pages": self.max_pages.data,
                "deadline": self.deadline.utc}


class TrackForm(BaseForm):
    name = StringField(_l("Name"), [InputRequired(_l("Give a name.")), _at_most(NAME_MAX)])
    name_translations = _name_translations()
    description = TextAreaField(_l("Description"), [Optional(), _at_most(DESCRIPTION_MAX)])
    description_translations = _description_translations()
    colour_picker = StringField(_l("Colour"), widget=ColorInput())
    # For browsers without a colour picker, and for people who know the code they want.
    colour = StringField(_l("Colour code"), [Optional(), _at_most(20)])

    def __init__(self, *args, obj=None, **kwargs):
        self.original_colour = obj.colour if obj is not None else DEFAULT_COLOUR
        kwargs.setdefault("colour_picker", self.original_colour)
        kwargs.setdefault("colour", self.original_colour)
        super().__init__(*args, obj=obj, **kwargs)

    def values(self) -> dict:
        """A code typed (changed from the one shown) wins over the picker."""
        typed = (self.colour.data or "").strip()
        picked = (self.colour_picker.data or "").strip()
        changed = typed.lower() != self.original_colour.lower()
        return {"name": self.name.data, "description": self.description.data or "",
                "name_translations": self.name_translations.data,
                "description_translations": self.description_translations.data,
                "colour": typed if typed and (changed or not picked) else picked}


class QuestionForm(QuestionEditorForm):
    target = RadioField(_l("Asked of"), choices=_choices(TARGET_LABELS), default=QuestionTarget.SUBMISSION.value,
                        invalid_choice_message=WRONG_CHOICE)
    type_ids = IdCheckboxesField(_l("Only for these submission types"))
    track_ids = IdCheckboxesField(_l("Only for these tracks"))
    visible_to_reviewers = BooleanField(_l("Reviewers see the answers"), default=True)

    def __init__(self, *args, types, tracks, **kwargs):
        super().__init__(*args, kinds=Question.allowed_kinds, **kwargs)
        question = kwargs.get("obj")
        if question is not None and not self.is_submitted():
            self.type_ids.data = [t.id for t in question.types]
            self.track_ids.data = [t.id for t in question.tracks]
        self.type_ids.choices = [SelectChoice(t.id, t.tr("name")) for t in types]
        self.track_ids.choices = [SelectChoice(t.id, t.tr("name")) for t in tracks]

    def values(self) -> dict:
        return {**super().values(), "target": self.target.data, "type_ids": self.type_ids.chosen(),
                "track_ids": self.track_ids.chosen(), "visible_to_reviewers": self.visible_to_reviewers.data}


class AccessCodeForm(ZonedForm):
    code = StringField(_l("Code (optional)"), [Optional(), _at_most(40)])
    note = StringField(_l("Note (optional)"), [Optional(), _at_most(200)])
    valid_until = LocalDateTimeField(_l("Valid until (optional)"), [Optional()])
    max_uses = _whole(_l("Maximum number of uses (optional)"),
                      _l("Enter a whole number, e.g. 1, or leave the field empty for no limit."), Optional())
    type_ids = IdCheckboxesField(_l("Only for these submission types"))
    track_ids = IdCheckboxesField(_l("Only for these tracks"))

    def __init__(self, *args, types, tracks, **kwargs):
        super().__init__(*args, **kwargs)
        self.type_ids.choices = [SelectChoice(t.id, t.tr("name")) for t in types]
        self.track_ids.choices = [SelectChoice(t.id, t.tr("name")) for t in tracks]

    def values(self) -> dict:
        return {"code": self.code.data or "", "note": self.note.data or "", "valid_until": self.valid_until.utc,
                "max_uses": self.max_uses.data, "type_ids": self.type_ids.chosen(),
                "track_ids": self.track_ids.chosen()}


# The submissions list ------------------------------------------------------------------------------

class SubmissionFilterForm(Form):
    """The list's filters, read from the query string. Anything unknown means "any"."""

    state = SelectField(_l("State"), validate_choice=False)
    type_id = SelectField(_l("Type"), coerce=_id_or_none, validate_choice=False)
    track_id = SelectField(_l("Track"), coerce=_id_or_none, validate_choice=False)
    keyword = SelectField(_l("Keyword"), validate_choice=False)
    q = StringField(_l("Title or author contains"), [Optional(), _at_most(200)])
    sort = SelectField(_l("Sort by"), choices=_choices(SORT_LABELS), default="code", validate_choice=False)
    order = SelectField(_l("Order"), default="asc", validate_choice=False,
                        choices=[SelectChoice("asc", _l("Ascending")), SelectChoice("desc", _l("Descending"))])

    def __init__(self, formdata, *, types, tracks, keywords):
        super().__init__(formdata)
        self.state.choices = [SelectChoice("", _("Any state"))] + _choices(STATE_LABELS)
        self.type_id.choices = [SelectChoice("", _("Any type"))] + [SelectChoice(t.id, t.tr("name")) for t in types]
        self.track_id.choices = [SelectChoice("", _("Any track"))] + [SelectChoice(t.id, t.tr("name")) for t in tracks]
        self.keyword.choices = [SelectChoice("", _("Any keyword"))] + [SelectChoice(k, k) for k in keywords]

    def query(self, **overrides) -> dict:
        """The filters as query-string arguments (only these: nothing else typed in the URL passes)."""
        names = ("state", "type_id", "track_id", "keyword", "q", "sort", "order")
        values = {name: self[name].raw_data[0] for name in names if self[name].raw_data and self[name].raw_data[0]}
        values.update(overrides)
        return values

    def filters(self) -> SubmissionFilter:
        state = self.state.data if self.state.data in {s.value for s in SubmissionState} else None
        return SubmissionFilter(
            state=SubmissionState(state) if state else None, type_id=self.type_id.data, track_id=self.track_id.data,
            keyword=self.keyword.data or "", text=(self.q.data or "")[:200],
            sort=self.sort.data if self.sort.data in SORT_KEYS else "code", descending=self.order.data == "desc",
        )
