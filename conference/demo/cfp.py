"""The demo conference's call for papers: dates, submission types, tracks, questions, a late
access code and a few dozen submissions in every state, with co-authors and small PDFs.

Everything goes through the domain functions, at moments inside the call's window, so the
demo obeys the same rules as the web forms. Running it again adds nothing: each piece is
looked up first (the call by event, types and tracks by name, questions by label, the access
code by its code, submissions by their form nonce).

Submitting, inviting co-authors and withdrawing queue mail, as they should. The demo deletes
the messages it queued itself before it returns, so that a first ``make serve`` does not
deliver a hundred acknowledgements into ``instance/mail/``; mail queued by anything else stays.
"""

from __future__ import annotations

import datetime as dt
import textwrap
import zoneinfo
from typing import Any

import sqlalchemy as sa

from conference.accounts.models import User
from conference.cfp import setup as cfp_setup
from conference.cfp import submissions as submission_ops
from conference.cfp.enums import FileKind, QuestionTarget, SubmissionState
from conference.cfp.models import AccessCode, CallForPapers, Question, Submission, SubmissionType
from conference.core.enums import QuestionKind
from conference.demo.papers import SUBMISSIONS, DemoSubmission
from conference.events.models import Event, Track
from conference.extensions import db
from conference.mail.models import OutboxMessage

CALL_INTRO = """\
We invite **papers, extended abstracts, talks, posters and panel proposals** on the production,
exchange and use of data for development and humanitarian work.

* Submissions are reviewed double-blind: leave author names out of the PDF and its document properties.
* Extended abstracts and talks present work in progress or lessons from practice.
* Panel proposals are due two weeks before the general deadline.
"""

# name, description, minutes, abstract word limit, file required, accepted files, MB, days before the call's deadline
TYPES = [
    ("Full paper", "An original paper of up to 8,000 words, reviewed double-blind.", 20, 300, True, ["pdf"], 10, None),
    ("Extended abstract", "Two to four pages on work in progress; a PDF or document is welcome.", 15, 600, False,
     ["pdf", "docx", "odt"], 5, None),
    ("Talk", "A presentation of practice or results, without a paper.", 20, 250, False, ["pdf"], 10, None),
    ("Poster", "A poster for the poster session; upload a preview if you have one.", 10, 200, False,
     ["pdf", "png", "jpeg"], 10, None),
    ("Panel", "A 60-minute discussion with three to five panellists; list them as co-authors.", 60, 400, False,
     ["pdf"], 10, 14),
]
PAGE_LIMITS = {"Full paper": 25, "Extended abstract": 4}  # of a PDF paper
TRACKS = [
    ("Data standards", "SDMX, DDI, metadata, classifications and interoperable exchange.", "#0b5cab"),
    ("Privacy and ethics", "Disclosure control, consent, responsible data sharing.", "#7b3fa0"),
    ("Statistical methods", "Estimation, data integration, quality and new sources.", "#1e7b34"),
    ("Humanitarian data", "Data for crisis response, displacement and early warning.", "#b03a2e"),
]
SDGS = [
    "SDG 1: No poverty", "SDG 2: Zero hunger", "SDG 3: Good health and well-being", "SDG 4: Quality education",
    "SDG 5: Gender equality", "SDG 6: Clean water and sanitation", "SDG 7: Affordable and clean energy",
    "SDG 8: Decent work and economic growth", "SDG 9: Industry, innovation and infrastructure",
    "SDG 10: Reduced inequalities", "SDG 11: Sustainable cities and communities",
    "SDG 12: Responsible consumption and production", "SDG 13: Climate action", "SDG 14: Life below water",
    "SDG 15: Life on land", "SDG 16: Peace, justice and strong institutions", "SDG 17: Partnerships for the goals",
]
STUDENT = "Is the presenter a student?"
SDG_QUESTION = "Which Sustainable Development Goals does this work address?"
ORCID = "ORCID iD"
DATASET = "Dataset URL"
ACCESS_CODE = "LATE-CONNECTIVITY"
DEMO_TEMPLATES = ("submission_received", "coauthor_invitation", "submission_withdrawn")


# The call's setup ----------------------------------------------------------------------------------

def _local(day: dt.date, hour: int, minute: int, timezone: str) -> dt.datetime:
    local = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(timezone))
    return local.astimezone(dt.UTC)


def _ensure_call(event: Event, *, organiser: User) -> CallForPapers:
    call = event.call
    if call is not None:
        return call
    today = dt.date.today()
    opens_at = _local(today - dt.timedelta(weeks=6), 9, 0, event.timezone)
    deadline = _local(today + dt.timedelta(weeks=5), 23, 59, event.timezone)
    return cfp_setup.configure_call(event, actor=organiser, opens_at=opens_at, deadline=deadline,
                                    edit_until=deadline + dt.timedelta(weeks=1), intro=CALL_INTRO,
                                    track_required=True)


def _ensure_setup(event: Event, *, call: CallForPapers, organiser: User) -> tuple[dict, dict, dict]:
    types = {t.name: t
             for t in db.session.scalars(sa.select(SubmissionType).where(SubmissionType.event_id == event.id))}
    for name, description, minutes, words, file_required, accepted, mb, days_early in TYPES:
        if name not in types:
            type_deadline = call.deadline - dt.timedelta(days=days_early) if days_early else None
            types[name] = cfp_setup.save_submission_type(
                event, actor=organiser, name=name, description=description, default_duration=minutes,
                abstract_word_limit=words, file_required=file_required, accepted_file_types=accepted,
                max_file_size_mb=mb, max_pages=PAGE_LIMITS.get(name), deadline=type_deadline)
    tracks = {t.name: t for t in db.session.scalars(sa.select(Track).where(Track.event_id == event.id))}
    for name, description, colour in TRACKS:
        if name not in tracks:
            tracks[name] = cfp_setup.save_track(event, actor=organiser, name=name, description=description,
                                                colour=colour)
    questions = {q.label: q for q in db.session.scalars(sa.select(Question).where(Question.event_id == event.id))}
    wanted: list[dict[str, Any]] = [
        dict(label=STUDENT, kind=QuestionKind.YES_NO, required=True,
             help_text="Student presenters can apply for a travel grant."),
        dict(label=SDG_QUESTION, kind=QuestionKind.MULTIPLE_CHOICE, options=SDGS),
        dict(label=ORCID, kind=QuestionKind.SHORT_TEXT, target=QuestionTarget.AUTHOR, visible_to_reviewers=False,
             help_text="Like 0000-0002-1825-0097. Optional."),
        dict(label=DATASET, kind=QuestionKind.URL, help_text="Where reviewers can find the data, if it is public.",
             type_ids=[types["Full paper"].id, types["Extended abstract"].id]),
    ]
    for spec in wanted:
        if spec["label"] not in questions:
            questions[spec["label"]] = cfp_setup.save_question(event, actor=organiser, **spec)
    exists = db.session.scalar(sa.select(AccessCode.id).where(AccessCode.event_id == event.id,
                                                              AccessCode.code == ACCESS_CODE))
    if exists is None:
        cfp_setup.create_access_code(
            event, actor=organiser, code=ACCESS_CODE, max_uses=5,
            note="For authors whose submission was held up by the regional internet outage",
            valid_until=call.deadline + dt.timedelta(weeks=2),
            type_ids=[types["Full paper"].id, types["Extended abstract"].id])
    return types, tracks, questions


# Submissions ---------------------------------------------------------------------------------------

def _add_submission(event: Event, demo: DemoSubmission, *, people: dict[str, User], types: dict, tracks: dict,
                    questions: dict, at: dt.datetime) -> Submission:
    author = people[demo.submitter]
    answers: dict[int, str | list[str]] = {}
    if demo.student is not None:
        answers[questions[STUDENT].id] = "yes" if demo.student else "no"
    if demo.sdgs:
        answers[questions[SDG_QUESTION].id] = [SDGS[i] for i in demo.sdgs]
    if demo.dataset:
        answers[questions[DATASET].id] = demo.dataset
    submission = submission_ops.create_draft(
        event, actor=author, form_nonce=f"demo-{demo.key}", title=demo.title, abstract=demo.abstract,
        type_id=types[demo.type].id, track_id=tracks[demo.track].id, keywords=demo.keywords, answers=answers, now=at)
    submission.created_at = at  # the demo's history happened over the past weeks, not all just now
    for n, (name, email, affiliation) in enumerate(demo.coauthors):
        submission_ops.add_author(submission, actor=author, name=name, email=email, affiliation=affiliation,
                                  is_presenter=demo.type == "Panel", now=at + dt.timedelta(minutes=5 + n))
    if demo.orcid:
        me = submission.authors[0]
        submission_ops.update_submission(
            submission, actor=author, title=demo.title, abstract=demo.abstract, type_id=submission.type_id,
            track_id=submission.track_id, keywords=submission.keywords, answers=answers,
            author_answers={(me.id, questions[ORCID].id): demo.orcid}, now=at + dt.timedelta(minutes=10))
    if demo.pdf:
        # Reviewed double-blind: no byline on the page.
        data = minimal_pdf(demo.title, demo.abstract,
                           author=submission.authors[0].name if demo.pdf_metadata_names_author else "")
        submission_ops.attach_file(submission, actor=author, kind=FileKind.PAPER,
                                   filename=f"{demo.key}.pdf", data=data, now=at + dt.timedelta(minutes=20))
    if demo.state in (SubmissionState.SUBMITTED, SubmissionState.WITHDRAWN):
        submission_ops.submit(submission, actor=author, now=at + dt.timedelta(minutes=30))
    if demo.state == SubmissionState.WITHDRAWN:
        submission_ops.withdraw(submission, actor=author, reason=demo.reason, now=at + dt.timedelta(days=3))
    return submission


def load_call(event: Event, *, organiser: User) -> str:
    """Set up ``event``'s call and add the demo submissions that are missing; a line to print."""
    queued_before = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0
    call = _ensure_call(event, organiser=organiser)
    types, tracks, questions = _ensure_setup(event, call=call, organiser=organiser)
    emails = {d.submitter for d in SUBMISSIONS}
    people = {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(emails)))}
    existing = set(db.session.scalars(sa.select(Submission.form_nonce).where(Submission.event_id == event.id)))
    # Spread over the call's first weeks, in the past and before every type's deadline.
    start = call.opens_at + dt.timedelta(hours=3)
    for n, demo in enumerate(SUBMISSIONS):
        if f"demo-{demo.key}" not in existing:
            at = start + dt.timedelta(hours=17 * n)
            _add_submission(event, demo, people=people, types=types, tracks=tracks, questions=questions, at=at)
    db.session.flush()
    db.session.execute(
        sa.delete(OutboxMessage).where(OutboxMessage.id > queued_before, OutboxMessage.event_id == event.id,
                                       OutboxMessage.template.in_(DEMO_TEMPLATES))
    )
    counts = dict(db.session.execute(sa.select(Submission.state, sa.func.count()).where(Submission.event_id == event.id)
                                     .group_by(Submission.state)).all())
    return (f"Call for papers of {event.slug}: {sum(counts.values())} submissions "
            f"({', '.join(f'{counts[s]} {s.value}' for s in SubmissionState if counts.get(s))}); "
            f"late access code {ACCESS_CODE}.")


# A small valid PDF --------------------------------------------------------------------------------

def _pdf_text(text: str) -> bytes:
    """A PDF string literal for a WinAnsi-encoded standard font."""
    out = bytearray(b"(")
    for byte in text.encode("cp1252", errors="replace"):
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif 32 <= byte < 127:
            out.append(byte)
        else:
            out += b"\\%03o" % byte
    return bytes(out + b")")


def minimal_pdf(title: str, abstract: str, *, byline: str = "", author: str = "") -> bytes:
    """A one-page A4 PDF with the title, a byline and the abstract, in the standard Helvetica
    fonts (nothing embedded), with a correct cross-reference table; ``author`` goes into its
    document properties."""
    lines = [b"BT", b"/F1 16 Tf 20 TL 72 770 Td"]
    for line in textwrap.wrap(title, 58):
        lines.append(_pdf_text(line) + b" Tj T*")
    lines.append(b"/F2 11 Tf 16 TL T*")
    for line in textwrap.wrap(byline or "Anonymised for review", 85):
        lines.append(_pdf_text(line) + b" Tj T*")
    lines.append(b"/F1 11 Tf T* " + _pdf_text("Abstract") + b" Tj T* /F2 10 Tf 14 TL")
    for line in textwrap.wrap(abstract, 95):
        lines.append(_pdf_text(line) + b" Tj T*")
    lines.append(b"ET")
    content = b"\n".join(lines)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R"
        b" /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Title " + _pdf_text(title) + (b" /Author " + _pdf_text(author) if author else b"")
        + b" /Producer (conference demo) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, len(objects), xref)
    return bytes(out)
