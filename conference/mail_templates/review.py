"""Mail about review and decisions: reviewer assignments and reminders, the committee's
discussion, decisions and the reminder to confirm."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..extensions import db
from . import TemplateSpec, register

GROUP = _l("Review and decisions")


def _decided_submission(event, *states):
    """A real submission of the event to preview a decision mail with: one in ``states`` if
    there is one, else any; with its first author as the recipient."""
    from ..domain.decisions import reviews_for_authors
    from ..domain.links import external_url
    from ..models import Submission

    query = sa.select(Submission).where(Submission.event_id == event.id).order_by(Submission.id)
    submission = (db.session.scalars(query.where(Submission.state.in_(states)).limit(1)).first()
                  or db.session.scalars(query.limit(1)).first())
    if submission is None or not submission.authors:
        return None
    author = submission.authors[0]
    data = {"submission": submission, "reviews": reviews_for_authors(event, [submission.id]).get(submission.id, []),
            "link": external_url("cfp.show_submission", slug=event.slug, code=submission.code)}
    return data, author.name, author.email, author.user


def _accepted_sample(event):
    from ..enums import SubmissionState

    return _decided_submission(event, SubmissionState.ACCEPTED, SubmissionState.CONFIRMED)


register(TemplateSpec(
    key="decision_accepted",
    group=GROUP,
    label=_l("Decision: accepted"),
    when=_l("To every author of an accepted submission, when organisers release the decisions (held for review)."),
    subject=_l('Action required: confirm {submission_code} "{submission_title}" for {event_title}'),
    body=_l("""Hello {recipient_name},

We are pleased to tell you that your submission {submission_code} "{submission_title}" has been accepted for {event_title} as a {submission_type}.

**Action required: please confirm that you will present it, or withdraw it if you cannot.** Open the submission to confirm or withdraw:

{link}

{reviews}

Questions? Reply to this mail to reach the organisers."""),
    sets=("recipient", "event", "submission", "reviews", "link"),
    sample=_accepted_sample,
))
