"""One person present in every area (``person_everywhere``), for the export and erasure tests:
Zoë Erasable (a name with a letter JSON escapes) reviews, submits, co-authors, registers with a
sensitive answer, is a focal point, speaks, stars, has mail and audit entries."""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from conference.accounts import login_sessions, users
from conference.accounts.models import User
from conference.agenda.models import AgendaStar, PersonalFeed, ScheduleRelease, Speaker
from conference.cfp import submissions as cfp_ops
from conference.cfp.models import Submission
from conference.core.audit import record
from conference.delegations.models import FocalPoint, Organisation
from conference.events.enums import TeamRole
from conference.events.models import TeamInvitation
from conference.extensions import db
from conference.mail.enums import MailState
from conference.mail.models import MailOptOut, OutboxMessage
from conference.registration.models import Registration
from conference.review import discussion
from conference.review.models import Review

from ..agenda.builders import add_item, add_session, store_release
from ..cfp.builders import DURING
from ..registration.builders import add_category, add_question, make_form, register
from ..review.builders import Reviewing, complete_review, make_reviewing, make_submitted

NAME = "Zoë Erasable"
EMAIL = "zoe.erasable@example.org"
COAUTHOR = ("Carla Coauthor", "carla@coauthors.example", "Ocean Lab")


@dataclasses.dataclass
class World:
    person: User
    review: Reviewing
    own_submission: Submission
    registration: Registration
    release: ScheduleRelease


def person_everywhere() -> World:
    r = make_reviewing()
    person = r.reviewer
    person.name, person.email, person.affiliation, person.bio = NAME, EMAIL, "Erasure Institute", f"I am {NAME}."
    login_sessions.open_session(person, user_agent="Firefox", ip_address="192.0.2.7")
    complete_review(r, person, originality=5, comments_to_committee=f"Reviewed by {NAME}.")
    complete_review(r, r.second, originality=2)
    discussion.post_comment(r.submission, actor=person, body="I liked it.")
    # Their own paper with a co-author, and a draft nobody saw.
    own = make_submitted(r.event, person, coauthors=[COAUTHOR], title="Erasable results")
    cfp_ops.create_draft(r.event, actor=person, title="Half an idea", now=DURING)
    # Registration with a sensitive answer (and a file answer), made without the account.
    form = make_form()
    members = add_category(form, in_person=10)
    passport = add_question(form, "Passport number")
    passport.sensitive = True
    diet = add_question(form, "Diet")
    registration = register(form, members, name=NAME, email=EMAIL,
                            answers={str(passport.id): "X1234567", str(diet.id): "Vegetarian"})
    registration.answers = {**registration.answers,
                            "999": {"sha256": "ab" * 32, "filename": "zoe-passport.pdf", "size": 10,
                                    "content_type": "application/pdf"}}
    # Focal point, speaker in a released programme, star and feed.
    organisation = Organisation(event_id=form.event_id, name="Erasure Agency")
    db.session.add(organisation)
    db.session.flush()
    organisation.focal_points.append(FocalPoint(email=EMAIL, name=NAME, user_id=person.id))
    speaker = Speaker(event_id=r.event.id, user_id=person.id, name=NAME, email=EMAIL, affiliation="Erasure Institute",
                      bio=f"{NAME} speaks.")
    db.session.add(speaker)
    db.session.flush()
    start = dt.datetime.combine(r.event.start_date, dt.time(9), tzinfo=dt.UTC)
    session = add_session(r.event, "Morning", start, start + dt.timedelta(hours=2))
    add_item(session, "Erasable results", start, speakers=[speaker])
    release = store_release(r.event)
    db.session.add_all([AgendaStar(user_id=person.id, event_id=r.event.id, uid="session-1"),
                        PersonalFeed(user_id=person.id, event_id=r.event.id, token="feed-token-of-zoe"),
                        MailOptOut(event_id=r.event.id, email=EMAIL, kind="announcements"),
                        TeamInvitation(event_id=form.event_id, email=EMAIL, role=TeamRole.REVIEWER,
                                       message=f"Dear {NAME}, join us.")])
    # Mail: one sent, one waiting; an audit entry that names them.
    users.send_verification(person)
    users.send_verification(person)
    sent = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == EMAIL)
                              .order_by(OutboxMessage.id)).first()
    assert sent is not None
    sent.state, sent.sent_at = MailState.SENT, sent.created_at
    record("team.invited", actor=r.organiser, event=r.event, email=EMAIL, name=NAME)
    db.session.flush()
    return World(person=person, review=r, own_submission=own, registration=registration, release=release)


def text_of_every_row() -> str:
    """Every text and JSON column of every table, as one lower-case text (as stored: JSON as Python
    values, so escaped letters are searched as letters)."""
    parts: list[str] = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, sa.String | sa.Text | sa.JSON)]
        if not columns:
            continue
        for row in db.session.execute(sa.select(*columns)):
            parts.extend(repr(value) if not isinstance(value, str) else value for value in row)
    return "\n".join(parts).lower()


def review_figures(submission_id: int) -> tuple[int, list[int]]:
    reviews = db.session.scalars(sa.select(Review).join(Review.assignment)
                                 .where(Review.assignment.property.mapper.class_.submission_id == submission_id))
    values = sorted(s.value for review in reviews for s in review.scores)
    return len(values), values

