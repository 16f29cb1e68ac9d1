"""Forms of the organisers' delegation pages: the overview's filters (from the query string),
the focal point deadline, an organisation, a focal point, the CSV import and the copy from an
earlier event. They carry what was typed; the rules are the domain's (domain.delegations)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    Form,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import InputRequired, Length, Optional

from conference.cfp.web.manage_forms import (
    WRONG_CHOICE,
    LocalDateTimeField,
    ZonedForm,
    _id_or_none,
)
from conference.delegations.enums import OrganisationKind
from conference.registration.enums import AttendanceMode
from conference.registration.web.setup_forms import CSV_MAX_BYTES
from conference.web.common import BaseForm

KIND_LABELS = {
    OrganisationKind.MEMBER: _l("Member"),
    OrganisationKind.OBSERVER: _l("Observer"),
    OrganisationKind.PARTNER: _l("Partner"),
    OrganisationKind.OTHER: _l("Other"),
}


def _at_most(n: int) -> Length:
    return Length(max=n, message=_l("Keep this to at most %(max)d characters.", max=n))


class OverviewFilterForm(Form):
    """The overview's filters, read from the query string. Anything unknown means "any"."""

    kind = SelectField(_l("Kind"), validate_choice=False,
                       choices=[SelectChoice("", _l("Any kind"))] + [SelectChoice(k.value, v)
                                                                    for k, v in KIND_LABELS.items()])
    pending = BooleanField(_l("Only those with people pending"))
    full = BooleanField(_l("Only those with a full quota"))
    q = StringField(_l("Name or acronym contains"), [Optional()])

    def filters(self) -> dict:
        return {"kind": self.kind.data or None, "pending_only": bool(self.pending.data),
                "full_only": bool(self.full.data), "search": (self.q.data or "")[:200]}

    @property
    def active(self) -> bool:
        return any(self.filters().values())


class DeadlineForm(ZonedForm):
    deadline = LocalDateTimeField(_l("Focal points decide until (optional)"), [Optional()])


def _not_negative(_form, field):
    if field.data is not None and field.data < 0:  # None: empty, or not a number (already said)
        raise ValidationError(_l("A quota cannot be negative."))


def _quota(label):
    # The domain checks the number too; this keeps a word typed in the field with its message.
    return IntegerField(label, [Optional(), _not_negative],
                        invalid_value_message=_l("Enter a whole number, or leave it empty for no quota."))


class OrganisationForm(BaseForm):
    name = StringField(_l("Name"), [InputRequired(_l("Enter the organisation's name.")), _at_most(200)])
    acronym = StringField(_l("Acronym (optional)"), [Optional(), _at_most(40)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, v) for k, v in KIND_LABELS.items()],
                       default=OrganisationKind.MEMBER.value, invalid_choice_message=WRONG_CHOICE)
    country = StringField(_l("Country or region (optional)"), [Optional(), _at_most(100)])
    email_domains = StringField(_l("Email domains (optional)"), [Optional(), _at_most(2000)])
    quota_in_person = _quota(_l("Quota in person (optional)"))
    quota_online = _quota(_l("Quota online (optional)"))
    category_id = SelectField(_l("Category the delegates register in"), coerce=_id_or_none,
                              invalid_choice_message=WRONG_CHOICE)

    def __init__(self, *args, modes, categories, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = kwargs.get("obj")
        self.organisation = organisation
        if AttendanceMode.IN_PERSON not in modes:
            del self.quota_in_person
        if AttendanceMode.ONLINE not in modes:
            del self.quota_online
        several_forms = len({c.form_id for c in categories}) > 1
        self.category_id.choices = [SelectChoice("", _("None chosen: they choose, like anyone"))] + [
            SelectChoice(c.id, f"{c.form.tr('title')}: {c.tr('name')}" if several_forms else c.tr("name"))
            for c in categories]
        self._categories = {c.id: c for c in categories}
        if organisation is not None and not self.is_submitted():
            self.kind.data = organisation.kind.value
            self.email_domains.data = " ".join(organisation.email_domains or [])

    def _quota_value(self, name: str):
        if name in self:
            return self[name].data
        return getattr(self.organisation, name, None)  # a mode the event no longer has keeps its quota

    def values(self) -> dict:
        return {"name": self.name.data or "", "acronym": self.acronym.data or "", "kind": self.kind.data,
                "country": self.country.data or "", "email_domains": self.email_domains.data or "",
                "quota_in_person": self._quota_value("quota_in_person"),
                "quota_online": self._quota_value("quota_online"),
                "category": self._categories.get(self.category_id.data)}


class FocalPointForm(BaseForm):
    email = StringField(_l("Email address"), [InputRequired(_l("Give their email address.")), _at_most(254)])
    name = StringField(_l("Name (optional)"), [Optional(), _at_most(200)])

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "focal")
        super().__init__(*args, **kwargs)

    def values(self) -> dict:
        return {"email": self.email.data or "", "name": self.name.data or ""}


class ImportForm(BaseForm):
    file = FileField(_l("CSV file"))
    text = TextAreaField(_l("Or paste the CSV text"), [Optional(), _at_most(CSV_MAX_BYTES)])

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "import")
        super().__init__(*args, **kwargs)
        self.csv_text = ""

    def validate_file(self, field):
        if not field.data:
            return
        data = field.data.read(CSV_MAX_BYTES + 1)
        if len(data) > CSV_MAX_BYTES:
            raise ValidationError(_l("The file is larger than 1 MB; split it into smaller files."))
        try:
            self.csv_text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_l("The file is not in UTF-8. Save it as “CSV UTF-8” and upload it again.")) from None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not self.csv_text:
            self.csv_text = self.text.data or ""
            if not self.csv_text.strip():
                self.file.errors = list(self.file.errors) + [_("Choose a CSV file to upload, or paste its text.")]
                return False
        return valid


class CopyForm(BaseForm):
    source_event_id = SelectField(_l("Event to copy from"), coerce=_id_or_none,
                                  validators=[InputRequired(_l("Choose the event to copy from."))],
                                  invalid_choice_message=_l("Choose one of the events listed."))

    def __init__(self, *args, sources, **kwargs):
        kwargs.setdefault("prefix", "copy")
        super().__init__(*args, **kwargs)
        self.source_event_id.choices = [SelectChoice("", _("Choose an event"))] + [
            SelectChoice(event.id, _("%(event)s (%(num)d organisations)", event=event.tr("title"), num=count))
            for event, count in sources]
        self._sources = {event.id: event for event, _count in sources}

    def validate_source_event_id(self, field):
        if self.source() is None and not field.errors:
            raise ValidationError(_l("Choose one of the events listed."))

    def source(self):
        return self._sources.get(self.source_event_id.data)
