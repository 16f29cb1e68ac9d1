from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField
from wtforms.validators import InputRequired

from conference.web.common import BaseForm


class EraseForm(BaseForm):
    confirm = BooleanField(_l("I understand that this cannot be undone"),
                           [InputRequired(_l("Tick the box to confirm."))])


class EraseOwnAccountForm(EraseForm):
    password = PasswordField(_l("Your password"), [InputRequired(_l("Enter your password."))])
