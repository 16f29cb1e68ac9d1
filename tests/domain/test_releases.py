"""Releasing the programme: numbering, snapshots, speaker mails in their own zone, the summary
for opted-in confirmed registrants, and the audit log."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conference.domain import programme, releases
from conference.enums import AttendanceMode, EventFormat, RegistrationState
from conference.errors import AlreadyExists, DomainError, NotAllowed
from conference.extensions import db
from conference.models import AuditEntry

from .. import factories
from .agenda_helpers import at, make_programme, release
from .cfp_helpers import outbox
from .registration_helpers import add_category, make_form, register


@pytest.fixture
def p(db):
    return make_programme()


def test_releases_are_numbered_and_kept(p):
    first = release(p, "First programme", comment="Hello")
    programme.place_item(p.panel, actor=p.organiser, session=p.standards, starts_at=at(1, 12))
    second = release(p, "Second programme")
    assert [(r.number, r.name) for r in releases.releases_of(p.event)] == [(2, "Second programme"),
                                                                         (1, "First programme")]
    assert releases.latest_release(p.event) is second
    assert [i["title"] for i in first.snapshot["items"]] == ["Keynote", "Talk one", "Talk two"]
    assert [i["title"] for i in second.snapshot["items"]] == ["Keynote", "Talk one", "Talk two", "Panel on privacy"]
    assert first.comment == "Hello" and second.released_by_id == p.organiser.id


def test_release_name_is_required_and_unique(p):
    with pytest.raises(DomainError, match="Give the version a name"):
        release(p, "  ")
    release(p, "First programme")
    with pytest.raises(AlreadyExists, match="A version called First programme was already released"):
        release(p, "First programme")


def test_only_organisers_release(p):
    with pytest.raises(NotAllowed):
        releases.release(p.event, actor=factories.make_user(), name="Mine")


def test_release_is_audited(p):
    entry = release(p)
    audit = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "agenda.released"))
    assert (audit.object_id, audit.actor_id, audit.details) == (entry.id, p.organiser.id,
                                                                {"number": 1, "name": "First programme"})


def test_speakers_get_their_times_in_their_own_zone(p):
    release(p)
    mails = {m.to_address: m for m in outbox("agenda_speaker_times")}
    assert sorted(mails) == ["ada@example.org", "ben@example.org", "chloe@example.org"]
    # Talk one: 16 March 11:00 in Zurich is 06:00 in New York; Talk two, 11:30, is 19:30 in Tokyo.
    assert ("- Talk one: Mar 16, 2030, 6:00:00\u202fAM (America/New_York) – Mar 16, 2030, 6:30:00\u202fAM "
            "(America/New_York), Room B\n" in mails["ben@example.org"].body_text)
    assert ("- Talk two: Mar 16, 2030, 7:30:00\u202fPM (Asia/Tokyo) – Mar 16, 2030, 8:00:00\u202fPM (Asia/Tokyo), Room B\n"
            in mails["chloe@example.org"].body_text)
    assert mails["ada@example.org"].subject == "Your times in the programme of Conference on Data"


def test_only_speakers_with_new_or_moved_items_are_mailed_again(p):
    release(p)
    before = len(outbox("agenda_speaker_times"))
    programme.move_session(p.standards, actor=p.organiser, room_id=p.room_b.id, starts_at=at(2, 11),
                           ends_at=at(2, 12, 30))
    programme.save_item(p.event, actor=p.organiser, item=p.keynote, title="Keynote: open data", kind=p.keynote.kind,
                        speaker_ids=[p.ada.id], duration=60)  # changed, not moved: no mail to Ada
    release(p, "Second programme")
    again = outbox("agenda_speaker_times")[before:]
    assert sorted(m.to_address for m in again) == ["ben@example.org", "chloe@example.org"]
    assert "(moved)" in again[0].body_text


def test_registrant_summary_goes_only_to_opted_in_confirmed_registrants(db):
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    form = make_form(organiser=organiser, format=EventFormat.HYBRID)
    p = make_programme(organiser=organiser, event=form.event)
    category = add_category(form)
    wants = register(form, category, email="wants@example.org", mode=AttendanceMode.ONLINE)
    register(form, category, email="quiet@example.org", mode=AttendanceMode.ONLINE)
    pending_category = add_category(form, "Observers", approval=True)
    waiting = register(form, pending_category, email="pending@example.org", mode=AttendanceMode.ONLINE)
    wants.agenda_updates = waiting.agenda_updates = True
    assert (wants.state, waiting.state) == (RegistrationState.CONFIRMED, RegistrationState.PENDING)
    release(p, comment="Our first programme")
    [summary] = outbox("agenda_updated")
    assert summary.to_address == "wants@example.org"
    assert "Our first programme" in summary.body_text and "New: 5" in summary.body_text
