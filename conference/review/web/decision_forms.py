"""Forms of the ranking, the decisions and the reminders. They carry what was chosen; the
rules are the domain's."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Form, SelectChoice, SelectField

from conference.cfp.enums import REVIEWABLE_STATES, Decision, SubmissionState
from conference.review.ranking import SORT_KEYS
from conference.web.common import BaseForm
from conference.web.common import id_or_none as _id_or_none
from conference.web.fields import CheckboxesField

SORT_LABELS = {
    "mean": _l("Mean score"), "median": _l("Median score"), "confidence": _l("Confidence-weighted score"),
    "stdev": _l("Spread (standard deviation)"), "minimum": _l("Lowest score"), "maximum": _l("Highest score"),
    "count": _l("Number of reviews"), "code": _l("Code"), "title": _l("Title"),
}
REVIEWABLE_STATE_LABELS = {
    SubmissionState.SUBMITTED: _l("Submitted"),
    SubmissionState.ACCEPTED: _l("Accepted"),
    SubmissionState.REJECTED: _l("Rejected"),
    SubmissionState.CONFIRMED: _l("Confirmed"),
}
CLEAR = "clear"


def decision_choices(types) -> list[SelectChoice]:
    """accept, accept as each type, reject, and clearing the staged decision."""
    return ([SelectChoice(Decision.ACCEPT.value, _l("Accept"))]
            + [SelectChoice(f"type:{t.id}", _l("Accept as %(type)s", type=t.tr("name"))) for t in types]
            + [SelectChoice(Decision.REJECT.value, _l("Reject")), SelectChoice(CLEAR, _l("Clear the staged decision"))])


class RankingFilterForm(Form):
    """The ranking's filters, read from the query string (a GET form: no token needed)."""

    track_id = SelectField(_l("Track"), coerce=_id_or_none, validate_choice=False)
    type_id = SelectField(_l("Type"), coerce=_id_or_none, validate_choice=False)
    state = SelectField(_l("State"), validate_choice=False)
    disagreement = BooleanField(_l("Only submissions whose reviewers disagree"))
    sort = SelectField(_l("Sort by"), choices=[SelectChoice(k, label) for k, label in SORT_LABELS.items()],
                       default="mean", validate_choice=False)
    order = SelectField(_l("Order"), choices=[SelectChoice("desc", _l("Highest first")),
                                              SelectChoice("asc", _l("Lowest first"))],
                        default="desc", validate_choice=False)

    def __init__(self, formdata, *, types, tracks):
        super().__init__(formdata)
        self.track_id.choices = [SelectChoice("", _l("Any track"))] + [SelectChoice(t.id, t.tr("name")) for t in tracks]
        self.type_id.choices = [SelectChoice("", _l("Any type"))] + [SelectChoice(t.id, t.tr("name")) for t in types]
        self.state.choices = [SelectChoice("", _l("Any state"))] + [
            SelectChoice(s.value, label) for s, label in REVIEWABLE_STATE_LABELS.items()]

    def values(self) -> dict:
        state = self.state.data if self.state.data in {s.value for s in REVIEWABLE_STATES} else None
        return {"track_id": self.track_id.data, "type_id": self.type_id.data, "state": state,
                "disagreement_only": bool(self.disagreement.data),
                "sort": self.sort.data if self.sort.data in SORT_KEYS else "mean",
                "descending": self.order.data != "asc"}

    def query(self) -> dict:
        """The filters as query-string values, to come back to the same view."""
        values = {"track_id": self.track_id.data, "type_id": self.type_id.data, "state": self.state.data,
                  "disagreement": "y" if self.disagreement.data else None, "sort": self.sort.data,
                  "order": self.order.data}
        return {k: v for k, v in values.items() if v not in (None, "")}


class DecisionForm(BaseForm):
    decision = SelectField(_l("Decision"), validate_choice=False)

    def parsed(self) -> tuple[str | None, int | None]:
        """(decision or "clear", accept-as type id); (None, None) for a value not offered."""
        value = self.decision.data or ""
        if value.startswith("type:"):
            type_id = _id_or_none(value.removeprefix("type:"))
            return (Decision.ACCEPT.value, type_id) if type_id is not None else (None, None)
        if value in (Decision.ACCEPT.value, Decision.REJECT.value, CLEAR):
            return value, None
        return None, None




class BulkDecisionForm(DecisionForm):
    codes = CheckboxesField(_l("Submissions"), coerce=str)


class RemindReviewersForm(BaseForm):
    reviewer_ids = CheckboxesField(_l("Reviewers with missing reviews"), coerce=_id_or_none)

    def chosen(self) -> list[int]:
        return [i for i in self.reviewer_ids.data or [] if i is not None]
