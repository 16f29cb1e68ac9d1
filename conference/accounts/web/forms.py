import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from conference.accounts.users import MIN_PASSWORD_LENGTH
from conference.core.keywords import MAX_KEYWORDS, parse_keywords
from conference.i18n import language_choices
from conference.web.common import BaseForm, TimezoneField, country_choices


class KeywordsField(StringField):
    """Keywords typed separated by commas; its data is the list of keywords."""

    raw_text = None

    def _value(self):
        if self.raw_text is not None:  # what was typed comes back as typed
            return self.raw_text
        if isinstance(self.data, list | tuple):
            return ", ".join(self.data)
        return super()._value()

    def process_formdata(self, valuelist):
        self.raw_text = valuelist[0] if valuelist else ""
        self.data = parse_keywords(self.raw_text)

    def pre_validate(self, form):
        typed = {" ".join(part.split()).casefold() for part in re.split(r"[,;\n]", self.raw_text or "")} - {""}
        if len(typed) > MAX_KEYWORDS:
            raise ValidationError(_l("List at most %(max)d keywords.", max=MAX_KEYWORDS))


def _new_password_validators() -> list:
    """A new password's checks (fresh validators for each field that asks for one)."""
    return [
        DataRequired(_l("Choose a password.")),
        Length(min=MIN_PASSWORD_LENGTH, max=128, message=_l("Use between %(min)d and %(max)d characters.")),
    ]


def _repeat_validators(password_field: str) -> list:
    """The repeated password: given, and equal to ``password_field``."""
    return [DataRequired(_l("Repeat the password.")), EqualTo(password_field, _l("The two passwords differ."))]


class SignupForm(BaseForm):
    name = StringField(_l("Full name"), validators=[DataRequired(_l("Enter your name.")), Length(max=200)])
    email = EmailField(_l("Email address"), validators=[DataRequired(_l("Enter your email address.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=_new_password_validators())
    confirm = PasswordField(_l("Repeat the password"), validators=_repeat_validators("password"))
    timezone = TimezoneField(_l("Your time zone"))
    invitation = HiddenField()


class LoginForm(BaseForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(_l("Enter your email address."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Keep me logged in on this device"))
    next = HiddenField()


class ResetRequestForm(BaseForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(_l("Enter your email address."))])


class ResetPasswordForm(BaseForm):
    password = PasswordField(_l("New password"), validators=_new_password_validators())
    confirm = PasswordField(_l("Repeat the new password"), validators=_repeat_validators("password"))


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
    new_password = PasswordField(_l("New password"), validators=_new_password_validators())
    confirm = PasswordField(_l("Repeat the new password"), validators=_repeat_validators("new_password"))


class ProfileForm(BaseForm):
    name = StringField(_l("Full name"), validators=[DataRequired(_l("Enter your name.")), Length(max=200)])
    affiliation = StringField(_l("Affiliation"), validators=[Optional(), Length(max=200)])
    country = SelectField(_l("Country"), validators=[Optional()])
    timezone = TimezoneField(_l("Time zone"))
    language = SelectField(_l("Language"), validators=[Optional()])
    bio = TextAreaField(_l("Short bio"), validators=[Optional(), Length(max=2000)])
    expertise = KeywordsField(_l("Expertise keywords"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices(str(_l("Not given")))
        self.language.choices = [SelectChoice("", str(_l("As my browser asks")))] + [
            SelectChoice(code, name) for code, name in language_choices()]


class DisableAccountForm(BaseForm):
    reason = TextAreaField(_l("Why is this account disabled?"),
                           validators=[DataRequired(_l("Say why the account is disabled.")), Length(max=500)])
    confirm = BooleanField(_l("Yes, disable this account and log it out everywhere"),
                           validators=[DataRequired(_l("Tick the box to confirm."))])


class EnableAccountForm(BaseForm):
    """Nothing to fill in: the button, and the CSRF token."""


class PrivacyNoticeForm(BaseForm):
    body = TextAreaField(_l("Privacy notice"), validators=[Optional(), Length(max=50_000)])
