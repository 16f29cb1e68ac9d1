"""Releasing the programme: numbering, snapshots, speaker mails in their own zone (what is new,
moved or cancelled for them), the summary for opted-in confirmed registrants, and the audit log."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conference.agenda import programme, programme_removal, releases
from conference.core.models import AuditEntry
from conference.errors import AlreadyExists, DomainError, NotAllowed
from conference.events.enums import EventFormat
from conference.extensions import db
from conference.mail import registry
from conference.registration.enums import AttendanceMode, RegistrationState

from .. import factories
from ..mail.builders import outbox
from ..registration.builders import add_category, make_form, register
from .builders import at, make_programme, release


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
    assert ("- Talk one: Mar 16, 2030, 6:00\u202fAM (America/New_York) – Mar 16, 2030, 6:30\u202fAM "
            "(America/New_York), Room B\n" in mails["ben@example.org"].body_text)
    assert ("- Talk two: Mar 16, 2030, 7:30\u202fPM (Asia/Tokyo) – Mar 16, 2030, 8:00\u202fPM (Asia/Tokyo), Room B\n"
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


# Speakers hear of their cancelled items ------------------------------------------------------------------

def speaker_mails(before: int = 0) -> dict[str, list]:
    """The speakers' mails queued after the first ``before`` ones, by address: (template, mail)."""
    found: dict[str, list] = {}
    mails = sorted(outbox("agenda_speaker_times") + outbox("agenda_speaker_cancelled"), key=lambda m: m.id)
    for mail in mails[before:]:
        found.setdefault(mail.to_address, []).append((mail.template, mail))
    return found


def test_speakers_of_a_cancelled_item_are_told_in_their_own_zone(p):
    release(p)
    before = len(speaker_mails()["ben@example.org"]) + 2  # Ada's and Chloe's first mails
    programme_removal.delete_item(p.talk_one, actor=p.organiser, event=p.event)
    release(p, "Second programme", comment="Talk one is off & <b>sorry</b>.")

    [(template, mail)] = speaker_mails(before)["ben@example.org"]
    assert sorted(speaker_mails(before)) == ["ben@example.org"]
    assert template == "agenda_speaker_cancelled"
    assert mail.subject == "Cancelled: your part in the programme of Conference on Data"
    # Talk one was on 16 March, 11:00-11:30 in Zurich: 06:00-06:30 in New York, Ben's zone.
    assert mail.body_text == (
        "Hello Ben Franklin,\n\n"
        "The organisers of Conference on Data released a new version of the programme (Second programme). These "
        "items are no longer in the programme, or no longer with you as a speaker (times in your time zone, as they "
        "were):\n\n"
        "- Talk one: Mar 16, 2030, 6:00\u202fAM (America/New_York) – Mar 16, 2030, 6:30\u202fAM "
        "(America/New_York), Room B (cancelled)\n\n"
        "Talk one is off & <b>sorry</b>.\n\n"
        "If you have questions, please contact the organisers. The whole programme:\n\n"
        f"http://conference.test/events/{p.event.slug}/agenda\n")
    assert "&lt;b&gt;sorry&lt;/b&gt;" in mail.body_html and "<b>sorry" not in mail.body_html
    # About their own item: no opt-out, no unsubscribe headers.
    assert "List-Unsubscribe" not in (mail.headers or {})


def test_a_deleted_session_cancels_its_items_for_their_speakers(p):
    release(p)
    programme_removal.delete_session(p.standards, actor=p.organiser, event=p.event)
    release(p, "Second programme")
    mails = speaker_mails(3)
    assert {address: [template for template, _mail in found] for address, found in mails.items()} == {
        "ben@example.org": ["agenda_speaker_cancelled"], "chloe@example.org": ["agenda_speaker_cancelled"]}
    assert ("- Talk two: Mar 16, 2030, 7:30\u202fPM (Asia/Tokyo) – Mar 16, 2030, 8:00\u202fPM (Asia/Tokyo), "
            "Room B (cancelled)\n") in mails["chloe@example.org"][0][1].body_text


def test_one_mail_per_speaker_lists_what_is_new_moved_and_cancelled(p):
    release(p)
    programme_removal.delete_item(p.talk_one, actor=p.organiser, event=p.event)
    programme.place_item(p.panel, actor=p.organiser, session=p.standards, starts_at=at(1, 11))
    programme.move_session(p.opening, actor=p.organiser, room_id=p.main.id, starts_at=at(2, 9), ends_at=at(2, 10, 30))
    release(p, "Second programme")

    mails = speaker_mails(3)
    assert {address: [template for template, _mail in found] for address, found in mails.items()} == {
        "ada@example.org": ["agenda_speaker_times"], "ben@example.org": ["agenda_speaker_times"],
        "chloe@example.org": ["agenda_speaker_times"]}
    ben = mails["ben@example.org"][0][1].body_text
    assert ("Your times, in your time zone:\n\n"
            "- Talk one: Mar 16, 2030, 6:00\u202fAM (America/New_York) – Mar 16, 2030, 6:30\u202fAM "
            "(America/New_York), Room B (cancelled)\n"
            "- Panel on privacy: Mar 16, 2030, 6:00\u202fAM (America/New_York) – Mar 16, 2030, 6:45\u202fAM "
            "(America/New_York), Room B\n\n") in ben
    assert "- Keynote: Mar 17, 2030, 9:00\u202fAM (Europe/Zurich)" in mails["ada@example.org"][0][1].body_text
    assert "(moved)" in mails["ada@example.org"][0][1].body_text


def test_speakers_taken_off_or_added_to_an_item_are_told(p):
    release(p)
    programme.save_item(p.event, actor=p.organiser, item=p.talk_two, title="Talk two", kind=p.talk_two.kind,
                        speaker_ids=[p.ada.id], duration=30)
    release(p, "Second programme")

    mails = speaker_mails(3)
    assert {address: [template for template, _mail in found] for address, found in mails.items()} == {
        "ada@example.org": ["agenda_speaker_times"], "chloe@example.org": ["agenda_speaker_cancelled"]}
    assert ("- Talk two: Mar 16, 2030, 7:30\u202fPM (Asia/Tokyo) – Mar 16, 2030, 8:00\u202fPM (Asia/Tokyo), "
            "Room B (you no longer speak in it)\n") in mails["chloe@example.org"][0][1].body_text
    assert ("- Talk two: Mar 16, 2030, 11:30\u202fAM (Europe/Zurich) – Mar 16, 2030, 12:00\u202fPM "
            "(Europe/Zurich), Room B\n") in mails["ada@example.org"][0][1].body_text


def test_the_cancelled_mail_renders_with_a_real_record_and_every_placeholder(p):
    assert registry.get("agenda_speaker_cancelled").sample(p.event) is None  # nothing released yet
    release(p)
    p.ben.name = "Ben <script>x</script> & Sons"
    programme_removal.delete_item(p.talk_one, actor=p.organiser, event=p.event)
    release(p, "Second programme", comment="Sorry & <b>goodbye</b>.")
    spec = registry.get("agenda_speaker_cancelled")
    data, name, email, user = spec.sample(p.event)
    assert (name, email) == ("Ben <script>x</script> & Sons", "ben@example.org")
    context = registry.MailContext(event=p.event, recipient_name=name, recipient_email=email, user=user,
                                         data=data)
    assert spec.per_event and registry.unknown_placeholders(spec, str(spec.subject), str(spec.body)) == []

    rendered = registry.render(spec, context, subject="{event_title} for {recipient_name}",
                                     body="\n\n".join(f"{n}: {{{n}}}" for n in spec.placeholders))
    values = {n: spec.placeholders[n].value(context) for n in spec.placeholders}
    assert [n for n, value in values.items() if not value] == []
    for n, value in values.items():
        assert f"{n}: {value}" in rendered.text, n
    assert values["session_title"] == "Talk one" and values["release_name"] == "Second programme"
    assert values["session_start"] == "Mar 16, 2030, 6:00\u202fAM (America/New_York)"
    assert "<script>" not in rendered.html and "&lt;script&gt;x&lt;/script&gt; &amp; Sons" in rendered.html
    # Before any release cancelled something, the preview shows a speaker's items as cancelled.
    other = make_programme(slug="other-conference")
    release(other)
    data, name, _email, _user = spec.sample(other.event)
    assert name == "Ada Lovelace" and [e["change"] for e in data["schedule"]] == ["cancelled"]
