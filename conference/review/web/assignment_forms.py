"""Forms of bidding and assignment. They carry what was chosen, in the types the domain takes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    Form,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
)
from wtforms.validators import InputRequired, NumberRange, Optional

from conference.review.enums import BidPreference
from conference.web.common import BaseForm
from conference.web.common import id_or_none as _id_or_none

PREFERENCE_LABELS = {
    BidPreference.EAGER: _l("Eager to review"),
    BidPreference.WILLING: _l("Willing"),
    BidPreference.NEUTRAL: _l("Neutral"),
    BidPreference.NOT_WILLING: _l("Not willing"),
    BidPreference.CONFLICT: _l("Conflict of interest"),
}
BID_LABELS = {  # what organisers read about a reviewer's bid
    BidPreference.EAGER: _l("eager"),
    BidPreference.WILLING: _l("willing"),
    BidPreference.NEUTRAL: _l("no bid"),
    BidPreference.NOT_WILLING: _l("not willing"),
}


class TrackFilterForm(Form):
    """The bidding list's filter, read from the query string (a GET form needs no token)."""

    track = SelectField(_l("Track"), coerce=_id_or_none, validate_choice=False)

    def __init__(self, formdata=None, *, tracks=(), **kwargs):
        super().__init__(formdata, **kwargs)
        self.track.choices = [SelectChoice("", _l("All my tracks"))] + [SelectChoice(t.id, t.tr("name"))
                                                                        for t in tracks]


def bidding_form(rows):
    """One select per submission (``bid_<id>``), each preset to the reviewer's current bid."""

    class BiddingForm(BaseForm):
        confirm_conflicts = BooleanField(_l("Yes, declare a conflict of interest with each submission where I "
                                            "chose “Conflict of interest”"))

        def preferences(self) -> dict[int, BidPreference]:
            return {row.submission.id: BidPreference(self[f"bid_{row.submission.id}"].data) for row in rows}

    choices = [SelectChoice(p.value, label) for p, label in PREFERENCE_LABELS.items()]
    for row in rows:
        setattr(BiddingForm, f"bid_{row.submission.id}",
                SelectField(_l("Your preference for %(code)s", code=row.submission.code), choices=choices,
                            default=row.preference.value))
    return BiddingForm()


class AssignForm(BaseForm):
    """Assign one reviewer to one submission (from a submission's row or a reviewer's page)."""

    submission_id = IntegerField(_l("Submission"), validators=[InputRequired(_l("Choose a submission."))])
    reviewer_id = IntegerField(_l("Reviewer"), validators=[InputRequired(_l("Choose a reviewer."))])
    next = HiddenField()


class AutoAssignForm(BaseForm):
    reviews_per_submission = IntegerField(
        _l("Reviews per submission"), validators=[InputRequired(_l("Enter how many reviews each submission needs.")),
                                                  NumberRange(1, 20, _l("Ask for between 1 and 20 reviews."))])
    max_load = IntegerField(_l("Most reviews per reviewer"),
                            validators=[Optional(), NumberRange(1, 1000, _l("The cap must be at least 1 review."))])
    track_id = SelectField(_l("Track"), coerce=_id_or_none)

    def __init__(self, *args, tracks=(), all_tracks: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [SelectChoice(t.id, t.tr("name")) for t in tracks]
        if all_tracks:
            choices = [SelectChoice("", _l("All tracks"))] + choices
        self.track_id.choices = choices

    def values(self) -> dict:
        return {"reviews_per_submission": self.reviews_per_submission.data, "max_load": self.max_load.data,
                "track_id": self.track_id.data}
