"""Who may open which review page: one table for every GET page of the review area and the
event outbox, for each kind of person.

* 200: the page; 302: to the log-in page; 403: not allowed (they know the event);
* 404 where the submission's existence must not leak: a conflicted reviewer, a reviewer not
  assigned to it, a track chair of another track learn nothing about it.

A test also checks that the table names every GET route of the two blueprints, so a new page
cannot be added without deciding who may see it.
"""

from __future__ import annotations

import pytest

from conference.cfp import submissions as ops
from conference.cfp.enums import FileKind
from conference.events.enums import TeamRole
from conference.mail import opt_outs
from conference.mail.mailer import queue_mail
from conference.review import assignment
from conference.review import setup as review_setup
from conference.review.common import ensure_review_settings
from conference.review.enums import ConflictKind, ConflictSource
from conference.review.models import Conflict, ReviewQuestion

from .. import factories
from ..cfp.builders import DURING, PDF, make_call
from ..conftest import login
from .builders import make_reviewer, make_track_chair

ROLES = ["organiser", "chair", "other_chair", "reviewer", "conflicted", "unassigned", "author", "stranger", "anonymous"]

# Expected status per role, in the order of ROLES.
O, C, X, R, K, U, A, S, N = range(9)
MANAGERS = {O: 200, C: 200, X: 200, R: 403, K: 403, U: 403, A: 403, S: 403, N: 302}
ORGANISERS = {O: 200, C: 403, X: 403, R: 403, K: 403, U: 403, A: 403, S: 403, N: 302}
REVIEWERS = {O: 403, C: 403, X: 403, R: 200, K: 200, U: 200, A: 403, S: 403, N: 302}
COMMITTEE = {O: 200, C: 200, X: 200, R: 200, K: 200, U: 200, A: 403, S: 403, N: 302}
# One submission, seen by the committee: hidden from whoever may not know it exists.
COMMITTEE_VIEW = {O: 200, C: 200, X: 404, R: 200, K: 404, U: 404, A: 403, S: 403, N: 302}
# Those who may see the submission but not review it are told no (403); the others learn nothing.
OWN_REVIEW = {O: 403, C: 403, X: 404, R: 200, K: 404, U: 404, A: 403, S: 403, N: 302}
# The authors' own page: like their submission's page, it does not exist for anyone else.
AUTHORS = {O: 200, C: 404, X: 404, R: 404, K: 404, U: 404, A: 200, S: 404, N: 302}

PAGES = {
    "review.progress": ("/review/", MANAGERS),
    "review.conflicts": ("/review/conflicts", MANAGERS),
    "review.assignments": ("/review/assignments", MANAGERS),
    "review.auto_assign": ("/review/assignments/auto", MANAGERS),
    "review.ranking": ("/review/ranking", MANAGERS),
    "review.export_reviews": ("/review/reviews.csv", MANAGERS),
    "review.reviewer_assignments": ("/review/reviewers/{reviewer_id}", MANAGERS),
    "review.show_proposal": ("/review/assignments/proposals/{proposal_id}", {**MANAGERS, C: 403, X: 403}),
    "review.committee": ("/review/committee", ORGANISERS),
    "review.edit_member": ("/review/committee/{role_id}", ORGANISERS),
    "review.settings": ("/review/settings", ORGANISERS),
    "review.new_criterion": ("/review/criteria/new", ORGANISERS),
    "review.edit_criterion": ("/review/criteria/{criterion_id}", ORGANISERS),
    "review.new_question": ("/review/questions/new", ORGANISERS),
    "review.edit_question": ("/review/questions/{question_id}", ORGANISERS),
    "review.release_decisions": ("/review/decisions/release", ORGANISERS),
    "review.unconfirmed": ("/review/unconfirmed", ORGANISERS),
    "mail.outbox": ("/mail/outbox", ORGANISERS),
    "mail.message": ("/mail/outbox/{message_id}", ORGANISERS),
    "mail.edit_message": ("/mail/outbox/{message_id}/edit", ORGANISERS),
    "mail.person": ("/mail/outbox/people?address={author_email}", ORGANISERS),
    "mail.templates": ("/mail/templates", ORGANISERS),
    "mail.edit_template": ("/mail/templates/decision_accepted", ORGANISERS),
    "mail.group_mail": ("/mail/group", ORGANISERS),
    "mail.group_mails": ("/mail/groups", ORGANISERS),
    # Reached from a mail's link, with no account needed: the signed token is the permission.
    "mail.unsubscribe": ("/mail/unsubscribe/{unsubscribe_token}", {role: 200 for role in range(9)}),
    "review.bidding": ("/review/bidding", REVIEWERS),
    "review.my_reviews": ("/review/mine", COMMITTEE),
    "review.show_submission": ("/review/submissions/{code}", COMMITTEE_VIEW),
    "review.download_file": ("/review/submissions/{code}/files/{file_id}", COMMITTEE_VIEW),
    "review.edit_review": ("/review/submissions/{code}/review", OWN_REVIEW),
    "review.declare_own_conflict": ("/review/submissions/{code}/conflict", COMMITTEE_VIEW),
    "review.own_conflicts": ("/review/my-conflicts", COMMITTEE),
    "review.declare_conflicts": ("/submissions/{code}/conflicts", AUTHORS),
}


@pytest.fixture
def world(app, db):
    call = make_call()
    event, organiser = call.event, call.organiser
    ensure_review_settings(event).bidding_open = False
    criterion = review_setup.save_criterion(event, actor=organiser, name="Originality", description="",
                                            scale_min=1, scale_max=5, labels={}, weight=1.0, required=True)
    question = ReviewQuestion(event_id=event.id, kind="yes_no", label="Poster?")
    db.session.add(question)
    people = {
        "chair": make_track_chair(event, tracks=[call.data]),
        "other_chair": make_track_chair(event, tracks=[call.privacy]),
        "reviewer": make_reviewer(event),
        "conflicted": make_reviewer(event),
        "unassigned": make_reviewer(event),
        "author": factories.make_user(),
        "stranger": factories.make_user(),
        "organiser": organiser,
    }
    talk = ops.create_draft(event, actor=people["author"], now=DURING, title="Tides", abstract="On tides.",
                            type_id=call.paper.id, track_id=call.data.id, keywords="tides")
    stored = ops.attach_file(talk, actor=people["author"], kind=FileKind.PAPER, filename="tides.pdf", data=PDF,
                             now=DURING)
    ops.submit(talk, actor=people["author"], now=DURING)
    db.session.add(Conflict(event_id=event.id, submission_id=talk.id, user_id=people["conflicted"].id,
                            kind=ConflictKind.PERSONAL, source=ConflictSource.REVIEWER))
    assignment.assign(talk, people["reviewer"], actor=organiser)
    # Another submission, so the proposal has something to assign.
    other = ops.create_draft(event, actor=people["stranger"], now=DURING, title="Waves", abstract="On waves.",
                             type_id=call.talk.id, track_id=call.data.id, keywords="waves")
    ops.submit(other, actor=people["stranger"], now=DURING)
    proposal = assignment.propose(event, actor=organiser)
    held = queue_mail("decision_accepted", to=people["author"].email, to_name=people["author"].name, event=event,
                      hold=True, context={"submission": talk, "link": "https://conference.test/x", "reviews": []})
    db.session.commit()
    values = {
        "code": talk.code, "file_id": stored.id, "reviewer_id": people["reviewer"].id, "proposal_id": proposal.id,
        "role_id": event.role_row(people["reviewer"], TeamRole.REVIEWER).id, "criterion_id": criterion.id,
        "question_id": question.id, "message_id": held.id, "author_email": people["author"].email,
        "unsubscribe_token": opt_outs.unsubscribe_token(event, "x@example.org", "announcements"),
    }
    return event, people, values


def test_the_table_names_every_page_of_the_review_and_mail_areas(app):
    pages = {rule.endpoint for rule in app.url_map.iter_rules()
             if rule.endpoint.split(".")[0] in ("review", "mail") and "GET" in rule.methods}
    assert pages == set(PAGES)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_each_review_page(app, world, role):
    event, people, values = world
    client = app.test_client()
    if role != "anonymous":
        login(client, people[role])
    found, expected = {}, {}
    for endpoint, (path, allowed) in PAGES.items():
        response = client.get(f"/events/{event.slug}" + path.format(**values))
        response.close()
        found[endpoint] = response.status_code
        expected[endpoint] = allowed[ROLES.index(role)]
    assert found == expected
