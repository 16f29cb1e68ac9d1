"""The organisers' side of the call for papers through the HTTP path: the call's dates in the
event's time zone (daylight-saving changes included), submission types, tracks, questions,
late access codes, the submissions list with its filters and sorting, one submission in full,
the CSV export, and who may see any of it."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re

import pytest
import sqlalchemy as sa

from conference.cfp import setup as cfp_setup
from conference.cfp import submissions
from conference.cfp.enums import FileKind, QuestionTarget
from conference.cfp.models import AccessCode, CallForPapers, Question, SubmissionType
from conference.core.csv_files import safe_cell
from conference.core.enums import QuestionKind
from conference.core.models import AuditEntry
from conference.events.enums import TeamRole
from conference.events.models import Track
from conference.extensions import db

from .. import factories
from ..conftest import login
from ..pdfs import make_pdf
from ..query_counting import queries_for

UTC = dt.UTC
OPENS = dt.datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
DEADLINE = dt.datetime(2027, 6, 1, 16, 0, tzinfo=UTC)
DURING = dt.datetime(2027, 2, 1, 12, 0, tzinfo=UTC)
PDF = make_pdf("A tiny test document")


# Helpers ------------------------------------------------------------------------------------------

def base(event) -> str:
    return f"/events/{event.slug}/manage"


def get_page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def error_of(page: str, field: str) -> str:
    start = page.index(f'id="error-{field}"')
    return html.unescape(page[start:page.index("</p>", start)])


def value_of(page: str, field: str) -> str:
    tag = re.search(rf'<input[^>]*\bname="{field}"[^>]*>', page).group(0)
    match = re.search(r'value="([^"]*)"', tag)
    return html.unescape(match.group(1)) if match else ""


def flashes(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<p class="alert[^"]*"[^>]*>(.*?)</p>', page)]


def make_call(event, organiser, **overrides):
    return cfp_setup.configure_call(event, actor=organiser, **{"opens_at": OPENS, "deadline": DEADLINE, **overrides})


def make_submission(event, *, author=None, title="A paper", abstract="An abstract.", type_=None, track=None,
                    keywords="", answers=None, coauthors=(), author_answers=None, paper=False, submit=True):
    """A submission made the way authors make one, while the call is open. ``author_answers``
    maps a question id to one answer per author, in the authors' order."""
    author = author or factories.make_user()
    content = {"title": title, "abstract": abstract, "type_id": type_.id if type_ else None,
               "track_id": track.id if track else None, "keywords": keywords, "answers": answers}
    submission = submissions.create_draft(event, actor=author, now=DURING, **content)
    for name, email, affiliation, presenter, corresponding in coauthors:
        submissions.add_author(submission, actor=author, name=name, email=email, affiliation=affiliation,
                               is_presenter=presenter, is_corresponding=corresponding, now=DURING)
    if author_answers:
        per_author = {(a.id, qid): values[i] for qid, values in author_answers.items()
                      for i, a in enumerate(submission.authors)}
        submissions.update_submission(submission, actor=author, author_answers=per_author, now=DURING, **content)
    if paper:
        submissions.attach_file(submission, actor=author, kind=FileKind.PAPER, filename="paper.pdf", data=PDF, now=DURING)
    if submit:
        submissions.submit(submission, actor=author, now=DURING)
    db.session.flush()  # the audit entries too: requests read through a session of their own
    return submission


@pytest.fixture
def call(db, event, organiser):
    return make_call(event, organiser)


@pytest.fixture
def talk(db, event, organiser):
    return cfp_setup.save_submission_type(event, actor=organiser, name="Talk")


# The call's dates, in the event's time zone ----------------------------------------------------------

CONFIRMED = {"confirmed": "1"}  # what the dialog, or the server's own question, adds to a deletion


def call_form(**overrides) -> dict:
    return {"opens_at": "2027-01-10T10:00", "deadline": "2027-06-01T18:00", "edit_until": "",
            "intro": "Send us *papers*.", **overrides}


def test_call_page_names_the_event_time_zone(organiser_client, event):
    page = get_page(organiser_client, f"{base(event)}/call")
    assert "In the event's time zone, Europe/Zurich." in page
    assert 'type="datetime-local"' in page and value_of(page, "opens_at") == ""


def test_call_dates_are_read_in_the_event_time_zone(organiser_client, event, db):
    response = organiser_client.post(f"{base(event)}/call", data=call_form(track_required="y",
                                                                             edit_until="2027-06-08T12:00"))
    assert response.status_code == 302 and response.location == f"{base(event)}/call"
    db.session.expire_all()
    call = event.call
    # Zurich is UTC+1 in January and UTC+2 in June.
    assert (call.opens_at, call.deadline, call.edit_until) == (
        dt.datetime(2027, 1, 10, 9, 0, tzinfo=UTC), dt.datetime(2027, 6, 1, 16, 0, tzinfo=UTC),
        dt.datetime(2027, 6, 8, 10, 0, tzinfo=UTC))
    assert (call.intro, call.track_required) == ("Send us *papers*.", True)
    page = get_page(organiser_client, f"{base(event)}/call")
    assert flashes(page) == ["The call for papers is saved."]
    assert (value_of(page, "opens_at"), value_of(page, "deadline"), value_of(page, "edit_until")) == (
        "2027-01-10T10:00", "2027-06-01T18:00", "2027-06-08T12:00")
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "cfp.created")).one()
    assert entry.details["opens_at"] == "2027-01-10T09:00:00+00:00"


@pytest.mark.parametrize("changes, field, message", [
    ({"deadline": "2027-01-09T10:00"}, "deadline", "The deadline must be after the opening."),
    ({"edit_until": "2027-05-01T10:00"}, "edit_until", "Editing can only end on or after the deadline."),
    ({"opens_at": ""}, "opens_at", "Give the date and time the call opens."),
    ({"deadline": "next friday"}, "deadline", "Enter a date and time, e.g. 2027-03-16 at 17:00."),
])
def test_call_bad_input_is_shown_next_to_the_field(organiser_client, event, db, changes, field, message):
    data = call_form(**changes)
    page = organiser_client.post(f"{base(event)}/call", data=data).get_data(as_text=True)
    assert message in error_of(page, field)
    for name in ("opens_at", "deadline", "edit_until"):
        assert value_of(page, name) == data[name]
    assert "Send us *papers*." in page
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(CallForPapers.id))) == 0


def test_call_shows_the_form_and_the_date_problems_after_one_submit(organiser_client, event, db):
    """A text too long (the form's check) and a deadline before the opening (the call's rule) once
    came in two rounds."""
    data = call_form(intro="x" * 20001, deadline="2027-01-09T10:00")
    page = organiser_client.post(f"{base(event)}/call", data=data).get_data(as_text=True)
    assert "Keep this to at most 20,000 characters." in error_of(page, "intro")
    assert "The deadline must be after the opening." in error_of(page, "deadline")
    summary = page[page.index('id="error-summary"'):]
    assert 'href="#field-intro"' in summary and 'href="#field-deadline"' in summary
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(CallForPapers.id))) == 0


@pytest.mark.parametrize("local, message", [
    # 28 March 2027: Zurich's clocks jump from 02:00 to 03:00.
    ("2027-03-28T02:30", "does not exist in Europe/Zurich: the clocks skip that hour when summer time starts."),
    # 31 October 2027: they go back from 03:00 to 02:00, so 02:30 happens twice.
    ("2027-10-31T02:30", "happens twice in Europe/Zurich: the clocks go back that night when summer time ends."),
])
def test_call_refuses_times_that_daylight_saving_skips_or_repeats(organiser_client, event, db, local, message):
    page = organiser_client.post(f"{base(event)}/call", data=call_form(deadline=local)).get_data(as_text=True)
    assert message in error_of(page, "deadline")
    assert value_of(page, "deadline") == local
    db.session.expire_all()
    assert event.call is None
    # Either side of the change is fine.
    for fine, utc in (("2027-03-28T01:59", dt.datetime(2027, 3, 28, 0, 59, tzinfo=UTC)),
                      ("2027-03-28T03:00", dt.datetime(2027, 3, 28, 1, 0, tzinfo=UTC))):
        assert organiser_client.post(f"{base(event)}/call", data=call_form(deadline=fine)).status_code == 302
        db.session.expire_all()
        assert event.call.deadline == utc


def test_call_keeps_an_unchanged_time_that_happens_twice(organiser_client, event, organiser, db):
    # Set outside the form (by the CLI, say) at the second 02:30 of the night the clocks go back.
    second = dt.datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    make_call(event, organiser, deadline=second)
    page = get_page(organiser_client, f"{base(event)}/call")
    assert value_of(page, "deadline") == "2027-10-31T02:30"
    response = organiser_client.post(f"{base(event)}/call", data=call_form(deadline="2027-10-31T02:30",
                                                                             intro="Changed."))
    assert response.status_code == 302
    db.session.expire_all()
    assert (event.call.deadline, event.call.intro) == (second, "Changed.")


# Submission types ------------------------------------------------------------------------------------

def type_form(**overrides) -> dict:
    return {"name": "Full paper", "description": "Up to 12 pages.", "default_duration": "30",
            "abstract_word_limit": "250", "file_required": "y", "accepted_file_types": ["pdf", "docx"],
            "max_file_size_mb": "20", "max_pages": "12", "deadline": "", **overrides}


def test_create_and_edit_a_submission_type(organiser_client, event, db):
    page = get_page(organiser_client, f"{base(event)}/call/types/new")
    assert page.count('type="checkbox" value=') >= 8 and 'id="field-accepted_file_types"' in page
    response = organiser_client.post(f"{base(event)}/call/types/new",
                                     data=type_form(deadline="2027-07-01T23:59"))
    assert response.status_code == 302 and response.location == f"{base(event)}/call/types/"
    db.session.expire_all()
    paper = db.session.scalars(sa.select(SubmissionType)).one()
    assert (paper.event_id, paper.name, paper.description, paper.default_duration, paper.abstract_word_limit,
            paper.file_required, paper.accepted_file_types, paper.max_file_size_mb, paper.max_pages,
            paper.deadline) == (
        event.id, "Full paper", "Up to 12 pages.", 30, 250, True, ["pdf", "docx"], 20, 12,
        dt.datetime(2027, 7, 1, 21, 59, tzinfo=UTC))
    listing = get_page(organiser_client, f"{base(event)}/call/types/")
    assert "Full paper" in listing and flashes(listing) == ["The submission type is saved."]
    assert "up to 20 MB, a paper of at most 12 pages</td>" in listing

    page = get_page(organiser_client, f"{base(event)}/call/types/{paper.id}")
    assert value_of(page, "name") == "Full paper" and value_of(page, "deadline") == "2027-07-01T23:59"
    assert re.search(r'<input checked[^>]*value="docx"', page) and not re.search(r'<input checked[^>]*value="png"', page)
    assert value_of(page, "max_pages") == "12"
    response = organiser_client.post(f"{base(event)}/call/types/{paper.id}",
                                     data=type_form(name="Short paper", abstract_word_limit="",
                                                    accepted_file_types=["odt"], file_required="", max_pages=""))
    assert response.status_code == 302
    db.session.expire_all()
    assert (paper.name, paper.abstract_word_limit, paper.accepted_file_types, paper.file_required,
            paper.max_pages) == ("Short paper", None, ["odt"], False, None)


@pytest.mark.parametrize("changes, field, message", [
    ({"name": "talk"}, "name", "There is already a submission type with this name."),
    ({"name": ""}, "name", "Give a name."),
    ({"default_duration": "half an hour"}, "default_duration", "Enter a whole number of minutes, e.g. 20."),
    ({"default_duration": "2"}, "default_duration", "Choose a duration between 5 minutes and 24 hours."),
    ({"max_file_size_mb": "500"}, "max_file_size_mb", "Choose a size limit between 1 and 100 MB."),
    ({"accepted_file_types": []}, "accepted_file_types", "Choose at least one accepted file type"),
    ({"abstract_word_limit": "3"}, "abstract_word_limit", "A word limit under 10 words"),
    ({"max_pages": "0"}, "max_pages", "Choose a page limit between 1 and 2,000 pages, or leave the field empty."),
    ({"max_pages": "twelve"}, "max_pages", "Enter a whole number of pages, e.g. 12, or leave the field empty."),
    ({"deadline": "2027-03-28T02:15"}, "deadline", "does not exist in Europe/Zurich"),
])
def test_submission_type_bad_input(organiser_client, event, talk, db, changes, field, message):
    data = type_form(**changes)
    page = organiser_client.post(f"{base(event)}/call/types/new", data=data).get_data(as_text=True)
    assert message in error_of(page, field)
    assert "Up to 12 pages.</textarea>" in page and value_of(page, "name") == data["name"]
    assert value_of(page, "default_duration") == data["default_duration"]
    db.session.expire_all()
    assert db.session.scalars(sa.select(SubmissionType.name)).all() == ["Talk"]


def test_delete_submission_type_unless_used(organiser_client, event, organiser, call, talk, db):
    spare = cfp_setup.save_submission_type(event, actor=organiser, name="Spare")
    make_submission(event, type_=talk, submit=False)
    listing = get_page(organiser_client, f"{base(event)}/call/types/")
    assert re.search(r"Talk</a></td>.*?<td>1</td>", listing, re.S)

    page = organiser_client.post(f"{base(event)}/call/types/{talk.id}/delete", data=CONFIRMED,
                                 follow_redirects=True)
    assert flashes(page.get_data(as_text=True)) == ["1 submission uses this type; it cannot be deleted."]
    page = organiser_client.post(f"{base(event)}/call/types/{spare.id}/delete", data=CONFIRMED,
                                 follow_redirects=True)
    assert flashes(page.get_data(as_text=True)) == ["The submission type Spare is deleted."]
    db.session.expire_all()
    assert db.session.scalars(sa.select(SubmissionType.name)).all() == ["Talk"]


# Tracks ------------------------------------------------------------------------------------------------

def test_create_a_track_with_the_colour_picker(organiser_client, event, db):
    page = get_page(organiser_client, f"{base(event)}/call/tracks/new")
    assert re.search(r'<input[^>]*type="color"[^>]*value="#0b5cab"', page)
    response = organiser_client.post(f"{base(event)}/call/tracks/new", data={
        "name": "Networks", "description": "Wires.", "colour_picker": "#ff8800", "colour": "#0b5cab"})
    assert response.status_code == 302
    db.session.expire_all()
    track = db.session.scalars(sa.select(Track)).one()
    assert (track.event_id, track.name, track.description, track.colour) == (event.id, "Networks", "Wires.", "#ff8800")
    listing = get_page(organiser_client, f"{base(event)}/call/tracks/")
    assert '<rect width="16" height="16" fill="#ff8800"' in listing and "<code>#ff8800</code>" in listing


def test_a_typed_colour_code_wins_over_the_picker(organiser_client, event, organiser, db):
    track = cfp_setup.save_track(event, actor=organiser, name="Networks", colour="#112233")
    page = get_page(organiser_client, f"{base(event)}/call/tracks/{track.id}")
    assert value_of(page, "colour") == "#112233" and value_of(page, "colour_picker") == "#112233"
    form = {"name": "Networks", "colour_picker": "#112233", "colour": "#ABCDEF"}
    assert organiser_client.post(f"{base(event)}/call/tracks/{track.id}", data=form).status_code == 302
    db.session.expire_all()
    assert track.colour == "#abcdef"
    # Without a picker (or with the code left as shown), the picker's value counts.
    form = {"name": "Networks", "colour_picker": "#445566", "colour": "#abcdef"}
    assert organiser_client.post(f"{base(event)}/call/tracks/{track.id}", data=form).status_code == 302
    db.session.expire_all()
    assert track.colour == "#445566"


def test_track_bad_input(organiser_client, event, organiser, db):
    cfp_setup.save_track(event, actor=organiser, name="Networks")
    page = organiser_client.post(f"{base(event)}/call/tracks/new", data={
        "name": "Storage", "description": "Disks.", "colour_picker": "#0b5cab", "colour": "red"}).get_data(as_text=True)
    assert "Give the colour as # and six hexadecimal digits" in error_of(page, "colour")
    assert value_of(page, "colour") == "red" and value_of(page, "name") == "Storage"
    page = organiser_client.post(f"{base(event)}/call/tracks/new", data={
        "name": "NETWORKS", "colour_picker": "#0b5cab", "colour": "#0b5cab"}).get_data(as_text=True)
    assert "There is already a track with this name." in error_of(page, "name")
    db.session.expire_all()
    assert db.session.scalars(sa.select(Track.name)).all() == ["Networks"]


def test_delete_track_unless_used(organiser_client, event, organiser, call, db):
    used = cfp_setup.save_track(event, actor=organiser, name="Networks")
    empty = cfp_setup.save_track(event, actor=organiser, name="Empty")
    make_submission(event, track=used, submit=False)
    page = organiser_client.post(f"{base(event)}/call/tracks/{used.id}/delete", data=CONFIRMED,
                                 follow_redirects=True)
    assert flashes(page.get_data(as_text=True)) == ["1 submission is in this track; it cannot be deleted."]
    page = organiser_client.post(f"{base(event)}/call/tracks/{empty.id}/delete", data=CONFIRMED,
                                 follow_redirects=True)
    assert flashes(page.get_data(as_text=True)) == ["The track Empty is deleted."]
    db.session.expire_all()
    assert db.session.scalars(sa.select(Track.name)).all() == ["Networks"]


# Custom questions ---------------------------------------------------------------------------------------

def question_form(**overrides) -> dict:
    return {"label": "Which format?", "help_text": "Pick one.", "target": "submission", "kind": "single_choice",
            "required": "y", "options": "Lecture\r\nWorkshop\r\n\r\n", "visible_to_reviewers": "y", **overrides}


def test_create_and_edit_a_question(organiser_client, event, organiser, talk, db):
    networks = cfp_setup.save_track(event, actor=organiser, name="Networks")
    page = get_page(organiser_client, f"{base(event)}/call/questions/new")
    for kind in QuestionKind:
        assert f'<option value="{kind.value}"' in page or f'<option selected value="{kind.value}"' in page
    assert 'id="field-type_ids"' in page and "Talk" in page and "Networks" in page
    response = organiser_client.post(f"{base(event)}/call/questions/new",
                                     data=question_form(type_ids=[str(talk.id)], track_ids=[str(networks.id)]))
    assert response.status_code == 302 and response.location == f"{base(event)}/call/questions/"
    db.session.expire_all()
    question = db.session.scalars(sa.select(Question)).one()
    assert (question.label, question.help_text, question.target, question.kind, question.required, question.options,
            question.visible_to_reviewers, [t.name for t in question.types], [t.name for t in question.tracks]) == (
        "Which format?", "Pick one.", QuestionTarget.SUBMISSION, QuestionKind.SINGLE_CHOICE, True,
        ["Lecture", "Workshop"], True, ["Talk"], ["Networks"])
    listing = get_page(organiser_client, f"{base(event)}/call/questions/")
    assert "Which format?" in listing and "Single choice" in listing and "Talk and Networks" in listing

    page = get_page(organiser_client, f"{base(event)}/call/questions/{question.id}")
    assert "Lecture\nWorkshop</textarea>" in page
    assert re.search(rf'<input checked[^>]*value="{talk.id}"', page)
    response = organiser_client.post(f"{base(event)}/call/questions/{question.id}", data=question_form(
        label="Dietary needs", target="author", kind="long_text", required="", visible_to_reviewers=""))
    assert response.status_code == 302
    db.session.expire_all()
    assert (question.label, question.target, question.kind, question.required, question.options,
            question.visible_to_reviewers, question.types) == (
        "Dietary needs", QuestionTarget.AUTHOR, QuestionKind.LONG_TEXT, False, [], False, [])


@pytest.mark.parametrize("changes, field, message", [
    ({"options": "Only one"}, "options", "Give at least two options, one per line."),
    ({"kind": "file", "target": "author"}, "kind", "Files can be asked of the submission, not of each author."),
    ({"kind": "essay"}, "kind", "Choose one of the options listed."),
    ({"target": "reviewer"}, "target", "Choose one of the options listed."),
    ({"label": "  "}, "label", "Write the question."),
])
def test_question_bad_input(organiser_client, event, db, changes, field, message):
    page = organiser_client.post(f"{base(event)}/call/questions/new", data=question_form(**changes)).get_data(as_text=True)
    assert message in error_of(page, field)
    assert "Pick one.</textarea>" in page
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Question.id))) == 0


def test_question_of_another_event_type_is_refused(organiser_client, event, organiser, db):
    foreign = cfp_setup.save_submission_type(factories.make_event(organiser=organiser), actor=organiser, name="Talk")
    page = organiser_client.post(f"{base(event)}/call/questions/new",
                                 data=question_form(type_ids=[str(foreign.id)])).get_data(as_text=True)
    assert "Choose among the listed options." in error_of(page, "type_ids")
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Question.id))) == 0


def test_answered_question_keeps_its_kind_and_can_be_deleted(organiser_client, event, organiser, call, talk, db):
    question = cfp_setup.save_question(event, actor=organiser, label="Anything else?", kind=QuestionKind.SHORT_TEXT)
    make_submission(event, type_=talk, answers={question.id: "No."})
    page = get_page(organiser_client, f"{base(event)}/call/questions/{question.id}")
    assert "1 submission has answered this question" in page
    assert "Its answer in 1 submission is deleted with it." in page
    page = organiser_client.post(f"{base(event)}/call/questions/{question.id}", data=question_form(
        label="Anything else?", kind="number", options="")).get_data(as_text=True)
    assert "This question already has answers; its kind cannot change." in error_of(page, "kind")
    db.session.expire_all()
    assert question.kind == QuestionKind.SHORT_TEXT

    page = organiser_client.post(f"{base(event)}/call/questions/{question.id}/delete", data=CONFIRMED,
                                 follow_redirects=True)
    assert flashes(page.get_data(as_text=True)) == ["The question Anything else? is deleted, with its answers."]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Question.id))) == 0


# Late access codes -----------------------------------------------------------------------------------------

def test_create_access_codes_and_list_their_uses(organiser_client, event, organiser, talk, db):
    page = get_page(organiser_client, f"{base(event)}/call/access-codes")
    assert "No access codes yet." in page and "In the event's time zone, Europe/Zurich." in page
    page = organiser_client.post(f"{base(event)}/call/access-codes", data={"code": ""}, follow_redirects=True)
    db.session.expire_all()
    generated = db.session.scalars(sa.select(AccessCode)).one()
    assert flashes(page.get_data(as_text=True)) == [f"The access code {generated.code} is ready to hand out."]

    response = organiser_client.post(f"{base(event)}/call/access-codes", data={
        "code": "LATE-ADA", "note": "For Ada", "valid_until": "2027-06-15T12:00", "max_uses": "2",
        "type_ids": [str(talk.id)]})
    assert response.status_code == 302
    db.session.expire_all()
    code = db.session.scalars(sa.select(AccessCode).where(AccessCode.code == "LATE-ADA")).one()
    assert (code.note, code.valid_until, code.max_uses, code.uses, [t.name for t in code.types]) == (
        "For Ada", dt.datetime(2027, 6, 15, 10, 0, tzinfo=UTC), 2, 0, ["Talk"])
    listing = get_page(organiser_client, f"{base(event)}/call/access-codes")
    assert "0 of 2" in listing and "0 (no limit)" in listing and "For Ada" in listing


@pytest.mark.parametrize("data, field, message", [
    ({"code": "LATE-ADA"}, "code", "This code already exists."),
    ({"code": "no spaces"}, "code", "Use 4 to 40 letters, digits, hyphens or underscores."),
    ({"max_uses": "0"}, "max_uses", "Allow at least one use"),
    ({"max_uses": "many"}, "max_uses", "Enter a whole number, e.g. 1"),
    ({"valid_until": "2027-10-31T02:00"}, "valid_until", "happens twice in Europe/Zurich"),
])
def test_access_code_bad_input(organiser_client, event, organiser, db, data, field, message):
    cfp_setup.create_access_code(event, actor=organiser, code="LATE-ADA")
    page = organiser_client.post(f"{base(event)}/call/access-codes",
                                 data={"note": "Keep me", **data}).get_data(as_text=True)
    assert message in error_of(page, field)
    assert value_of(page, "note") == "Keep me" and value_of(page, field) == data[field]
    db.session.expire_all()
    assert db.session.scalars(sa.select(AccessCode.code)).all() == ["LATE-ADA"]


def test_delete_access_code(organiser_client, event, organiser, db):
    code = cfp_setup.create_access_code(event, actor=organiser, code="LATE-ADA")
    page = organiser_client.post(f"{base(event)}/call/access-codes/{code.id}/delete", data=CONFIRMED,
                                 follow_redirects=True)
    assert flashes(page.get_data(as_text=True)) == ["The access code LATE-ADA is deleted."]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(AccessCode.id))) == 0


# Objects of another event ------------------------------------------------------------------------------------

def test_setup_objects_of_another_event_are_404(organiser_client, event, organiser, db):
    other = factories.make_event(organiser=organiser)
    type_ = cfp_setup.save_submission_type(other, actor=organiser, name="Talk")
    track = cfp_setup.save_track(other, actor=organiser, name="Networks")
    question = cfp_setup.save_question(other, actor=organiser, label="Why?", kind=QuestionKind.LONG_TEXT)
    code = cfp_setup.create_access_code(other, actor=organiser, code="OTHER-CODE")
    for path in (f"types/{type_.id}", f"tracks/{track.id}", f"questions/{question.id}", "types/999999"):
        assert organiser_client.get(f"{base(event)}/call/{path}").status_code == 404, path
        assert organiser_client.post(f"{base(event)}/call/{path}", data={"name": "x", "label": "x"}).status_code == 404
    for path in (f"types/{type_.id}", f"tracks/{track.id}", f"questions/{question.id}", f"access-codes/{code.id}"):
        assert organiser_client.post(f"{base(event)}/call/{path}/delete").status_code == 404, path
    db.session.expire_all()
    assert (type_.name, track.name, question.label, code.code) == ("Talk", "Networks", "Why?", "OTHER-CODE")


# The submissions list -----------------------------------------------------------------------------------------

@pytest.fixture
def programme(db, event, organiser, call, talk):
    """Five submissions of two types in two tracks, in every state, with keywords and co-authors."""
    poster = cfp_setup.save_submission_type(event, actor=organiser, name="Poster")
    networks = cfp_setup.save_track(event, actor=organiser, name="Networks")
    storage = cfp_setup.save_track(event, actor=organiser, name="Storage")
    ada = factories.make_user(name="Ada Lovelace")
    made = {
        "engines": make_submission(event, author=ada, title="Analytical engines", type_=talk, track=networks,
                                   keywords="Computing, History"),
        "routing": make_submission(event, title="Routing at 100% load", type_=poster, track=networks,
                                   keywords="networks", coauthors=[("Grace Hopper", "grace@example.org", "", False, False)]),
        "disks": make_submission(event, title="Zoned disks", type_=talk, track=storage, keywords="computing"),
        "draft": make_submission(event, title="Barely begun", type_=None, submit=False),
        "gone": make_submission(event, title="Withdrawn work", type_=poster),
    }
    submissions.withdraw(made["gone"], actor=made["gone"].submitter, now=DURING)
    return made


def listed_codes(client, event, query: str = "") -> list[str]:
    page = get_page(client, f"{base(event)}/submissions/{query}")
    return re.findall(r'/manage/submissions/([A-Z0-9]+)"', page)


def test_list_counts_states_and_links_every_submission(organiser_client, event, programme):
    page = get_page(organiser_client, f"{base(event)}/submissions/")
    assert "Draft: 1" in page and "Submitted: 3" in page and "Withdrawn: 1" in page
    assert "5 submissions shown" in page
    assert sorted(listed_codes(organiser_client, event)) == sorted(s.code for s in programme.values())
    assert "Ada Lovelace" in page and "Grace Hopper" in page


@pytest.mark.parametrize("query, expected", [
    ("?state=submitted", {"engines", "routing", "disks"}),
    ("?state=draft", {"draft"}),
    ("?state=withdrawn", {"gone"}),
    ("?keyword=COMPUTING", {"engines", "disks"}),
    ("?keyword=networks", {"routing"}),
    ("?q=ENGINE", {"engines"}),
    ("?q=hopper", {"routing"}),
    ("?q=lovelace", {"engines"}),
    ("?q=100%25", {"routing"}),
    ("?q=%25", {"routing"}),
    ("?q=_", set()),
    ("?state=submitted&keyword=computing&q=zoned", {"disks"}),
    # Nonsense is "any", not an error.
    ("?state=bogus&type_id=abc&track_id=&sort=evil&order=sideways", {"engines", "routing", "disks", "draft", "gone"}),
])
def test_list_filters(organiser_client, event, programme, query, expected):
    assert set(listed_codes(organiser_client, event, query)) == {programme[k].code for k in expected}


def test_list_filters_by_type_and_track(organiser_client, event, programme, talk):
    networks = programme["engines"].track
    assert set(listed_codes(organiser_client, event, f"?type_id={talk.id}")) == {
        programme["engines"].code, programme["disks"].code}
    assert set(listed_codes(organiser_client, event, f"?track_id={networks.id}&type_id={talk.id}")) == {
        programme["engines"].code}
    page = get_page(organiser_client, f"{base(event)}/submissions/?track_id={networks.id}")
    assert re.search(rf'<option selected value="{networks.id}">Networks</option>', page)


@pytest.mark.parametrize("sort, expected", [
    ("title", ["engines", "draft", "routing", "gone", "disks"]),
    ("type", ["routing", "gone", "engines", "disks", "draft"]),
    ("track", ["engines", "routing", "disks", "draft", "gone"]),
    ("state", ["draft", "engines", "routing", "disks", "gone"]),
])
def test_list_sorting(organiser_client, event, programme, sort, expected):
    codes = {s.code: key for key, s in programme.items()}
    ascending = [codes[c] for c in listed_codes(organiser_client, event, f"?sort={sort}")]
    descending = [codes[c] for c in listed_codes(organiser_client, event, f"?sort={sort}&order=desc")]

    def group(order):  # ties (same type, track or state) are ordered by code: compare as groups
        return [sorted(g) for g in _groups(order, sort, programme)]
    assert group(ascending) == group(expected)
    # Descending reverses the order, but what has no value (no type, no track) stays last.
    missing = [k for k in expected if _key(programme[k], sort) is None]
    present = [k for k in expected if k not in missing]
    assert group(descending) == group(list(reversed(present)) + missing)


def _key(submission, sort):
    return {"title": submission.title.lower(), "type": submission.type and submission.type.name,
            "track": submission.track and submission.track.name, "state": submission.state.value}[sort]


def _groups(order, sort, programme):
    groups: list[list[str]] = []
    for key in order:
        if groups and _key(programme[groups[-1][0]], sort) == _key(programme[key], sort):
            groups[-1].append(key)
        else:
            groups.append([key])
    return groups


def test_list_sorts_by_code_and_submission_date(organiser_client, event, organiser, call, talk, db):
    made = []
    for day in (3, 1, 2):
        author = factories.make_user()
        submission = make_submission(event, author=author, type_=talk, submit=False)
        submissions.submit(submission, actor=author, now=DURING + dt.timedelta(days=day))
        made.append(submission)
    draft = make_submission(event, type_=talk, submit=False)
    by_code = sorted(s.code for s in made + [draft])
    assert listed_codes(organiser_client, event) == by_code
    assert listed_codes(organiser_client, event, "?sort=code&order=desc") == list(reversed(by_code))
    assert listed_codes(organiser_client, event, "?sort=submitted") == [made[1].code, made[2].code, made[0].code, draft.code]
    assert listed_codes(organiser_client, event, "?sort=submitted&order=desc") == [
        made[0].code, made[2].code, made[1].code, draft.code]
    page = get_page(organiser_client, f"{base(event)}/submissions/?sort=submitted&order=desc")
    assert 'aria-sort="descending"' in page


def test_list_links_keep_only_known_filters(organiser_client, event, programme):
    page = get_page(organiser_client, f"{base(event)}/submissions/?state=submitted&slug=evil&_external=1")
    export = html.unescape(re.search(r'href="([^"]*submissions\.csv[^"]*)"', page).group(1))
    assert export == f"{base(event)}/submissions.csv?state=submitted"


def test_list_runs_a_fixed_number_of_queries(app, db, organiser_client, event, organiser, call, talk):
    networks = cfp_setup.save_track(event, actor=organiser, name="Networks")
    question = cfp_setup.save_question(event, actor=organiser, label="Dietary needs", kind=QuestionKind.SHORT_TEXT,
                                       target=QuestionTarget.AUTHOR)

    def add(count):
        for i in range(count):
            make_submission(event, type_=talk, track=networks, keywords=f"k{i}", paper=True, answers={},
                            coauthors=[(f"Co {i}", f"co{i}-{len(made)}@example.org", "Lab", True, False)],
                            author_answers={question.id: ["None", "Vegan"]})
            made.append(i)

    made: list[int] = []
    add(3)
    small = {path: queries_for(db, organiser_client, f"{base(event)}/{path}")
             for path in ("submissions/", "submissions.csv")}
    add(27)
    large = {path: queries_for(db, organiser_client, f"{base(event)}/{path}")
             for path in ("submissions/", "submissions.csv")}
    assert large == small
    assert len(listed_codes(organiser_client, event)) == 30


# One submission -------------------------------------------------------------------------------------------------

@pytest.fixture
def questions(db, event, organiser, talk):
    return {
        "format": cfp_setup.save_question(event, actor=organiser, label="Which format?", kind=QuestionKind.SINGLE_CHOICE,
                                          options=["Lecture", "Workshop"], visible_to_reviewers=False),
        "topics": cfp_setup.save_question(event, actor=organiser, label="Topics", kind=QuestionKind.MULTIPLE_CHOICE,
                                          options=["AI", "Networks", "Storage"]),
        "grant": cfp_setup.save_question(event, actor=organiser, label="Travel grant?", kind=QuestionKind.YES_NO,
                                         target=QuestionTarget.AUTHOR),
        "slides": cfp_setup.save_question(event, actor=organiser, label="Slides", kind=QuestionKind.FILE),
        "formula": cfp_setup.save_question(event, actor=organiser, label="Budget", kind=QuestionKind.SHORT_TEXT),
    }


@pytest.fixture
def full_submission(db, event, call, talk, questions):
    author = factories.make_user(name="Ada Lovelace", affiliation="Analytical Society")
    submission = make_submission(
        event, author=author, title='Engines, "difference" and analytical', type_=talk,
        abstract="First line, with a comma.\nSecond line with **bold**.", keywords="Computing; History",
        answers={questions["format"].id: "Workshop", questions["topics"].id: ["AI", "Storage"],
                 questions["formula"].id: "=HYPERLINK(\"http://evil.example\")"},
        coauthors=[("Charles Babbage", "charles@example.org", "Cambridge", True, False)],
        author_answers={questions["grant"].id: ["no", "yes"]}, paper=True, submit=False)
    submissions.attach_file(submission, actor=author, kind=FileKind.ANSWER, filename="slides.pdf", data=PDF,
                            question=questions["slides"], now=DURING)
    submissions.submit(submission, actor=author, now=DURING)
    db.session.flush()
    return submission


def test_show_submission_in_full(organiser_client, event, full_submission, questions, app, db):
    page = get_page(organiser_client, f"{base(event)}/submissions/{full_submission.code.lower()}")
    text = html.unescape(page)
    assert 'Engines, "difference" and analytical' in text and "<strong>bold</strong>" in page
    assert "Talk" in text and "Computing and History" in text and "Submitted" in text
    assert re.search(r"<td>1</td>\s*<td>Ada Lovelace</td>.*?Analytical Society.*?Corresponding author.*?Submitted this",
                     text, re.S)
    assert re.search(r"<td>2</td>\s*<td>Charles Babbage</td>.*?charles@example.org.*?Cambridge.*?<td>Presenter</td>"
                     r".*?Invited, not linked yet", text, re.S)
    assert re.search(r"Which format\?.*?hidden from reviewers.*?<dd class=\"col-sm-9\">\s*Workshop", text, re.S)
    assert "AI and Storage" in text
    assert "<li>Ada Lovelace: No</li>" in text and "<li>Charles Babbage: Yes</li>" in text
    assert re.search(r">paper\.pdf</a> \(paper, 1 page, 1 KB, ", text)
    paper, slides = full_submission.file_of_kind(FileKind.PAPER), full_submission.files[-1]
    for stored in (paper, slides):
        link = f"/events/{event.slug}/submissions/{full_submission.code}/files/{stored.id}"
        assert f'href="{link}"' in page
        with organiser_client.get(link) as download:
            assert download.status_code == 200 and download.data == PDF
    assert f'href="/events/{event.slug}/submissions/{full_submission.code}/edit"' in page
    assert f'href="/events/{event.slug}/submissions/{full_submission.code}/withdraw"' in page
    for action in ("submission.created", "submission.author_added", "submission.file_uploaded", "submission.submitted"):
        assert f"<code>{action}</code>" in page


def test_show_submission_of_another_event_or_unknown_is_404(organiser_client, event, organiser, db):
    other = factories.make_event(organiser=organiser)
    make_call(other, organiser)
    elsewhere = make_submission(other, submit=False)
    assert organiser_client.get(f"{base(event)}/submissions/{elsewhere.code}").status_code == 404
    assert organiser_client.get(f"{base(event)}/submissions/NOSUCH").status_code == 404


def test_organiser_edits_through_the_author_page_and_the_history_shows_it(organiser_client, event, organiser,
                                                                           full_submission, db):
    submissions.update_submission(full_submission, actor=organiser, title="Retitled by the chair",
                                  abstract=full_submission.abstract, type_id=full_submission.type_id, keywords="x",
                                  answers={}, now=DURING)
    db.session.flush()
    page = html.unescape(get_page(organiser_client, f"{base(event)}/submissions/{full_submission.code}"))
    assert re.search(r"Olga Organiser</td>\s*<td><code>submission.updated</code></td>\s*<td>by_organiser: True", page)


# CSV export ----------------------------------------------------------------------------------------------------

def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))


def test_export_has_a_row_per_submission_with_authors_and_answers(organiser_client, event, full_submission, questions):
    response = organiser_client.get(f"{base(event)}/submissions.csv")
    assert response.headers["Content-Disposition"] == f'attachment; filename="{event.slug}-submissions.csv"'
    assert "no-store" in response.headers["Cache-Control"]
    header, *rows = read_csv(response)
    assert header == ["Code", "State", "Title", "Abstract", "Type", "Track", "Keywords", "Submitted at (UTC)",
                      "Authors", "Author emails", "Author affiliations", "Pages of the paper", "Language",
                      "Which format?", "Topics", "Travel grant?", "Slides", "Budget"]
    [row] = rows
    record = dict(zip(header, row, strict=True))
    assert record == {
        "Code": full_submission.code, "State": "submitted", "Title": 'Engines, "difference" and analytical',
        "Abstract": "First line, with a comma.\nSecond line with **bold**.", "Type": "Talk", "Track": "",
        "Keywords": "Computing; History", "Submitted at (UTC)": "2027-02-01T12:00:00+00:00",
        "Authors": "Ada Lovelace (presenter, corresponding); Charles Babbage (presenter)",
        "Author emails": f"{full_submission.submitter.email}; charles@example.org",
        "Author affiliations": "Analytical Society; Cambridge", "Pages of the paper": "1", "Language": "en",
        "Which format?": "Workshop", "Topics": "AI; Storage", "Travel grant?": "Ada Lovelace: No; Charles Babbage: Yes",
        "Slides": "slides.pdf", "Budget": "'=HYPERLINK(\"http://evil.example\")",
    }


def test_export_guards_every_cell_against_formulas(organiser_client, event, organiser, call, talk):
    for title in ("=1+1", "+SUM(A1)", "-2+3", "@cmd", "Plain - dash"):
        make_submission(event, title=title, type_=talk, keywords="-minus")
    header, *rows = read_csv(organiser_client.get(f"{base(event)}/submissions.csv?sort=title"))
    titles = sorted(row[2] for row in rows)
    assert titles == sorted(["'=1+1", "'+SUM(A1)", "'-2+3", "'@cmd", "Plain - dash"])
    assert {row[6] for row in rows} == {"'-minus"}
    # The domain trims what authors type, but tab and carriage return are guarded too.
    assert (safe_cell("\t=1"), safe_cell("\r=1"), safe_cell(None), safe_cell(3)) == ("'\t=1", "'\r=1", "", "3")


def test_export_follows_the_list_filters(organiser_client, event, programme):
    header, *rows = read_csv(organiser_client.get(f"{base(event)}/submissions.csv?state=submitted&keyword=computing"))
    assert sorted(row[0] for row in rows) == sorted([programme["engines"].code, programme["disks"].code])
    header, *rows = read_csv(organiser_client.get(f"{base(event)}/submissions.csv?sort=title&order=desc"))
    assert [row[2] for row in rows][:2] == ["Zoned disks", "Withdrawn work"]


# Who may see and do what -------------------------------------------------------------------------------------------

PAGES = ["call", "call/types/", "call/types/new", "call/types/{type}", "call/tracks/", "call/tracks/new",
         "call/tracks/{track}", "call/questions/", "call/questions/new", "call/questions/{question}",
         "call/access-codes", "submissions/", "submissions.csv", "submissions/{submission}"]
POSTS = ["call", "call/types/new", "call/types/{type}", "call/types/{type}/delete", "call/tracks/new",
         "call/tracks/{track}", "call/tracks/{track}/delete", "call/questions/new", "call/questions/{question}",
         "call/questions/{question}/delete", "call/access-codes", "call/access-codes/{code}/delete"]


@pytest.fixture
def setup_objects(db, event, organiser, call, talk):
    track = cfp_setup.save_track(event, actor=organiser, name="Networks")
    question = cfp_setup.save_question(event, actor=organiser, label="Why?", kind=QuestionKind.LONG_TEXT)
    code = cfp_setup.create_access_code(event, actor=organiser, code="LATE-CODE")
    submission = make_submission(event, type_=talk)
    return {"type": talk.id, "track": track.id, "question": question.id, "code": code.id, "submission": submission.code}


def _visitor(app, event, who):
    client = app.test_client()
    if who == "anonymous":
        return client
    user = factories.make_user(is_admin=who == "admin")
    if who in ("reviewer", "track_chair", "organiser"):
        factories.add_role(event, user, TeamRole(who))
    return login(client, user)


def _fingerprint(db, event):
    db.session.expire_all()
    return (db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.event_id == event.id)),
            db.session.scalar(sa.select(CallForPapers.deadline).where(CallForPapers.event_id == event.id)))


@pytest.mark.parametrize("published", [True, False])
@pytest.mark.parametrize("who, expected", [
    ("anonymous", 302), ("outsider", None), ("reviewer", 403), ("track_chair", 403), ("organiser", 200), ("admin", 200),
])
def test_permission_matrix(app, db, event, setup_objects, published, who, expected):
    if published:
        from conference.events import setup as event_ops
        event_ops.publish_event(event, actor=event.roles[0].user)
        db.session.flush()
    client = _visitor(app, event, who)
    if expected is None:  # an outsider: the draft must not be seen to exist
        expected = 403 if published else 404
    for path in PAGES:
        response = client.get(f"{base(event)}/{path.format(**setup_objects)}")
        assert response.status_code == expected, (who, path)
        if expected == 302:
            assert response.location.startswith("/auth/login?next=")
    if expected == 200:
        return
    before = _fingerprint(db, event)
    for path in POSTS:
        response = client.post(f"{base(event)}/{path.format(**setup_objects)}", data={
            "name": "Hijack", "label": "Hijack", "opens_at": "2027-01-01T00:00", "deadline": "2030-01-01T00:00",
            "kind": "short_text", "target": "submission", "colour": "#000000", "default_duration": "20",
            "max_file_size_mb": "10"})
        assert response.status_code == expected, (who, path)
    assert _fingerprint(db, event) == before


def test_subnav_links_to_the_call_and_the_submissions(organiser_client, event):
    page = get_page(organiser_client, f"/events/{event.slug}/")
    assert f'href="{base(event)}/call"' in page and f'href="{base(event)}/submissions/"' in page
    page = get_page(organiser_client, f"{base(event)}/submissions/")
    assert f'<a href="{base(event)}/submissions/" aria-current="page">Submissions</a>' in page
