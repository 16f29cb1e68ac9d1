"""Forms of review setup, reviewing and the discussion. They carry what was typed, in the types
the domain takes; the rules (scales, required answers, deadlines) are the domain's."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FloatField,
    IntegerField,
    RadioField,
    SelectChoice,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from conference.cfp.enums import FileKind
from conference.cfp.web.manage_forms import LocalDateTimeField, ZonedForm
from conference.core.enums import QuestionKind
from conference.review.enums import BlindMode, OtherReviewsVisibility
from conference.review.models import ReviewQuestion
from conference.web.common import BaseForm
from conference.web.questions import QuestionEditorForm, mark_required, shown_answer, with_answer_fields

BLIND_LABELS = {
    BlindMode.OPEN: _l("Open: authors and reviewers see each other's names"),
    BlindMode.SINGLE_BLIND: _l("Single-blind: authors never learn who reviewed them"),
    BlindMode.DOUBLE_BLIND: _l("Double-blind: reviewers never learn who the authors are either"),
}
OTHER_REVIEWS_LABELS = {
    OtherReviewsVisibility.ALWAYS: _l("Always"),
    OtherReviewsVisibility.AFTER_OWN: _l("Once they have submitted their own review"),
    OtherReviewsVisibility.NEVER: _l("Never"),
}
CONFIDENCE_LABELS = {
    1: _l("1 – Not confident: an educated guess"),
    2: _l("2 – Somewhat unsure"),
    3: _l("3 – Fairly confident"),
    4: _l("4 – Confident"),
    5: _l("5 – Expert in the area"),
}
PROGRESS_LABELS = {"not_started": _l("Not started"), "draft": _l("Draft"), "submitted": _l("Submitted")}
WRONG_CHOICE = _l("Choose one of the options listed.")
LABEL_LINE = re.compile(r"^\s*(-?\d+)\s*[:=–-]\s*(.+?)\s*$")


def _at_most(n: int) -> Length:
    return Length(max=n, message=_l("Keep this to at most %(max)d characters.", max=n))


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(str(key), label) for key, label in labels.items()]


# Settings and the review form's setup ----------------------------------------------------------------

class SettingsForm(ZonedForm):
    blind_mode = RadioField(_l("Blindness"), choices=_choices(BLIND_LABELS), invalid_choice_message=WRONG_CHOICE)
    other_reviews = RadioField(_l("Reviewers see the other reviews of a submission"),
                               choices=_choices(OTHER_REVIEWS_LABELS), invalid_choice_message=WRONG_CHOICE)
    reviews_per_submission = IntegerField(
        _l("Reviews per submission"), [InputRequired(_l("Give the number of reviews each submission gets."))],
        invalid_value_message=_l("Enter a whole number, e.g. 3."))
    max_load = IntegerField(_l("Most reviews per reviewer (optional)"), [Optional()],
                            invalid_value_message=_l("Enter a whole number, e.g. 10, or leave the field empty."))
    bidding_open = BooleanField(_l("Bidding is open: reviewers say which submissions they want to review"))
    review_deadline = LocalDateTimeField(_l("Review deadline (optional)"), [Optional()])
    ask_confidence = BooleanField(_l("Ask reviewers how confident they are"))
    reviews_to_authors = BooleanField(_l("The decision mail carries the reviewers' comments to authors"))
    scores_to_authors = BooleanField(_l("… and their scores"))

    def values(self) -> dict:
        return {"blind_mode": self.blind_mode.data, "other_reviews": self.other_reviews.data,
                "reviews_per_submission": self.reviews_per_submission.data, "max_load": self.max_load.data,
                "bidding_open": self.bidding_open.data, "review_deadline": self.review_deadline.utc,
                "ask_confidence": self.ask_confidence.data, "reviews_to_authors": self.reviews_to_authors.data,
                "scores_to_authors": self.scores_to_authors.data}


class ScaleLabelsField(TextAreaField):
    """A scale's labels, one per line ("1: Poor"), from the stored {"1": "Poor"}: also when a
    submitted form leaves the field out (the stored value is then what the field holds)."""

    def process_data(self, value):
        if isinstance(value, dict):
            value = "\n".join(f"{point}: {text}" for point, text in value.items())
        super().process_data(value)


class CriterionForm(BaseForm):
    name = StringField(_l("Name"), [InputRequired(_l("Give a name.")), _at_most(100)])
    description = TextAreaField(_l("Description (optional)"), [Optional(), _at_most(2000)])
    scale_min = IntegerField(_l("Lowest score"), [InputRequired(_l("Give the lowest score."))], default=1,
                             invalid_value_message=_l("Enter a whole number, e.g. 1."))
    scale_max = IntegerField(_l("Highest score"), [InputRequired(_l("Give the highest score."))], default=5,
                             invalid_value_message=_l("Enter a whole number, e.g. 5."))
    labels = ScaleLabelsField(_l("Labels of the scale (optional)"), [Optional(), _at_most(3000)])
    weight = FloatField(_l("Weight"), [InputRequired(_l("Give a weight."))], default=1.0,
                        invalid_value_message=_l("Enter a number, e.g. 1 or 1.5."))
    required = BooleanField(_l("Reviewers must give this score to submit"), default=True)

    def parsed_labels(self) -> dict[str, str] | None:
        """{"1": "Poor", ...} from lines like "1: Poor"; None (with an error shown) for other lines."""
        labels = {}
        for line in (self.labels.data or "").splitlines():
            if not line.strip():
                continue
            match = LABEL_LINE.match(line)
            if match is None:
                self.labels.errors = list(self.labels.errors) + [
                    _("Write one label per line, as a score, a colon and the label, e.g. 1: Poor.")]
                return None
            labels[str(int(match.group(1)))] = match.group(2)
        return labels

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return self.parsed_labels() is not None and valid

    def values(self) -> dict:
        return {"name": self.name.data, "description": self.description.data or "",
                "scale_min": self.scale_min.data, "scale_max": self.scale_max.data,
                "labels": self.parsed_labels() or {}, "weight": self.weight.data, "required": self.required.data}


class ReviewQuestionForm(QuestionEditorForm):
    required = BooleanField(_l("An answer is required to submit a review"))
    visible_to_authors = BooleanField(_l("Authors see the answers with the reviews"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, kinds=ReviewQuestion.allowed_kinds, default_kind=QuestionKind.LONG_TEXT, **kwargs)

    def values(self) -> dict:
        return {**super().values(), "visible_to_authors": self.visible_to_authors.data}


# Reviewing --------------------------------------------------------------------------------------------

def _whole_or_raw(value):
    """A chosen point as a number; anything else as typed, for the domain to refuse by name."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


class ChoiceField(RadioField):
    """Radio buttons whose value the domain checks (a score off the scale gets its message there)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, validate_choice=False, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = self.coerce(valuelist[0])


class ReviewFormBase(BaseForm):
    comments_to_authors = TextAreaField(_l("Comments to the authors"), [Optional()])
    comments_to_committee = TextAreaField(_l("Confidential comments to the committee"), [Optional()])
    submit_review = SubmitField(_l("Submit review"))
    save_draft = SubmitField(_l("Save draft"))

    criteria: list = []
    questions: list = []

    def values(self) -> dict:
        return {
            "scores": {c.id: self[f"score_{c.id}"].data for c in self.criteria},
            "confidence": self["confidence"].data if "confidence" in self._fields else None,
            "comments_to_authors": self.comments_to_authors.data or "",
            "comments_to_committee": self.comments_to_committee.data or "",
            "answers": {q.id: self[f"question_{q.id}"].data for q in self.questions},
            "submit": bool(self.submit_review.data),
        }


def review_form(criteria, questions, *, ask_confidence: bool, review=None) -> ReviewFormBase:
    """The review form of an event: a radio group per criterion, the confidence when asked, the
    comments and the custom questions; filled with ``review`` until something is posted."""

    class ReviewForm(ReviewFormBase):
        pass

    ReviewForm.criteria, ReviewForm.questions = list(criteria), list(questions)
    for criterion in criteria:
        points = range(criterion.scale_min, criterion.scale_max + 1)
        setattr(ReviewForm, f"score_{criterion.id}", ChoiceField(
            criterion.name, coerce=_whole_or_raw,
            choices=[SelectChoice(point, f"{point} – {criterion.label_for(point)}" if criterion.label_for(point)
                                  else str(point)) for point in points]))
    if ask_confidence:
        ReviewForm.confidence = ChoiceField(_l("Your confidence"), coerce=_whole_or_raw,
                                            choices=[SelectChoice(k, v) for k, v in CONFIDENCE_LABELS.items()])
    named = [(f"question_{question.id}", question) for question in questions]
    form_class = with_answer_fields(ReviewForm, named)
    data = {}
    if review is not None:
        data = {f"score_{s.criterion_id}": s.value for s in review.scores}
        data.update({"confidence": review.confidence, "comments_to_authors": review.comments_to_authors,
                     "comments_to_committee": review.comments_to_committee})
        for question in questions:
            data[f"question_{question.id}"] = shown_answer((review.answers or {}).get(str(question.id)))
    form = form_class(data=data)
    mark_required(form, named)
    return form


class CommentForm(BaseForm):
    body = TextAreaField(_l("Your comment"), [Optional()])


class AnonymisedCopyForm(BaseForm):
    kind = RadioField(_l("Anonymised copy of"), default=FileKind.PAPER.value, invalid_choice_message=WRONG_CHOICE,
                      choices=[SelectChoice(FileKind.PAPER.value, _l("The paper")),
                               SelectChoice(FileKind.SUPPLEMENT.value, _l("The supplementary file"))])
    file = FileField(_l("File"))

    def upload(self) -> dict:
        stored = self.file.data
        if not stored:
            return {"filename": "", "data": b""}
        return {"filename": stored.filename or "file", "data": stored.stream}
