"""Builders of the call for papers' tests: a call on a fixed timeline, a call open now, talks, and
sample files.

Every domain function takes ``now=``; the domain tests pass the moments below instead of the
clock, so they say exactly where in the call's life they happen. Pages use the clock: for them,
``make_open_call`` opens a call around the present moment.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from conference.accounts.models import User
from conference.cfp import setup as cfp_setup
from conference.cfp import submissions as ops
from conference.cfp.models import Submission, SubmissionType
from conference.core.types import utcnow
from conference.events.models import Event, Track

from .. import factories
from ..pdfs import make_pdf

UTC = dt.UTC
OPENS = dt.datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
DEADLINE = dt.datetime(2030, 4, 1, 12, 0, tzinfo=UTC)
EDIT_UNTIL = DEADLINE + dt.timedelta(days=7)
BEFORE_OPENING = OPENS - dt.timedelta(days=1)
DURING = DEADLINE - dt.timedelta(days=10)
AFTER_DEADLINE = DEADLINE + dt.timedelta(days=1)  # the call is closed, editing still allowed
AFTER_EDIT_UNTIL = EDIT_UNTIL + dt.timedelta(days=1)


@dataclass
class Call:
    event: Event
    organiser: User
    paper: SubmissionType  # abstract of at most 20 words, a PDF of at most 1 MB required
    talk: SubmissionType  # no file, no word limit, the call's deadline
    data: Track
    privacy: Track


def make_call(*, edit_until: dt.datetime | None = EDIT_UNTIL, track_required: bool = False, slug: str | None = None) -> Call:
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    event = factories.make_event(organiser=organiser, published=True, title="Conference on Data",
                                 **({"slug": slug} if slug else {}))
    cfp_setup.configure_call(event, actor=organiser, opens_at=OPENS, deadline=DEADLINE, edit_until=edit_until,
                             track_required=track_required)
    paper = cfp_setup.save_submission_type(event, actor=organiser, name="Full paper", abstract_word_limit=20,
                                           file_required=True, accepted_file_types=["pdf"], max_file_size_mb=1)
    talk = cfp_setup.save_submission_type(event, actor=organiser, name="Talk", default_duration=30)
    data = cfp_setup.save_track(event, actor=organiser, name="Data standards")
    privacy = cfp_setup.save_track(event, actor=organiser, name="Privacy and ethics")
    return Call(event=event, organiser=organiser, paper=paper, talk=talk, data=data, privacy=privacy)


def complete_talk(call: Call, author: User, *, now: dt.datetime = DURING, **changes) -> Submission:
    """A draft talk with everything a talk needs, ready to submit."""
    content = {"title": "Open data standards in practice", "abstract": "How agencies share data.",
               "type_id": call.talk.id, "track_id": call.data.id, "keywords": "standards, SDMX"}
    content.update(changes)
    return ops.create_draft(call.event, actor=author, now=now, **content)


def submitted_talk(call: Call, author: User, *, now: dt.datetime = DURING, **changes) -> Submission:
    submission = complete_talk(call, author, now=now, **changes)
    ops.submit(submission, actor=author, now=now)
    return submission


@dataclass
class OpenCall:
    event: Event
    organiser: User
    paper: SubmissionType  # abstract of at most 20 words, a PDF of at most 1 MB required
    talk: SubmissionType  # no file, no limit
    track: Track


def make_open_call(*, slug: str = "ews", opens: dt.timedelta = dt.timedelta(days=-10),
                   deadline: dt.timedelta = dt.timedelta(days=10), edit_until: dt.timedelta | None = None,
                   published: bool = True, timezone: str = "Europe/Zurich",
                   organiser: User | None = None) -> OpenCall:
    """A call that opened ``-opens`` ago and closes in ``deadline``, for the pages (which use the clock)."""
    now = utcnow()
    organiser = organiser or factories.make_user(name="Olga Organiser", may_create_events=True)
    event = factories.make_event(organiser=organiser, slug=slug, published=published, timezone=timezone,
                                 title="Early Warning Symposium")
    cfp_setup.configure_call(event, actor=organiser, opens_at=now + opens, deadline=now + deadline,
                             edit_until=now + edit_until if edit_until is not None else None,
                             intro="We welcome **papers** on early warnings.")
    paper = cfp_setup.save_submission_type(event, actor=organiser, name="Full paper", abstract_word_limit=20,
                                           file_required=True, accepted_file_types=["pdf"], max_file_size_mb=1)
    talk = cfp_setup.save_submission_type(event, actor=organiser, name="Talk", default_duration=30)
    track = cfp_setup.save_track(event, actor=organiser, name="Forecasting")
    return OpenCall(event=event, organiser=organiser, paper=paper, talk=talk, track=track)


# Sample files, each the smallest thing its format's reader accepts ------------------------------

PDF = make_pdf("Open data standards in practice")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40 + b"\xff\xd9"
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200
LINUX_EXE = b"\x7fELF\x02\x01\x01" + b"\x00" * 200
SHELL_SCRIPT = b"#!/bin/sh\nrm -rf ~\n"


def zipped(entries: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n, (name, data) in enumerate(entries):
            method = zipfile.ZIP_STORED if stored_first and n == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buffer.getvalue()


DOCX = zipped([("[Content_Types].xml", b"<Types/>"), ("_rels/.rels", b"<Relationships/>"),
               ("word/document.xml", b"<w:document/>")])
PPTX = zipped([("[Content_Types].xml", b"<Types/>"), ("ppt/presentation.xml", b"<p:presentation/>")])
ODT = zipped([("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<office:document-content/>")],
             stored_first=True)
ZIP = zipped([("data/readme.txt", b"Survey microdata, anonymised.")])
