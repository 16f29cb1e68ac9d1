from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms.validators import InputRequired

from conference.web.common import BaseForm


class EraseForm(BaseForm):
    confirm = BooleanField(_l("I understand that this cannot be undone"),
                           [InputRequired(_l("Tick the box to confirm."))])
