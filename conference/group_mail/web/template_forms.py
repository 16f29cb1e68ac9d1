"""Forms of the mail template editor: the subject and body an organiser writes for their event,
and the button that goes back to the default text."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from conference.mail.text import SUBJECT_MAX
from conference.mail.text import TEMPLATE_BODY_MAX as BODY_MAX
from conference.web.common import BaseForm


class TemplateForm(BaseForm):
    subject = StringField(_l("Subject"), [
        InputRequired(_l("Write a subject.")),
        Length(max=SUBJECT_MAX, message=_l("Keep the subject to at most %(max)d characters.", max=SUBJECT_MAX))])
    body = TextAreaField(_l("Message"), [
        InputRequired(_l("Write the message.")),
        Length(max=BODY_MAX, message=_l("Keep the message to %(max)d characters at most.", max=BODY_MAX))],
        render_kw={"rows": 18})

    def values(self) -> dict:
        return {"subject": self.subject.data or "", "body": self.body.data or ""}


class ResetTemplateForm(BaseForm):
    """The confirmation button that deletes the event's version (its CSRF token only)."""
