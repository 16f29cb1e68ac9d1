"""The forms of mail to groups: choosing the audience (a GET form), and writing the mail with
the audience's filters. They carry what was chosen; the rules are the domain's."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    Form,
    HiddenField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length

from conference.cfp.enums import SubmissionState
from conference.core import bounds
from conference.events.enums import TeamRole
from conference.group_mail.sending import AUDIENCES
from conference.i18n import format_date
from conference.mail.text import SUBJECT_MAX
from conference.registration.enums import AttendanceMode, RegistrationState
from conference.web.common import BaseForm
from conference.web.fields import CheckboxesField

BODY_MAX = 20_000

SUBMISSION_STATES = {
    SubmissionState.DRAFT: _l("Draft"),
    SubmissionState.SUBMITTED: _l("Submitted"),
    SubmissionState.ACCEPTED: _l("Accepted"),
    SubmissionState.REJECTED: _l("Rejected"),
    SubmissionState.CONFIRMED: _l("Confirmed"),
    SubmissionState.WITHDRAWN: _l("Withdrawn"),
}
REGISTRATION_STATES = {
    RegistrationState.PENDING: _l("Pending approval"),
    RegistrationState.CONFIRMED: _l("Confirmed"),
    RegistrationState.WAITLISTED: _l("Waiting list"),
    RegistrationState.OFFERED: _l("Offered a place"),
    RegistrationState.REJECTED: _l("Rejected"),
    RegistrationState.CANCELLED: _l("Cancelled"),
}
MODES = {AttendanceMode.IN_PERSON: _l("In person"), AttendanceMode.ONLINE: _l("Online")}
ROLES = {TeamRole.ORGANISER: _l("Organisers"), TeamRole.TRACK_CHAIR: _l("Track chairs"),
         TeamRole.REVIEWER: _l("Reviewers"), TeamRole.DESK: _l("Check-in desk")}
AUDIENCE_HINTS = {
    "authors": _l("Every author of the submissions chosen, co-authors included."),
    "reviewers": _l("Reviewers with an assigned review not submitted yet."),
    "registrants": _l("People who registered, by form, category, state and attendance."),
    "speakers": _l("Speakers of items scheduled in the programme."),
    "team": _l("Organisers, track chairs, reviewers and check-in desk staff."),
}

# Each audience's filter fields: form field -> the domain's filter name.
FILTER_FIELDS = {
    "authors": {"author_states": "states", "author_track_ids": "track_ids", "author_type_ids": "type_ids"},
    "reviewers": {"reviewer_track_ids": "track_ids"},
    "registrants": {"registrant_form_ids": "form_ids", "registrant_category_ids": "category_ids",
                    "registrant_states": "states", "registrant_modes": "modes"},
    "speakers": {"speaker_track_ids": "track_ids", "speaker_days": "days"},
    "team": {"team_roles": "roles"},
}


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(key.value, label) for key, label in labels.items()]


class AudienceForm(Form):
    """Who receives the mail, read from the query string."""

    audience = RadioField(_l("Who receives the mail?"), choices=[SelectChoice(k, v) for k, v in AUDIENCES.items()],
                          validate_choice=False)

    def chosen(self) -> str | None:
        return self.audience.data if self.audience.data in AUDIENCES else None


class GroupMailForm(BaseForm):
    audience = HiddenField()
    author_states = CheckboxesField(_l("Submissions in these states"), choices=_choices(SUBMISSION_STATES))
    author_track_ids = CheckboxesField(_l("In these tracks"))
    author_type_ids = CheckboxesField(_l("Of these types"))
    reviewer_track_ids = CheckboxesField(_l("Missing reviews of submissions in these tracks"))
    registrant_form_ids = CheckboxesField(_l("Registered through these forms"))
    registrant_category_ids = CheckboxesField(_l("In these categories"))
    registrant_states = CheckboxesField(_l("Registrations in these states"), choices=_choices(REGISTRATION_STATES),
                                        default=[s.value for s in (
                                            RegistrationState.PENDING, RegistrationState.CONFIRMED,
                                            RegistrationState.OFFERED, RegistrationState.WAITLISTED)])
    registrant_modes = CheckboxesField(_l("Attending"), choices=_choices(MODES))
    speaker_track_ids = CheckboxesField(_l("Speaking in these tracks"))
    speaker_days = CheckboxesField(_l("Speaking on these days"))
    team_roles = CheckboxesField(_l("Holding these roles"), choices=_choices(ROLES))
    # Both typed by the organiser (the form starts empty); spaces alone are not a subject.
    subject = StringField(_l("Subject"), [
        DataRequired(_l("Write the subject of the mail.")),
        Length(max=SUBJECT_MAX, message=_l("Keep the subject to at most %(max)d characters.", max=SUBJECT_MAX))])
    body = TextAreaField(_l("Message"), [
        DataRequired(_l("Write the message.")),
        Length(max=BODY_MAX, message=_l("Keep the message to at most %(max)d characters.", max=BODY_MAX))],
        render_kw={"rows": 16})
    announcement = BooleanField(_l("Send as an announcement"), default=True)
    hold = BooleanField(_l("Hold the messages for review in the outbox instead of sending them now"))

    def __init__(self, *args, tracks=(), types=(), forms=(), categories=(), days=(), **kwargs):
        super().__init__(*args, **kwargs)
        track_choices = [SelectChoice(str(t.id), t.tr("name")) for t in tracks]
        for f in (self.author_track_ids, self.reviewer_track_ids, self.speaker_track_ids):
            f.choices = track_choices
        self.author_type_ids.choices = [SelectChoice(str(t.id), t.tr("name")) for t in types]
        self.registrant_form_ids.choices = [SelectChoice(str(f.id), f.tr("title")) for f in forms]
        several = len(forms) > 1
        titles = {f.id: f.tr("title") for f in forms}
        self.registrant_category_ids.choices = [
            SelectChoice(str(c.id), f"{c.tr('name')} ({titles.get(c.form_id, '')})" if several else c.tr("name"))
            for c in categories]
        self.speaker_days.choices = [SelectChoice(day.isoformat(), format_date(day, "full")) for day in days]

    def filter_fields(self, audience: str) -> list:
        return [self[name] for name in FILTER_FIELDS.get(audience, {})]

    def filters(self, audience: str) -> dict[str, list]:
        """The chosen filters of ``audience``, as the domain takes them."""
        return {key: list(self[name].data or []) for name, key in FILTER_FIELDS.get(audience, {}).items()}

    def values(self, audience: str) -> dict:
        """The mail and its choices, as group_mail.preview and send take them."""
        return {"audience": audience, "filters": self.filters(audience), "subject": self.subject.data,
                "body": self.body.data, "announcement": self.announcement.data, "hold": self.hold.data}


def event_days(event) -> list[dt.date]:
    return bounds.event_days(event.start_date, event.end_date)
