"""The command line: demo data and site administrators."""

import datetime as dt
import html
import io
import re

import pytest
import sqlalchemy as sa

from conference.accounts.models import User
from conference.agenda.models import ScheduleRelease
from conference.cfp import submissions as submission_ops
from conference.cfp.enums import FileKind, QuestionTarget, SubmissionState
from conference.cfp.models import (
    AccessCode,
    Answer,
    CallForPapers,
    Question,
    Submission,
    SubmissionAuthor,
    SubmissionFile,
    SubmissionType,
)
from conference.core import files
from conference.core.enums import QuestionKind
from conference.core.models import AuditEntry
from conference.core.types import utcnow
from conference.demo import DEMO_PASSWORD, DEMO_USERS
from conference.demo.cfp import ACCESS_CODE, minimal_pdf
from conference.demo.papers import DEMO_AUTHORS, SUBMISSIONS
from conference.demo.registration import FOCAL_POINT_ACCOUNTS
from conference.demo.review import DEMO_REVIEWERS
from conference.events.enums import EventStatus, TeamRole
from conference.events.models import Event, EventRole, Track
from conference.mail.enums import MailState
from conference.mail.mailer import queue_mail
from conference.mail.models import OutboxMessage
from conference.registration.enums import AttendanceMode, RegistrationState
from conference.registration.models import Registration, RegistrationForm
from conference.review.common import conflict_pairs
from conference.review.enums import BlindMode, ReviewState
from conference.review.models import (
    Bid,
    Conflict,
    Review,
    ReviewAssignment,
    ReviewCriterion,
    ReviewQuestion,
)


def _counts(db):
    return {
        model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (User, Event, EventRole, CallForPapers, SubmissionType, Track, Question, AccessCode, Submission,
                      SubmissionAuthor, Answer, SubmissionFile, OutboxMessage, AuditEntry, ReviewCriterion,
                      ReviewQuestion, Conflict, Bid, ReviewAssignment, Review)
    }


def test_demo_loads_events_and_a_user_per_role_and_is_idempotent(runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    first = _counts(db)
    assert first["User"] == len(DEMO_USERS) + len(DEMO_AUTHORS) + len(DEMO_REVIEWERS) + len(FOCAL_POINT_ACCOUNTS)
    assert first["Submission"] == len(SUBMISSIONS) >= 30
    events = {e.slug: e for e in db.session.scalars(sa.select(Event))}
    # The symposium, its past edition in the series (iatf-symposium-<year>) and the conference.
    past_editions = [slug for slug in events if slug.startswith("iatf-symposium-")]
    assert len(past_editions) == 1 and set(events) == {"iatf-symposium", "icdd", *past_editions}
    assert all(e.status == EventStatus.PUBLISHED for e in events.values())
    users = {u.email: u for u in db.session.scalars(sa.select(User))}
    assert users["admin@example.org"].is_admin
    assert TeamRole.ORGANISER in events["icdd"].roles_of(users["organiser@example.org"])
    assert TeamRole.REVIEWER in events["icdd"].roles_of(users["reviewer@example.org"])
    assert TeamRole.TRACK_CHAIR in events["icdd"].roles_of(users["chair@example.org"])
    assert events["icdd"].roles_of(users["desk@example.org"]) == {TeamRole.DESK}
    assert all(u.check_password(DEMO_PASSWORD) and u.is_verified for u in users.values())
    for email, *_ in DEMO_USERS:
        assert email in result.output

    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    db.session.expire_all()
    assert _counts(db) == first


def test_demo_conference_has_a_call_and_submissions_in_every_state_that_follow_the_rules(runner, db):
    """One run of the demo for all of this: it takes most of a second."""
    before = queue_mail("verify_email", to="someone@example.org", context={"user": None, "link": "http://x.test/v"})
    db.session.flush()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    event = db.session.scalar(sa.select(Event).where(Event.slug == "icdd"))
    call, now = event.call, utcnow()
    assert call.opens_at < now - dt.timedelta(weeks=4) and call.deadline > now + dt.timedelta(weeks=4)
    assert call.edit_until == call.deadline + dt.timedelta(weeks=1) and call.track_required
    types = {t.name: t for t in db.session.scalars(sa.select(SubmissionType).where(SubmissionType.event_id == event.id))}
    assert set(types) == {"Full paper", "Extended abstract", "Talk", "Poster", "Panel"}
    paper = types["Full paper"]
    assert (paper.file_required, paper.accepted_file_types, paper.abstract_word_limit) == (True, ["pdf"], 300)
    assert now < types["Panel"].deadline < call.deadline
    tracks = set(db.session.scalars(sa.select(Track.name).where(Track.event_id == event.id)))
    assert tracks == {"Data standards", "Privacy and ethics", "Statistical methods", "Humanitarian data"}
    questions = {q.label: q for q in db.session.scalars(
        sa.select(Question).where(Question.event_id == event.id).order_by(Question.position))}
    assert [(q.kind, q.target, q.required) for q in questions.values()] == [
        (QuestionKind.YES_NO, QuestionTarget.SUBMISSION, True),
        (QuestionKind.MULTIPLE_CHOICE, QuestionTarget.SUBMISSION, False),
        (QuestionKind.SHORT_TEXT, QuestionTarget.AUTHOR, False),
        (QuestionKind.URL, QuestionTarget.SUBMISSION, False),
    ]
    assert "Is the presenter a student?" in questions and "ORCID iD" in questions
    code = db.session.scalar(sa.select(AccessCode).where(AccessCode.event_id == event.id))
    assert (code.code, code.uses, code.max_uses) == (ACCESS_CODE, 0, 5) and code.valid_until > call.deadline
    assert ACCESS_CODE in result.output

    # The demo's own mail is gone; only the decision mail waits, held, for an organiser to send it.
    queued = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.state != MailState.HELD)).all()
    assert queued == [before]
    held = db.session.scalars(sa.select(OutboxMessage.template).where(OutboxMessage.state == MailState.HELD)).all()
    assert set(held) == {"decision_accepted", "decision_rejected"}
    submissions = db.session.scalars(sa.select(Submission).join(Event).where(Event.slug == "icdd")).all()
    by_state = {state: [s for s in submissions if s.state == state] for state in SubmissionState}
    assert {state: len(found) for state, found in by_state.items()} == {
        SubmissionState.DRAFT: 5, SubmissionState.SUBMITTED: 15, SubmissionState.WITHDRAWN: 5,
        SubmissionState.ACCEPTED: 5, SubmissionState.REJECTED: 3, SubmissionState.CONFIRMED: 1}
    assert f"{len(submissions)} submissions (5 draft, 24 submitted, 5 withdrawn)" in result.output
    for submission in [s for s in submissions if s.state != SubmissionState.DRAFT]:
        assert submission_ops.completeness_errors(submission) == {}, submission.title
        assert call.opens_at < submission.created_at < submission.submitted_at < now
        assert submission.submitted_at < submission.submission_deadline()
    # Through the domain functions: each step is in the audit log.
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "submission.submitted")) == 29
    assert all(s.withdrawn_at > s.submitted_at for s in by_state[SubmissionState.WITHDRAWN])
    assert len({s.type.name for s in submissions}) == 5 and len({s.track.name for s in submissions}) == 4
    assert sum(len(s.authors) > 1 for s in submissions) >= 15
    affiliations = {a.affiliation for s in submissions for a in s.authors}
    assert {"Member Agency for Statistics", "Observer Institute for Data", "University of Ghana"} <= affiliations

    kwame = db.session.scalar(sa.select(User).where(User.email == "author@example.org"))
    own = sorted(s.state.value for s in submissions if s.submitter_id == kwame.id)
    assert own == ["accepted", "draft", "withdrawn"]
    mine = submission_ops.submissions_of(kwame)
    assert len(mine) == 5 and sum(s.submitter_id != kwame.id for s in mine) == 2  # co-author of two more

    papers = [f for s in submissions for f in s.files]
    assert len(papers) >= 10 and all(f.kind == FileKind.PAPER and f.content_type == "application/pdf" for f in papers)
    for stored in papers:
        data = files.blob_path(stored.sha256).read_bytes()
        assert files.sniff(io.BytesIO(data)) == "pdf" and len(data) == stored.size and stored.page_count == 1
        assert_well_formed_pdf(data)
    # Reviewed double-blind: no PDF prints its authors; one names its author in its metadata, so
    # that its author (the demo author) sees the warning.
    assert not any(f.names_on_first_page for f in papers)
    [named] = [f for f in papers if f.names_in_metadata]
    assert named.submission.submitter == kwame and named.submission.title.startswith("Small-area estimation")
    assert {t.name: t.max_pages for t in db.session.scalars(sa.select(SubmissionType))
            if t.event_id == call.event_id} == {"Full paper": 25, "Extended abstract": 4, "Talk": None, "Poster": None,
                                                "Panel": None}


def test_demo_conference_has_a_committee_that_reviewed_and_decided(runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Review of icdd: 7 reviewers and a track chair, 72 assignments, 9 decisions released" in result.output
    event = db.session.scalar(sa.select(Event).where(Event.slug == "icdd"))
    settings = event.review_settings
    assert (settings.blind_mode, settings.reviews_per_submission, settings.max_load) == (BlindMode.DOUBLE_BLIND, 3, 11)
    assert [c.name for c in sorted(event_criteria(db, event), key=lambda c: c.position)] == [
        "Originality", "Technical quality", "Relevance", "Clarity"]
    chair = db.session.scalar(sa.select(User).where(User.email == "chair@example.org"))
    assert [t.name for t in event.role_row(chair, TeamRole.TRACK_CHAIR).tracks] == ["Data standards"]

    assignments = db.session.scalars(sa.select(ReviewAssignment)).all()
    loads = {}
    for a in assignments:
        loads[a.reviewer_id] = loads.get(a.reviewer_id, 0) + 1
    assert len(assignments) == 72 and max(loads.values()) <= 11 and len(loads) == 7
    assert not {(a.submission_id, a.reviewer_id) for a in assignments} & conflict_pairs(event)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Conflict)) >= 1

    rosa = db.session.scalar(sa.select(User).where(User.email == "reviewer@example.org"))
    hers = [a for a in assignments if a.reviewer_id == rosa.id]
    states = sorted(a.review.state.value if a.review else "to do" for a in hers)
    assert states.count("submitted") == 1 and states.count("draft") == 1 and states.count("to do") == len(hers) - 2
    others = [a for a in assignments if a.reviewer_id != rosa.id]
    assert all(a.review is not None and a.review.state == ReviewState.SUBMITTED for a in others)

    submissions = db.session.scalars(sa.select(Submission).where(Submission.event_id == event.id)).all()
    staged = [s for s in submissions if s.pending_decision is not None]
    assert len(staged) == 2 and all(s.state == SubmissionState.SUBMITTED for s in staged)
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "decision.released")) >= 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Review)) == 72 - len(hers) + 2


def event_criteria(db, event):
    return db.session.scalars(sa.select(ReviewCriterion).where(ReviewCriterion.event_id == event.id)).all()


def assert_well_formed_pdf(data: bytes) -> None:
    """The cross-reference table points at each object, and startxref at the table."""
    assert data.startswith(b"%PDF-1.4\n") and data.endswith(b"%%EOF\n")
    xref = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", data).group(1))
    assert data[xref:xref + 5] == b"xref\n"
    count = int(re.match(rb"xref\n0 (\d+)\n", data[xref:]).group(1))
    entries = re.findall(rb"(\d{10}) 00000 n \n", data[xref:])
    assert len(entries) == count - 1
    for number, offset in enumerate(entries, start=1):
        assert data[int(offset):].startswith(b"%d 0 obj\n" % number)
    stream = re.search(rb"<< /Length (\d+) >>\nstream\n", data)
    length = int(stream.group(1))
    assert data[stream.end() + length:].startswith(b"\nendstream")


def test_minimal_pdf_escapes_text_and_stays_well_formed():
    data = minimal_pdf("Costs (in €) of a back\\slash", "Ünïcödé abstract " * 40, byline="Tomáš Novák")
    assert b"(Costs \\(in \\200\\) of a back\\\\slash)" in data
    assert_well_formed_pdf(data)


def test_create_admin_makes_a_verified_administrator(runner, db):
    result = runner.invoke(args=["users", "create-admin", "--email", "Root@Example.org", "--name", "Root",
                                 "--password", "a long admin password"])
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(sa.select(User).where(User.email == "root@example.org"))
    assert admin.is_admin and admin.may_create_events and admin.is_verified
    assert admin.check_password("a long admin password")
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.object_id == admin.id)) == "account.made_admin"


def test_create_admin_refuses_a_short_password(runner, db):
    result = runner.invoke(args=["users", "create-admin", "--email", "root@example.org", "--name", "Root",
                                 "--password", "short"])
    assert result.exit_code == 2
    assert "at least 10 characters" in result.output
    assert db.session.scalar(sa.select(User).where(User.email == "root@example.org")) is None


def test_grant_creator(runner, db):
    from .. import factories

    user = factories.make_user(email="chair@example.org")
    result = runner.invoke(args=["users", "grant-creator", "chair@example.org"])
    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert user.may_create_events
    missing = runner.invoke(args=["users", "grant-creator", "nobody@example.org"])
    assert missing.exit_code == 1 and "No account uses nobody@example.org" in missing.output


def test_demo_has_registrations_in_every_state(runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Registrations: iatf-symposium:" in result.output
    states = {state for state in db.session.scalars(sa.select(Registration.state))}
    assert states == set(RegistrationState)
    symposium = db.session.scalar(sa.select(Event).where(Event.slug == "iatf-symposium"))
    priya = db.session.scalar(sa.select(User).where(User.email == "participant@example.org"))
    own = db.session.scalar(sa.select(Registration).where(Registration.event_id == symposium.id,
                                                          Registration.user_id == priya.id))
    assert own.state == RegistrationState.CONFIRMED
    conference = db.session.scalar(sa.select(Event).where(Event.slug == "icdd"))
    hybrid = db.session.scalars(sa.select(Registration).where(Registration.event_id == conference.id)).all()
    assert {r.mode for r in hybrid} == {AttendanceMode.IN_PERSON, AttendanceMode.ONLINE}
    assert sum(r.switch_to is not None for r in hybrid) == 1 and sum(r.checked_in_at is not None for r in hybrid) == 2
    # Nothing the demo did is waiting to be mailed, except the review's held decision mail.
    assert not db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.template.like("registration%")))
    again = runner.invoke(args=["demo"])
    assert "Registrations: already loaded." in again.output


def test_demo_conference_has_a_released_agenda_with_the_accepted_papers(runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Agenda of icdd: 4 rooms, 6 accepted papers scheduled with a keynote, released as version 1" in result.output
    conference = db.session.scalar(sa.select(Event).where(Event.slug == "icdd"))
    [release] = db.session.scalars(sa.select(ScheduleRelease).where(ScheduleRelease.event_id == conference.id)).all()
    items = release.snapshot["items"]
    assert len(items) == 7 and sum(i["submission_code"] is not None for i in items) == 6
    accepted = set(db.session.scalars(sa.select(Submission.code).where(
        Submission.event_id == conference.id,
        Submission.state.in_([SubmissionState.ACCEPTED, SubmissionState.CONFIRMED]))))
    assert {i["submission_code"] for i in items if i["submission_code"]} == accepted
    assert not db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.template.like("agenda%")))


def test_demo_talks_builds_a_released_agenda_of_that_size_and_rebuilds_it(runner, db):
    result = runner.invoke(args=["demo", "--talks", "40"])
    assert result.exit_code == 0, result.output
    assert "Agenda at scale: /events/agenda-scale/agenda with 40 talks in 7 sessions, 12 rooms, 3 days" in result.output
    event = db.session.scalar(sa.select(Event).where(Event.slug == "agenda-scale"))
    [release] = db.session.scalars(sa.select(ScheduleRelease).where(ScheduleRelease.event_id == event.id)).all()
    assert len(release.snapshot["items"]) == 40 and len(release.snapshot["rooms"]) == 12
    again = runner.invoke(args=["demo", "--talks", "13"])
    assert again.exit_code == 0, again.output
    event = db.session.scalar(sa.select(Event).where(Event.slug == "agenda-scale"))
    [release] = db.session.scalars(sa.select(ScheduleRelease).where(ScheduleRelease.event_id == event.id)).all()
    assert len(release.snapshot["items"]) == 13


DEMO_REFUSED = ("Error: The demo refuses to run in production: it creates admin@example.org, a site administrator, "
                "and other accounts whose password (demo-password) is published. Create the first administrator "
                "with flask users create-admin instead.")


@pytest.mark.parametrize("args", [["demo"], ["demo", "--talks", "5"]])
def test_demo_refuses_to_run_in_production_and_creates_nothing(app, runner, db, monkeypatch, args):
    monkeypatch.setitem(app.config, "APP_ENV", "production")
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert result.output.strip() == DEMO_REFUSED
    assert _counts(db) == dict.fromkeys(_counts(db), 0)


def test_demo_refuses_in_a_production_app_before_touching_the_database(tmp_path):
    from flask.cli import FlaskGroup

    from conference import create_app

    from .production import production_config

    app = create_app(production_config(tmp_path))  # its database does not exist: the refusal comes first
    result = app.test_cli_runner().invoke(FlaskGroup(create_app=lambda: app), ["demo"])  # as `flask demo` runs
    assert (result.exit_code, result.output.strip()) == (1, DEMO_REFUSED)


# flask limiter (Flask-Limiter's commands, listed by `flask --help`) -------------------------------

def test_the_limiter_commands_have_their_dependencies_declared():
    """Flask-Limiter adds `flask limiter`; its sub-commands need its "cli" extra (rich) and fail
    without it. A dev install had rich by chance (import-linter needs it); a production one did not."""
    import pathlib
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    pyproject = tomllib.loads((pathlib.Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    requirements = [Requirement(line) for line in pyproject["project"]["dependencies"]]
    limiter = next(r for r in requirements if canonicalize_name(r.name) == "flask-limiter")
    assert {"cli", "redis"} <= limiter.extras


def test_flask_limiter_and_its_sub_commands_run(app):
    from flask.cli import FlaskGroup

    runner = app.test_cli_runner()
    cli = FlaskGroup(create_app=lambda: app)
    assert "limiter" in runner.invoke(cli, ["--help"]).output
    for args in (["limiter", "--help"], ["limiter", "config"], ["limiter", "limits"], ["limiter", "clear", "--help"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, (args, result.output)
    assert "Flask-Limiter Config" in runner.invoke(cli, ["limiter", "config"]).output
    assert "auth.login" in runner.invoke(cli, ["limiter", "limits"]).output


def test_demo_symposium_is_in_english_french_and_spanish(app, runner, db):
    """Its title, description, registration categories and agenda, in each of its languages."""
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Agenda of iatf-symposium: 6 sessions and 7 items in English, French and Spanish" in result.output
    expected = {
        "en": ("Inter-Agency Task Force Technical Symposium", "Member agency", "Data exchange between agencies"),
        "fr": ("Symposium technique", "Institution membre", "Échange de données entre institutions"),
        "es": ("Simposio técnico", "Organismo miembro", "Intercambio de datos entre organismos"),
    }
    symposium = db.session.scalar(sa.select(Event).where(Event.slug == "iatf-symposium"))
    members_form = db.session.scalar(sa.select(RegistrationForm.id).where(
        RegistrationForm.event_id == symposium.id, RegistrationForm.title == "Members and observers"))
    for language, (title, category, session) in expected.items():
        client = app.test_client()
        client.set_cookie("language", language)
        pages = {path: html.unescape(client.get(f"/events/iatf-symposium/{path}").get_data(as_text=True))
                 for path in ("", f"register?form={members_form}", "agenda")}
        pages["register"] = pages.pop(f"register?form={members_form}")
        assert re.search(f"<h1>{title} \\d{{4}}", pages[""]), language
        assert f"<html lang=\"{language}\"" in pages[""]
        assert category in pages["register"], language
        assert session in pages["agenda"], language
    assert symposium.languages == ["en", "fr", "es"]
