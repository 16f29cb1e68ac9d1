"""Forms of the participants' side: registering (built per form, with a field ``q_<id>`` per
question so the domain's errors land next to it), changing one's answers, switching mode.
They carry what was typed; the rules are the domain's (domain.registration)."""

from __future__ import annotations

from typing import BinaryIO, ClassVar

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)

from conference.core.enums import QuestionKind
from conference.registration.enums import AttendanceMode
from conference.web.common import BaseForm
from conference.web.questions import mark_required, shown_answer, with_answer_fields

MODE_LABELS = {AttendanceMode.IN_PERSON: _l("In person"), AttendanceMode.ONLINE: _l("Online")}


class _AnswersForm(BaseForm):
    """A form with question fields: (question, field name) in ``question_fields``."""

    question_fields: ClassVar[list] = []

    def answers(self) -> dict:
        return {q.id: self[name].data for q, name in self.question_fields if q.kind != QuestionKind.FILE}

    def uploads(self) -> dict[int, tuple[str, BinaryIO]]:
        return {q.id: (self[name].data.filename or "file", self[name].data.stream)
                for q, name in self.question_fields if q.kind == QuestionKind.FILE and self[name].data}


class RegisterForm(_AnswersForm):
    name = StringField(_l("Name"))
    email = EmailField(_l("Email address"))
    affiliation = StringField(_l("Affiliation (optional)"))
    category_id = RadioField(_l("Category"), validate_choice=False)
    mode = RadioField(_l("How you attend"), validate_choice=False)
    # Shown when the event has organisations; the domain checks the choice is one of them.
    organisation_id = SelectField(_l("Organisation (optional)"), validate_choice=False)
    privacy_consent = BooleanField()
    listed = BooleanField(_l("List my name and affiliation in the participant list"))
    agenda_updates = BooleanField(_l("Mail me a summary when the agenda changes"))


class AnswersForm(_AnswersForm):
    name = StringField(_l("Name"))
    affiliation = StringField(_l("Affiliation (optional)"))
    listed = BooleanField(_l("List my name and affiliation in the participant list"))


class SwitchForm(BaseForm):
    mode = RadioField(_l("Attend instead"), validate_choice=False)


class ResendLinkForm(BaseForm):
    email = HiddenField()


class SendLinkForm(BaseForm):
    """ResendLinkForm with the address typed (it posts to the same view)."""

    email = EmailField(_l("Email address"))


class AgendaUpdatesForm(BaseForm):
    agenda_updates = BooleanField(_l("Mail me a summary when the agenda changes"))


class ButtonForm(BaseForm):
    """A button that only carries the CSRF token."""


def _add_questions(cls, questions):
    fields = [(q, f"q_{q.id}") for q in questions]
    return with_answer_fields(cls, [(name, q) for q, name in fields], question_fields=fields)


def build_register_form(*, questions, categories, modes, consent_label: str, organisations=(), **data) -> RegisterForm:
    """The registration form of one registration form: its questions, the categories offered,
    the attendance modes (shown only when there is a choice) and the event's organisations
    (blank: none)."""
    form = _add_questions(RegisterForm, questions)(data=data)
    form.category_id.choices = [SelectChoice(str(c.id), c.tr("name")) for c in categories]
    form.organisation_id.choices = [SelectChoice("", _l("None: I do not come for an organisation"))] + [
        SelectChoice(str(o.id), o.label) for o in organisations]
    form.mode.choices = [SelectChoice(m.value, MODE_LABELS[m]) for m in modes]
    form.privacy_consent.label.text = consent_label
    for name in ["name", "email", "category_id", "privacy_consent"] + (["mode"] if len(modes) > 1 else []):
        form[name].flags.required = True
    mark_required(form, [(name, question) for question, name in form.question_fields])
    return form


def build_answers_form(registration, *, questions, formdata=None) -> AnswersForm:
    data = {"name": registration.name, "affiliation": registration.affiliation, "listed": registration.listed}
    for question in questions:
        value = registration.answers.get(str(question.id))
        if question.kind != QuestionKind.FILE and value is not None:
            data[f"q_{question.id}"] = shown_answer(value)
    kwargs = {} if formdata is None else {"formdata": formdata}
    form = _add_questions(AnswersForm, questions)(data=data, **kwargs)
    form.name.flags.required = True
    for question, name in form.question_fields:
        # A file already given stays unless replaced: the field is required only without one.
        given = question.kind == QuestionKind.FILE and registration.answers.get(str(question.id))
        form[name].flags.required = question.required and not given
    return form


def build_switch_form(registration, modes, **kwargs) -> SwitchForm:
    form = SwitchForm(**kwargs)
    form.mode.choices = [SelectChoice(m.value, MODE_LABELS[m]) for m in modes if m != registration.mode]
    if not form.is_submitted() and form.mode.choices:
        form.mode.data = form.mode.choices[0].value
    return form
