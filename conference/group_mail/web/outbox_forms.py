"""The outbox pages' forms: the list's filters (from the query string), which held messages to
send or discard, a held message's edit, and buttons that only carry the CSRF token."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    Form,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from conference.mail.enums import MailState
from conference.mail.text import MESSAGE_TEXT_MAX as TEXT_MAX
from conference.mail.text import SUBJECT_MAX
from conference.web.common import BaseForm
from conference.web.common import id_or_none as _id_or_none

STATE_LABELS = {
    MailState.HELD: _l("Held"),
    MailState.QUEUED: _l("Queued"),
    MailState.SENDING: _l("Sending"),
    MailState.SENT: _l("Sent"),
    MailState.FAILED: _l("Failed"),
}
FILTER_NAMES = ("state", "template", "group", "q")


def _offered(field) -> set:
    return {choice.value for choice in field.choices if choice.value != ""}


class OutboxFilterForm(Form):
    """The list's filters, read from the query string. Anything unknown means "any"."""

    state = SelectField(_l("State"), validate_choice=False)
    template = SelectField(_l("Template"), validate_choice=False)
    group = SelectField(_l("Group mail"), coerce=_id_or_none, validate_choice=False)
    q = StringField(_l("Recipient's address or name contains"), [Optional(), Length(max=254)])

    def __init__(self, formdata, *, templates, group_mails):
        super().__init__(formdata)
        self.state.choices = [SelectChoice("", _("Any state"))] + [
            SelectChoice(state.value, label) for state, label in STATE_LABELS.items()]
        self.template.choices = [SelectChoice("", _("Any template"))] + [
            SelectChoice(key, label) for key, label in templates]
        self.group.choices = [SelectChoice("", _("Any message"))] + [
            SelectChoice(group.id, group.subject) for group in group_mails]

    def filters(self) -> dict:
        """The filters for ``outbox_review.messages_of``: values offered by the form only."""
        return {
            "state": MailState(self.state.data) if self.state.data in _offered(self.state) else None,
            "template": self.template.data if self.template.data in _offered(self.template) else None,
            "group_mail_id": self.group.data if self.group.data in _offered(self.group) else None,
            "search": (self.q.data or "").strip()[:254],
        }

    def query(self) -> dict:
        """The filters as query-string arguments (only these)."""
        return {name: self[name].raw_data[0] for name in FILTER_NAMES if self[name].raw_data and self[name].raw_data[0]}


class HeldMailForm(BaseForm):
    message_ids = SelectMultipleField(_l("Held messages"), coerce=_id_or_none, validate_choice=False,
                                      widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())

    def chosen(self) -> list[int]:
        return [i for i in self.message_ids.data or [] if i is not None]


class ButtonForm(BaseForm):
    """A button that only carries the CSRF token."""


class MessageForm(BaseForm):
    """A held message's subject and plain text (the HTML part is made from the text)."""

    subject = StringField(_l("Subject"), [
        InputRequired(_l("Write a subject.")),
        Length(max=SUBJECT_MAX, message=_l("Keep the subject to at most %(max)d characters.", max=SUBJECT_MAX)),
    ])
    body_text = TextAreaField(_l("Message"), [
        InputRequired(_l("Write the message.")),
        Length(max=TEXT_MAX, message=_l("Keep the message to at most %(max)d characters.", max=TEXT_MAX)),
    ], render_kw={"rows": 18})


class PersonForm(Form):
    """The person's page: whose messages (read from the query string)."""

    address = StringField(_l("Email address"), [InputRequired(_l("Write an email address.")), Length(max=254)])
