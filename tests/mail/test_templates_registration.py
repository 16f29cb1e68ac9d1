"""The registration and programme mail templates: each default renders with a real record of
the event found by its ``sample``; every placeholder a template offers gets its value; names
typed by people are escaped in the HTML part; times are in the recipient's own zone; approval
has its own mail; the schedule-change summary can be unsubscribed from, and is not sent to
those who did."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from conference.agenda import programme
from conference.agenda import public as agenda_public
from conference.events.enums import EventFormat
from conference.extensions import db
from conference.mail import opt_outs, registry
from conference.mail.mailer import forget_template_text
from conference.mail.models import MailTemplate, OutboxMessage
from conference.registration import reconfirmation
from conference.registration import registrations as ops
from conference.registration import setup as registration_setup
from conference.registration.enums import AttendanceMode, RegistrationState
from conference.registration.models import Registration

from .. import factories
from ..agenda.builders import Programme, at, make_programme, release
from ..registration.builders import DURING, add_category, make_form, register
from .builders import outbox

IN_PERSON, ONLINE = AttendanceMode.IN_PERSON, AttendanceMode.ONLINE
HOSTILE = "<script>alert(1)</script> & Sons"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons"
REGISTRATION_KEYS = [
    "registration_received", "registration_confirmed", "registration_approved", "registration_waitlisted",
    "registration_offer", "registration_offer_withdrawn", "registration_offer_expired", "registration_rejected", "registration_cancelled",
    "registration_switched", "registration_switch_waiting", "registration_invitation", "registration_link",
    "reconfirmation_request", "reconfirmation_reminder", "reconfirmation_released",
]
AGENDA_KEYS = ["agenda_speaker_times", "agenda_updated"]
KEYS = REGISTRATION_KEYS + AGENDA_KEYS
# The phrases the old mails were known by: a subject's start and a sentence of the body.
KEY_PHRASES = {
    "registration_received": ("Received: your registration for", "you will get a mail when they have decided"),
    "registration_confirmed": ("Confirmed: your registration for", "is confirmed (Members, online)"),
    "registration_approved": ("Approved: your registration for", "approved your registration: it is confirmed (Members, online)"),
    "registration_waitlisted": ("Waiting list:", "You are number 1 on the waiting list (in person)"),
    "registration_offer": ("Action required: a place for you at", "It is held for you until"),
    "registration_offer_withdrawn": ("Waiting list again:", "You are back on the waiting list (in person), at number"),
    "registration_offer_expired": ("Offer expired:", "was not taken in time"),
    "registration_rejected": ("Your registration for", "could not accept your registration"),
    "registration_cancelled": ("Cancelled: your registration for", "is cancelled."),
    "registration_switched": ("You now attend", "as you asked."),
    "registration_switch_waiting": ("Waiting to attend in person:", "Your request waits at number 2"),
    "registration_invitation": ("Invitation to register for", "Register with this link (it is for you alone):"),
    "registration_link": ("Your registration link for", "asked for the link to your registration for"),
    "reconfirmation_request": ("Action required: reconfirm your place at", "confirm that they still take part"),
    "reconfirmation_reminder": ("Action required: reminder to reconfirm", "You have not yet reconfirmed"),
    "reconfirmation_released": ("Cancelled: your place at", "You did not reconfirm your place at"),
    "agenda_speaker_times": ("Your times in the programme of", "Your times, in your time zone:"),
    "agenda_updated": ("The programme of", "New: 0\nMoved: 3\nChanged: 0\nCancelled: 0"),
}


@dataclass
class World:
    p: Programme
    rita: Registration  # confirmed in person; her account is in New York
    otto: Registration  # confirmed online
    first_waiting: Registration  # offered the place Hugo freed; her account is in Tokyo


def later(minutes: int) -> dt.datetime:
    return DURING + dt.timedelta(minutes=minutes)


@pytest.fixture
def world(db) -> World:
    """A hybrid event with a registration in every state, an invitation, an open reconfirmation
    request and a released programme; everyone's name is hostile."""
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    form = make_form(organiser=organiser, format=EventFormat.HYBRID)
    event = form.event
    event.online_details = "Join at https://meet.example.org/room-7"
    members = add_category(form, "Members", in_person=2)
    observers = add_category(form, "Observers", approval=True)
    rita_user = factories.make_user(name=f"Rita {HOSTILE}", email="rita@example.org", timezone="America/New_York")
    tokyo_user = factories.make_user(name=f"Wanda {HOSTILE}", email="wanda@example.org", timezone="Asia/Tokyo")

    rita = register(form, members, name=f"Rita {HOSTILE}", email="rita@example.org", mode=IN_PERSON, user=rita_user,
                    now=later(1))
    hugo = register(form, members, name=f"Hugo {HOSTILE}", mode=IN_PERSON, now=later(2))
    first_waiting = register(form, members, name=f"Wanda {HOSTILE}", email="wanda@example.org", mode=IN_PERSON,
                             user=tokyo_user, now=later(3))
    register(form, members, name=f"Walter {HOSTILE}", mode=IN_PERSON, now=later(4))
    otto = register(form, members, name=f"Otto {HOSTILE}", email="otto@example.org", mode=ONLINE, now=later(5))
    switcher = register(form, members, name=f"Sam {HOSTILE}", mode=ONLINE, now=later(6))
    assert ops.request_mode_switch(switcher, actor=None, mode=IN_PERSON, now=later(7)) is False
    register(form, observers, name=f"Pia {HOSTILE}", mode=IN_PERSON, now=later(8))
    refused = register(form, observers, name=f"Rolf {HOSTILE}", mode=ONLINE, now=later(9))
    ops.reject(refused, actor=organiser, message="The room is full & <b>so</b> is the list.", now=later(10))
    ops.cancel(hugo, actor=None, now=later(60))
    assert first_waiting.state == RegistrationState.OFFERED
    registration_setup.invite(event, actor=organiser, category=observers, email="ivy@example.org",
                              name=f"Ivy {HOSTILE}", skip_approval=True, message="Please come & talk.", now=later(70))
    reconfirmation.request_reconfirmation(event, actor=organiser, by=later(20 * 24 * 60), now=later(80))

    p = make_programme(organiser=organiser, event=event)
    for speaker in (p.ada, p.ben, p.chloe):
        speaker.name = f"{speaker.name} {HOSTILE}"
    p.talk_one.title = f"Talk one {HOSTILE}"
    release(p, comment="Our first programme & <b>more</b>.")
    agenda_public.star(event, user=rita_user, uid=f"item-{p.talk_one.id}")
    rita.agenda_updates = otto.agenda_updates = True
    db.session.flush()
    return World(p=p, rita=rita, otto=otto, first_waiting=first_waiting)


def second_release(w: World):
    """Data standards moves to the next day: Talk one (Ben's, starred by Rita) and Talk two move."""
    programme.move_session(w.p.standards, actor=w.p.organiser, room_id=w.p.room_b.id, starts_at=at(2, 11),
                           ends_at=at(2, 12, 30))
    return release(w.p, "Second programme", comment="Data standards moves & <i>grows</i>.")


@pytest.fixture
def released(world) -> World:
    second_release(world)
    return world


def sample_context(key: str, event, **more) -> tuple[registry.TemplateSpec, registry.MailContext]:
    spec = registry.get(key)
    found = spec.sample(event)
    assert found is not None, key
    data, name, email, user = found
    return spec, registry.MailContext(event=event, recipient_name=name, recipient_email=email, user=user,
                                            data={**data, **more})


# (a) and (c): the defaults with a real record ----------------------------------------------------------

@pytest.mark.parametrize("key", KEYS)
def test_default_renders_with_the_sample_record_and_escapes_names(released, key):
    spec, context = sample_context(key, released.p.event)
    assert spec.per_event and not registry.unknown_placeholders(spec, str(spec.subject), str(spec.body))

    rendered = registry.render(spec, context)

    subject_start, phrase = KEY_PHRASES[key]
    assert rendered.subject.startswith(subject_start) and released.p.event.title in rendered.subject
    assert phrase in rendered.text
    assert "{" not in rendered.subject + rendered.text + rendered.html
    assert f"Hello {context.recipient_name}," in rendered.text and HOSTILE in context.recipient_name
    # A name typed by a person never becomes markup in the HTML part.
    assert ESCAPED in html.escape(context.recipient_name)
    assert "<script>" not in rendered.html and f"Hello {html.escape(context.recipient_name)}," in rendered.html


def test_samples_find_nothing_in_an_event_without_records(db):
    event = factories.make_event(published=True)
    assert {key: registry.get(key).sample(event) for key in KEYS} == {key: None for key in KEYS}


# (b): every placeholder a template offers --------------------------------------------------------------

@pytest.mark.parametrize("key", KEYS)
def test_every_placeholder_renders_its_value(released, key):
    spec, context = sample_context(key, released.p.event, message="Sorry & <b>goodbye</b>.")
    names = list(spec.placeholders)
    body = "\n\n".join(f"{name}: {{{name}}}" for name in names)

    rendered = registry.render(spec, context, subject="{event_title} for {recipient_name}", body=body)

    assert "{" not in rendered.subject + rendered.text + rendered.html
    assert rendered.subject == f"{released.p.event.title} for {context.recipient_name}"
    for name in names:
        value = spec.placeholders[name].value(context)
        assert value, f"{key}: {{{name}}} has no value with the sample record"
        assert f"{name}: {value}" in rendered.text, name
        assert html.escape(value.splitlines()[-1]) in rendered.html, name
    assert "<b>" not in rendered.html and "<script>" not in rendered.html


def test_registration_placeholders_say_what_the_records_hold(released):
    event = released.p.event
    values = {}
    for key in ("registration_offer", "registration_switch_waiting", "registration_confirmed",
                "registration_invitation", "reconfirmation_request"):
        spec, context = sample_context(key, event)
        values.update({name: p.value(context) for name, p in spec.placeholders.items() if name not in values})
    assert values["registration_category"] == "Members"
    assert values["switch_mode"] == "in person" and values["waiting_position"] == "2"
    assert values["join_details"] == "How to join online:\nJoin at https://meet.example.org/room-7"
    assert values["invitation_category"] == "Observers"
    assert values["invitation_approval"] == "Your registration will not need to be approved."
    assert values["registration_link"] == "http://conference.test/registrations/preview"
    # The offer is held 48 hours from Hugo's cancellation (20 Jan 2030, 10:00 UTC), shown in Tokyo.
    assert values["offer_expires"] == "Jan 22, 2030, 7:00\u202fPM (Asia/Tokyo)"
    # Wanda (Tokyo) is offered a place; Rita (New York) is asked to reconfirm by 9 Feb 2030, 09:00 UTC.
    assert values["reconfirm_by"] == "Feb 9, 2030, 4:00\u202fAM (America/New_York)"


# The real path: registering, approving, inviting ------------------------------------------------------

def test_approval_sends_its_own_mail_with_the_calendar_and_join_details(world):
    form = world.rita.form
    observers = next(c for c in form.categories if c.name == "Observers")
    pending = register(form, observers, name="Nora <Online> & Co", email="nora@example.org", mode=ONLINE)
    assert outbox("registration_received")[-1].to_address == "nora@example.org"

    ops.approve(pending, actor=world.p.organiser)

    assert [m.to_address for m in outbox("registration_approved")] == ["nora@example.org"]
    assert "nora@example.org" not in [m.to_address for m in outbox("registration_confirmed")]
    [mail] = outbox("registration_approved")
    assert mail.subject == f"Approved: your registration for {world.p.event.title}"
    assert "How to join online:\nJoin at https://meet.example.org/room-7" in mail.body_text
    assert "Hello Nora &lt;Online&gt; &amp; Co," in mail.body_html
    assert [(a.filename, a.content_type) for a in mail.attachments] == [
        (f"{world.p.event.slug}.ics", "text/calendar; method=PUBLISH")]


def test_straight_confirmation_keeps_its_mail_with_join_details_only_where_there_are_some(world):
    [rita_mail] = [m for m in outbox("registration_confirmed") if m.to_address == "rita@example.org"]
    [otto_mail] = [m for m in outbox("registration_confirmed") if m.to_address == "otto@example.org"]
    assert rita_mail.subject == f"Confirmed: your registration for {world.p.event.title}"
    assert [a.filename for a in rita_mail.attachments] == [f"{world.p.event.slug}.ics"]
    # A hybrid event: every confirmed participant gets the join details, in person or online.
    assert "How to join online:\nJoin at https://meet.example.org/room-7" in otto_mail.body_text
    assert "How to join online:" in rita_mail.body_text
    form = make_form(format=EventFormat.IN_PERSON)
    form.event.online_details = "https://secret.example.org/room"
    here = register(form, add_category(form), email="here@example.org")
    [mail] = [m for m in outbox("registration_confirmed") if m.to_address == "here@example.org"]
    assert here.state == RegistrationState.CONFIRMED and mail.body_text.startswith("Hello ")
    assert "How to join" not in mail.body_text and "secret" not in mail.body_text + mail.body_html


def test_queued_mails_escape_what_people_typed(world):
    rejected = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.template == "registration_rejected"))
    assert "The room is full & <b>so</b> is the list." in rejected.body_text
    assert "The room is full &amp; &lt;b&gt;so&lt;/b&gt; is the list." in rejected.body_html
    [invitation] = outbox("registration_invitation")
    assert invitation.to_name == f"Ivy {HOSTILE}" and "Please come & talk." in invitation.body_text
    assert f"Hello Ivy {ESCAPED}," in invitation.body_html and "<script>" not in invitation.body_html
    link = re.search(r"http://conference\.test/registration-invitations/\S+", invitation.body_text).group(0)
    assert f'href="{link}"' in invitation.body_html


def test_an_invitation_without_a_name_greets_the_address(world):
    registration_setup.invite(world.p.event, actor=world.p.organiser, category=world.rita.category,
                              email="nameless@example.org", now=later(90))
    [mail] = [m for m in outbox("registration_invitation") if m.to_address == "nameless@example.org"]
    assert mail.body_text.startswith("Hello nameless@example.org,\n")
    assert "need to be approved" not in mail.body_text  # Members needs no approval
    assert "The invitation is valid until Feb 19, 2030, 11:30\u202fAM (Europe/Zurich)." in mail.body_text


# (d): session times in the recipient's own zone --------------------------------------------------------

def test_session_times_are_in_the_recipients_own_zone(world):
    event = world.p.event
    body = "{session_title} | {session_start} | {session_end} | {session_room}\n\n{schedule}"
    for key in AGENDA_KEYS:
        db.session.add(MailTemplate(event_id=event.id, key=key, subject="Times for {recipient_name}", body=body))
    db.session.flush()
    forget_template_text()

    second_release(world)

    [rita_mail] = [m for m in outbox("agenda_updated") if m.to_address == "rita@example.org"]
    # Talk one moved to 17 March, 11:00-11:30 in Zurich: 06:00-06:30 in New York (Rita's profile).
    start, end = "Mar 17, 2030, 6:00\u202fAM (America/New_York)", "Mar 17, 2030, 6:30\u202fAM (America/New_York)"
    assert rita_mail.body_text == (f"Talk one {HOSTILE} | {start} | {end} | Room B\n\n"
                                   f"- Talk one {HOSTILE}: {start} – {end}, Room B (moved)\n")
    assert event.timezone == "Europe/Zurich" and "Europe/Zurich" not in rita_mail.body_text
    assert f"Talk one {ESCAPED} | Mar 17, 2030" in rita_mail.body_html
    speaker_mails = {m.to_address: m.body_text for m in outbox("agenda_speaker_times")[3:]}
    # The speakers' own zones: Ben in New York, Chloe in Tokyo (Talk two, 11:30 in Zurich).
    assert speaker_mails["ben@example.org"].startswith(f"Talk one {HOSTILE} | {start} | {end} | Room B\n")
    assert speaker_mails["chloe@example.org"].startswith(
        "Talk two | Mar 17, 2030, 7:30\u202fPM (Asia/Tokyo) | Mar 17, 2030, 8:00\u202fPM (Asia/Tokyo) | Room B\n")


# (e): the schedule-change summary: unsubscribe headers, and opt-outs honoured --------------------------

def test_agenda_updated_carries_list_unsubscribe_and_skips_those_who_opted_out(world):
    event = world.p.event
    assert opt_outs.opt_out(event, "OTTO@example.org", "agenda_updates") is True
    world.otto.agenda_updates = True  # ticked again on the registration page: the opt-out still holds
    db.session.flush()

    second_release(world)

    [mail] = outbox("agenda_updated")
    assert mail.to_address == "rita@example.org"
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(http://conference\.test/events/[^/]+/mail/unsubscribe/(\S+))>",
                       mail.headers["List-Unsubscribe"])
    assert url and opt_outs.read_unsubscribe_token(event, url.group(2)) == ("rita@example.org", "agenda_updates")
    assert mail.subject == f"The programme of {event.title} has changed"
    assert "Data standards moves & <i>grows</i>." in mail.body_text
    assert "Your agenda (what you starred), in your time zone:\n- Talk one" in mail.body_text

    opt_outs.opt_back_in(event, "otto@example.org", "agenda_updates")
    programme.move_session(world.p.standards, actor=world.p.organiser, room_id=world.p.room_b.id,
                           starts_at=at(3, 11), ends_at=at(3, 12, 30))
    release(world.p, "Third programme")
    assert [m.to_address for m in outbox("agenda_updated")] == ["rita@example.org", "rita@example.org",
                                                                "otto@example.org"]
