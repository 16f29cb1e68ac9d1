"""Mail to groups: each audience and its filters, one message per person, opt-outs, the
List-Unsubscribe headers of announcements, holding for review, refusing unknown placeholders,
escaping in the HTML part, and a fixed number of queries to choose the recipients."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import sqlalchemy as sa

from conference.agenda import programme
from conference.agenda.enums import ItemKind, SessionKind
from conference.cfp import submissions as submission_ops
from conference.cfp.enums import SubmissionState
from conference.core.models import AuditEntry
from conference.errors import InvalidState, NotAllowed, ValidationFailed
from conference.events.enums import EventFormat, TeamRole
from conference.events.models import EventRole
from conference.extensions import db
from conference.group_mail import sending as group_mail
from conference.group_mail import sent as group_mail_sent
from conference.group_mail import template_admin as mail_template_admin
from conference.group_mail.models import GroupMail
from conference.mail import opt_outs, registry
from conference.mail.enums import MailState
from conference.mail.models import OutboxMessage
from conference.mail.registry import MailContext
from conference.registration import registrations as registration_ops
from conference.registration.enums import AttendanceMode
from conference.registration.models import RegistrationForm
from conference.review.enums import ReviewState

from .. import factories
from ..agenda.builders import at, make_programme
from ..cfp.builders import DURING, complete_talk
from ..query_counting import counting
from ..registration.builders import CLOSES, OPENS, add_category, make_form, register
from ..review.builders import add_review, assign, make_committee, make_submission

HELLO = "Hello {recipient_name},\n\nA word from us."


def emails(people) -> list[str]:
    return [p.email for p in people]


def send(event, *, actor, **choices) -> GroupMail:
    """What the page does: preview, then send with the preview's confirmation."""
    preview = group_mail.preview(event, choices["audience"], choices["filters"], choices["subject"], choices["body"],
                                 announcement=choices["announcement"], hold=choices["hold"])
    return group_mail.send(event, actor=actor, confirmation=preview.confirmation, **choices)


def messages() -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.group_mail_id.is_not(None))
                                   .order_by(OutboxMessage.to_address)))


# Authors ------------------------------------------------------------------------------------------

@pytest.fixture
def authors(db):
    """Ada: two submitted talks in Data standards (Bob co-authors the second); Carl: a
    submitted talk in Privacy; Dora: a draft full paper."""
    c = make_committee(reviewers=2)
    ada = factories.make_user(name="Ada Author", email="ada@example.org")
    first = make_submission(c, title="Standards one", author=ada)
    second = submission_ops.create_draft(c.event, actor=ada, now=DURING, title="Standards two", abstract="A talk.",
                                         type_id=c.call.talk.id, track_id=c.call.data.id)
    submission_ops.add_author(second, actor=ada, name="Bob Coauthor", email="bob@example.org", now=DURING)
    submission_ops.submit(second, actor=ada, now=DURING)
    carl = factories.make_user(name="Carl Author", email="carl@example.org")
    privacy = make_submission(c, title="Privacy talk", author=carl, track=c.call.privacy)
    dora = factories.make_user(name="Dora Drafter", email="dora@example.org")
    draft = complete_talk(c.call, dora, title="Unfinished paper", type_id=c.call.paper.id)
    return c, {"first": first, "second": second, "privacy": privacy, "draft": draft}


def test_authors_are_every_author_once_with_all_their_submissions(authors):
    c, s = authors
    people = group_mail.recipients(c.event, "authors", {})
    assert emails(people) == ["ada@example.org", "bob@example.org", "carl@example.org", "dora@example.org"]
    ada = people[0]
    assert [x.code for x in ada.data["submissions"]] == sorted([s["first"].code, s["second"].code])
    assert ada.data["submission"] is ada.data["submissions"][0]
    assert ada.user is not None and ada.user.email == "ada@example.org"


def test_authors_filtered_by_state_track_and_type(authors):
    c, s = authors
    submitted = group_mail.recipients(c.event, "authors", {"states": ["submitted"]})
    assert emails(submitted) == ["ada@example.org", "bob@example.org", "carl@example.org"]
    privacy = group_mail.recipients(c.event, "authors", {"track_ids": [c.call.privacy.id]})
    assert emails(privacy) == ["carl@example.org"]
    papers = group_mail.recipients(c.event, "authors", {"type_ids": [c.call.paper.id]})
    assert emails(papers) == ["dora@example.org"]
    both = group_mail.recipients(c.event, "authors", {"states": ["submitted", "draft"],
                                                      "track_ids": [c.call.data.id], "type_ids": [c.call.talk.id]})
    assert emails(both) == ["ada@example.org", "bob@example.org"]
    assert [x.code for x in both[1].data["submissions"]] == [s["second"].code]
    assert group_mail.recipients(c.event, "authors", {"states": ["accepted"]}) == []


def test_unknown_filter_values_are_dropped(authors):
    c, _s = authors
    assert group_mail.clean_filters("authors", {"states": ["submitted", "nonsense"], "track_ids": ["x", "7"],
                                                "other": [1]}) == {"states": ["submitted"], "track_ids": [7],
                                                                   "type_ids": []}
    with pytest.raises(ValidationFailed) as refused:
        group_mail.recipients(c.event, "everyone", {})
    assert "audience" in refused.value.errors


def test_an_author_of_two_submissions_gets_one_message_listing_both(authors):
    c, s = authors
    group = send(c.event, actor=c.organiser, audience="authors", filters={"states": ["submitted"]},
                            subject="About {submission_code}", body=HELLO + "\n\n{submissions}",
                            announcement=False, hold=False)
    sent = messages()
    assert [m.to_address for m in sent] == ["ada@example.org", "bob@example.org", "carl@example.org"]
    assert group.recipients == 3 and all(m.group_mail_id == group.id for m in sent)
    ada = sent[0]
    assert ada.template == "group_authors" and ada.state == MailState.QUEUED
    assert ada.subject == f"About {min(s['first'].code, s['second'].code)}"  # the first by code
    assert f'- {s["first"].code}: "Standards one" (submitted)' in ada.body_text
    assert f'- {s["second"].code}: "Standards two" (submitted)' in ada.body_text
    assert ada.body_text.startswith("Hello Ada Author,")
    assert ada.user_id == s["first"].submitter_id
    assert ada.reply_to == c.event.contact_email


def test_an_address_in_two_cases_is_one_person(authors):
    c, s = authors
    # Ada co-authors Carl's talk, on an author row written before addresses were normalised.
    row = s["privacy"].authors[0]
    row.email, row.name, row.user_id = "ADA@Example.org", "Ada Author", None
    db.session.flush()
    people = group_mail.recipients(c.event, "authors", {})
    assert [p.key for p in people] == ["ada@example.org", "bob@example.org", "dora@example.org"]
    assert len(people[0].data["submissions"]) == 3


# Reviewers -----------------------------------------------------------------------------------------

@pytest.fixture
def reviewing(db):
    """Reviewer A owes reviews of both submissions; B submitted hers; C has a draft of the
    second. The second submission's author must never be named to reviewers."""
    c = make_committee(reviewers=3)
    a, b, r3 = c.reviewers
    a.timezone = "America/New_York"
    data = make_submission(c, title="Data talk", author=factories.make_user(name="Secret Author"))
    privacy = make_submission(c, title="Privacy talk", track=c.call.privacy,
                              author=factories.make_user(name="Hidden Writer"))
    assign(data, a)
    assign(privacy, a)
    add_review(c, data, b, originality=3, relevance=2)
    add_review(c, privacy, r3, originality=3, relevance=2, state=ReviewState.DRAFT)
    c.settings.review_deadline = dt.datetime(2030, 5, 1, 16, 0, tzinfo=dt.UTC)
    db.session.flush()
    return c, data, privacy


def test_reviewers_with_missing_reviews_and_their_list(reviewing):
    c, data, privacy = reviewing
    a, _b, r3 = c.reviewers
    people = group_mail.recipients(c.event, "reviewers", {})
    assert emails(people) == [a.email, r3.email]
    assert [s.code for s in people[0].data["to_review"]] == sorted([data.code, privacy.code])
    assert [s.code for s in people[1].data["to_review"]] == [privacy.code]
    only_data = group_mail.recipients(c.event, "reviewers", {"track_ids": [c.call.data.id]})
    assert emails(only_data) == [a.email]
    assert [s.code for s in only_data[0].data["to_review"]] == [data.code]


def test_a_withdrawn_submission_owes_no_review(reviewing):
    c, data, privacy = reviewing
    privacy.state, privacy.withdrawn_at = SubmissionState.WITHDRAWN, DURING
    db.session.flush()
    people = group_mail.recipients(c.event, "reviewers", {})
    assert emails(people) == [c.reviewers[0].email]


def test_reviewer_mail_lists_codes_and_titles_and_the_deadline_in_their_zone(reviewing):
    c, data, privacy = reviewing
    body = "{missing_reviews} to do:\n\n{reviews_to_do}\n\nBy {review_deadline}: {review_link}"
    send(c.event, actor=c.organiser, audience="reviewers", filters={}, subject="Reviews",
                    body=body, announcement=False, hold=False)
    by_address = {m.to_address: m for m in messages()}
    mail = by_address[c.reviewers[0].email]
    assert mail.body_text.startswith("2 to do:")
    assert f'- {data.code}: "Data talk"' in mail.body_text and f'- {privacy.code}: "Privacy talk"' in mail.body_text
    assert "May 1, 2030, 12:00\u202fPM (America/New_York)" in mail.body_text  # 16:00 UTC
    assert f"/events/{c.event.slug}/review/mine" in mail.body_text
    for part in (mail.body_text, mail.body_html):
        assert "Secret Author" not in part and "Hidden Writer" not in part
    other = by_address[c.reviewers[2].email]
    assert other.body_text.startswith("1 to do:")
    assert "4:00\u202fPM (UTC)" in other.body_text  # their profile's zone


# Registrants ---------------------------------------------------------------------------------------

@pytest.fixture
def registrants(db):
    form = make_form(format=EventFormat.HYBRID)
    members = add_category(form, "Member agency")
    observers = add_category(form, "Observer", approval=True)
    press_form = RegistrationForm(event_id=form.event_id, title="Press", opens_at=OPENS, closes_at=CLOSES)
    db.session.add(press_form)
    db.session.flush()
    press = add_category(press_form, "Journalist")
    people = {
        "mia": register(form, members, name="Mia Member", email="mia@example.org", mode=AttendanceMode.IN_PERSON),
        "oli": register(form, observers, name="Oli Observer", email="oli@example.org", mode=AttendanceMode.ONLINE),
        "pat": register(press_form, press, name="Pat Press", email="pat@example.org", mode=AttendanceMode.IN_PERSON),
    }
    return form, press_form, members, observers, people


def test_registrants_filtered_by_form_category_state_and_mode(registrants):
    form, press_form, members, observers, p = registrants
    event = form.event
    assert p["oli"].state.value == "pending" and p["mia"].state.value == "confirmed"
    assert emails(group_mail.recipients(event, "registrants", {})) == ["mia@example.org", "oli@example.org",
                                                                       "pat@example.org"]
    assert emails(group_mail.recipients(event, "registrants", {"form_ids": [press_form.id]})) == ["pat@example.org"]
    assert emails(group_mail.recipients(event, "registrants", {"category_ids": [observers.id]})) == ["oli@example.org"]
    assert emails(group_mail.recipients(event, "registrants", {"states": ["confirmed"]})) == ["mia@example.org",
                                                                                              "pat@example.org"]
    assert emails(group_mail.recipients(event, "registrants", {"modes": ["online"]})) == ["oli@example.org"]
    assert emails(group_mail.recipients(event, "registrants", {"form_ids": [form.id], "modes": ["in_person"]})) == [
        "mia@example.org"]


def test_someone_who_registered_again_is_written_about_the_new_registration(registrants):
    form, _press_form, members, _observers, p = registrants
    registration_ops.cancel(p["mia"], actor=None, now=OPENS + dt.timedelta(days=11))
    again = register(form, members, name="Mia Member", email="mia@example.org", mode=AttendanceMode.ONLINE,
                     now=OPENS + dt.timedelta(days=12))
    people = group_mail.recipients(form.event, "registrants", {})
    assert emails(people) == ["mia@example.org", "oli@example.org", "pat@example.org"]
    assert people[0].data["registration"] is again
    send(form.event, actor=form.event.roles[0].user, audience="registrants",
                    filters={"category_ids": [members.id]}, subject="News",
                    body=HELLO + "\n\n{registration_category}, {registration_status}, {registration_mode}",
                    announcement=True, hold=False)
    [mail] = messages()
    assert "Member agency, confirmed, online" in mail.body_text


# Speakers ------------------------------------------------------------------------------------------

@pytest.fixture
def speakers(db):
    """The agenda helpers' programme (Ada's keynote and Ben's and Chloe's talks in the Data
    standards session on day 1; an unscheduled panel), plus on day 2 a workshop by Dave and a
    second speaker row for Ada with her address in capitals."""
    p = make_programme()
    o = p.organiser
    dave = programme.save_speaker(p.event, actor=o, name="Dave Day-two", email="dave@example.org",
                                  timezone="Asia/Tokyo")
    ada_again = programme.save_speaker(p.event, actor=o, name="Ada Lovelace", email="ada@example.org")
    ada_again.email = "ADA@example.org"  # as an older row might have it
    workshop = programme.save_session(p.event, actor=o, title="Workshop", kind=SessionKind.WORKSHOP,
                                      room_id=p.room_b.id, starts_at=at(2, 9), ends_at=at(2, 10))
    for title, who, minute in (("Hands on", dave, 0), ("Ada again", ada_again, 30)):
        item = programme.save_item(p.event, actor=o, title=title, kind=ItemKind.TALK, speaker_ids=[who.id],
                                   duration=30)
        programme.place_item(item, actor=o, session=workshop, starts_at=at(2, 9, minute))
    db.session.flush()
    return p


def test_speakers_of_scheduled_items_once_each(speakers):
    p = speakers
    people = group_mail.recipients(p.event, "speakers", {})
    assert emails(people) == ["ada@example.org", "ben@example.org", "chloe@example.org", "dave@example.org"]
    assert [i.title for i in people[0].data["items"]] == ["Keynote", "Ada again"]
    assert [i.title for i in people[1].data["items"]] == ["Talk one"]  # the unscheduled panel is not there


def test_speakers_of_a_track_or_a_day(speakers):
    p = speakers
    assert emails(group_mail.recipients(p.event, "speakers", {"track_ids": [p.data.id]})) == [
        "ben@example.org", "chloe@example.org"]
    day_two = group_mail.recipients(p.event, "speakers", {"days": ["2030-03-17"]})
    assert emails(day_two) == ["ADA@example.org", "dave@example.org"]
    assert [i.title for i in day_two[0].data["items"]] == ["Ada again"]
    assert emails(group_mail.recipients(p.event, "speakers", {"days": ["2030-03-18"]})) == []
    assert emails(group_mail.recipients(p.event, "speakers", {"days": ["2030-03-16"], "track_ids": [p.data.id]})) == [
        "ben@example.org", "chloe@example.org"]


def test_a_day_is_the_event_days_in_its_own_zone(speakers):
    p = speakers
    # 00:30 on 17 March in Zurich is still 16 March in UTC.
    late = programme.save_session(p.event, actor=p.organiser, title="Night", kind=SessionKind.SOCIAL,
                                  room_id=p.main.id, starts_at=at(2, 0, 30), ends_at=at(2, 1, 30))
    night = programme.save_item(p.event, actor=p.organiser, title="Night talk", kind=ItemKind.OTHER,
                                speaker_ids=[p.ben.id], duration=30)
    programme.place_item(night, actor=p.organiser, session=late, starts_at=at(2, 0, 30))
    people = group_mail.recipients(p.event, "speakers", {"days": ["2030-03-17"]})
    assert "ben@example.org" in emails(people)
    ben = next(x for x in people if x.email == "ben@example.org")
    assert [i.title for i in ben.data["items"]] == ["Night talk"]


def test_speaker_schedule_in_their_zone(speakers):
    p = speakers
    send(p.event, actor=p.organiser, audience="speakers", filters={"days": ["2030-03-17"]},
                    subject="Your times", body="{schedule}\n\nFirst: {session_title} in {session_room} at {session_start}",
                    announcement=False, hold=False)
    dave = next(m for m in messages() if m.to_address == "dave@example.org")
    start, end = "Mar 17, 2030, 5:00\u202fPM (Asia/Tokyo)", "Mar 17, 2030, 5:30\u202fPM (Asia/Tokyo)"  # 09:00 in Zurich
    assert f"- Hands on: {start} – {end}, Room B" in dave.body_text
    assert f"First: Hands on in Room B at {start}" in dave.body_text


# The team ------------------------------------------------------------------------------------------

def test_the_team_once_per_person_with_all_their_roles(db):
    c = make_committee(reviewers=2)
    first, second = c.reviewers
    c.event.roles.append(EventRole(user_id=first.id, role=TeamRole.TRACK_CHAIR))
    db.session.flush()
    people = group_mail.recipients(c.event, "team", {})
    assert sorted(emails(people)) == sorted([c.organiser.email, first.email, second.email, c.chair.email])
    both = next(x for x in people if x.email == first.email)
    assert sorted(both.data["roles"]) == [TeamRole.REVIEWER, TeamRole.TRACK_CHAIR]
    chairs = group_mail.recipients(c.event, "team", {"roles": ["track_chair"]})
    assert sorted(emails(chairs)) == sorted([first.email, c.chair.email])
    send(c.event, actor=c.organiser, audience="team", filters={}, subject="Team news",
                    body="You are {role}.", announcement=False, hold=False)
    mail = next(m for m in messages() if m.to_address == first.email)
    assert mail.body_text.strip() in ("You are reviewer and track chair.", "You are track chair and reviewer.")
    assert len(messages()) == 4


# Opt-outs, headers, holding ---------------------------------------------------------------------------

def opened(event, url: str) -> tuple[str, str]:
    return opt_outs.read_unsubscribe_token(event, url.rsplit("/", 1)[1])


def test_announcements_skip_and_count_opt_outs_and_carry_unsubscribe_headers(authors):
    c, _s = authors
    opt_outs.opt_out(c.event, "Carl@Example.org", "announcements")
    preview = group_mail.preview(c.event, "authors", {"states": ["submitted"]}, "Hi", HELLO)
    assert (preview.total, preview.opted_out, preview.reaching) == (3, 1, 2)
    group = send(c.event, actor=c.organiser, audience="authors", filters={"states": ["submitted"]},
                            subject="Hi", body=HELLO, announcement=True, hold=False)
    sent = messages()
    assert [m.to_address for m in sent] == ["ada@example.org", "bob@example.org"]
    assert group.recipients == 2 and group.announcement
    for message in sent:
        # Signed tokens carry their time: the link is checked by what it opens, not by signing again.
        url = message.headers["List-Unsubscribe"].strip("<>")
        assert opened(c.event, url) == (message.to_address, "announcements")
        assert message.headers == {"List-Unsubscribe": f"<{url}>",
                                   "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                                   "List-Id": f"Conference on Data <{c.event.slug}.events.conference.test>",
                                   "Precedence": "bulk"}
        assert message.body_text.rstrip().endswith(url)
        assert f'href="{url}"' in message.body_html
    entry = db.session.scalars(sa.select(AuditEntry).filter_by(action="mail.group_sent")).one()
    assert entry.details == {"audience": "authors", "recipients": 2, "skipped": 1, "announcement": True,
                             "held": False}
    assert entry.object_id == group.id and entry.actor_id == c.organiser.id


def test_mail_that_is_not_an_announcement_reaches_those_who_opted_out_without_unsubscribe_headers(authors):
    c, _s = authors
    opt_outs.opt_out(c.event, "carl@example.org", "announcements")
    preview = group_mail.preview(c.event, "authors", {"states": ["submitted"]}, "Hi", HELLO, announcement=False)
    assert (preview.total, preview.opted_out, preview.reaching) == (3, 1, 3)
    send(c.event, actor=c.organiser, audience="authors", filters={"states": ["submitted"]},
                    subject="Hi", body=HELLO, announcement=False, hold=False)
    sent = messages()
    assert [m.to_address for m in sent] == ["ada@example.org", "bob@example.org", "carl@example.org"]
    for message in sent:
        # Bulk mail all the same, without a way to opt out of it.
        assert message.headers == {"List-Id": f"Conference on Data <{c.event.slug}.events.conference.test>",
                                   "Precedence": "bulk"}
        assert "unsubscribe" not in message.body_text.lower()


def test_held_group_mail_waits_in_the_outbox(authors):
    c, _s = authors
    group = send(c.event, actor=c.organiser, audience="authors", filters={"track_ids": [c.call.privacy.id]},
                            subject="Hi", body=HELLO, announcement=True, hold=True)
    [message] = messages()
    assert message.state == MailState.HELD and message.group_mail_id == group.id
    assert group.held and db.session.get(GroupMail, group.id).filters == {"states": [], "track_ids": [c.call.privacy.id],
                                                                          "type_ids": []}


def test_nobody_to_write_to_is_refused(authors):
    c, _s = authors
    opt_outs.opt_out(c.event, "carl@example.org", "announcements")
    with pytest.raises(InvalidState):
        send(c.event, actor=c.organiser, audience="authors", filters={"track_ids": [c.call.privacy.id]},
                        subject="Hi", body=HELLO, announcement=True, hold=False)
    assert messages() == [] and db.session.scalar(sa.select(sa.func.count()).select_from(GroupMail)) == 0


CHOICES = {"audience": "authors", "filters": {"states": ["submitted"]}, "subject": "Hi", "body": HELLO,
           "announcement": True, "hold": False}


def previewed(event, **changes) -> group_mail.Preview:
    choices = {**CHOICES, **changes}
    return group_mail.preview(event, choices["audience"], choices["filters"], choices["subject"], choices["body"],
                              announcement=choices["announcement"], hold=choices["hold"])


def test_a_send_without_the_confirmation_of_a_preview_is_refused(authors):
    c, _s = authors
    for confirmation in ("", "3", "3:", "three:abc"):
        with pytest.raises(InvalidState) as refused:
            group_mail.send(c.event, actor=c.organiser, confirmation=confirmation, **CHOICES)
        assert refused.value.message in (
            "Preview the mail first: it is sent once you confirm the number of people it reaches.",
            "The mail or its choices changed since the preview: read the new preview and confirm again.")
    assert messages() == [] and db.session.scalar(sa.select(sa.func.count()).select_from(GroupMail)) == 0


@pytest.mark.parametrize("change", [{"subject": "Hello"}, {"body": HELLO + "\n\nP.S."}, {"announcement": False},
                                    {"hold": True}, {"filters": {"states": ["submitted", "draft"]}},
                                    {"audience": "team", "filters": {}}])
def test_a_mail_changed_since_its_preview_is_refused(authors, change):
    c, _s = authors
    confirmation = previewed(c.event).confirmation
    assert confirmation.startswith("3:")
    with pytest.raises(InvalidState) as refused:
        group_mail.send(c.event, actor=c.organiser, confirmation=confirmation, **{**CHOICES, **change})
    assert refused.value.message == ("The mail or its choices changed since the preview: read the new preview and "
                                     "confirm again.")
    assert messages() == []


def test_a_group_that_grew_or_shrank_since_the_preview_is_refused_with_the_new_number(authors):
    c, _s = authors
    confirmation = previewed(c.event).confirmation
    opt_outs.opt_out(c.event, "bob@example.org", "announcements")  # one fewer reached
    with pytest.raises(InvalidState) as refused:
        group_mail.send(c.event, actor=c.organiser, confirmation=confirmation, **CHOICES)
    assert refused.value.message == ("Since the preview, the number of people this mail reaches changed to 2: read "
                                     "the new preview and confirm again.")
    make_submission(c, title="Late talk", author=factories.make_user(email="eve@example.org"))  # one more
    opt_outs.opt_back_in(c.event, "bob@example.org", "announcements")
    with pytest.raises(InvalidState, match="changed to 4"):
        group_mail.send(c.event, actor=c.organiser, confirmation=confirmation, **CHOICES)
    assert messages() == []
    fresh = previewed(c.event)
    assert fresh.reaching == 4 and fresh.confirmation != confirmation
    assert group_mail.send(c.event, actor=c.organiser, confirmation=fresh.confirmation, **CHOICES).recipients == 4
    assert len(messages()) == 4


def test_a_group_mail_starts_from_the_text_its_event_saved_only(authors):
    c, _s = authors
    assert group_mail.saved_text(c.event, "authors") is None  # the shipped text is a sketch, not a start
    mail_template_admin.save_template(c.event, "group_authors", subject="Our news", body="Dear {recipient_name}",
                                      actor=c.organiser)
    assert group_mail.saved_text(c.event, "authors") == ("Our news", "Dear {recipient_name}")
    assert group_mail.saved_text(c.event, "team") is None


def test_only_organisers_send(authors):
    c, _s = authors
    with pytest.raises(NotAllowed):
        send(c.event, actor=c.chair, audience="authors", filters={}, subject="Hi", body=HELLO,
                        announcement=True, hold=False)


# Placeholders and escaping ------------------------------------------------------------------------------

def test_unknown_placeholders_are_refused_by_name(authors):
    c, _s = authors
    with pytest.raises(ValidationFailed) as refused:
        send(c.event, actor=c.organiser, audience="authors", filters={}, subject="On {talk_title}",
                        body="Dear {recipient_name}, {missing_reviews} {recipient_name}", announcement=True, hold=False)
    assert "{talk_title}" in refused.value.errors["subject"]
    assert "{missing_reviews}" in refused.value.errors["body"]  # a reviewers' placeholder, not the authors'
    assert "{recipient_name}" not in refused.value.errors["body"]
    with pytest.raises(ValidationFailed) as again:
        group_mail.preview(c.event, "team", {}, "Hi", "{submission_title}")
    assert "{submission_title}" in again.value.errors["body"]
    assert messages() == []


def test_user_values_are_escaped_in_the_html_part(authors):
    c, s = authors
    s["privacy"].title = '<script>alert("x")</script> & <b>co</b>'
    db.session.flush()
    send(c.event, actor=c.organiser, audience="authors", filters={"track_ids": [c.call.privacy.id]},
                    subject="About {submission_title}", body="**Your talk:** {submission_title}\n\n{submissions}",
                    announcement=True, hold=False)
    [mail] = messages()
    assert '<script>alert("x")</script> & <b>co</b>' in mail.body_text
    assert mail.subject == 'About <script>alert("x")</script> & <b>co</b>'
    assert "<script>" not in mail.body_html and "<b>co</b>" not in mail.body_html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;co&lt;/b&gt;" in mail.body_html
    assert "<strong>Your talk:</strong>" in mail.body_html


def test_preview_renders_the_mail_for_the_first_person_reached(authors):
    c, s = authors
    opt_outs.opt_out(c.event, "ada@example.org", "announcements")
    preview = group_mail.preview(c.event, "authors", {}, "About {submission_code}", HELLO + "\n\n{submission_title}")
    assert preview.recipient.email == "bob@example.org"
    assert preview.rendered.subject == f"About {s['second'].code}"
    assert preview.rendered.text.startswith("Hello Bob Coauthor,")
    assert "Standards two" in str(preview.content)
    assert messages() == []  # nothing is sent
    empty = group_mail.preview(c.event, "authors", {"states": ["accepted"]}, "Hi", HELLO)
    assert (empty.total, empty.recipient, empty.rendered) == (0, None, None)


def test_every_group_template_renders_its_default_and_every_placeholder_with_its_sample(db):
    """One event with every audience: a committee with a missing review, a registration form and
    a programme; each template's sample is a real person of its audience."""
    c = make_committee(reviewers=1)
    talk = make_submission(c, title="Tides <script>x</script> & waves",
                           author=factories.make_user(name="Zoë <b>Author</b>", email="zoe@example.org"))
    assign(talk, c.reviewers[0])
    c.event.venue = "Kongresshaus"
    c.event.timezone = "Europe/Zurich"
    c.settings.review_deadline = dt.datetime(2030, 5, 1, 16, 0, tzinfo=dt.UTC)
    form = RegistrationForm(event_id=c.event.id, title="Participants", opens_at=OPENS, closes_at=CLOSES)
    db.session.add(form)
    db.session.flush()
    form.event = c.event
    register(form, add_category(form, "Member & co"), name="Rita Registrant", email="rita@example.org")
    o, start = c.organiser, dt.datetime.combine(c.event.start_date, dt.time(9), tzinfo=dt.UTC)
    room = programme.save_room(c.event, actor=o, name="Hall <1>")
    ada = programme.save_speaker(c.event, actor=o, name="Ada <i>L</i>", email="ada@example.org", timezone="Asia/Tokyo")
    session = programme.save_session(c.event, actor=o, title="Opening", kind=SessionKind.PLENARY, room_id=room.id,
                                     starts_at=start, ends_at=start + dt.timedelta(hours=1))
    keynote = programme.save_item(c.event, actor=o, title="Keynote & more", kind=ItemKind.KEYNOTE,
                                  speaker_ids=[ada.id], duration=30)
    programme.place_item(keynote, actor=o, session=session, starts_at=start)
    expected = {"authors": "zoe@example.org", "reviewers": c.reviewers[0].email, "registrants": "rita@example.org",
                "speakers": "ada@example.org", "team": c.chair.email}  # "Chair of Data" comes first
    for audience, email in expected.items():
        spec = group_mail.spec_for(audience)
        data, name, address, user = spec.sample(c.event)
        assert address == email, audience
        context = MailContext(event=c.event, recipient_name=name, recipient_email=address, user=user, data=data)
        default = registry.render(spec, context)
        assert default.text.startswith(f"Hello {name},") and "{" not in default.text + default.subject, audience
        for placeholder in spec.placeholders.values():
            assert placeholder.value(context), (audience, placeholder.name)
        every = " ".join(f"{{{n}}}" for n in spec.placeholders)
        rendered = registry.render(spec, context, subject="All", body=every)
        assert "<script>" not in rendered.html and "<b>Author</b>" not in rendered.html


# The list of group mail ---------------------------------------------------------------------------------

def test_sent_group_mails_with_sender_filters_and_states(authors):
    c, _s = authors
    first = send(c.event, actor=c.organiser, audience="authors",
                            filters={"states": ["submitted"], "track_ids": [c.call.data.id]}, subject="First",
                            body=HELLO, announcement=True, hold=True)
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.to_address == "bob@example.org")
                       .values(state=MailState.SENT))
    send(c.event, actor=c.organiser, audience="team", filters={"roles": ["organiser"]}, subject="Second",
                    body=HELLO, announcement=False, hold=False)
    rows = group_mail_sent.sent_group_mails(c.event)
    assert {r.mail.subject for r in rows} == {"First", "Second"}
    row = next(r for r in rows if r.mail.id == first.id)
    assert row.sender == "Olga Organiser"
    assert row.filters == ["states: submitted", "tracks: Data standards"]
    assert row.states == {MailState.HELD: 1, MailState.SENT: 1}
    other = next(r for r in rows if r.mail.id != first.id)
    assert other.filters == ["roles: organiser"] and other.states == {MailState.QUEUED: 1}


# Queries ---------------------------------------------------------------------------------------------

def _grow_authors(event, n):
    c = event.info
    for _ in range(n):
        make_submission(c, author=factories.make_user(), title="More")


def _grow_reviewers(event, n):
    c = event.info
    for _ in range(n):
        reviewer = factories.make_user()
        factories.add_role(c.event, reviewer, TeamRole.REVIEWER)
        assign(make_submission(c, title="More"), reviewer)


def _grow_registrants(event, n):
    form, category = event.info
    for _ in range(n):
        person = factories.make_user()
        register(form, category, name=person.name, email=person.email, user=person)


_more = itertools.count()


def _grow_speakers(event, n):
    p = event.info
    session = p.standards
    for k in itertools.islice(_more, n):
        speaker = programme.save_speaker(p.event, actor=p.organiser, name=f"Speaker {k}", email=f"sp{k}@example.org")
        item = programme.save_item(p.event, actor=p.organiser, title=f"Extra {k}", kind=ItemKind.TALK,
                                   speaker_ids=[speaker.id], duration=5)
        programme.place_item(item, actor=p.organiser, session=session, starts_at=at(1, 11))


def _grow_team(event, n):
    for _ in range(n):
        member = factories.make_user()
        factories.add_role(event.event, member, TeamRole.REVIEWER)
        factories.add_role(event.event, member, TeamRole.TRACK_CHAIR)


class _Holder:
    """The event and what its set-up made (a committee, a form and category, a programme)."""

    def __init__(self, event, info):
        self.event, self.info = event, info


def _setup(audience):
    if audience in ("authors", "reviewers", "team"):
        c = make_committee(reviewers=1)
        return c.event, c
    if audience == "registrants":
        form = make_form()
        return form.event, (form, add_category(form))
    p = make_programme()
    return p.event, p


@pytest.mark.parametrize("audience, grow", [("authors", _grow_authors), ("reviewers", _grow_reviewers),
                                            ("registrants", _grow_registrants), ("speakers", _grow_speakers),
                                            ("team", _grow_team)])
def test_choosing_recipients_takes_the_same_queries_for_2_and_12_people(db, audience, grow):
    event, info = _setup(audience)
    holder = _Holder(event, info)

    def statements() -> tuple[int, int]:
        db.session.flush()
        db.session.expire_all()
        with counting(db) as seen:
            people = group_mail.recipients(event, audience, {})
            for person in people:  # everything the placeholders read is loaded
                spec = group_mail.spec_for(audience)
                context = _context(event, person)
                assert context.timezone
                for name in spec.placeholders:
                    if name not in ("submission_link", "registration_link", "event_link", "review_link"):
                        spec.placeholders[name].value(context)
        return len(seen), len(people)

    grow(holder, 2)
    small, few = statements()
    grow(holder, 10)
    large, many = statements()
    assert many >= few + 10
    assert large == small


def _context(event, person):
    from conference.mail.registry import MailContext

    return MailContext(event=event, recipient_name=person.name, recipient_email=person.email, user=person.user,
                       data=person.data)


def test_an_unsubscribe_link_placed_by_the_organiser_is_not_added_twice(authors):
    c, _s = authors
    send(c.event, actor=c.organiser, audience="authors", filters={"track_ids": [c.call.privacy.id]},
                    subject="Hi", body="Not interested? {unsubscribe_link}\n\nHello.", announcement=True, hold=False)
    [mail] = messages()
    url = mail.headers["List-Unsubscribe"].strip("<>")
    assert opened(c.event, url) == ("carl@example.org", "announcements")
    assert mail.body_text.startswith(f"Not interested? {url}")
    assert mail.body_text.count(url) == 1
