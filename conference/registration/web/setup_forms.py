"""Forms of the organisers' registration set-up. They carry what was typed, in the types the
domain takes; the rules are the domain's (domain.registration_setup). Dates are typed as
wall-clock times in the event's time zone (the call for papers' fields, with their check of
the hours summer time skips or repeats)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from conference.cfp.web.manage_forms import LocalDateTimeField, ZonedForm
from conference.registration.enums import AttendanceMode, ListVisibility
from conference.registration.models import RegistrationQuestion
from conference.registration.setup import DESCRIPTION_MAX, INTRO_MAX, NAME_MAX, TITLE_MAX
from conference.web.common import BaseForm
from conference.web.fields import IdCheckboxesField, TranslationsField
from conference.web.questions import WRONG_CHOICE, QuestionEditorForm

LIST_LABELS = {
    ListVisibility.HIDDEN: _l("Nobody: there is no participant list"),
    ListVisibility.PARTICIPANTS: _l("Confirmed participants and the event's team"),
    ListVisibility.PUBLIC: _l("Everyone (public)"),
}
MODE_LABELS = {AttendanceMode.IN_PERSON: _l("in person"), AttendanceMode.ONLINE: _l("online")}
CSV_MAX_BYTES = 1024 * 1024


def _at_most(n: int) -> Length:
    return Length(max=n, message=_l("Keep this to at most %(max)d characters.", max=n))


def _places(label):
    return IntegerField(label, [Optional(), NumberRange(min=0, message=_l("Enter 0 or more places."))],
                        invalid_value_message=_l("Enter a whole number of places, e.g. 120, or leave the field "
                                                 "empty for no limit."))


class _ModesForm(BaseForm):
    """A form with a capacity per mode: only the fields of the modes the event is attended in."""

    def __init__(self, *args, modes, **kwargs):
        super().__init__(*args, **kwargs)
        self.modes = modes
        if AttendanceMode.IN_PERSON not in modes:
            del self.capacity_in_person
        if AttendanceMode.ONLINE not in modes:
            del self.capacity_online

    def capacities(self) -> dict:
        return {name: self[name].data if name in self else None for name in ("capacity_in_person", "capacity_online")}


class SettingsForm(_ModesForm):
    capacity_in_person = _places(_l("Overall in-person capacity (optional)"))
    capacity_online = _places(_l("Overall online capacity (optional)"))
    offer_hold_hours = IntegerField(
        _l("Hours a place offered from the waiting list is held"),
        [InputRequired(_l("Give the number of hours, e.g. 48.")),
         NumberRange(min=1, max=720, message=_l("Hold an offered place for 1 to 720 hours (30 days)."))],
        default=48, invalid_value_message=_l("Enter a whole number of hours, e.g. 48."))
    participant_list = RadioField(_l("Who sees the participant list"), default=ListVisibility.HIDDEN.value,
                                  choices=[SelectChoice(k.value, v) for k, v in LIST_LABELS.items()],
                                  invalid_choice_message=WRONG_CHOICE)

    def values(self) -> dict:
        return {**self.capacities(), "offer_hold_hours": self.offer_hold_hours.data,
                "participant_list": self.participant_list.data}


class RegistrationFormForm(ZonedForm):
    title = StringField(_l("Title"), [InputRequired(_l("Give the form a title.")), _at_most(TITLE_MAX)])
    title_translations = TranslationsField(_l("Title in the event's other languages"), max_length=TITLE_MAX)
    intro = TextAreaField(_l("Introduction"), [Optional(), _at_most(INTRO_MAX)])
    intro_translations = TranslationsField(_l("Introduction in the event's other languages"), multiline=True,
                                           max_length=INTRO_MAX)
    opens_at = LocalDateTimeField(_l("Opens"), [InputRequired(_l("Give the date and time registration opens."))])
    closes_at = LocalDateTimeField(_l("Closes"), [InputRequired(_l("Give the date and time registration closes."))])
    modification_deadline = LocalDateTimeField(_l("Participants can change their answers until (optional)"),
                                               [Optional()])
    requires_account = BooleanField(_l("Participants need an account to register"))

    def values(self) -> dict:
        return {"title": self.title.data, "intro": self.intro.data or "", "opens_at": self.opens_at.utc,
                "closes_at": self.closes_at.utc, "modification_deadline": self.modification_deadline.utc,
                "requires_account": self.requires_account.data,
                "title_translations": self.title_translations.data,
                "intro_translations": self.intro_translations.data}


class CategoryForm(_ModesForm):
    name = StringField(_l("Name"), [InputRequired(_l("Give the category a name.")), _at_most(NAME_MAX)])
    name_translations = TranslationsField(_l("Name in the event's other languages"), max_length=NAME_MAX)
    description = TextAreaField(_l("Description (optional)"), [Optional(), _at_most(DESCRIPTION_MAX)])
    description_translations = TranslationsField(_l("Description in the event's other languages"), multiline=True,
                                                 max_length=DESCRIPTION_MAX)
    capacity_in_person = _places(_l("In-person places (optional)"))
    capacity_online = _places(_l("Online places (optional)"))
    requires_approval = BooleanField(_l("Registrations need an organiser's approval"))
    invitation_only = BooleanField(_l("By invitation only"))
    reconfirmation_exempt = BooleanField(_l("Exempt from reconfirmation"))

    def values(self) -> dict:
        return {"name": self.name.data, "description": self.description.data or "", **self.capacities(),
                "requires_approval": self.requires_approval.data, "invitation_only": self.invitation_only.data,
                "reconfirmation_exempt": self.reconfirmation_exempt.data,
                "name_translations": self.name_translations.data,
                "description_translations": self.description_translations.data}


class QuestionForm(QuestionEditorForm):
    category_ids = IdCheckboxesField(_l("Only for these categories"))
    sensitive = BooleanField(_l("Sensitive: the answers are deleted some days after the event"))

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, kinds=RegistrationQuestion.allowed_kinds, **kwargs)
        question = kwargs.get("obj")
        if question is not None and not self.is_submitted():
            self.category_ids.data = [c.id for c in question.categories]
        self.category_ids.choices = [SelectChoice(c.id, c.tr("name")) for c in categories]

    def values(self) -> dict:
        return {**super().values(), "category_ids": self.category_ids.chosen(), "sensitive": self.sensitive.data}


def _category_choices(forms) -> list[SelectChoice]:
    """Categories grouped under their form's title when there are several forms."""
    choices = [SelectChoice("", _l("Choose a category"))]
    for form in forms:
        for category in form.categories:
            label = f"{form.tr('title')}: {category.tr('name')}" if len(forms) > 1 else category.tr("name")
            choices.append(SelectChoice(str(category.id), label))
    return choices


class InviteForm(BaseForm):
    category = SelectField(_l("Category"), [InputRequired(_l("Choose the category they register in."))],
                           invalid_choice_message=_l("Choose a category from the list."))
    email = StringField(_l("Email address"), [InputRequired(_l("Give their email address.")), _at_most(254)])
    name = StringField(_l("Name (optional)"), [Optional(), _at_most(200)])
    skip_approval = BooleanField(_l("They need no approval"), default=True)
    message = TextAreaField(_l("Message (optional)"), [Optional(), _at_most(5000)])

    def __init__(self, *args, forms, **kwargs):
        kwargs.setdefault("prefix", "invite")
        super().__init__(*args, **kwargs)
        self.category.choices = _category_choices(forms)
        self._categories = {str(c.id): c for f in forms for c in f.categories}

    def values(self) -> dict:
        return {"category": self._categories.get(self.category.data), "email": self.email.data or "",
                "name": self.name.data or "", "skip_approval": self.skip_approval.data,
                "message": self.message.data or ""}


class InviteCsvForm(BaseForm):
    file = FileField(_l("CSV file"), [FileRequired(_l("Choose the CSV file to upload."))])
    skip_approval = BooleanField(_l("They need no approval"), default=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "csv")
        super().__init__(*args, **kwargs)
        self.text = ""

    def validate_file(self, field):
        data = field.data.read(CSV_MAX_BYTES + 1)
        if len(data) > CSV_MAX_BYTES:
            raise ValidationError(_l("The file is larger than 1 MB; split it into smaller files."))
        try:
            self.text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_l("The file is not in UTF-8. Save it as “CSV UTF-8” and upload it again.")) from None

    def values(self) -> dict:
        return {"text": self.text, "skip_approval": self.skip_approval.data}
