"""The ranking, decision, progress and outbox pages, and the authors' side of a decision,
through HTTP: who may do what, what each page shows, and the mail that leaves."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from conference.cfp import submissions as submission_ops
from conference.cfp.enums import Decision, SubmissionState
from conference.events.enums import TeamRole
from conference.extensions import db as _db
from conference.mail.enums import MailState
from conference.mail.models import OutboxMessage
from conference.mail.outbox import OutboxWorker
from conference.review import decisions
from conference.review.enums import ConflictKind, ConflictSource
from conference.review.models import Conflict
from conference.review.web.decisions import RANKING_COLUMNS

from .. import factories
from ..conftest import login, message_text
from ..mail.builders import outbox
from ..query_counting import grow
from .builders import add_review, make_committee, make_submission, three_reviews


@pytest.fixture
def committee(db):
    return make_committee(slug="ranked")


def client_for(app, user):
    return login(app.test_client(), user)


def fresh(*objects):
    """Reload what a request changed (it ran in a session of its own)."""
    for obj in objects:
        _db.session.refresh(obj)


PAGES = ["/events/ranked/review/", "/events/ranked/review/ranking", "/events/ranked/review/reviews.csv",
         "/events/ranked/review/decisions/release", "/events/ranked/review/unconfirmed", "/events/ranked/mail/outbox"]
ORGANISER_ONLY = {"/events/ranked/review/decisions/release", "/events/ranked/review/unconfirmed",
                  "/events/ranked/mail/outbox"}


@pytest.mark.parametrize("who", ["organiser", "chair", "reviewer", "author", "stranger"])
def test_permission_matrix_of_the_pages(app, committee, who):
    submission = make_submission(committee)
    person = {"organiser": committee.organiser, "chair": committee.chair, "reviewer": committee.reviewers[0],
              "author": submission.submitter, "stranger": factories.make_user()}[who]
    client = client_for(app, person)
    for page in PAGES:
        expected = {"organiser": 200, "chair": 403 if page in ORGANISER_ONLY else 200}.get(who, 403)
        assert client.get(page).status_code == expected, page


def test_anonymous_visitors_are_sent_to_log_in(app, committee):
    for page in PAGES:
        response = app.test_client().get(page)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], page


def test_ranking_page_shows_stats_and_pending_decision(app, committee):
    submission = make_submission(committee, title="Well reviewed")
    three_reviews(committee, submission)
    decisions.stage_decision(submission, actor=committee.organiser, decision=Decision.ACCEPT,
                             accept_as_type_id=committee.call.paper.id)
    client = client_for(app, committee.organiser)
    every_column = "&".join(f"cols={key}" for key in RANKING_COLUMNS)
    page = client.get(f"/events/ranked/review/ranking?{every_column}").get_data(as_text=True)
    for text in ("Well reviewed", "5.55", "3.33", "3.14", "3.33–10.00", "7.04", "Disagreement",
                 "Accept as Full paper", "Release 1 staged decision"):
        assert text in page, text
    # The median and the confidence-weighted mean are columns to choose; the chosen ones stay.
    page = client.get("/events/ranked/review/ranking?cols=track").get_data(as_text=True)
    assert ">Median</th>" not in page and ">Min–max</th>" not in page and "7.04" not in page and "5.55" in page
    assert ">Median</th>" not in client.get("/events/ranked/review/ranking").get_data(as_text=True)


def test_organiser_stages_one_decision_and_bulk_with_refusals(app, committee):
    first, second = make_submission(committee, title="First"), make_submission(committee, title="Second")
    gone = make_submission(committee, title="Gone")
    client = client_for(app, committee.organiser)
    response = client.post(f"/events/ranked/review/submissions/{first.code}/decision",
                           data={"decision": f"type:{committee.call.paper.id}"})
    assert response.status_code == 302
    fresh(first)
    assert (first.pending_decision, first.pending_type_id) == (Decision.ACCEPT, committee.call.paper.id)

    submission_ops.withdraw(gone, actor=gone.submitter)
    response = client.post("/events/ranked/review/decisions", data={"codes": [second.code, gone.code],
                                                                    "decision": "reject"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Decisions saved for 1 submissions" in page
    assert f"{gone.code}: This submission was withdrawn; it cannot get a decision." in page
    fresh(second, gone)
    assert (second.pending_decision, gone.pending_decision, gone.state) == (Decision.REJECT, None, SubmissionState.WITHDRAWN)


def test_decision_on_a_withdrawn_submission_shows_the_message(app, committee):
    submission = make_submission(committee)
    submission_ops.withdraw(submission, actor=submission.submitter)
    response = client_for(app, committee.organiser).post(
        f"/events/ranked/review/submissions/{submission.code}/decision", data={"decision": "accept"},
        follow_redirects=True)
    assert "This submission was withdrawn; it cannot get a decision." in response.get_data(as_text=True)
    fresh(submission)
    assert submission.pending_decision is None


def test_decision_post_permissions(app, committee):
    own = make_submission(committee, track=committee.call.data)
    other = make_submission(committee, track=committee.call.privacy)
    conflicted = make_submission(committee, track=committee.call.data)
    _db.session.add(Conflict(event_id=committee.event.id, submission_id=conflicted.id, user_id=committee.chair.id,
                             kind=ConflictKind.ADVISOR, source=ConflictSource.REVIEWER))
    _db.session.flush()
    chair = client_for(app, committee.chair)
    url = "/events/ranked/review/submissions/{}/decision"
    assert chair.post(url.format(own.code), data={"decision": "reject"}).status_code == 302
    assert chair.post(url.format(other.code), data={"decision": "reject"}).status_code == 403
    assert chair.post(url.format(conflicted.code), data={"decision": "reject"}).status_code == 404
    reviewer = client_for(app, committee.reviewers[0])
    assert reviewer.post(url.format(own.code), data={"decision": "accept"}).status_code == 403
    fresh(own, other, conflicted)
    assert (own.pending_decision, other.pending_decision, conflicted.pending_decision) == (Decision.REJECT, None, None)
    assert chair.post("/events/ranked/review/decisions/release").status_code == 403
    assert own.state == SubmissionState.SUBMITTED


def test_csv_export_headers_and_content(app, committee):
    submission = make_submission(committee)
    three_reviews(committee, submission)
    response = client_for(app, committee.organiser).get("/events/ranked/review/reviews.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="ranked-reviews.csv"'
    assert "no-store" in response.headers["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))
    assert rows[0][:3] == ["Code", "Title", "Track"] and len(rows) == 4
    assert {row[6] for row in rows[1:]} == {r.name for r in committee.reviewers}


def test_author_sees_the_released_decision_only_and_confirms(app, committee):
    submission = make_submission(committee, title="My talk")
    three_reviews(committee, submission)
    author = client_for(app, submission.submitter)
    page_url = f"/events/ranked/submissions/{submission.code}"
    decisions.stage_decision(submission, actor=committee.organiser, decision=Decision.ACCEPT)
    _db.session.commit()

    staged_page = author.get(page_url).get_data(as_text=True)
    assert "Accepted" not in staged_page and "Confirm" not in staged_page and "A clear, useful talk." not in staged_page

    decisions.release_decisions(committee.event, actor=committee.organiser)
    _db.session.commit()
    page = author.get(page_url).get_data(as_text=True)
    assert "Action required: confirm that you will present it" in page
    assert "A clear, useful talk." in page and "Show a demo." in page
    for secret in ["Strong accept.", "Best paper candidate?", "Overall score", *[r.name for r in committee.reviewers]]:
        assert secret not in page, secret
    assert "Action required: confirm" in author.get("/my/submissions").get_data(as_text=True)

    # Someone else cannot confirm it; the author can.
    assert client_for(app, committee.reviewers[0]).post(page_url + "/confirm").status_code == 404
    response = author.post(page_url + "/confirm", follow_redirects=True)
    assert f"{submission.code} is confirmed" in response.get_data(as_text=True)
    fresh(submission)
    assert submission.state == SubmissionState.CONFIRMED


def test_author_withdraws_an_accepted_submission(app, committee):
    submission = make_submission(committee)
    decisions.stage_decision(submission, actor=committee.organiser, decision=Decision.ACCEPT)
    decisions.release_decisions(committee.event, actor=committee.organiser)
    author = client_for(app, submission.submitter)
    form_page = author.get(f"/events/ranked/submissions/{submission.code}/withdraw").get_data(as_text=True)
    assert "will not be presented" in form_page
    response = author.post(f"/events/ranked/submissions/{submission.code}/withdraw", data={"reason": "No visa"})
    fresh(submission)
    assert response.status_code == 302 and submission.state == SubmissionState.WITHDRAWN


def test_unconfirmed_page_lists_and_reminds(app, committee):
    submission = make_submission(committee, title="Waiting talk")
    decisions.stage_decision(submission, actor=committee.organiser, decision=Decision.ACCEPT)
    decisions.release_decisions(committee.event, actor=committee.organiser)
    client = client_for(app, committee.organiser)
    assert "Waiting talk" in client.get("/events/ranked/review/unconfirmed").get_data(as_text=True)
    response = client.post("/events/ranked/review/unconfirmed/remind", follow_redirects=True)
    assert "are reminded" in response.get_data(as_text=True)
    assert [m.to_address for m in outbox("confirmation_reminder")] == [submission.submitter.email]


def test_progress_page_and_remind_form(app, committee):
    submission = make_submission(committee, title="Needs reviews")
    a, b, _c = committee.reviewers
    add_review(committee, submission, a, originality=3, relevance=2)
    add_review(committee, submission, b, originality=None, relevance=None, state="draft")
    client = client_for(app, committee.organiser)
    page = client.get("/events/ranked/review/").get_data(as_text=True)
    assert "Needs reviews" in page and "Remind all with missing reviews (1)" in page
    response = client.post("/events/ranked/review/reminders", data={}, follow_redirects=True)
    assert "Choose at least one reviewer" in response.get_data(as_text=True)
    assert outbox("review_reminder") == []
    client.post("/events/ranked/review/reminders", data={"all": "1"})
    assert [m.to_address for m in outbox("review_reminder")] == [b.email]


def test_release_then_send_the_held_mail_from_the_outbox(app, committee, smtp_server):
    first, second = make_submission(committee, title="Going out"), make_submission(committee, title="Kept back")
    for submission in (first, second):
        decisions.stage_decision(submission, actor=committee.organiser, decision=Decision.ACCEPT)
    _db.session.commit()
    assert OutboxWorker().run_once().sent == 2  # the "submission received" mails
    smtp_server.messages.clear()
    client = client_for(app, committee.organiser)
    assert "Going out" in client.get("/events/ranked/review/decisions/release").get_data(as_text=True)

    response = client.post("/events/ranked/review/decisions/release")
    assert response.status_code == 302 and response.headers["Location"].endswith("/events/ranked/mail/outbox")
    held = outbox("decision_accepted")
    assert [m.state for m in held] == [MailState.HELD, MailState.HELD]
    _db.session.commit()
    assert OutboxWorker().run_once().sent == 0  # held mail waits

    page = client.get("/events/ranked/mail/outbox").get_data(as_text=True)
    assert "Action required: confirm" in page and first.submitter.email in page
    going = next(m for m in held if first.code in m.subject)
    kept = next(m for m in held if second.code in m.subject)
    client.post("/events/ranked/mail/outbox/send", data={"message_ids": [str(going.id)]})
    _db.session.commit()
    assert OutboxWorker().run_once().sent == 1

    [delivered] = smtp_server.messages
    assert delivered["to"] == [going.to_address]
    assert delivered["message"]["Subject"].startswith("Action required: confirm")
    assert f"/events/ranked/submissions/{first.code}" in message_text(delivered["message"])
    _db.session.refresh(kept)
    assert kept.state == MailState.HELD

    client.post("/events/ranked/mail/outbox/discard", data={"message_ids": [str(kept.id)]})
    assert _db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.id == kept.id)) is None
    page = client.get("/events/ranked/mail/outbox").get_data(as_text=True)
    assert "No message is held." in page and "Sent" in page


def test_outbox_actions_are_for_organisers_only(app, committee):
    submission = make_submission(committee, track=committee.call.data)
    decisions.stage_decision(submission, actor=committee.organiser, decision=Decision.REJECT)
    decisions.release_decisions(committee.event, actor=committee.organiser)
    [held] = outbox("decision_rejected")
    chair = client_for(app, committee.chair)
    assert chair.post("/events/ranked/mail/outbox/send", data={"all": "1"}).status_code == 403
    assert chair.post("/events/ranked/mail/outbox/discard", data={"message_ids": [str(held.id)]}).status_code == 403
    fresh(held)
    assert held.state == MailState.HELD


@pytest.mark.parametrize("path", ["/events/ranked/review/ranking", "/events/ranked/review/ranking?size=25&cols=median",
                                  "/events/ranked/review/",
                                  "/events/ranked/review/reviews.csv"])
def test_query_count_of_ranking_and_progress_pages_does_not_grow(app, db, committee, path):
    client = client_for(app, committee.organiser)

    def add_one(i):
        submission = make_submission(committee, title=f"Talk {i}",
                                     track=committee.call.data if i % 2 else committee.call.privacy)
        reviewer = factories.make_user()
        factories.add_role(committee.event, reviewer, TeamRole.REVIEWER)
        add_review(committee, submission, reviewer, originality=1 + i % 5, relevance=i % 4)
        add_review(committee, submission, committee.reviewers[i % 3], originality=3, relevance=1)
        if i % 3 == 0:
            decisions.stage_decision(submission, actor=committee.organiser, decision=Decision.ACCEPT,
                                     accept_as_type_id=committee.call.paper.id)

    small, large = grow(db, client, path, add_one, start=2, end=12)
    assert small == large
