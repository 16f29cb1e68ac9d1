"""Forms of a focal point's delegation page: nominating a colleague, approving (or putting on the
delegation's waiting list), declining, replacing a delegate. They carry what was typed; the
rules (quota, one registration per person) are the domain's (domain.delegations).

The forms of one person's row take a prefix (``p<registration id>-``), so that several rows'
fields on the same page keep distinct names and ids."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from conference.web.common import BaseForm

_LONG = _l("Keep this to at most %(max)d characters.")


def _email_field(label):
    return EmailField(label, [InputRequired(_l("Enter the email address.")), Length(max=254, message=_LONG)])


def _name_field(label):
    return StringField(label, [Optional(), Length(max=200, message=_LONG)])


def _message_field(label):
    return TextAreaField(label, [Optional(), Length(max=5000, message=_l("Keep this to at most %(max)d characters.",
                                                                        max=5000))])


class NominateForm(BaseForm):
    email = _email_field(_l("Colleague's email address"))
    name = _name_field(_l("Colleague's name (optional)"))
    message = _message_field(_l("Message to include in the invitation (optional)"))


class ApproveForm(BaseForm):
    """Two buttons: approve; or approve, going to the delegation's waiting list when full."""

    waitlist_if_full = BooleanField()


class DeclineForm(BaseForm):
    message = _message_field(_l("Message to include in the mail (optional)"))


class SubstituteForm(BaseForm):
    email = _email_field(_l("Email address of the colleague who comes instead"))
    name = _name_field(_l("Their name (optional)"))
    message = _message_field(_l("Message to include in their invitation (optional)"))


class ButtonForm(BaseForm):
    """A button that only carries the CSRF token."""


def row_prefix(registration_id: int) -> str:
    return f"p{registration_id}-"
