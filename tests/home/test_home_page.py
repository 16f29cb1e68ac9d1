"""The person's home (/dashboard): what waits for them across their events and roles, each with
its link, soonest deadline first; the empty state; only one's own; a fixed number of queries."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from html import unescape

import pytest
import sqlalchemy as sa

from conference.agenda import programme, programme_warnings
from conference.agenda.enums import ItemKind, SessionKind
from conference.cfp import submissions as cfp_ops
from conference.cfp.enums import SubmissionState
from conference.cfp.models import SubmissionAuthor
from conference.core.types import utcnow
from conference.delegations.models import FocalPoint, Organisation
from conference.events.enums import TeamRole
from conference.events.models import Event, EventRole
from conference.extensions import db
from conference.i18n import format_datetime
from conference.registration import registrations as registration_ops
from conference.registration.enums import RegistrationState
from conference.registration.places import ensure_registration_settings
from conference.review.common import ensure_review_settings
from conference.review.enums import ConflictKind, ConflictSource, ReviewState
from conference.review.models import Conflict, Review, ReviewAssignment

from .. import factories
from ..agenda.builders import Programme, at, make_programme, release
from ..cfp.builders import DEADLINE, DURING, complete_talk, submitted_talk
from ..conftest import login
from ..group_mail.builders import queue
from ..query_counting import queries_for
from ..registration.builders import add_category, make_form, register
from ..review.builders import reviewing_call

REVIEW_DEADLINE = dt.datetime(2030, 5, 1, 12, 0, tzinfo=dt.UTC)
CHAIR_DEADLINE = dt.datetime(2030, 6, 1, 12, 0, tzinfo=dt.UTC)


@dataclasses.dataclass
class Unit:
    """One of each kind of to-do for ``person``, in events of their own."""

    slug: str  # the call's event: drafts, confirmations, co-authorship, reviews, bids
    form_slug: str  # the registration event the person organises: approvals, held mail, focal point
    draft: str
    accepted: str
    invited: str
    reviewed: str
    organisation_id: int
    offer_token: str
    offer_expires_at: dt.datetime
    offer_event: str
    reconfirm_token: str
    reconfirm_by: dt.datetime
    reconfirm_event: str
    ticket: str  # the confirmed registration's ticket token (in the reconfirmation's event)
    chaired: str  # a call where the person chairs a track
    run: str  # a call the person organises (and chairs a track of)
    programme: str  # an event the person organises whose programme the editor warns of


def _other_registration_event():
    form = make_form()
    return form, add_category(form)


def _listed_before_signing_up(submission, submitter, name: str, email: str) -> None:
    """A co-author listed while they had no account (they signed up since): the listing waits
    for them to accept it (an account that exists when they are listed is linked at once)."""
    cfp_ops.add_author(submission, actor=submitter, name=name, email=email, now=DURING).user_id = None
    db.session.flush()


def _submitted_review(submission) -> None:
    assignment = ReviewAssignment(submission_id=submission.id, reviewer_id=factories.make_user().id)
    db.session.add(assignment)
    db.session.flush()
    db.session.add(Review(assignment_id=assignment.id, state=ReviewState.SUBMITTED, submitted_at=DURING))


def _chaired_call(person, i: int) -> str:
    """A call (two reviews per submission) whose "Data standards" track the person chairs: two of
    its submissions are short of reviews (one has one review of two); not counted are one with
    both its reviews, one in another track and one the person is conflicted with."""
    call = reviewing_call(slug=f"chaired-{i}")
    ensure_review_settings(call.event).review_deadline = CHAIR_DEADLINE
    call.event.roles.append(EventRole(user_id=person.id, role=TeamRole.TRACK_CHAIR, tracks=[call.data]))
    submitted_talk(call, factories.make_user(), title="Not reviewed")
    _submitted_review(submitted_talk(call, factories.make_user(), title="Reviewed once"))
    reviewed = submitted_talk(call, factories.make_user(), title="Reviewed twice")
    _submitted_review(reviewed)
    _submitted_review(reviewed)
    submitted_talk(call, factories.make_user(), title="Elsewhere", track_id=call.privacy.id)
    conflicted = submitted_talk(call, factories.make_user(), title="Conflicted")
    db.session.add(Conflict(submission_id=conflicted.id, event_id=call.event.id, user_id=person.id,
                            kind=ConflictKind.PERSONAL, source=ConflictSource.REVIEWER))
    db.session.flush()
    return call.event.slug


def _organised_call(person, i: int) -> str:
    """A call the person organises and chairs a track of (it counts once, for the whole event):
    two submissions short of reviews (in either track), and one accepted and not confirmed."""
    call = reviewing_call(slug=f"run-{i}")
    factories.add_role(call.event, person, TeamRole.ORGANISER)
    call.event.roles.append(EventRole(user_id=person.id, role=TeamRole.TRACK_CHAIR, tracks=[call.data]))
    submitted_talk(call, factories.make_user(), title="Data talk")
    submitted_talk(call, factories.make_user(), title="Privacy talk", track_id=call.privacy.id)
    submitted_talk(call, factories.make_user(), title="Accepted talk").state = SubmissionState.ACCEPTED
    db.session.flush()
    return call.event.slug


def troubled_programme(person, slug: str) -> Programme:
    """make_programme's, organised by the person, with what its editor warns of: two speakers in
    two places at once (the panel placed over the standards session moved to 10:00), a room
    holding two sessions at once, an item not scheduled, and, after a release, one change."""
    p = make_programme(slug=slug, organiser=person)
    programme.place_item(p.panel, actor=person, session=p.opening, starts_at=at(1, 10))
    programme.move_session(p.standards, actor=person, room_id=p.room_b.id, starts_at=at(1, 10), ends_at=at(1, 11, 30))
    workshop = programme.save_session(p.event, actor=person, title="Workshop", kind=SessionKind.WORKSHOP,
                                      room_id=p.main.id, starts_at=at(1, 10), ends_at=at(1, 11))
    programme.save_item(p.event, actor=person, title="Closing remarks", kind=ItemKind.OTHER)
    release(p, now=utcnow())
    programme.save_session(p.event, actor=person, session=workshop, title="Workshop on metadata",
                           kind=SessionKind.WORKSHOP, room_id=p.main.id, starts_at=at(1, 10), ends_at=at(1, 11))
    return p


def programme_todos(slug: str, title: str = "Conference on Data") -> list[tuple[str, str]]:
    editor = f"/events/{slug}/manage/agenda"
    return [
        (f"{editor}#warnings-title", f"The programme has 2 speaker clashes: speakers in two places at once · {title}"),
        (f"{editor}#warnings-title", f"The programme has 1 room clash: two sessions in one room at once · {title}"),
        (f"{editor}#unscheduled-title", f"1 programme item is not scheduled yet · {title}"),
        (f"{editor}#release-title", f"1 change to the programme is not released yet · {title}"),
    ]


def add_unit(person, i: int) -> Unit:
    call = reviewing_call(slug=f"call-{i}")
    ensure_review_settings(call.event).review_deadline = REVIEW_DEADLINE
    factories.add_role(call.event, person, TeamRole.REVIEWER)
    draft = complete_talk(call, person, title=f"Draft {i}")
    accepted = submitted_talk(call, person, title=f"Accepted {i}")
    accepted.state = SubmissionState.ACCEPTED
    other = factories.make_user()
    invited = submitted_talk(call, other, title=f"Invited {i}")
    _listed_before_signing_up(invited, other, person.name, person.email)
    reviewed = submitted_talk(call, factories.make_user(), title=f"To review {i}")
    db.session.add(ReviewAssignment(submission_id=reviewed.id, reviewer_id=person.id))

    # An event the person organises: a registration waiting for approval (of an organisation
    # whose focal point they are), and a held message.
    form = make_form(organiser=person, slug=f"form-{i}", title=f"Form {i}")
    category = add_category(form, approval=True)
    organisation = Organisation(event_id=form.event_id, name=f"Agency {i}")
    organisation.focal_points.append(FocalPoint(email=person.email, user_id=person.id))
    db.session.add(organisation)
    db.session.flush()
    waiting = register(form, category)
    waiting.organisation_id = organisation.id
    queue(form.event, "someone@example.org", hold=True)

    # A place offered to the person, and a reconfirmation asked of them, in two other events.
    now = utcnow()
    offered_form, offered_category = _other_registration_event()
    offered = register(offered_form, offered_category, email=person.email, user=person)
    offered.state, offered.offer_expires_at = RegistrationState.OFFERED, now + dt.timedelta(days=2, hours=i)
    asked_form, asked_category = _other_registration_event()
    asked = register(asked_form, asked_category, email=person.email, user=person)
    asked.confirmed_at = now - dt.timedelta(days=1)
    settings = ensure_registration_settings(asked_form.event)
    settings.reconfirm_requested_at, settings.reconfirm_by = now, now + dt.timedelta(days=1, hours=i)
    db.session.flush()
    assert (waiting.state, asked.state) == (RegistrationState.PENDING, RegistrationState.CONFIRMED)
    return Unit(call.event.slug, form.event.slug, draft.code, accepted.code, invited.code, reviewed.code,
                organisation.id, registration_ops.manage_token(offered), offered.offer_expires_at,
                offered_form.event.title, registration_ops.manage_token(asked), settings.reconfirm_by,
                asked_form.event.title, asked.ticket_token, _chaired_call(person, i), _organised_call(person, i),
                troubled_programme(person, f"programme-{i}").event.slug)


def todos(html: str, *, signed: bool = False) -> list[tuple[str, str]]:
    """(link, text) of each to-do, in the page's order; a signed link's timestamp and signature
    are left off unless ``signed`` (they change with the second it was made)."""
    section = html.split('id="todos-title"', 1)[1].split("</section>", 1)[0]
    return [(unescape(href) if signed else payload(unescape(href)),
             re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", text))).strip())
            for href, text in re.findall(r'<li class="list-group-item"><a href="([^"]+)">(.*?)</li>', section, re.S)]


def payload(link: str) -> str:
    """A signed link without its timestamp and signature: the payload says whose it is."""
    return re.sub(r"^(/(?:registrations|coauthorship)/[^./]+)\.[^/?]+$", r"\1", link)


def _title_of(slug: str) -> str:
    return db.session.scalar(sa.select(Event.title).where(Event.slug == slug))


@pytest.fixture
def person(db):
    return factories.make_user(name="Pat Person", email="pat@example.org")


def test_home_lists_each_kind_of_todo_with_its_link_soonest_deadline_first(app, person):
    unit = add_unit(person, 1)
    response = login(app.test_client(), person).get("/dashboard")
    assert response.status_code == 200
    with app.test_request_context():
        when = {name: re.sub(r"\s+", " ", format_datetime(value)) for name, value in [
            ("reconfirm", unit.reconfirm_by), ("offer", unit.offer_expires_at), ("draft", DEADLINE),
            ("review", REVIEW_DEADLINE), ("chair", CHAIR_DEADLINE)]}
    call, organised = "Conference on Data", _title_of(unit.form_slug)
    found = todos(response.text)
    token = cfp_ops.coauthor_token(db.session.scalar(
        sa.select(SubmissionAuthor).where(SubmissionAuthor.email == person.email, SubmissionAuthor.user_id.is_(None))))
    assert found[:5] == [
        (payload(f"/registrations/{unit.reconfirm_token}"),
         f"Reconfirm that you are still coming · {unit.reconfirm_event} · Deadline: {when['reconfirm']}"),
        (payload(f"/registrations/{unit.offer_token}"), "A place is offered to you: take it before the offer expires · "
                                               f"{unit.offer_event} · Deadline: {when['offer']}"),
        (f"/events/{unit.slug}/submissions/{unit.draft}/edit",
         f"Finish and submit your draft “Draft 1” · {call} · Deadline: {when['draft']}"),
        (f"/events/{unit.slug}/review/submissions/{unit.reviewed}/review",
         f"Review “To review 1” · {call} · Deadline: {when['review']}"),
        (f"/events/{unit.chaired}/review/",
         f"2 submissions are short of reviews · {call} · Deadline: {when['chair']}"),
    ]
    assert sorted(found[5:]) == sorted([
        (f"/events/{unit.slug}/submissions/{unit.accepted}", f"Confirm that you will present “Accepted 1” · {call}"),
        (payload(f"/coauthorship/{token}"), f"Accept your place as co-author of “Invited 1” · {call}"),
        (f"/events/{unit.slug}/review/bidding", f"Place your bids: 2 submissions have no bid from you yet · {call}"),
        (f"/events/{unit.form_slug}/manage/registrations?state=pending",
         f"1 registration waits for approval · {organised}"),
        (f"/events/{unit.form_slug}/mail/outbox?state=held",
         f"1 message is held in the outbox for you to look over · {organised}"),
        (f"/events/{unit.form_slug}/delegations/{unit.organisation_id}",
         f"1 person of Agency 1 waits for your approval · {organised}"),
        (f"/events/{unit.run}/review/", f"2 submissions are short of reviews · {call}"),
        (f"/events/{unit.run}/review/unconfirmed",
         f"1 accepted submission is not confirmed by its authors yet · {call}"),
        (f"/tickets/{unit.ticket}", f"Your ticket, to show at the check-in desk · {unit.reconfirm_event}"),
        *programme_todos(unit.programme),
    ])


def test_each_link_opens_its_page(app, person):
    add_unit(person, 1)
    client = login(app.test_client(), person)
    links = [link for link, _ in todos(client.get("/dashboard").text, signed=True)]
    assert len(links) == 18
    assert {link: client.get(link).status_code for link in links} == dict.fromkeys(links, 200)


def test_a_ticket_shows_while_its_event_is_not_over(app, person):
    form, category = _other_registration_event()
    registration = register(form, category, email=person.email, user=person)
    db.session.flush()
    assert registration.state == RegistrationState.CONFIRMED
    client = login(app.test_client(), person)
    assert todos(client.get("/dashboard").text) == [
        (f"/tickets/{registration.ticket_token}", f"Your ticket, to show at the check-in desk · {form.event.title}")]
    form.event.start_date = form.event.end_date = utcnow().date() - dt.timedelta(days=3)
    db.session.flush()
    assert todos(client.get("/dashboard").text) == []


def test_a_reviewer_limited_to_a_track_bids_in_it_only(app, person):
    call = reviewing_call(slug="limited")
    call.event.roles.append(EventRole(user_id=person.id, role=TeamRole.REVIEWER, tracks=[call.privacy]))
    # Another reviewer's track is not theirs.
    call.event.roles.append(EventRole(user_id=factories.make_user().id, role=TeamRole.REVIEWER, tracks=[call.data]))
    submitted_talk(call, factories.make_user(), title="Data talk")
    submitted_talk(call, factories.make_user(), title="Privacy talk", track_id=call.privacy.id)
    db.session.flush()
    response = login(app.test_client(), person).get("/dashboard")
    assert todos(response.text) == [
        ("/events/limited/review/bidding", "Place your bids: 1 submission has no bid from you yet · Conference on Data")]


def test_someone_with_nothing_waiting_sees_the_empty_state(app, person):
    response = login(app.test_client(), person).get("/dashboard")
    assert response.status_code == 200
    assert todos(response.text) == []
    assert "Nothing waits for you right now. When something needs you, it shows here." in response.text


def test_another_persons_todos_never_show(app, person):
    add_unit(person, 1)
    stranger = factories.make_user(name="Sam Stranger")
    response = login(app.test_client(), stranger).get("/dashboard")
    assert todos(response.text) == []
    assert "Draft 1" not in response.text and "Agency 1" not in response.text


def test_an_invitation_to_an_unverified_address_does_not_show(app, db):
    unverified = factories.make_user(email="new@example.org", verified=False)
    call = reviewing_call()
    other = factories.make_user()
    invited = submitted_talk(call, other, title="Not for strangers")
    _listed_before_signing_up(invited, other, "New", "new@example.org")
    response = login(app.test_client(), unverified).get("/dashboard")
    assert todos(response.text) == [] and "Not for strangers" not in response.text


def test_the_home_is_the_page_after_log_in_and_in_the_header(client, person):
    response = client.post("/auth/login", data={"email": person.email, "password": factories.DEFAULT_PASSWORD})
    assert (response.status_code, response.headers["Location"]) == (302, "/dashboard")
    page = client.get("/dashboard").text
    assert '<a href="/dashboard" aria-current="page">Home</a>' in page


def test_the_home_runs_the_same_queries_for_one_or_five_of_each(app, person):
    client = login(app.test_client(), person)
    add_unit(person, 0)
    db.session.flush()
    one = queries_for(db, client, "/dashboard")
    for i in range(1, 5):
        add_unit(person, i)
    db.session.flush()
    assert len(todos(client.get("/dashboard").text)) == 90
    assert queries_for(db, client, "/dashboard") == one


# The programme editor's warnings --------------------------------------------------------------------

def test_the_programme_todos_count_what_the_editor_warns_of(app, person):
    p = troubled_programme(person, "prog")
    kinds = [w.kind for w in programme_warnings.warnings(p.event)]
    assert (kinds.count("speaker_clash"), kinds.count("room_clash")) == (2, 1)
    html = login(app.test_client(), person).get("/dashboard").text
    assert sorted(todos(html)) == sorted(programme_todos("prog"))


def test_chairing_a_session_while_speaking_in_it_is_no_clash_but_chairing_elsewhere_is(app, person):
    p = make_programme(slug="prog", organiser=person)  # Ada chairs the opening and gives its keynote
    programme.place_item(p.panel, actor=person, session=p.standards, starts_at=at(1, 12))
    client = login(app.test_client(), person)
    assert todos(client.get("/dashboard").text) == []
    programme.save_session(p.event, actor=person, title="Side event", room_id=p.online.id,
                           starts_at=at(1, 9, 30), ends_at=at(1, 10), chair_ids=[p.ada.id])
    clashes = [w.kind for w in programme_warnings.warnings(p.event) if w.kind.endswith("_clash")]
    assert clashes == ["speaker_clash", "speaker_clash"]
    assert todos(client.get("/dashboard").text) == [
        ("/events/prog/manage/agenda#warnings-title",
         "The programme has 2 speaker clashes: speakers in two places at once · Conference on Data")]


def test_a_release_clears_the_unreleased_changes(app, person):
    p = make_programme(slug="prog", organiser=person)
    programme.place_item(p.panel, actor=person, session=p.standards, starts_at=at(1, 12))
    client = login(app.test_client(), person)
    assert todos(client.get("/dashboard").text) == []  # never released: nothing counted as a change
    release(p, now=utcnow())
    assert todos(client.get("/dashboard").text) == []
    # The opening and its keynote, moved with it.
    programme.move_session(p.opening, actor=person, room_id=p.main.id, starts_at=at(1, 8), ends_at=at(1, 9, 30))
    assert todos(client.get("/dashboard").text) == [
        ("/events/prog/manage/agenda#release-title", "2 changes to the programme are not released yet · Conference on Data")]
    release(p, "Second programme", now=utcnow())
    assert todos(client.get("/dashboard").text) == []


def test_only_organisers_get_the_programme_todos(app, person):
    p = troubled_programme(factories.make_user(), "prog")
    for role in (TeamRole.TRACK_CHAIR, TeamRole.REVIEWER, TeamRole.DESK):
        factories.add_role(p.event, person, role)
    assert todos(login(app.test_client(), person).get("/dashboard").text) == []


# The events the person helps run, with their parts -------------------------------------------------

def work_of(html: str, slug: str) -> list[tuple[str, str]]:
    """(label, address) of the parts of the event the Home offers the person."""
    card = html.split(f'id="work-{slug}"', 1)[1].split('<li class="col"', 1)[0].split("</section>", 1)[0]
    return re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', card)


def test_each_event_lists_the_parts_the_persons_roles_open(app, person):
    organised, reviewed, desk = (factories.make_event(organiser=person, slug="organised"),
                                 factories.make_event(slug="reviewed"), factories.make_event(slug="at-the-desk"))
    factories.add_role(reviewed, person, TeamRole.REVIEWER)
    factories.add_role(desk, person, TeamRole.DESK)
    html = login(app.test_client(), person).get("/dashboard").text
    assert work_of(html, "at-the-desk") == [("/events/at-the-desk/manage/check-in", "Check-in")]
    assert work_of(html, "reviewed") == [("/events/reviewed/review/mine", "My reviews"),
                                         ("/events/reviewed/review/bidding", "Bidding"),
                                         ("/events/reviewed/review/my-conflicts", "My conflicts")]
    assert [label for _href, label in work_of(html, "organised")] == [
        "Settings", "Team", "Call for papers", "Submissions", "Review", "Registration", "Agenda", "Mail", "Audit log"]
    assert organised.title in html


def test_the_header_links_team_members_to_their_work(app, person):
    client = login(app.test_client(), person)
    link = '<li><a href="/dashboard#work">My work</a></li>'
    assert link not in client.get("/events/").text
    factories.add_role(factories.make_event(), person, TeamRole.DESK)
    assert link in client.get("/events/").text
    assert link not in app.test_client().get("/events/").text
