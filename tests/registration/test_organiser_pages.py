"""The organisers' registration pages through the HTTP path: who may see them, the list's
filters and counts, decisions on one and on many, the CSV export, the participant list per
setting and consent, the reconfirmation request and button, and fixed query counts."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import zoneinfo

import pytest

from conference.core.types import utcnow
from conference.events.enums import EventFormat, TeamRole
from conference.extensions import db as _db
from conference.registration import places, reconfirmation
from conference.registration import registrations as ops
from conference.registration.enums import (
    AttendanceMode,
    ListVisibility,
    RegistrationState,
)

from .. import factories
from ..conftest import login
from ..mail.builders import mail_to
from ..query_counting import queries_for
from . import builders
from .builders import actions_on, add_category, make_form

DAY = dt.timedelta(days=1)
C, P, W, R, X = (RegistrationState.CONFIRMED, RegistrationState.PENDING, RegistrationState.WAITLISTED,
                 RegistrationState.REJECTED, RegistrationState.CANCELLED)


def base(event) -> str:
    return f"/events/{event.slug}/manage/registrations"


def page_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def flashes(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<p class="alert[^"]*"[^>]*>(.*?)</p>', page)]


def post(client, url: str, data: dict | None = None):
    """POST, then forget what the test's session holds: the request changed the rows."""
    response = client.post(url, data=data or {})
    _db.session.expire_all()
    return response


def listed_names(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<th scope="row"><a href="[^"]*/registrations/\d+">(.*?)</a></th>',
                                                 page)]


@pytest.fixture
def hybrid(db):
    form = make_form(format=EventFormat.HYBRID)
    form.opens_at, form.closes_at = utcnow() - 10 * DAY, utcnow() + 10 * DAY  # pages work with the real time
    members = add_category(form, "Members", in_person=2, online=10)
    speakers = add_category(form, "Speakers", approval=True)
    organiser = form.event.roles[0].user
    return form, members, speakers, organiser


def register(form, category, **kwargs):
    return builders.register(form, category, now=utcnow() - 5 * DAY, **kwargs)


@pytest.fixture
def people(hybrid):
    form, members, speakers, _organiser = hybrid
    return {
        "ana": register(form, members, name="Ana", email="ana@example.org", affiliation="CERN",
                        mode=AttendanceMode.IN_PERSON),
        "ben": register(form, members, name="Ben", email="ben@example.org", mode=AttendanceMode.IN_PERSON),
        "cleo": register(form, members, name="Cleo", email="cleo@example.org", mode=AttendanceMode.IN_PERSON),
        "dev": register(form, speakers, name="Dev", email="dev@example.org", mode=AttendanceMode.IN_PERSON),
        "eva": register(form, speakers, name="Eva", email="eva@example.org", mode=AttendanceMode.ONLINE),
    }


@pytest.fixture
def organiser_client(app, hybrid):
    return login(app.test_client(), hybrid[3])


# Permissions --------------------------------------------------------------------------------------------


def test_organiser_pages_are_for_organisers_only(app, hybrid, people):
    form, _members, _speakers, organiser = hybrid
    event = form.event
    chair, participant = factories.make_user(), factories.make_user()
    factories.add_role(event, chair, TeamRole.TRACK_CHAIR)
    ana = people["ana"]
    gets = [base(event), f"{base(event)}/{ana.id}", f"{base(event)}.csv", f"/events/{event.slug}/manage/reconfirmation"]
    posts = [f"{base(event)}/bulk", f"{base(event)}/{ana.id}/approve", f"{base(event)}/{ana.id}/reject",
             f"{base(event)}/{ana.id}/cancel", f"/events/{event.slug}/manage/reconfirmation"]
    anonymous = app.test_client()
    for url in gets:
        assert anonymous.get(url).status_code == 302, url
        assert anonymous.get(url).headers["Location"].startswith("/auth/login")
    for user in (chair, participant):
        client = login(app.test_client(), user)
        assert [client.get(url).status_code for url in gets] == [403] * len(gets)
        assert [post(client, url, data={"action": "cancel", "registration_ids": [ana.id]}).status_code
                for url in posts] == [403] * len(posts)
    assert ana.state == C
    owner = login(app.test_client(), organiser)
    assert [owner.get(url).status_code for url in gets] == [200] * len(gets)
    other_event = make_form()
    assert owner.get(f"/events/{other_event.event.slug}/manage/registrations").status_code == 403
    # A registration of another event is not found through this one.
    stranger = builders.register(other_event, add_category(other_event))
    assert owner.get(f"{base(event)}/{stranger.id}").status_code == 404
    assert post(owner, f"{base(event)}/{stranger.id}/cancel").status_code == 404
    assert stranger.state == C


# The list ---------------------------------------------------------------------------------------------------


def test_list_filters_and_counts(db, organiser_client, hybrid, people):
    form, members, _speakers, _organiser = hybrid
    people["ben"].checked_in_at = utcnow()
    db.session.flush()
    event = form.event

    page = page_of(organiser_client, base(event))
    assert listed_names(page) == ["Ana", "Ben", "Cleo", "Dev", "Eva"]
    assert "5 registrations shown" in page
    counts = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    rows = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r"<tr>(.*?)</tr>", counts, re.S)]
    assert rows == ["Members in person 2 of 2 2 0 0 1 1", "Members online 0 of 10 0 0 0 0 0",
                    "Speakers in person 1 (no limit) 0 1 0 0 0", "Speakers online 1 (no limit) 0 1 0 0 0"]

    assert listed_names(page_of(organiser_client, f"{base(event)}?state=pending")) == ["Dev", "Eva"]
    assert listed_names(page_of(organiser_client, f"{base(event)}?category_id={members.id}")) == ["Ana", "Ben", "Cleo"]
    assert listed_names(page_of(organiser_client, f"{base(event)}?checked_in=yes")) == ["Ben"]
    assert listed_names(page_of(organiser_client, f"{base(event)}?checked_in=no&state=confirmed")) == ["Ana"]
    assert listed_names(page_of(organiser_client, f"{base(event)}?q=cern")) == ["Ana"]
    assert listed_names(page_of(organiser_client, f"{base(event)}?q=EVA%40example")) == ["Eva"]
    empty = page_of(organiser_client, f"{base(event)}?state=bogus&category_id=x&q=nobody")
    assert "No registration matches these filters." in empty
    assert listed_names(page_of(organiser_client, f"{base(event)}?state=bogus&category_id=x")) == [
        "Ana", "Ben", "Cleo", "Dev", "Eva"]


def test_bulk_approve_with_a_refusal(organiser_client, hybrid, people):
    form, _members, _speakers, _organiser = hybrid
    event = form.event
    chosen = [people["dev"].id, people["eva"].id, people["ana"].id]

    asked = post(organiser_client, f"{base(event)}/bulk", {
        "action": "approve", "registration_ids": chosen, "next": f"{base(event)}?state=pending"})
    assert asked.status_code == 200 and "Approve 3 registrations?" in asked.get_data(as_text=True)
    assert [people[n].state for n in ("dev", "eva")] == [P, P] and mail_to("registration_approved") == []

    response = post(organiser_client, f"{base(event)}/bulk", {
        "action": "approve", "registration_ids": chosen, "next": f"{base(event)}?state=pending",
        "confirmed": "yes"})

    assert response.status_code == 302
    assert response.headers["Location"] == f"{base(event)}?state=pending"
    assert [people[n].state for n in ("dev", "eva", "ana")] == [C, C, C]
    assert mail_to("registration_approved") == ["dev@example.org", "eva@example.org"]
    assert actions_on(people["dev"])[-1] == "registration.approved"
    page = page_of(organiser_client, base(event))
    assert flashes(page) == ["Approve: done for 2 registrations.",
                             "Ana: Only a registration pending approval can be approved; this one is confirmed."]


def test_bulk_reject_sends_the_message_and_nothing_chosen_is_refused(organiser_client, hybrid, people):
    form, _members, _speakers, _organiser = hybrid
    event = form.event
    post(organiser_client, f"{base(event)}/bulk", {"action": "reject", "registration_ids": [people["dev"].id],
                                                       "message": "The speaker list is complete.", "confirmed": "yes"})
    assert people["dev"].state == R
    assert mail_to("registration_rejected") == ["dev@example.org"]
    assert flashes(page_of(organiser_client, base(event))) == ["Reject: done for 1 registrations."]

    post(organiser_client, f"{base(event)}/bulk", {"action": "cancel", "confirmed": "yes"})
    assert flashes(page_of(organiser_client, base(event))) == [
        "Choose at least one registration: tick the box next to its name."]
    post(organiser_client, f"{base(event)}/bulk", {"action": "explode", "registration_ids": [people["ana"].id],
                                                   "confirmed": "yes"})
    assert flashes(page_of(organiser_client, base(event))) == ["Choose one of the options listed."]
    assert people["ana"].state == C


@pytest.mark.parametrize("ids, message", [
    (["abc"], "The selection was damaged (one of the rows is not a number): tick the rows again."),
    (["99999999999999999999"], "The selection was damaged (one of the rows is not a number): tick the rows again."),
    ([str(2**31 - 1)], "Some of the selected registrations are not of this event or no longer exist"),
])
def test_bulk_with_a_tampered_selection_is_refused(organiser_client, hybrid, people, ids, message):
    event = hybrid[0].event
    for confirmed in ("", "yes"):
        response = post(organiser_client, f"{base(event)}/bulk", {
            "action": "cancel", "registration_ids": [people["ana"].id, *ids], "confirmed": confirmed})
        assert response.status_code == 302
        assert flashes(page_of(organiser_client, base(event)))[0].startswith(message)
    assert people["ana"].state == C


def test_registration_list_pages_and_columns(organiser_client, hybrid, people):
    event = hybrid[0].event
    page = page_of(organiser_client, f"{base(event)}?size=25&page=4")
    assert "There is only 1 page: showing it." in page and "1–5 of 5" in page
    page = page_of(organiser_client, f"{base(event)}?cols=email")
    assert ">Email</th>" in page and ">Affiliation</th>" not in page and "ana@example.org" in page
    assert ">Affiliation</th>" not in page_of(organiser_client, base(event))  # remembered


def test_single_decisions_from_the_registration_page(organiser_client, hybrid, people):
    form, _members, _speakers, _organiser = hybrid
    event = form.event
    dev, cleo = people["dev"], people["cleo"]

    page = page_of(organiser_client, f"{base(event)}/{dev.id}")
    assert "Registration of Dev" in page and "Pending approval" in page
    assert f'action="{base(event)}/{dev.id}/approve"' in page
    assert post(organiser_client, f"{base(event)}/{dev.id}/approve").headers["Location"] == f"{base(event)}/{dev.id}"
    assert dev.state == C
    page = page_of(organiser_client, f"{base(event)}/{dev.id}")
    assert "The registration of Dev is approved." in flashes(page)
    assert "/approve" not in page and "/reject" not in page
    history = re.search(r'id="history-title".*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    assert re.findall(r"<td>(created|approved)</td>", history) == ["created", "approved"]
    assert "Olga Organiser" in history

    # Cleo waits; rejecting her with a message; a second rejection is refused with the reason.
    assert page_of(organiser_client, f"{base(event)}/{cleo.id}").count("number 1 on the waiting list") == 1
    post(organiser_client, f"{base(event)}/{cleo.id}/reject", data={"message": "Sorry."})
    assert cleo.state == R
    post(organiser_client, f"{base(event)}/{cleo.id}/reject", data={"message": "Again."})
    assert flashes(page_of(organiser_client, f"{base(event)}/{cleo.id}")) == [
        "The registration of Cleo is rejected.",
        "Only a registration pending approval or waiting can be rejected; this one is rejected."]

    post(organiser_client, f"{base(event)}/{people['ana'].id}/cancel")
    assert people["ana"].state == X and people["ana"].cancel_reason.value == "by_organiser"


def test_csv_export(organiser_client, hybrid, people):
    form, _members, _speakers, _organiser = hybrid
    response = organiser_client.get(f"{base(form.event)}.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{form.event.slug}-registrations.csv"'
    assert "no-store" in response.headers["Cache-Control"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert [(r["Name"], r["Email"], r["Category"], r["Mode"], r["State"]) for r in rows] == [
        ("Ana", "ana@example.org", "Members", "in_person", "confirmed"),
        ("Ben", "ben@example.org", "Members", "in_person", "confirmed"),
        ("Cleo", "cleo@example.org", "Members", "in_person", "waitlisted"),
        ("Dev", "dev@example.org", "Speakers", "in_person", "pending"),
        ("Eva", "eva@example.org", "Speakers", "online", "pending"),
    ]


# The participant list -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("visibility, statuses", [
    (ListVisibility.HIDDEN, {"organiser": 200, "chair": 404, "participant": 404, "stranger": 404, "anonymous": 404}),
    (ListVisibility.PARTICIPANTS, {"organiser": 200, "chair": 200, "participant": 200, "stranger": 403,
                                   "anonymous": 302}),
    (ListVisibility.PUBLIC, {"organiser": 200, "chair": 200, "participant": 200, "stranger": 200, "anonymous": 200}),
])
def test_participant_list_per_setting_and_consent(app, db, hybrid, visibility, statuses):
    form, members, _speakers, organiser = hybrid
    places.ensure_registration_settings(form.event).participant_list = visibility
    chair, participant, stranger = factories.make_user(), factories.make_user(), factories.make_user()
    factories.add_role(form.event, chair, TeamRole.TRACK_CHAIR)
    register(form, members, name="Listed Lea", affiliation="IAEA", email="lea@example.org", user=participant,
             mode=AttendanceMode.IN_PERSON, listed=True)
    register(form, members, name="Quiet Quinn", email="quinn@example.org", mode=AttendanceMode.IN_PERSON)
    register(form, members, name="Waiting Will", mode=AttendanceMode.IN_PERSON, listed=True)
    register(form, members, name="Waiting Wanda", mode=AttendanceMode.IN_PERSON, listed=True)
    clients = {"organiser": login(app.test_client(), organiser), "chair": login(app.test_client(), chair),
               "participant": login(app.test_client(), participant), "stranger": login(app.test_client(), stranger),
               "anonymous": app.test_client()}
    db.session.flush()
    url = f"/events/{form.event.slug}/participants"

    responses = {who: client.get(url) for who, client in clients.items()}

    assert {who: r.status_code for who, r in responses.items()} == statuses
    page = responses["organiser"].get_data(as_text=True)
    rows = re.findall(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td></tr>', page)
    assert rows == [("Listed Lea", "IAEA")]
    assert "lea@example.org" not in page and "Quinn" not in page and "Waiting" not in page


# Reconfirmation ------------------------------------------------------------------------------------------------------


def test_reconfirmation_request_by_a_local_date_and_the_participant_button(app, db, organiser_client, hybrid, people):
    form, _members, _speakers, _organiser = hybrid
    event = form.event  # Europe/Zurich
    url = f"/events/{event.slug}/manage/reconfirmation"
    local = (utcnow() + 30 * DAY).strftime("%Y-%m-%dT10:00")

    first = page_of(organiser_client, url)
    assert "No reconfirmation has been requested." in first
    assert re.search(r'<input[^>]*checked[^>]*value="in_person"|<input[^>]*value="in_person"[^>]*checked', first)
    assert not re.search(r'<input[^>]*value="online"[^>]*checked', first)  # online costs nobody a seat
    bad = post(organiser_client, url, data={"by": "2001-01-01T10:00", "reminder_hours": "abc"})
    assert bad.status_code == 200
    text = html.unescape(bad.get_data(as_text=True))
    assert "Enter a whole number of hours, e.g. 48." in text
    assert 'value="2001-01-01T10:00"' in text
    past = post(organiser_client, url, data={"by": "2001-01-01T10:00", "reminder_hours": "48"})
    assert "Choose a date and time in the future." in html.unescape(past.get_data(as_text=True))
    assert event.registration_settings.reconfirm_by is None

    unticked = post(organiser_client, url, data={"by": local, "reminder_hours": "24"})
    assert "Choose whom to ask among the ways this event is attended." in html.unescape(unticked.get_data(as_text=True))
    response = post(organiser_client, url, data={"by": local, "reminder_hours": "24", "modes": "in_person"})

    assert response.status_code == 302, re.findall(r'error-summary.*?</ul>', response.get_data(as_text=True), re.S)
    settings = event.registration_settings
    assert settings.reconfirm_by.astimezone(zoneinfo.ZoneInfo("Europe/Zurich")).strftime("%Y-%m-%dT%H:%M") == local
    assert settings.reconfirm_reminder_hours == 24
    assert mail_to("reconfirmation_request") == ["ana@example.org", "ben@example.org"]
    page = page_of(organiser_client, url)
    assert "Reconfirmation is requested; 2 participants are asked by mail." in flashes(page)
    assert re.search(r"<dt class=\"col-sm-3\">Not reconfirmed yet</dt><dd class=\"col-sm-9\">2</dd>", page)
    assert f'value="{local}"' in page

    # Ana reconfirms through the button of her signed link, without an account.
    token = ops.manage_token(people["ana"])
    visitor = app.test_client()
    answer = post(visitor, f"/registrations/{token}/reconfirm")
    assert answer.status_code == 302 and answer.headers["Location"] == f"/registrations/{token}"
    assert people["ana"].reconfirmed_at is not None
    assert actions_on(people["ana"])[-1] == "registration.reconfirmed"
    assert re.search(r"<dt class=\"col-sm-3\">Reconfirmed</dt><dd class=\"col-sm-9\">1</dd>", page_of(organiser_client, url))
    # Online Eva has nothing to reconfirm; a forged link does not work.
    post(visitor, f"/registrations/{ops.manage_token(people['eva'])}/reconfirm")
    assert people["eva"].reconfirmed_at is None
    assert post(visitor, "/registrations/forged/reconfirm").status_code == 400
    # Someone logged in with another account may not use the link of an account's registration.
    owner = factories.make_user()
    people["ben"].user_id = owner.id
    db.session.flush()
    intruder = login(app.test_client(), factories.make_user())
    assert post(intruder, f"/registrations/{ops.manage_token(people['ben'])}/reconfirm").status_code == 403
    assert people["ben"].reconfirmed_at is None
    assert reconfirmation.progress(event) == {"reconfirmed": 1, "waiting": 1, "released": 0}


# Query counts -----------------------------------------------------------------------------------------------


def test_list_and_show_pages_run_the_same_queries_for_5_and_50_registrations(app, db, hybrid):
    form, members, speakers, organiser = hybrid
    client = login(app.test_client(), organiser)
    event = form.event
    added = []

    def add(n):
        for _ in range(n):
            added.append(register(form, members if len(added) % 2 else speakers, affiliation="Lab",
                                  mode=AttendanceMode.ONLINE if len(added) % 3 else AttendanceMode.IN_PERSON,
                                  listed=True))
        db.session.flush()

    pages = (base(event), f"{base(event)}.csv", f"/events/{event.slug}/participants", f"{base(event)}?state=confirmed",
             f"{base(event)}?size=25&page=2")
    add(5)
    small = [queries_for(db, client, url) for url in pages]
    add(45)
    large = [queries_for(db, client, url) for url in pages]
    assert small == large


def test_a_virtual_event_asks_online_and_an_exempt_category_is_named(app, db):
    form = make_form(format=EventFormat.VIRTUAL)
    form.opens_at, form.closes_at = utcnow() - 10 * DAY, utcnow() + 10 * DAY
    event = form.event
    organiser_client = login(app.test_client(), event.roles[0].user)
    members = add_category(form, "Members", online=10)
    vips = add_category(form, "VIPs")
    register(form, members, name="Ana", email="ana@example.org")
    register(form, vips, name="Vera", email="vera@example.org")
    edit = f"/events/{event.slug}/manage/registration/categories/{vips.id}"
    assert "Exempt from reconfirmation" in page_of(organiser_client, edit)
    saved = post(organiser_client, edit, data={"name": "VIPs", "reconfirmation_exempt": "y"})
    assert saved.status_code == 302 and vips.reconfirmation_exempt is True
    url = f"/events/{event.slug}/manage/reconfirmation"
    page = html.unescape(page_of(organiser_client, url))
    assert "Never asked, because their category is exempt from reconfirmation: VIPs." in page
    assert 'name="modes"' not in page  # attended one way only: nothing to choose
    local = (utcnow() + 30 * DAY).strftime("%Y-%m-%dT10:00")
    assert post(organiser_client, url, data={"by": local, "reminder_hours": "24"}).status_code == 302
    assert mail_to("reconfirmation_request") == ["ana@example.org"]
    assert "<dt class=\"col-sm-3\">Asked</dt><dd class=\"col-sm-9\">Participants attending online</dd>" in page_of(organiser_client, url)

