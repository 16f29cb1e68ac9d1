"""What a new edition keeps of review: its settings (bidding closed again) and the review form's
criteria and questions, the deadline moved; no conflict, bid, assignment or review."""

import sqlalchemy as sa

from conference.events.cloning import Cloned
from conference.extensions import db
from conference.review.models import ReviewCriterion, ReviewQuestion


def clone_review(cloned: Cloned) -> None:
    source, target = cloned.source, cloned.target
    settings = source.review_settings
    if settings is not None:
        cloned.copy(settings, event_id=target.id, bidding_open=False,
                    review_deadline=cloned.shift(settings.review_deadline))
    for model in (ReviewCriterion, ReviewQuestion):
        for row in db.session.scalars(sa.select(model).where(model.event_id == source.id)
                                      .order_by(model.position, model.id)):
            cloned.copy(row, event_id=target.id)
