"""Forms of the check-in desk: the ticket code (typed, or sent by a handheld scanner that
types it and presses Enter) and the search by name."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from conference.registration.web.participant_forms import MODE_LABELS  # noqa: F401  (the check-in pages name modes the same way)
from conference.web.common import BaseForm


class CodeForm(BaseForm):
    code = StringField(_l("Ticket code"), [InputRequired(_l("Type or scan the code on the ticket.")),
                                           Length(max=500, message=_l("This is too long to be a ticket code."))],
                       render_kw={"autofocus": True, "autocomplete": "off", "autocapitalize": "off",
                                  "spellcheck": "false"})


class SearchForm(BaseForm):
    """Sent with GET: searching changes nothing, and the results can be reloaded."""

    class Meta:
        csrf = False

    q = StringField(_l("Name, email or affiliation"), [Length(max=200)])
