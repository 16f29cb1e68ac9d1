"""The outbox page's form: which held messages to send or discard."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


def _id_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class HeldMailForm(FlaskForm):
    message_ids = SelectMultipleField(_l("Held messages"), coerce=_id_or_none, validate_choice=False,
                                      widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())

    def chosen(self) -> list[int]:
        return [i for i in self.message_ids.data or [] if i is not None]
