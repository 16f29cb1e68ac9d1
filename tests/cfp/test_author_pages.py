"""The author's side of the call for papers through the HTTP path: the call page, submitting
with co-authors and files, every kind of bad input, co-author invitations, reordering,
withdrawing, read-only after the deadline, downloads and the author's dashboard."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import tracemalloc
from html import unescape

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from conference.accounts.models import User
from conference.cfp import setup as cfp_setup
from conference.cfp import submissions as submission_ops
from conference.cfp.enums import QuestionTarget, SubmissionState
from conference.cfp.models import (
    AccessCode,
    Answer,
    Submission,
    SubmissionAuthor,
    SubmissionFile,
)
from conference.core import files
from conference.core.enums import QuestionKind
from conference.core.models import AuditEntry
from conference.core.types import utcnow
from conference.events.enums import TeamRole
from conference.mail.models import OutboxMessage
from conference.review.common import ensure_review_settings
from conference.review.enums import BlindMode

from .. import factories
from ..conftest import first_link, login
from ..pdfs import encrypted_pdf, make_pdf
from .builders import OpenCall, make_open_call

PDF = make_pdf("A small paper")
EXE = b"MZ\x90\x00" + b"\x00" * 500


def form(call: OpenCall, **changes) -> dict:
    data = {"title": "Flood warnings that work", "abstract": "We show how **flood** warnings reach people in time.",
            "type_id": str(call.paper.id), "track_id": str(call.track.id), "keywords": "floods, warnings",
            "form_nonce": "nonce-1"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def pdf(name: str = "paper.pdf", data: bytes = PDF):
    import io

    return (io.BytesIO(data), name)


def multipart(data: dict) -> dict:
    """The request body encoded here: the test client spools a large body to a temporary file
    that it never closes (a ResourceWarning, which this suite treats as an error)."""
    fields = MultiDict()
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, tuple):
                item = FileStorage(stream=item[0], filename=item[1], content_type="application/octet-stream")
            fields.add(key, item)
    boundary, body = encode_multipart(fields)
    return {"data": body, "content_type": f'multipart/form-data; boundary="{boundary}"'}


def submitted(call: OpenCall, author: User, *, title: str = "Flood warnings that work", now: dt.datetime | None = None,
              coauthors: tuple[User | str, ...] = ()) -> Submission:
    """A submitted talk by ``author`` (through the domain, as the demo would)."""
    now = now or utcnow()
    submission = submission_ops.create_draft(call.event, actor=author, title=title, abstract="Short abstract.",
                                             type_id=call.talk.id, track_id=call.track.id, now=now)
    for coauthor in coauthors:
        email = coauthor if isinstance(coauthor, str) else coauthor.email
        submission_ops.add_author(submission, actor=author, name=email.split("@")[0].title(), email=email, now=now)
    submission_ops.submit(submission, actor=author, now=now)
    return submission


def fresh(db, model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


def count(db, model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def mails(db, template: str) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == template)
                                   .order_by(OutboxMessage.id)))


def error_of(html: str, field: str) -> str:
    start = html.index(f'<p class="invalid-feedback d-block" id="error-{field}">')
    return unescape(html[start:html.index("</p>", start)])


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def author(db, email: str = "ada@example.org", **profile) -> User:
    return factories.make_user(email=email, name=profile.pop("name", "Ada Author"), **profile)


# The call page --------------------------------------------------------------------------------------

def test_call_page_shows_dates_in_event_and_viewer_zones_types_tracks_and_submit(app, db):
    make_open_call()
    viewer = author(db, timezone="America/New_York")
    client = login(app.test_client(), viewer)

    response = client.get("/events/ews/call")

    assert response.status_code == 200
    html = text(response)
    assert "<h1>Call for papers</h1>" in html
    assert "<strong>papers</strong> on early warnings" in html  # the intro's Markdown
    assert html.count("(Europe/Zurich)") == 2 and html.count("your time:") == 2
    assert html.count("(America/New_York)") >= 2
    assert "Full paper" in html and "At most 20 words" in html and "Required: PDF, up to 1 MB" in html
    assert "Talk" in html and "30 minutes" in html and "No word limit" in html
    assert "Forecasting" in html
    assert "The call is open." in html and 'href="/events/ews/submissions/new"' in html


def test_call_page_for_visitors_shows_only_the_event_zone(app, db):
    make_open_call()

    html = text(app.test_client().get("/events/ews/call"))

    assert html.count("(Europe/Zurich)") == 2 and "your time:" not in html
    assert "You will be asked to log in or create an account first." in html


def test_call_page_after_the_deadline_says_closed_and_takes_an_access_code(app, db):
    make_open_call(opens=dt.timedelta(days=-20), deadline=dt.timedelta(days=-1))

    html = text(app.test_client().get("/events/ews/call"))

    assert "The call closed on" in html
    assert 'href="/events/ews/submissions/new"' not in html
    assert 'action="/events/ews/submissions/new"' in html and 'name="access_code"' in html


@pytest.mark.parametrize("path", ["/events/ews/call", "/events/ews/submissions/new"])
def test_call_of_a_draft_event_is_hidden_from_outsiders(app, db, path):
    make_open_call(published=False)
    client = login(app.test_client(), author(db))

    assert client.get(path).status_code == 404


def test_event_without_a_call_has_no_call_page(app, db):
    factories.make_event(slug="nocall", published=True)
    assert app.test_client().get("/events/nocall/call").status_code == 404


# Submitting --------------------------------------------------------------------------------------------

def test_author_submits_a_full_paper_with_a_coauthor_and_a_pdf(app, db):
    call = make_open_call()
    ada = author(db)
    bob = factories.make_user(email="bob@example.org", name="Bob Coauthor")
    client = login(app.test_client(), ada)

    page = client.get("/events/ews/submissions/new")
    assert page.status_code == 200
    nonce = re.search(r'name="form_nonce" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post("/events/ews/submissions/new", data=form(call, form_nonce=nonce, action="save"))

    submission = db.session.scalar(sa.select(Submission))
    assert response.status_code == 302 and response.headers["Location"] == f"/events/ews/submissions/{submission.code}/edit"
    assert submission.state == SubmissionState.DRAFT and submission.form_nonce == nonce
    assert (submission.title, submission.type_id, submission.track_id, submission.keywords) == (
        "Flood warnings that work", call.paper.id, call.track.id, ["floods", "warnings"])

    response = client.post(f"/events/ews/submissions/{submission.code}/authors",
                           data={"name": "Bob Coauthor", "email": "Bob@Example.org", "affiliation": "Met Office",
                                 "is_presenter": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#authors")

    response = client.post(f"/events/ews/submissions/{submission.code}/edit",
                           data=form(call, action="submit", paper=pdf("Our Paper.pdf")),
                           content_type="multipart/form-data")

    assert response.status_code == 302 and response.headers["Location"] == f"/events/ews/submissions/{submission.code}"
    submission = fresh(db, Submission, submission.id)
    assert submission.state == SubmissionState.SUBMITTED and submission.submitted_at is not None
    assert [(a.name, a.email, a.user_id, a.position, a.is_presenter) for a in submission.authors] == [
        ("Ada Author", "ada@example.org", ada.id, 0, True), ("Bob Coauthor", "bob@example.org", bob.id, 1, True)]
    [paper] = submission.files
    assert (paper.kind.value, paper.filename, paper.content_type, paper.size) == (
        "paper", "Our Paper.pdf", "application/pdf", len(PDF))
    received = mails(db, "submission_received")
    assert [m.to_address for m in received] == ["ada@example.org", "bob@example.org"]
    assert all(submission.code in m.subject and submission.code in m.body_text for m in received)
    assert f"http://conference.test/events/ews/submissions/{submission.code}" in received[0].body_text
    assert [m.to_address for m in mails(db, "coauthor_invitation")] == ["bob@example.org"]

    page = text(client.get(f"/events/ews/submissions/{submission.code}"))
    assert "Submission " + submission.code + " is submitted. Every author gets a confirmation by mail." in page
    assert "name the committee members who should not review it" in page
    assert "Our Paper.pdf" in page and "Bob Coauthor" in page and "Met Office" in page
    assert "Submitted. You can edit it until" in page


def test_submit_straight_from_the_new_form(app, db):
    call = make_open_call()
    client = login(app.test_client(), author(db))

    response = client.post("/events/ews/submissions/new", data=form(call, action="submit", paper=pdf()),
                           content_type="multipart/form-data")

    submission = db.session.scalar(sa.select(Submission))
    assert response.status_code == 302 and response.headers["Location"] == f"/events/ews/submissions/{submission.code}"
    assert submission.state == SubmissionState.SUBMITTED and len(submission.files) == 1
    assert [m.to_address for m in mails(db, "submission_received")] == ["ada@example.org"]


@pytest.mark.parametrize("action", ["save", "submit"])
def test_the_same_new_form_sent_twice_creates_one_submission(app, db, action):
    call = make_open_call()
    client = login(app.test_client(), author(db))
    data = form(call, action=action, form_nonce="double-click", type_id=str(call.talk.id))

    first = client.post("/events/ews/submissions/new", data=data)
    second = client.post("/events/ews/submissions/new", data=data)

    assert first.status_code == second.status_code == 302
    assert first.headers["Location"].split("/")[4] == second.headers["Location"].split("/")[4]
    assert count(db, Submission) == 1
    assert len(mails(db, "submission_received")) == (1 if action == "submit" else 0)
    assert "This form had already been sent" in text(client.get(second.headers["Location"]))


def test_saving_a_draft_never_requires_every_field(app, db):
    call = make_open_call()
    client = login(app.test_client(), author(db))

    response = client.post("/events/ews/submissions/new",
                           data={"title": "Just a title", "action": "save", "form_nonce": "n"})

    assert response.status_code == 302
    submission = db.session.scalar(sa.select(Submission))
    assert (submission.title, submission.abstract, submission.type_id, submission.state) == (
        "Just a title", "", None, SubmissionState.DRAFT)
    html = text(client.get(response.headers["Location"]))
    assert "Saved. The draft" in html and 'value="Just a title"' in html
    assert call.event.id == submission.event_id


def test_unverified_user_cannot_submit(app, db):
    call = make_open_call()
    client = login(app.test_client(), author(db, verified=False))

    response = client.post("/events/ews/submissions/new", data=form(call, action="save"))

    assert response.status_code == 200
    assert "Confirm your email address before submitting" in text(response)
    assert count(db, Submission) == 0


# Bad input ---------------------------------------------------------------------------------------------

LONG_ABSTRACT = " ".join(["word"] * 21)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Give the title."),
        ({"abstract": LONG_ABSTRACT}, "abstract", "The abstract has 21 words; a Full paper allows at most 20. Shorten it."),
        ({"type_id": ""}, "type_id", "Choose the submission type."),
        ({"paper": None}, "paper", "Upload the file: a Full paper needs one."),
        ({"paper": "exe"}, "paper", "The file paper.pdf is a program, not a document. Upload PDF."),
        ({"paper": "zip"}, "paper", "The file paper.pdf is not in an accepted format (its content was checked"),
        ({"paper": "big"}, "paper", "The file paper.pdf is larger than 1 MB."),
        ({"paper": "text"}, "paper", "The file paper.pdf is not a readable PDF: it may be damaged, or only named "
                                     "like one."),
        ({"paper": "encrypted"}, "paper", "The file paper.pdf is encrypted or protected by a password"),
        ({"type_id": "99999"}, "type_id", "Choose one of the submission types listed."),
    ],
    ids=["missing-title", "abstract-too-long", "missing-type", "missing-file", "renamed-executable", "wrong-format",
         "oversize", "text-named-pdf", "encrypted-pdf", "foreign-type"],
)
def test_bad_input_on_the_new_form_shows_the_message_keeps_the_typing_and_stores_nothing(app, db, changes, field, message):
    call = make_open_call()
    client = login(app.test_client(), author(db))
    files = {"exe": EXE, "zip": b"PK\x03\x04not really a zip", "big": PDF + b"x" * (1024 * 1024),
             "text": b"%PDF-1.4\nOnly text that starts like a PDF.\n", "encrypted": encrypted_pdf()}
    changes = dict(changes)  # the parameters are shared by both database backends
    upload = changes.pop("paper", "ok")
    data = form(call, action="submit", **changes)
    if upload is not None:
        data["paper"] = pdf("paper.pdf", files.get(upload, PDF))

    response = client.post("/events/ews/submissions/new", **multipart(data))

    assert response.status_code == 200
    html = text(response)
    assert message in error_of(html, field)
    assert f'href="#field-{field}"' in html or f'href="#{field}-0"' in html  # the summary links to the field
    if field != "title":
        assert 'value="Flood warnings that work"' in html
    if field != "abstract":
        assert "We show how **flood** warnings reach people in time.</textarea>" in html
    assert 'value="floods, warnings"' in html
    assert count(db, Submission) == 0 and count(db, SubmissionFile) == 0 and count(db, OutboxMessage) == 0
    assert count(db, AuditEntry, AuditEntry.action.like("submission.%")) == 0


def test_closed_call_refuses_a_new_submission_next_to_the_access_code(app, db):
    call = make_open_call(opens=dt.timedelta(days=-20), deadline=dt.timedelta(days=-1))
    client = login(app.test_client(), author(db))

    response = client.post("/events/ews/submissions/new", data=form(call, action="submit", type_id=str(call.talk.id)))

    assert response.status_code == 200
    html = text(response)
    assert "The call for papers closed on" in error_of(html, "access_code")
    assert 'value="Flood warnings that work"' in html
    assert count(db, Submission) == 0


def test_a_new_submission_to_a_closed_call_shows_the_access_code_and_what_is_missing_at_once(app, db):
    call = make_open_call(opens=dt.timedelta(days=-20), deadline=dt.timedelta(days=-1))
    client = login(app.test_client(), author(db))
    data = form(call, action="submit", type_id=str(call.talk.id)) | {"abstract": ""}

    html = text(client.post("/events/ews/submissions/new", data=data))

    assert "The call for papers closed on" in error_of(html, "access_code")
    assert "Write the abstract." in error_of(html, "abstract")
    too_long = text(client.post("/events/ews/submissions/new", data=data | {"title": "t" * 301, "action": "save"}))
    assert "Keep the title under 300 characters." in error_of(too_long, "title")
    assert "The call for papers closed on" in error_of(too_long, "access_code")
    assert "Write the abstract." not in too_long  # saving a draft asks for nothing more
    assert count(db, Submission) == 0


def test_an_access_code_lets_an_author_submit_after_the_deadline(app, db):
    call = make_open_call(opens=dt.timedelta(days=-20), deadline=dt.timedelta(days=-1))
    cfp_setup.create_access_code(call.event, actor=call.organiser, code="LATE-2027", max_uses=1)
    client = login(app.test_client(), author(db))

    assert 'value="LATE-2027"' in text(client.get("/events/ews/submissions/new?access_code=LATE-2027"))
    response = client.post("/events/ews/submissions/new",
                           data=form(call, action="submit", type_id=str(call.talk.id), access_code="LATE-2027"))

    assert response.status_code == 302
    submission = db.session.scalar(sa.select(Submission))
    assert submission.state == SubmissionState.SUBMITTED
    assert fresh(db, AccessCode, submission.access_code_id).uses == 1


@pytest.mark.parametrize(("code", "message"), [
    ("NOPE-0000", "This access code is not valid for this event."),
    ("USED-UP", "This access code has been used as often as it allows."),
    ("EXPIRED", "This access code expired on"),
])
def test_bad_access_codes_are_refused_next_to_the_field(app, db, code, message):
    call = make_open_call(opens=dt.timedelta(days=-20), deadline=dt.timedelta(days=-1))
    used = cfp_setup.create_access_code(call.event, actor=call.organiser, code="USED-UP", max_uses=1)
    used.uses = 1
    cfp_setup.create_access_code(call.event, actor=call.organiser, code="EXPIRED",
                                 valid_until=utcnow() - dt.timedelta(hours=1))
    client = login(app.test_client(), author(db))

    response = client.post("/events/ews/submissions/new",
                           data=form(call, action="submit", type_id=str(call.talk.id), access_code=code))

    assert response.status_code == 200
    html = text(response)
    assert message in error_of(html, "access_code")
    assert f'value="{code}"' in html and 'value="Flood warnings that work"' in html
    assert count(db, Submission) == 0


def test_submitting_an_incomplete_draft_shows_every_missing_field_and_keeps_it_a_draft(app, db):
    call = make_open_call()
    client = login(app.test_client(), author(db))
    client.post("/events/ews/submissions/new", data={"title": "Draft", "action": "save", "form_nonce": "n"})
    submission = db.session.scalar(sa.select(Submission))

    response = client.post(f"/events/ews/submissions/{submission.code}/edit",
                           data={"title": "Better title", "abstract": "", "keywords": "a, b", "action": "submit"})

    assert response.status_code == 200
    html = text(response)
    assert "Write the abstract." in error_of(html, "abstract")
    assert "Choose the submission type." in error_of(html, "type_id")
    assert 'value="Better title"' in html and 'value="a, b"' in html
    submission = fresh(db, Submission, submission.id)
    assert (submission.title, submission.state, submission.keywords) == ("Draft", SubmissionState.DRAFT, [])
    assert call.event.id == submission.event_id


def test_a_bad_file_on_the_edit_form_keeps_the_rest_unsaved(app, db):
    call = make_open_call()
    ada = author(db)
    submission = submitted(call, ada)
    client = login(app.test_client(), ada)

    response = client.post(f"/events/ews/submissions/{submission.code}/edit",
                           data=form(call, type_id=str(call.talk.id), title="Changed title", action="save",
                                     supplement=pdf("data.pdf", EXE)),
                           content_type="multipart/form-data")

    assert response.status_code == 200
    html = text(response)
    assert "is a program, not a document" in error_of(html, "supplement")
    assert "Files are not kept when the form has a problem" in html
    assert 'value="Changed title"' in html
    assert fresh(db, Submission, submission.id).title == "Flood warnings that work"
    assert count(db, SubmissionFile) == 0


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"abstract": ""}, "abstract", "Write the abstract."),
    ({"type_id": ""}, "type_id", "Choose the submission type."),
    ({"type_id": "paper"}, "paper", "Upload the file: a Full paper needs one."),
])
def test_a_submitted_submission_must_stay_complete(app, db, changes, field, message):
    call = make_open_call()
    ada = author(db)
    submission = submitted(call, ada)
    client = login(app.test_client(), ada)
    changes = {k: str(call.paper.id) if v == "paper" else v for k, v in changes.items()}

    response = client.post(f"/events/ews/submissions/{submission.code}/edit",
                           data=form(call, type_id=str(call.talk.id), action="save") | changes)

    assert response.status_code == 200
    assert message in error_of(text(response), field)
    submission = fresh(db, Submission, submission.id)
    assert (submission.abstract, submission.type_id, submission.title) == (
        "Short abstract.", call.talk.id, "Flood warnings that work")


def test_editing_after_the_deadline_is_refused_with_the_typing_kept(app, db):
    call = make_open_call(opens=dt.timedelta(days=-20), deadline=dt.timedelta(days=-1))
    ada = author(db)
    submission = submitted(call, ada, now=utcnow() - dt.timedelta(days=2))
    client = login(app.test_client(), ada)

    response = client.post(f"/events/ews/submissions/{submission.code}/edit",
                           data=form(call, type_id=str(call.talk.id), title="Too late", action="save"))

    assert response.status_code == 200
    html = text(response)
    assert "Changes were possible until" in html and "The submission can no longer be edited." in html
    assert 'value="Too late"' in html and "<fieldset disabled>" in html and 'value="save"' not in html
    submission = fresh(db, Submission, submission.id)
    assert submission.title == "Flood warnings that work"
    assert count(db, AuditEntry, AuditEntry.action == "submission.updated") == 0


def test_after_the_deadline_the_pages_are_read_only(app, db):
    call = make_open_call(opens=dt.timedelta(days=-20), deadline=dt.timedelta(days=-2),
                          edit_until=dt.timedelta(days=-1))
    ada = author(db)
    submission = submitted(call, ada, now=utcnow() - dt.timedelta(days=3), coauthors=("bob@example.org",))
    client = login(app.test_client(), ada)

    edit = text(client.get(f"/events/ews/submissions/{submission.code}/edit"))
    page = text(client.get(f"/events/ews/submissions/{submission.code}"))

    assert "Changes were possible until" in edit
    assert "<form" not in edit.split("<main", 1)[1] and 'name="title"' not in edit
    assert "Flood warnings that work" in edit and "Short abstract." in edit
    assert "Submitted. It is read-only now." in page
    assert f"/events/ews/submissions/{submission.code}/edit" not in page
    assert "Add a co-author" not in page and "Move up" not in page and "Remove" not in page


def test_someone_elses_submission_is_not_found(app, db):
    call = make_open_call()
    submission = submitted(call, author(db))
    client = login(app.test_client(), factories.make_user())

    assert client.get(f"/events/ews/submissions/{submission.code}/edit").status_code == 404
    response = client.post(f"/events/ews/submissions/{submission.code}/edit", data=form(call, title="Mine now"))

    assert response.status_code == 404
    assert "Flood warnings that work" not in text(response)
    assert fresh(db, Submission, submission.id).title == "Flood warnings that work"


# Custom questions ----------------------------------------------------------------------------------------

def test_custom_questions_get_fitting_inputs_and_their_answers_are_kept(app, db):
    call = make_open_call()
    org, event = call.organiser, call.event
    q = {kind: cfp_setup.save_question(event, actor=org, label=f"Q {kind.value}", kind=kind,
                                       options=["Red", "Green", "Blue"] if kind in (QuestionKind.SINGLE_CHOICE,
                                                                                   QuestionKind.MULTIPLE_CHOICE) else None)
         for kind in QuestionKind}
    q[QuestionKind.SHORT_TEXT].required = True
    diet = cfp_setup.save_question(event, actor=org, label="Dietary needs", kind=QuestionKind.SHORT_TEXT,
                                   target=QuestionTarget.AUTHOR, required=True)
    ada = author(db)
    client = login(app.test_client(), ada)

    html = text(client.get("/events/ews/submissions/new"))
    ids = {kind: question.id for kind, question in q.items()}
    assert f'<textarea class="form-control" id="field-q_{ids[QuestionKind.LONG_TEXT]}"' in html
    assert re.search(rf'id="field-q_{ids[QuestionKind.NUMBER]}" inputmode="decimal"', html)
    assert 'type="radio" value="Green"' in html and f'name="q_{ids[QuestionKind.SINGLE_CHOICE]}"' in html
    assert f'type="checkbox" class="form-check-input" id="field-q_{ids[QuestionKind.MULTIPLE_CHOICE]}"' in html
    assert f'name="q_{ids[QuestionKind.YES_NO]}" type="radio" value="yes"' in html
    assert re.search(rf'id="field-q_{ids[QuestionKind.URL]}" name="q_{ids[QuestionKind.URL]}" type="url"', html)
    assert re.search(rf'id="field-q_{ids[QuestionKind.DATE]}" name="q_{ids[QuestionKind.DATE]}" type="date"', html)
    assert re.search(rf'id="field-q_{ids[QuestionKind.FILE]}" name="q_{ids[QuestionKind.FILE]}" type="file"', html)
    assert "About you" in html and f'name="q_{diet.id}_self"' in html

    answers = {f"q_{ids[QuestionKind.SHORT_TEXT]}": "Short", f"q_{ids[QuestionKind.LONG_TEXT]}": "Long\ntext",
               f"q_{ids[QuestionKind.NUMBER]}": "3,5", f"q_{ids[QuestionKind.SINGLE_CHOICE]}": "Green",
               f"q_{ids[QuestionKind.MULTIPLE_CHOICE]}": ["Blue", "Red"], f"q_{ids[QuestionKind.YES_NO]}": "no",
               f"q_{ids[QuestionKind.URL]}": "https://example.org/data", f"q_{ids[QuestionKind.DATE]}": "2027-03-16",
               f"q_{ids[QuestionKind.FILE]}": pdf("consent.pdf"), f"q_{diet.id}_self": "Vegetarian"}
    response = client.post("/events/ews/submissions/new", data=form(call, action="submit", paper=pdf(), **answers),
                           content_type="multipart/form-data")

    assert response.status_code == 302, error_summary(response)
    submission = db.session.scalar(sa.select(Submission))
    assert submission.state == SubmissionState.SUBMITTED
    stored = {(a.question_id, a.author_id): a.value for a in db.session.scalars(sa.select(Answer))}
    assert stored == {
        (ids[QuestionKind.SHORT_TEXT], None): "Short", (ids[QuestionKind.LONG_TEXT], None): "Long\ntext",
        (ids[QuestionKind.NUMBER], None): "3.5", (ids[QuestionKind.SINGLE_CHOICE], None): "Green",
        (ids[QuestionKind.MULTIPLE_CHOICE], None): ["Red", "Blue"], (ids[QuestionKind.YES_NO], None): False,
        (ids[QuestionKind.URL], None): "https://example.org/data", (ids[QuestionKind.DATE], None): "2027-03-16",
        (diet.id, submission.authors[0].id): "Vegetarian",
    }
    assert [f.filename for f in submission.files if f.question_id == ids[QuestionKind.FILE]] == ["consent.pdf"]

    edit = text(client.get(f"/events/ews/submissions/{submission.code}/edit"))
    assert 'value="Short"' in edit and 'value="3.5"' in edit and "Long\ntext</textarea>" in edit
    assert f'checked id="field-q_{ids[QuestionKind.MULTIPLE_CHOICE]}"' not in edit  # Red is first and checked:
    assert re.search(rf'id="field-q_{ids[QuestionKind.MULTIPLE_CHOICE]}" name="q_\d+" value="Red" checked', edit)
    assert f'name="q_{diet.id}_a{submission.authors[0].id}"' in edit and 'value="Vegetarian"' in edit
    assert "consent.pdf" in edit


def error_summary(response) -> str:
    html = text(response)
    return html[html.find('id="error-summary"'):][:2000]


@pytest.mark.parametrize(("kind", "value", "message"), [
    (QuestionKind.NUMBER, "many", "Enter a number, e.g. 12 or 3.5."),
    (QuestionKind.URL, "example.org", "Enter a full web address, starting with https://"),
    (QuestionKind.DATE, "16/03/2027", "Enter a date as YYYY-MM-DD"),
    (QuestionKind.SHORT_TEXT, "", "Answer this question."),
])
def test_bad_answers_are_shown_next_to_their_question(app, db, kind, value, message):
    call = make_open_call()
    question = cfp_setup.save_question(call.event, actor=call.organiser, label="Tell us", kind=kind, required=True)
    client = login(app.test_client(), author(db))

    response = client.post("/events/ews/submissions/new",
                           data=form(call, action="submit", type_id=str(call.talk.id), **{f"q_{question.id}": value}))

    assert response.status_code == 200
    assert message in error_of(text(response), f"q_{question.id}")
    assert count(db, Submission) == 0


def test_per_author_questions_are_asked_in_each_authors_block(app, db):
    call = make_open_call()
    diet = cfp_setup.save_question(call.event, actor=call.organiser, label="Dietary needs",
                                   kind=QuestionKind.SHORT_TEXT, target=QuestionTarget.AUTHOR, required=True)
    ada = author(db)
    submission = submission_ops.create_draft(call.event, actor=ada, title="T", abstract="A", type_id=call.talk.id)
    bob = submission_ops.add_author(submission, actor=ada, name="Bob", email="bob@example.org")
    me = submission.authors[0]
    client = login(app.test_client(), ada)

    html = text(client.get(f"/events/ews/submissions/{submission.code}/edit"))
    assert "About Ada Author" in html and "About Bob" in html

    response = client.post(f"/events/ews/submissions/{submission.code}/edit",
                           data={"title": "T", "abstract": "A", "type_id": call.talk.id, "action": "submit",
                                 f"q_{diet.id}_a{me.id}": "None"})

    assert response.status_code == 200
    assert "Answer this question for Bob." in error_of(text(response), f"q_{diet.id}_a{bob.id}")
    assert fresh(db, Submission, submission.id).state == SubmissionState.DRAFT
    assert count(db, Answer) == 0


# Co-authors ------------------------------------------------------------------------------------------------

def test_coauthor_with_an_account_sees_the_submission_on_their_dashboard_at_once(app, db):
    call = make_open_call()
    ada, bob = author(db), factories.make_user(email="bob@example.org", name="Bob Coauthor")
    submission = submitted(call, ada)
    login(app.test_client(), ada).post(f"/events/ews/submissions/{submission.code}/authors",
                                       data={"name": "Bob Coauthor", "email": "bob@example.org"})

    bob_client = login(app.test_client(), bob)
    dashboard = text(bob_client.get("/my/submissions"))

    assert submission.code in dashboard and "Flood warnings that work" in dashboard
    assert "Submitted. It is read-only now." in dashboard  # co-authors do not edit
    assert bob_client.get(f"/events/ews/submissions/{submission.code}").status_code == 200
    [invitation] = mails(db, "coauthor_invitation")
    assert invitation.to_address == "bob@example.org" and "It is on your dashboard." in invitation.body_text


def test_coauthor_without_an_account_signs_up_follows_the_link_and_accepts(app, db):
    call = make_open_call()
    ada = author(db)
    submission = submitted(call, ada)
    login(app.test_client(), ada).post(f"/events/ews/submissions/{submission.code}/authors",
                                       data={"name": "Carla New", "email": "carla@example.org"})
    [invitation] = mails(db, "coauthor_invitation")
    link = first_link(invitation.body_text)
    path = link.removeprefix("http://conference.test")
    assert path.startswith("/coauthorship/")
    carla = app.test_client()

    landing = text(carla.get(path))
    assert "The invitation was sent to carla@example.org." in landing
    assert 'href="/auth/signup"' in landing
    assert f'href="/auth/login?next={path}"' in landing
    assert carla.post(path).headers["Location"].startswith("/auth/login?next=")

    carla.post("/auth/signup", data={"name": "Carla New", "email": "carla@example.org", "password": "a long password 1",
                                     "confirm": "a long password 1", "timezone": "UTC"})
    [verify] = mails(db, "verify_email")
    carla.get(first_link(verify.body_text).removeprefix("http://conference.test"))
    response = carla.post("/auth/login", data={"email": "carla@example.org", "password": "a long password 1",
                                               "next": path})
    assert response.headers["Location"] == path
    assert submission.code not in text(carla.get("/my/submissions"))
    assert "Accept and open the submission" in text(carla.get(path))

    response = carla.post(path)

    assert response.status_code == 302 and response.headers["Location"] == f"/events/ews/submissions/{submission.code}"
    user = db.session.scalar(sa.select(User).where(User.email == "carla@example.org"))
    assert [(a.email, a.user_id) for a in fresh(db, Submission, submission.id).authors] == [
        ("ada@example.org", ada.id), ("carla@example.org", user.id)]
    assert submission.code in text(carla.get("/my/submissions"))
    assert "already on your list" in text(carla.get(path))
    assert count(db, AuditEntry, AuditEntry.action == "submission.coauthor_accepted") == 1


def test_a_tampered_coauthor_link_is_refused(app, db):
    response = app.test_client().get("/coauthorship/not-a-token")
    assert response.status_code == 400 and "This link is not valid" in text(response)


def test_authors_are_reordered_updated_and_removed(app, db):
    call = make_open_call()
    ada = author(db)
    submission = submitted(call, ada, coauthors=("bob@example.org", "carla@example.org"))
    ids = [a.id for a in submission.authors]
    client = login(app.test_client(), ada)
    base = f"/events/ews/submissions/{submission.code}/authors"

    page = text(client.get(f"/events/ews/submissions/{submission.code}"))
    assert page.count("Move up<span") == 2 and page.count("Move down<span") == 2
    assert f'action="{base}/{ids[0]}/remove"' not in page  # the submitter stays

    assert client.post(f"{base}/{ids[2]}/move", data={"direction": "up"}).status_code == 302
    assert [a.id for a in fresh(db, Submission, submission.id).authors] == [ids[0], ids[2], ids[1]]
    client.post(f"{base}/{ids[0]}/move", data={"direction": "down"})
    assert [a.id for a in fresh(db, Submission, submission.id).authors] == [ids[2], ids[0], ids[1]]

    response = client.post(f"{base}/{ids[1]}", data={f"a{ids[1]}-name": "Bob Builder", f"a{ids[1]}-affiliation": "ETH",
                                                     f"a{ids[1]}-is_corresponding": "y"})
    assert response.status_code == 302
    bob = fresh(db, SubmissionAuthor, ids[1])
    assert (bob.name, bob.affiliation, bob.is_presenter, bob.is_corresponding) == ("Bob Builder", "ETH", False, True)

    assert client.post(f"{base}/{ids[2]}/remove").status_code == 302
    assert [(a.id, a.position) for a in fresh(db, Submission, submission.id).authors] == [(ids[0], 0), (ids[1], 1)]

    response = client.post(f"{base}/{ids[0]}/remove", follow_redirects=True)
    assert "The person who submitted cannot be removed from the authors." in text(response)
    assert len(fresh(db, Submission, submission.id).authors) == 2


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"name": "", "email": "dan@example.org"}, "name", "Give the co-author's name."),
    ({"name": "Dan", "email": "not-an-address"}, "email", "Enter a valid email address."),
    ({"name": "Ada again", "email": "ada@example.org"}, "email", "This person is already an author of this submission."),
])
def test_adding_a_coauthor_with_bad_input_keeps_the_typing(app, db, data, field, message):
    call = make_open_call()
    ada = author(db)
    submission = submitted(call, ada)
    client = login(app.test_client(), ada)

    response = client.post(f"/events/ews/submissions/{submission.code}/authors", data=data | {"affiliation": "UN"})

    assert response.status_code == 200
    html = text(response)
    assert message in error_of(html, field)
    assert f'value="{data["email"]}"' in html and 'value="UN"' in html
    assert len(fresh(db, Submission, submission.id).authors) == 1
    assert mails(db, "coauthor_invitation") == []


def test_updating_an_author_with_no_name_shows_the_error_in_their_block(app, db):
    call = make_open_call()
    ada = author(db)
    submission = submitted(call, ada, coauthors=("bob@example.org",))
    bob_id = submission.authors[1].id
    client = login(app.test_client(), ada)

    response = client.post(f"/events/ews/submissions/{submission.code}/authors/{bob_id}",
                           data={f"a{bob_id}-name": " ", f"a{bob_id}-affiliation": "Typed"})

    assert response.status_code == 200
    html = text(response)
    assert "Give the author's name." in error_of(html, f"a{bob_id}-name")
    assert "<details open>" in html and 'value="Typed"' in html
    assert fresh(db, SubmissionAuthor, bob_id).name == "Bob"


def test_coauthors_cannot_be_changed_after_the_deadline(app, db):
    call = make_open_call(opens=dt.timedelta(days=-20), deadline=dt.timedelta(days=-1))
    ada = author(db)
    submission = submitted(call, ada, now=utcnow() - dt.timedelta(days=2), coauthors=("bob@example.org",))
    client = login(app.test_client(), ada)

    response = client.post(f"/events/ews/submissions/{submission.code}/authors",
                           data={"name": "Late", "email": "late@example.org"})

    assert response.status_code == 200 and "Changes were possible until" in text(response)
    response = client.post(f"/events/ews/submissions/{submission.code}/authors/{submission.authors[1].id}/remove",
                           follow_redirects=True)
    assert "Changes were possible until" in text(response)
    assert len(fresh(db, Submission, submission.id).authors) == 2


# Withdrawing and deleting -------------------------------------------------------------------------------------

def test_withdrawing_asks_for_confirmation_tells_each_organiser_and_is_audited(app, db):
    call = make_open_call()
    second = factories.make_user(email="second@example.org", name="Second Organiser")
    factories.add_role(call.event, second, TeamRole.ORGANISER)
    ada = author(db)
    submission = submitted(call, ada)
    client = login(app.test_client(), ada)

    page = text(client.get(f"/events/ews/submissions/{submission.code}/withdraw"))
    assert f"Withdraw submission {submission.code}?" in page and 'name="reason"' in page
    assert fresh(db, Submission, submission.id).state == SubmissionState.SUBMITTED

    response = client.post(f"/events/ews/submissions/{submission.code}/withdraw", data={"reason": "Data not ready."})

    assert response.status_code == 302
    submission = fresh(db, Submission, submission.id)
    assert submission.state == SubmissionState.WITHDRAWN and submission.withdrawn_at is not None
    notices = mails(db, "submission_withdrawn")
    assert sorted(m.to_address for m in notices) == sorted([call.organiser.email, "second@example.org"])
    assert all("Data not ready." in m.body_text and submission.code in m.subject for m in notices)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "submission.withdrawn"))
    assert (entry.actor_id, entry.object_id, entry.details["reason"]) == (ada.id, submission.id, "Data not ready.")
    page = text(client.get(response.headers["Location"]))
    assert "is withdrawn. The organisers have been told." in page and "Withdrawn." in page
    assert "/edit" not in page.split("<main", 1)[1]
    assert client.get(f"/events/ews/submissions/{submission.code}/withdraw").status_code == 403


def test_a_draft_is_deleted_after_confirmation(app, db):
    call = make_open_call()
    ada = author(db)
    draft = submission_ops.create_draft(call.event, actor=ada, title="Half-baked")
    client = login(app.test_client(), ada)

    assert "Delete the draft " + draft.code + "?" in text(client.get(f"/events/ews/submissions/{draft.code}/delete"))
    assert count(db, Submission) == 1
    response = client.post(f"/events/ews/submissions/{draft.code}/delete")

    assert response.status_code == 302 and response.headers["Location"] == "/my/submissions"
    assert count(db, Submission) == 0
    assert count(db, AuditEntry, AuditEntry.action == "submission.draft_deleted") == 1


def test_organisers_edit_any_submission_and_the_audit_log_says_so(app, db):
    call = make_open_call()
    submission = submitted(call, author(db))
    client = login(app.test_client(), call.organiser)

    response = client.post(f"/events/ews/submissions/{submission.code}/edit",
                           data=form(call, type_id=str(call.talk.id), title="Fixed typo", action="save"))

    assert response.status_code == 302
    assert fresh(db, Submission, submission.id).title == "Fixed typo"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "submission.updated"))
    assert entry.actor_id == call.organiser.id and entry.details["by_organiser"] is True


# Files and the dashboard ---------------------------------------------------------------------------------------

def test_download_sends_the_stored_file_as_an_attachment(app, db, store):
    call = make_open_call()
    ada = author(db)
    client = login(app.test_client(), ada)
    client.post("/events/ews/submissions/new", data=form(call, action="submit", paper=pdf("Flood paper.pdf")),
                content_type="multipart/form-data")
    submission = db.session.scalar(sa.select(Submission))
    [stored] = submission.files

    with client.get(f"/events/ews/submissions/{submission.code}/files/{stored.id}") as response:
        body = response.data

    assert response.status_code == 200 and body == PDF
    assert store.keys() == [files.blob_key(stored.sha256)]
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "Flood paper.pdf" in response.headers["Content-Disposition"]
    assert "private" in response.headers["Cache-Control"] and "no-store" in response.headers["Cache-Control"]
    assert client.get(f"/events/ews/submissions/{submission.code}/files/{stored.id + 1000}").status_code == 404


def test_a_paper_over_the_types_page_limit_is_refused_next_to_the_field(app, db):
    call = make_open_call()
    cfp_setup.save_submission_type(call.event, actor=call.organiser, submission_type=call.paper, name="Full paper",
                                   abstract_word_limit=20, file_required=True, accepted_file_types=["pdf"],
                                   max_file_size_mb=1, max_pages=2)
    client = login(app.test_client(), author(db))
    assert "up to 1 MB, a PDF paper of at most 2 pages</dd>" in text(client.get("/events/ews/call"))
    assert "A PDF paper has at most 2 pages." in text(client.get("/events/ews/submissions/new"))

    response = client.post("/events/ews/submissions/new",
                           **multipart(form(call, action="submit", paper=pdf("long.pdf", make_pdf("1", "2", "3")))))

    assert response.status_code == 200
    assert error_of(text(response), "paper").endswith(
        '<span class="visually-hidden">Error: </span>The file long.pdf has 3 pages; at most 2 are allowed. '
        'Shorten it and upload it again.')
    assert count(db, Submission) == 0 and count(db, SubmissionFile) == 0
    response = client.post("/events/ews/submissions/new",
                           **multipart(form(call, action="submit", paper=pdf("short.pdf", make_pdf("1", "2")))))
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "short.pdf</a>\n        (paper, 2 pages, 0.0 MB)" in page


def test_in_a_double_blind_event_a_paper_naming_its_author_is_kept_with_a_warning(app, db):
    call = make_open_call()
    ensure_review_settings(call.event).blind_mode = BlindMode.DOUBLE_BLIND
    client = login(app.test_client(), author(db))
    named = make_pdf("Flood warnings that work, by Ada Author", info={"Author": "Ada Author"})

    response = client.post("/events/ews/submissions/new",
                           **multipart(form(call, action="submit", paper=pdf("floods.pdf", named))))

    assert response.status_code == 302
    submission = db.session.scalar(sa.select(Submission))
    assert submission.state == SubmissionState.SUBMITTED  # a warning, not a refusal
    page = text(client.get(response.headers["Location"]))
    warnings = page[page.index('<section class="alert alert-info" aria-labelledby="file-warnings-title"'):]
    warnings = warnings[:warnings.index("</section>")]
    assert "Your files may reveal who you are" in warnings
    assert ("The first page of floods.pdf seems to name an author. Reviewers of this double-blind event see the "
            "pages as they are: upload a version without the authors' names.") in warnings
    assert "The document properties of floods.pdf (author, title or other metadata) name an author." in warnings
    # A clean version takes the warning away.
    client.post(f"/events/ews/submissions/{submission.code}/edit",
                **multipart(form(call, action="save", paper=pdf("floods.pdf", make_pdf("Flood warnings that work")))))
    assert "file-warnings" not in text(client.get(response.headers["Location"]))


def test_an_upload_is_streamed_to_disk_not_held_in_memory(app, db):
    call = make_open_call()
    cfp_setup.save_submission_type(call.event, actor=call.organiser, submission_type=call.paper, name="Full paper",
                                   abstract_word_limit=20, file_required=True, accepted_file_types=["pdf"],
                                   max_file_size_mb=10)
    client = login(app.test_client(), author(db))
    # The first request compiles templates and loads modules: not what is measured.
    client.post("/events/ews/submissions/new", **multipart(form(call, action="submit", form_nonce="warm-up",
                                                                 paper=pdf("small.pdf", PDF))))
    big = make_pdf("A paper with large figures", padding=8 * 1024 * 1024)
    request = multipart(form(call, action="submit", paper=pdf("big.pdf", big)))
    tracemalloc.start()
    try:
        response = client.post("/events/ews/submissions/new", **request)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 302
    assert peak < 4 * 1024 * 1024  # an 8 MB file read whole would take at least 8 MB
    [stored] = db.session.scalar(sa.select(Submission).where(Submission.form_nonce == "nonce-1")).files
    assert stored.size == len(big) and stored.page_count == 1


def test_dashboard_lists_each_submission_with_its_next_step(app, db):
    open_call = make_open_call()
    closed = make_open_call(slug="closed", opens=dt.timedelta(days=-20), deadline=dt.timedelta(days=-2),
                            edit_until=dt.timedelta(days=-1), organiser=open_call.organiser)
    ada = author(db)
    draft = submission_ops.create_draft(open_call.event, actor=ada, title="My draft")
    editable = submitted(open_call, ada, title="Still editable")
    frozen = submitted(closed, ada, title="Frozen", now=utcnow() - dt.timedelta(days=3))
    gone = submitted(open_call, ada, title="Gone")
    submission_ops.withdraw(gone, actor=ada)
    late_draft = submission_ops.create_draft(closed.event, actor=ada, title="Too late",
                                             now=utcnow() - dt.timedelta(days=3))
    someone_elses = submitted(open_call, factories.make_user(), title="Not mine")
    client = login(app.test_client(), ada)

    html = text(client.get("/my/submissions"))

    rows = {code: html[html.rindex("<tr>", 0, html.index(code)):html.index("</tr>", html.index(code))]
            for code in (draft.code, editable.code, frozen.code, gone.code, late_draft.code)}
    assert "Finish and submit before" in rows[draft.code]
    assert "Submitted. You can edit it until" in rows[editable.code]
    assert "Submitted. It is read-only now." in rows[frozen.code]
    assert "Withdrawn." in rows[gone.code]
    assert "you need an access code from the organisers" in rows[late_draft.code]
    assert someone_elses.code not in html and "Not mine" not in html
    assert "Early Warning Symposium" in rows[draft.code]


# Fixed numbers of queries ----------------------------------------------------------------------------------------

def test_submission_pages_run_a_fixed_number_of_queries_whatever_the_number_of_authors(app, db):
    from ..query_counting import grow

    call = make_open_call()
    diet = cfp_setup.save_question(call.event, actor=call.organiser, label="Dietary needs",
                                   kind=QuestionKind.SHORT_TEXT, target=QuestionTarget.AUTHOR)
    cfp_setup.save_question(call.event, actor=call.organiser, label="Data", kind=QuestionKind.URL,
                            type_ids=[call.talk.id], track_ids=[call.track.id])
    ada = author(db)
    submission = submitted(call, ada)
    submission_ops.attach_file(submission, actor=ada, kind=submission_ops.FileKind.PAPER, filename="p.pdf", data=PDF)
    client = login(app.test_client(), ada)

    numbers = itertools.count()

    def add_one(_i):
        n = next(numbers)
        person = factories.make_user(email=f"co{n}@example.org") if n % 2 else None
        added = submission_ops.add_author(submission, actor=ada, name=f"Co {n}", email=f"co{n}@example.org")
        submission.answers.append(Answer(question_id=diet.id, author_id=added.id, value="Vegan"))
        assert person is None or added.user_id == person.id

    for path in (f"/events/ews/submissions/{submission.code}", f"/events/ews/submissions/{submission.code}/edit"):
        small, large = grow(db, client, path, add_one)
        assert small == large, path


def test_dashboard_runs_a_fixed_number_of_queries_whatever_the_number_of_submissions(app, db):
    from ..query_counting import grow

    calls = [make_open_call(slug="one"), make_open_call(slug="two")]
    ada = author(db)
    client = login(app.test_client(), ada)

    def add_one(i):
        call = calls[i % 2]
        if i % 3:
            submitted(call, ada, title=f"Mine {i}", coauthors=(f"x{i}@example.org",))
        else:
            other = factories.make_user()
            submitted(call, other, title=f"Theirs {i}", coauthors=(ada,))

    small, large = grow(db, client, "/my/submissions", add_one)
    assert small == large


def test_a_draft_started_before_the_deadline_is_submitted_later_with_an_access_code(app, db):
    call = make_open_call(opens=dt.timedelta(days=-20), deadline=dt.timedelta(days=-1))
    cfp_setup.create_access_code(call.event, actor=call.organiser, code="LATE-DRAFT")
    ada = author(db)
    draft = submission_ops.create_draft(call.event, actor=ada, title="Started in time", abstract="A.",
                                        type_id=call.talk.id, now=utcnow() - dt.timedelta(days=2))
    client = login(app.test_client(), ada)
    data = {"title": "Started in time", "abstract": "A.", "type_id": call.talk.id, "action": "submit"}

    page = text(client.get(f"/events/ews/submissions/{draft.code}/edit"))
    assert 'name="access_code"' in page and "The call is closed" in page
    refused = client.post(f"/events/ews/submissions/{draft.code}/edit", data=data)
    assert "The call for papers closed on" in error_of(text(refused), "access_code")
    assert fresh(db, Submission, draft.id).state == SubmissionState.DRAFT

    response = client.post(f"/events/ews/submissions/{draft.code}/edit", data=data | {"access_code": "LATE-DRAFT"})

    assert response.status_code == 302
    draft = fresh(db, Submission, draft.id)
    assert draft.state == SubmissionState.SUBMITTED and draft.access_code.code == "LATE-DRAFT"
    assert draft.access_code.uses == 1


def test_a_late_draft_shows_the_missing_access_code_and_what_is_missing_after_one_submit(app, db):
    call = make_open_call(opens=dt.timedelta(days=-20), deadline=dt.timedelta(days=-1))
    ada = author(db)
    draft = submission_ops.create_draft(call.event, actor=ada, title="Started in time", abstract="A.",
                                        type_id=call.talk.id, now=utcnow() - dt.timedelta(days=2))
    client = login(app.test_client(), ada)
    data = {"title": "Started in time", "abstract": "", "type_id": call.talk.id, "action": "submit"}

    refused = text(client.post(f"/events/ews/submissions/{draft.code}/edit", data=data))

    assert "The call for papers closed on" in error_of(refused, "access_code")
    assert "Write the abstract." in error_of(refused, "abstract")
    assert fresh(db, Submission, draft.id).state == SubmissionState.DRAFT
    too_long = text(client.post(f"/events/ews/submissions/{draft.code}/edit", data=data | {"title": "t" * 301}))
    assert "Keep the title under 300 characters." in error_of(too_long, "title")
    assert "The call for papers closed on" in error_of(too_long, "access_code")
    assert fresh(db, Submission, draft.id).state == SubmissionState.DRAFT


def test_a_tampered_type_or_track_is_refused_next_to_the_field(app, db):
    call = make_open_call()
    client = login(app.test_client(), author(db))

    response = client.post("/events/ews/submissions/new", data=form(call, action="save", type_id="abc", track_id="1x"))

    assert response.status_code == 302  # not numbers: nothing chosen, which a draft allows
    assert db.session.scalar(sa.select(Submission.type_id)) is None


def test_the_domain_refuses_an_id_that_is_not_a_number(app, db):
    call = make_open_call()
    with pytest.raises(submission_ops.ValidationFailed) as refused:
        submission_ops.create_draft(call.event, actor=author(db), type_id="abc", track_id="x")
    assert refused.value.errors == {"type_id": "Choose one of the submission types listed.",
                                    "track_id": "Choose one of the tracks listed."}
