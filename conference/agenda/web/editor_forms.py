"""Forms of the programme editor. Times are typed as wall-clock times in the event's zone and
handed to the domain in UTC; the rules (days, clashes, versions) are the domain's."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from conference.agenda.enums import ItemKind, SessionKind
from conference.cfp.web.manage_forms import (
    LocalDateTimeField,
    ZonedForm,
    local_to_utc,
)
from conference.i18n import format_date, language_name
from conference.web.common import BaseForm, TimezoneField
from conference.web.common import id_or_none as _id_or_none
from conference.web.fields import IdCheckboxesField, TranslationsField, WebAddressField

SESSION_KIND_LABELS = {
    SessionKind.PLENARY: _l("Plenary"),
    SessionKind.PARALLEL: _l("Parallel session"),
    SessionKind.WORKSHOP: _l("Workshop"),
    SessionKind.POSTER: _l("Poster session"),
    SessionKind.BREAK: _l("Break"),
    SessionKind.SOCIAL: _l("Social event"),
}
LINK_KIND_LABELS = {
    "slides": _l("Slides"),
    "recording": _l("Recording"),
    "live_stream": _l("Live stream"),
    "other": _l("Other link"),
}
# How many links the item form offers (empty rows are dropped; save to add more than that).
LINK_ROWS = 3
ITEM_KIND_LABELS = {
    ItemKind.TALK: _l("Talk"),
    ItemKind.KEYNOTE: _l("Keynote"),
    ItemKind.PANEL: _l("Panel"),
    ItemKind.OPENING: _l("Opening"),
    ItemKind.OTHER: _l("Other"),
}


def _version(value):
    return _id_or_none(value)


def _options(pairs, blank=None) -> list[SelectChoice]:
    choices = [SelectChoice("", blank)] if blank is not None else []
    return choices + [SelectChoice(str(ident), label) for ident, label in pairs]


class RoomForm(BaseForm):
    name = StringField(_l("Name"), [InputRequired(_l("Give the room a name.")), Length(max=100)])
    name_translations = TranslationsField(_l("Name in the event's other languages"), max_length=100)
    capacity = IntegerField(_l("Capacity (seats)"), [Optional(), NumberRange(min=0)],
                            invalid_value_message=_l("Enter a whole number of seats, e.g. 120."))
    is_virtual = BooleanField(_l("Virtual room (online)"))
    join_link = WebAddressField(_l("Join link"), [Optional(), Length(max=500)])
    position = IntegerField(_l("Position in the grid"), [Optional()],
                            invalid_value_message=_l("Enter a whole number, e.g. 1 for the first column."))

    def values(self) -> dict:
        return {"name": self.name.data or "", "capacity": self.capacity.data, "is_virtual": self.is_virtual.data,
                "join_link": self.join_link.data or "", "position": self.position.data,
                "name_translations": self.name_translations.data}


AVAILABILITY_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})$")


class SpeakerForm(BaseForm):
    name = StringField(_l("Name"), [InputRequired(_l("Give the speaker's name.")), Length(max=200)])
    email = StringField(_l("Email"), [Optional(), Length(max=254)])
    affiliation = StringField(_l("Affiliation"), [Optional(), Length(max=200)])
    bio = TextAreaField(_l("Short biography"), [Optional(), Length(max=5000)])
    timezone = TimezoneField(_l("The speaker's time zone"))
    availability = TextAreaField(_l("Available (optional)"), [Optional()])

    def __init__(self, *args, zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.windows: list[tuple[dt.datetime, dt.datetime]] = []

    def validate_availability(self, field) -> None:
        self.windows = []
        for line in (field.data or "").splitlines():
            match = AVAILABILITY_LINE.match(line.strip())
            if not line.strip():
                continue
            if match is None:
                raise ValidationError(_("Write each window on its own line as date, start and end, "
                                        "e.g. 2030-03-16 09:00-12:00."))
            try:
                day = dt.date.fromisoformat(match[1])
                start, end = (dt.datetime.combine(day, dt.time.fromisoformat(t.zfill(5))) for t in match.group(2, 3))
            except ValueError as error:
                raise ValidationError(_("%(line)s is not a real date and time.", line=line.strip())) from error
            try:
                window = (local_to_utc(start, self.zone), local_to_utc(end, self.zone))
            except ValueError as error:
                raise ValidationError(str(error)) from error
            if window[1] <= window[0]:
                raise ValidationError(_("%(line)s ends before it starts.", line=line.strip()))
            self.windows.append(window)

    def values(self) -> dict:
        return {"name": self.name.data or "", "email": self.email.data or "",
                "affiliation": self.affiliation.data or "", "bio": self.bio.data or "",
                "timezone": self.timezone.data, "availability": self.windows}


def availability_text(speaker, zone) -> str:
    """A speaker's windows as the form shows them, in ``zone``."""
    lines = []
    for start, end in speaker.availability:
        s, e = (dt.datetime.fromisoformat(v).astimezone(zoneinfo.ZoneInfo(zone)) for v in (start, end))
        lines.append(f"{s:%Y-%m-%d %H:%M}-{e:%H:%M}")
    return "\n".join(lines)


class SessionForm(ZonedForm):
    title = StringField(_l("Title"), [InputRequired(_l("Give the session a title.")), Length(max=300)])
    title_translations = TranslationsField(_l("Title in the event's other languages"), max_length=300)
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, label) for k, label in SESSION_KIND_LABELS.items()],
                       default=SessionKind.PARALLEL.value)
    track_id = SelectField(_l("Track"), coerce=_id_or_none, validate_choice=False)
    room_id = SelectField(_l("Room"), coerce=_id_or_none, validate_choice=False)
    starts_at = LocalDateTimeField(_l("Starts"), [Optional()])
    ends_at = LocalDateTimeField(_l("Ends"), [Optional()])
    description = TextAreaField(_l("Description"), [Optional(), Length(max=20000)])
    description_translations = TranslationsField(_l("Description in the event's other languages"), multiline=True,
                                                 max_length=20000)
    chair_ids = IdCheckboxesField(_l("Chairs"))
    version = HiddenField(filters=[_version])

    def __init__(self, *args, rooms, tracks, speakers, **kwargs):
        super().__init__(*args, **kwargs)
        self.track_id.choices = _options(((t.id, t.name) for t in tracks), blank=_("No track"))
        self.room_id.choices = _options(((r.id, r.name) for r in rooms), blank=_("No room yet"))
        self.chair_ids.choices = _options((s.id, s.name) for s in speakers)
        if kwargs.get("obj") is not None and not self.is_submitted():
            self.chair_ids.data = [c.id for c in kwargs["obj"].chairs]

    def values(self) -> dict:
        return {"title": self.title.data or "", "kind": SessionKind(self.kind.data), "track_id": self.track_id.data,
                "room_id": self.room_id.data, "starts_at": self.starts_at.utc, "ends_at": self.ends_at.utc,
                "description": self.description.data or "", "chair_ids": self.chair_ids.chosen(),
                "expected_version": self.version.data, "title_translations": self.title_translations.data,
                "description_translations": self.description_translations.data}


class ItemForm(BaseForm):
    title = StringField(_l("Title"), [InputRequired(_l("Give the item a title.")), Length(max=300)])
    title_translations = TranslationsField(_l("Title in the event's other languages"), max_length=300)
    language = SelectField(_l("Language"), validate_choice=False)
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, label) for k, label in ITEM_KIND_LABELS.items()],
                       default=ItemKind.KEYNOTE.value)
    duration = IntegerField(_l("Duration (minutes)"), [InputRequired(_l("Give the duration in minutes.")),
                                                       NumberRange(min=1, max=24 * 60)], default=20,
                            invalid_value_message=_l("Enter the duration in whole minutes, e.g. 30."))
    speaker_ids = IdCheckboxesField(_l("Speakers"))
    abstract = TextAreaField(_l("Abstract"), [Optional(), Length(max=20000)])
    abstract_translations = TranslationsField(_l("Abstract in the event's other languages"), multiline=True,
                                              max_length=20000)
    subtitle = StringField(_l("Subtitle"), [Optional(), Length(max=300)])
    subtitle_translations = TranslationsField(_l("Subtitle in the event's other languages"), max_length=300)
    description = TextAreaField(_l("Description"), [Optional(), Length(max=20000)])
    description_translations = TranslationsField(_l("Description in the event's other languages"), multiline=True,
                                                 max_length=20000)
    version = HiddenField(filters=[_version])

    def __init__(self, *args, speakers, languages: list[str], **kwargs):
        """``languages``: those the item may be given in, the event's default first; fewer than
        two (one language, or a talk, given in its submission's) and the form does not ask."""
        obj = kwargs.get("obj")
        if obj is not None:
            kwargs.setdefault("duration", obj.duration_minutes)
        super().__init__(*args, **kwargs)
        self.speaker_ids.choices = _options((s.id, s.name) for s in speakers)
        if obj is not None and not self.is_submitted():
            self.speaker_ids.data = [link.speaker_id for link in obj.speaker_links]
        if obj is not None and not self.is_submitted():
            for n, link in enumerate((obj.links or [])[:LINK_ROWS], start=1):
                for part in ("kind", "title", "url"):
                    self[f"link_{n}_{part}"].data = link.get(part) or ""
        self.kept_language = obj.language if obj is not None else None
        if len(languages) < 2:
            del self.language
            return
        self.language.choices = [SelectChoice(code, language_name(code)) for code in languages]
        if not self.is_submitted():
            self.language.data = self.kept_language or languages[0]

    def values(self) -> dict:
        return {"title": self.title.data or "", "kind": ItemKind(self.kind.data), "duration": self.duration.data,
                "speaker_ids": self.speaker_ids.chosen(), "abstract": self.abstract.data or "",
                "expected_version": self.version.data,
                "language": self.language.data if "language" in self else self.kept_language,
                "title_translations": self.title_translations.data,
                "abstract_translations": self.abstract_translations.data,
                "subtitle": self.subtitle.data or "", "subtitle_translations": self.subtitle_translations.data,
                "description": self.description.data or "",
                "description_translations": self.description_translations.data, "links": self.links()}

    def link_rows(self) -> list[tuple]:
        """The (kind, title, address) fields of each link row, for the template."""
        return [tuple(self[f"link_{n}_{part}"] for part in ("kind", "title", "url"))
                for n in range(1, LINK_ROWS + 1)]

    def links(self) -> list[dict]:
        return [{"kind": kind.data, "title": title.data or "", "url": url.data or ""}
                for kind, title, url in self.link_rows()]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for _kind, title, url in self.link_rows():
            if (title.data or "").strip() and not (url.data or "").strip():
                url.errors = [*url.errors, _("Give the link's web address.")]
                valid = False
        return valid


for _n in range(1, LINK_ROWS + 1):
    setattr(ItemForm, f"link_{_n}_kind", SelectField(
        _l("Link %(number)s: what it leads to", number=_n), default="slides",
        choices=[SelectChoice(kind, label) for kind, label in LINK_KIND_LABELS.items()]))
    setattr(ItemForm, f"link_{_n}_title", StringField(_l("Link %(number)s: title", number=_n),
                                                      [Optional(), Length(max=200)]))
    setattr(ItemForm, f"link_{_n}_url", WebAddressField(_l("Link %(number)s: web address", number=_n),
                                                        [Optional(), Length(max=500)]))


class PlaceForm(ZonedForm):
    """Put an unscheduled item into a session: the keyboard way (and what drag and drop submits)."""

    session_id = SelectField(_l("Session"), [InputRequired(_l("Choose a session."))], coerce=_id_or_none,
                             validate_choice=False)
    starts_at = LocalDateTimeField(_l("Start (empty: after the session's last item)"), [Optional()])
    version = HiddenField(filters=[_version])

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        # With the day and time (in the event's zone): the editor shows one day, this list every day's.
        zone = zoneinfo.ZoneInfo(self.zone)
        self.session_id.choices = _options(
            ((s.id, f"{s.title} ({format_date(s.starts_at.astimezone(zone).date(), 'medium')}, "
                    f"{s.starts_at.astimezone(zone):%H:%M})") for s in sessions if s.starts_at is not None),
            blank=_("Choose a session"))


class MoveForm(ZonedForm):
    """Move or resize a session: the keyboard way, and what dragging a session onto a free slot
    of the grid, or its resize handle, fills in and submits. The "Longer"/"Shorter" buttons send
    ``resize`` (minutes added to the end typed in ``ends_at``)."""

    room_id = SelectField(_l("Room"), coerce=_id_or_none, validate_choice=False)
    starts_at = LocalDateTimeField(_l("Starts"), [InputRequired(_l("Give the new start."))])
    ends_at = LocalDateTimeField(_l("Ends"), [InputRequired(_l("Give the new end."))])
    resize = IntegerField(_l("Change of length (minutes)"), [Optional(), NumberRange(min=-24 * 60, max=24 * 60)],
                          invalid_value_message=_l("Use the Longer or Shorter button."))
    version = HiddenField(filters=[_version])

    def __init__(self, *args, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.room_id.choices = _options(((r.id, r.name) for r in rooms), blank=_("No room"))

    @property
    def new_end(self) -> dt.datetime | None:
        """The end typed, made longer or shorter by the button pressed."""
        if self.ends_at.utc is None or not self.resize.data:
            return self.ends_at.utc
        return self.ends_at.utc + dt.timedelta(minutes=self.resize.data)


class ReleaseForm(BaseForm):
    name = StringField(_l("Version name"), [InputRequired(_l("Give the version a name.")), Length(max=100)])
    comment = TextAreaField(_l("Public comment"), [Optional(), Length(max=5000)])
