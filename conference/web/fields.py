"""Form fields shared by the areas' forms."""

from __future__ import annotations

from wtforms import StringField
from wtforms.validators import ValidationError
from wtforms.widgets import URLInput

from conference.core.links import is_web_address, web_address_message


class WebAddressField(StringField):
    """A web address someone types (a join link, a URL answer): only an absolute http or https
    address with a host passes, with the message next to the field and the text kept as typed.
    The domain operation that stores it checks again (``domain.links.check_web_address``)."""

    widget = URLInput()

    def pre_validate(self, form) -> None:
        typed = (self.data or "").strip()
        if typed and not is_web_address(typed):
            raise ValidationError(web_address_message())
