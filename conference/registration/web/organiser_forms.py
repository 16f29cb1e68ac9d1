"""Forms of the organisers' registration pages: the list's filters (from the query string),
decisions on one or many registrations, and the reconfirmation request."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    Form,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from conference.cfp.web.manage_forms import (
    LocalDateTimeField,
    ZonedForm,
    _id_or_none,
)
from conference.registration.enums import RegistrationState
from conference.registration.reconfirmation import MAX_REMINDER_HOURS
from conference.registration.web.participant_forms import MODE_LABELS
from conference.web.common import BaseForm
from conference.web.fields import IdCheckboxesField

STATE_LABELS = {
    RegistrationState.PENDING: _l("Pending approval"),
    RegistrationState.CONFIRMED: _l("Confirmed"),
    RegistrationState.WAITLISTED: _l("Waiting list"),
    RegistrationState.OFFERED: _l("Offered a place"),
    RegistrationState.REJECTED: _l("Rejected"),
    RegistrationState.CANCELLED: _l("Cancelled"),
}
ACTION_LABELS = {"approve": _l("Approve"), "reject": _l("Reject"), "cancel": _l("Cancel")}
FILTER_NAMES = ("form_id", "category_id", "state", "checked_in", "q")


def _message_field():
    return TextAreaField(_l("Message to include in the rejection mail (optional)"),
                         [Optional(), Length(max=5000, message=_l("Keep this to at most %(max)d characters.",
                                                                  max=5000))])


class RegistrationFilterForm(Form):
    """The list's filters, read from the query string. Anything unknown means "any"."""

    form_id = SelectField(_l("Form"), coerce=_id_or_none, validate_choice=False)
    category_id = SelectField(_l("Category"), coerce=_id_or_none, validate_choice=False)
    state = SelectField(_l("State"), validate_choice=False)
    checked_in = SelectField(_l("Checked in"), validate_choice=False)
    q = StringField(_l("Name, email or affiliation contains"), [Optional()])

    def __init__(self, formdata, *, forms, categories):
        super().__init__(formdata)
        several = len(forms) > 1
        self.form_id.choices = [SelectChoice("", _("Any form"))] + [SelectChoice(f.id, f.tr("title")) for f in forms]
        self.category_id.choices = [SelectChoice("", _("Any category"))] + [
            SelectChoice(c.id, f"{c.form.tr('title')}: {c.tr('name')}" if several else c.tr("name"))
            for c in categories]
        self.state.choices = [SelectChoice("", _("Any state"))] + [
            SelectChoice(state.value, label) for state, label in STATE_LABELS.items()]
        self.checked_in.choices = [SelectChoice("", _("Either")), SelectChoice("yes", _("Checked in")),
                                   SelectChoice("no", _("Not checked in"))]

    def filters(self) -> dict:
        state = self.state.data if self.state.data in {s.value for s in RegistrationState} else None
        return {"form_id": self.form_id.data, "category_id": self.category_id.data, "state": state,
                "checked_in": {"yes": True, "no": False}.get(self.checked_in.data),
                "search": (self.q.data or "")[:200]}

    def query(self) -> dict:
        """The filters as query-string arguments (only these)."""
        return {name: self[name].raw_data[0] for name in FILTER_NAMES if self[name].raw_data and self[name].raw_data[0]}


class BulkForm(BaseForm):
    registration_ids = SelectMultipleField(_l("Registrations"), coerce=_id_or_none, validate_choice=False)
    action = SelectField(_l("What to do with the selected registrations"),
                         choices=[SelectChoice(key, label) for key, label in ACTION_LABELS.items()],
                         invalid_choice_message=_l("Choose one of the options listed."))
    message = _message_field()

    def chosen(self) -> list[int]:
        return [value for value in self.registration_ids.data or [] if value is not None]


class ButtonForm(BaseForm):
    """A button that only carries the CSRF token."""


class RejectForm(BaseForm):
    message = _message_field()


class ReconfirmationForm(ZonedForm):
    by = LocalDateTimeField(_l("Reconfirm by"), [InputRequired(_l("Give the date and time by which to reconfirm."))])
    reminder_hours = IntegerField(
        _l("Send a reminder this many hours before (0: no reminder)"),
        [InputRequired(_l("Give the number of hours.")),
         NumberRange(min=0, max=MAX_REMINDER_HOURS,
                     message=_l("Enter a whole number of hours between 0 and %(max)s."))],
        default=48, invalid_value_message=_l("Enter a whole number of hours, e.g. 48."))
    modes = IdCheckboxesField(_l("Ask the participants who attend"), coerce=str)

    def __init__(self, *args, modes, **kwargs):
        """``modes``: the event's; with one, there is nothing to choose and the field goes."""
        super().__init__(*args, **kwargs)
        if len(modes) < 2:
            del self.modes
        else:
            self.modes.choices = [SelectChoice(m.value, MODE_LABELS[m]) for m in modes]

    def values(self) -> dict:
        return {"by": self.by.utc, "reminder_hours": self.reminder_hours.data,
                "modes": self.modes.chosen() if "modes" in self else None}
