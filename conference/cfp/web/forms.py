"""Forms of the author's side. The submission form is built per event, with a field for each
custom question (``q_<id>``, and ``q_<id>_a<author id>`` per author), so that the domain's
errors land next to the field they name. Rules live in the domain: these forms only carry
what was typed (they check nothing but the CSRF token)."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)

from conference.cfp.authoring import Upload
from conference.cfp.enums import QuestionTarget
from conference.cfp.languages import ABSTRACT_TRANSLATION_MAX, TITLE_MAX
from conference.core.enums import QuestionKind
from conference.core.translations import current_language
from conference.i18n import language_name
from conference.web.common import BaseForm
from conference.web.common import id_or_none as _id_or_none
from conference.web.fields import TranslationsField, show_languages
from conference.web.questions import mark_required, shown_answer, with_answer_fields


class _CarriedTranslations(TranslationsField):
    """Translations this form only carries: the domain holds them to their limits (check_texts),
    with the same message beside the same field, together with every other problem of the
    submission, where a refusal here would hide those until the next submit."""

    def pre_validate(self, form) -> None:
        return None


class SubmissionForm(BaseForm):
    language = SelectField(_l("Language of the submission"), validate_choice=False)
    title = StringField(_l("Title"))
    title_translations = _CarriedTranslations(_l("Title in the event's other languages"), max_length=TITLE_MAX)
    abstract = TextAreaField(_l("Abstract"))
    abstract_translations = _CarriedTranslations(_l("Abstract in the event's other languages"), multiline=True,
                                                 max_length=ABSTRACT_TRANSLATION_MAX)
    type_id = RadioField(_l("Submission type"), coerce=_id_or_none, validate_choice=False)
    track_id = SelectField(_l("Track"), coerce=_id_or_none, validate_choice=False)
    keywords = StringField(_l("Keywords"))
    paper = FileField(_l("Paper"))
    supplement = FileField(_l("Supplementary file (optional)"))
    access_code = StringField(_l("Late access code"))
    form_nonce = HiddenField()

    # Filled by build_submission_form: the question fields, as (question, author or None, field name).
    question_fields: list = []
    # Whether authors choose the language (the event has several): else the field is not shown.
    asks_language = False

    def content(self) -> dict:
        """What the domain's create_draft/update_submission take, as typed."""
        answers, author_answers = {}, {}
        for question, author, name in self.question_fields:
            if question.kind == QuestionKind.FILE or name.endswith("_self"):
                continue
            if author is None:
                answers[question.id] = self[name].data
            else:
                author_answers[(author.id, question.id)] = self[name].data
        content = {"title": self.title.data or "", "abstract": self.abstract.data or "", "type_id": self.type_id.data,
                   "track_id": self.track_id.data, "keywords": self.keywords.data or "", "answers": answers,
                   "title_translations": self.title_translations.data,
                   "abstract_translations": self.abstract_translations.data}
        if self.asks_language:
            content["language"] = self.language.data or ""
        if author_answers:
            content["author_answers"] = author_answers
        return content

    def own_answers(self) -> dict:
        """On the new-submission form: the submitter's answers to the per-author questions."""
        return {q.id: self[name].data for q, _a, name in self.question_fields if name.endswith("_self")}

    def uploads(self) -> dict[str, Upload]:
        names = ["paper", "supplement"] + [n for q, _a, n in self.question_fields if q.kind == QuestionKind.FILE]
        return {name: Upload(self[name].data.filename or "file", self[name].data.stream)
                for name in names if self[name].data}


def build_submission_form(*, questions, types, tracks, languages, track_required=False, submission=None,
                          **initial) -> SubmissionForm:
    """The submission form for this event: every question of the submission, and each
    per-author question once per author (once for "you" on a new submission); the language
    among ``languages`` (the event's, the default first) when there are several, and the title
    and abstract in the others."""
    fields = []
    for question in questions:
        if question.target == QuestionTarget.SUBMISSION:
            fields.append((question, None, f"q_{question.id}"))
        elif submission is None:
            fields.append((question, None, f"q_{question.id}_self"))
        else:
            fields.extend((question, author, f"q_{question.id}_a{author.id}") for author in submission.authors)

    named = [(name, question) for question, _author, name in fields]
    form_class = with_answer_fields(SubmissionForm, named, question_fields=fields)
    data = dict(initial)
    # A new submission is in the page's language if the event has it, else in its default.
    data["language"] = current_language() if current_language() in languages else languages[0]
    if submission is not None:
        data.update(title=submission.title, abstract=submission.abstract, type_id=submission.type_id,
                    track_id=submission.track_id, keywords=", ".join(submission.keywords or []),
                    language=submission.written_in, title_translations=submission.title_translations,
                    abstract_translations=submission.abstract_translations)
        for answer in submission.answers:
            suffix = f"_a{answer.author_id}" if answer.author_id else ""
            data[f"q_{answer.question_id}{suffix}"] = shown_answer(answer.value)
    form = form_class(data=data)
    # Marked "required" for the person filling it in; a draft may still leave them empty.
    required = ["title", "abstract", "type_id"] + ["track_id" if track_required and tracks else None]
    for name in filter(None, required):
        form[name].flags.required = True
    mark_required(form, named)
    _offer_languages(form, languages, data["language"])
    form.type_id.choices = [SelectChoice(t.id, t.tr("name")) for t in types]
    form.track_id.choices = [SelectChoice("", _l("No track chosen"))] + [SelectChoice(t.id, t.tr("name"))
                                                                         for t in tracks]
    return form


def _offer_languages(form: SubmissionForm, languages: list[str], own: str) -> None:
    """The languages to choose from (the submission's own too, should the event no longer have
    it), and the translation fields of the others than the one chosen (as sent, when it is one)."""
    offered = languages + ([own] if own not in languages else [])
    form.language.choices = [SelectChoice(code, language_name(code)) for code in offered]
    form.asks_language = len(offered) > 1
    chosen = form.language.data if form.language.data in offered else own
    show_languages(form, [code for code in languages if code != chosen])


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


class AuthorForm(BaseForm):
    name = StringField(_l("Name"))
    email = EmailField(_l("Email address"))
    affiliation = StringField(_l("Affiliation (optional)"))
    is_presenter = BooleanField(_l("Presents the work"))
    is_corresponding = BooleanField(_l("Corresponding author"))


class AuthorUpdateForm(BaseForm):
    name = StringField(_l("Name"))
    affiliation = StringField(_l("Affiliation (optional)"))
    is_presenter = BooleanField(_l("Presents the work"))
    is_corresponding = BooleanField(_l("Corresponding author"))


class WithdrawForm(BaseForm):
    reason = TextAreaField(_l("Reason (optional)"))


class AccessCodeForm(BaseForm):
    class Meta:
        csrf = False  # a GET form that only carries the code to the new-submission page

    access_code = StringField(_l("Access code"))
