"""Events through the HTTP path: who may create one, the form's bad input, publishing, the
public list and pages, drafts, Markdown."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from conference.core.audit import record
from conference.core.models import AuditEntry
from conference.events import setup as event_ops
from conference.events.enums import EventFormat, EventKind, EventStatus, TeamRole
from conference.events.models import Event

from .. import factories
from ..conftest import login

FORM = {
    "title": "Symposium on Early Warning Systems",
    "slug": "early-warning-2027",
    "kind": "symposium",
    "start_date": "2027-03-10",
    "end_date": "2027-03-12",
    "timezone": "Europe/Zurich",
    "format": "hybrid",
    "venue": "Palais des Nations, Room XX",
    "online_details": "Video conference, link sent to registered participants",
    "contact_email": "ews@example.org",
    "description": "Three days on **early warnings**.",
}


def event_by_slug(db, slug: str) -> Event | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Event).where(Event.slug == slug))


def count_events(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Event))


def error_of(html: str, field: str) -> str:
    start = html.index(f'<p class="invalid-feedback d-block" id="error-{field}">')
    return html[start:html.index("</p>", start)]


def audit_actions(db, event) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.event_id == event.id)
                                   .order_by(AuditEntry.id)))


# Who may create ----------------------------------------------------------------------------------

@pytest.mark.parametrize("rights", [{"may_create_events": True}, {"is_admin": True}])
def test_users_with_the_right_create_an_event_and_become_its_organiser(client, db, rights):
    creator = factories.make_user(**rights)
    login(client, creator)
    assert client.get("/events/new").status_code == 200

    response = client.post("/events/new", data=FORM, follow_redirects=True)

    assert response.status_code == 200 and response.request.path == "/events/early-warning-2027/"
    html = response.get_data(as_text=True)
    assert "The event is created as a draft" in html
    assert "<h1>Symposium on Early Warning Systems</h1>" in html
    event = event_by_slug(db, "early-warning-2027")
    assert (event.kind, event.format, event.status) == (EventKind.SYMPOSIUM, EventFormat.HYBRID, EventStatus.DRAFT)
    assert (event.start_date, event.end_date) == (dt.date(2027, 3, 10), dt.date(2027, 3, 12))
    assert (event.timezone, event.venue, event.contact_email) == ("Europe/Zurich", FORM["venue"], "ews@example.org")
    assert event.created_by_id == creator.id
    assert [(r.user_id, r.role) for r in event.roles] == [(creator.id, TeamRole.ORGANISER)]
    assert audit_actions(db, event) == ["event.created"]


def test_anyone_can_create_events_when_the_site_allows_it(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "ANYONE_CAN_CREATE_EVENTS", True)
    login(client, factories.make_user())

    assert client.post("/events/new", data=FORM).status_code == 302
    assert event_by_slug(db, "early-warning-2027") is not None


@pytest.mark.parametrize("who", ["plain user", "unverified creator"])
def test_others_may_not_create_events(client, db, who):
    user = factories.make_user() if who == "plain user" else factories.make_user(verified=False, may_create_events=True)
    login(client, user)

    assert client.get("/events/new").status_code == 403
    response = client.post("/events/new", data=FORM)

    assert response.status_code == 403
    assert "You do not have permission to see or do this." in response.get_data(as_text=True)
    assert count_events(db) == 0


def test_anonymous_visitor_is_sent_to_log_in_to_create(client, db):
    response = client.post("/events/new", data=FORM)
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login?next=%2Fevents%2Fnew"
    assert count_events(db) == 0


# Bad input -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"slug": "taken-slug"}, "slug", "Another event already uses this address. Choose a different one."),
        ({"slug": "Taken-Slug "}, "slug", "Another event already uses this address."),
        ({"slug": "no spaces!"}, "slug", "Use lower-case letters, digits and hyphens"),
        ({"slug": "new"}, "slug", "Use lower-case letters, digits and hyphens"),
        ({"end_date": "2027-03-09"}, "end_date", "The end date must be on or after the start date."),
        ({"timezone": "Europe/Atlantis"}, "timezone", "Choose a time zone from the list, e.g. Europe/Zurich."),
        ({"format": "in_person", "venue": "  "}, "venue", "Give the venue of an in-person or hybrid event."),
        ({"contact_email": "not an address"}, "contact_email", "Enter a valid email address."),
        ({"title": ""}, "title", "Give the event a title."),
    ],
)
def test_create_with_bad_input_shows_the_message_on_the_field_and_keeps_the_values(client, db, changes, field, message):
    creator = factories.make_user(may_create_events=True)
    factories.make_event(slug="taken-slug")
    login(client, creator)
    data = FORM | changes

    response = client.post("/events/new", data=data)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in error_of(html, field)
    assert f'href="#field-{field}"' in html  # the summary links to the field
    if field != "title":
        assert f'value="{FORM["title"]}"' in html
    assert f'value="{data["slug"]}"' in html
    assert f'value="{data["end_date"]}"' in html
    assert "Palais des Nations, Room XX</textarea>" in html or field == "venue"
    assert 'checked class="form-check-input" id="format-0"' in html or 'checked class="form-check-input" id="format-2"' in html
    assert count_events(db) == 1


def summary_links(html: str) -> list[str]:
    """The fields the error summary links to, in its order."""
    start = html.index('id="error-summary"')
    return re.findall(r'<a href="#field-([a-z_]+)">', html[start:html.index("</div>", start)])


@pytest.mark.parametrize("url", ["/events/new", "/events/my-event/edit"])
def test_every_problem_of_the_event_form_shows_after_one_submit(client, db, url):
    """The form's own checks (an empty title, a date that is no date) and the event's rules (a taken
    address, a missing venue, an end before the start) once came in two rounds: now in one."""
    organiser = factories.make_user(may_create_events=True)
    factories.make_event(slug="taken-slug")
    factories.make_event(organiser=organiser, slug="my-event", title="Old Title")
    login(client, organiser)
    data = FORM | {"title": "", "slug": "taken-slug", "start_date": "2027-03-10", "end_date": "2027-03-01",
                   "format": "in_person", "venue": "", "contact_email": "not an address"}

    html = client.post(url, data=data).get_data(as_text=True)

    expected = {
        "title": "Give the event a title.",
        "slug": "Another event already uses this address.",
        "end_date": "The end date must be on or after the start date.",
        "venue": "Give the venue of an in-person or hybrid event.",
        "contact_email": "Enter a valid email address.",
    }
    for field, message in expected.items():
        assert message in error_of(html, field), field
    assert sorted(summary_links(html)) == sorted(expected)
    assert event_by_slug(db, "my-event").title == "Old Title" and count_events(db) == 2
    # A date the form cannot read waits for its own rule; the others still all show.
    html = client.post(url, data=data | {"start_date": "someday"}).get_data(as_text=True)
    assert "Give the first day as a date." in error_of(html, "start_date")
    assert 'id="error-end_date"' not in html
    assert sorted(summary_links(html)) == sorted({"start_date", "title", "slug", "venue", "contact_email"})


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"slug": "taken-slug"}, "slug", "Another event already uses this address."),
        ({"end_date": "2027-03-01"}, "end_date", "The end date must be on or after the start date."),
        ({"format": "in_person", "venue": ""}, "venue", "Give the venue of an in-person or hybrid event."),
    ],
)
def test_edit_with_bad_input_changes_nothing(client, db, changes, field, message):
    organiser = factories.make_user(may_create_events=True)
    factories.make_event(slug="taken-slug")
    event = factories.make_event(organiser=organiser, slug="my-event", title="Old Title")
    login(client, organiser)

    response = client.post("/events/my-event/edit", data=FORM | {"slug": "my-event", "title": "New Title"} | changes)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in error_of(html, field)
    assert 'value="New Title"' in html
    event = event_by_slug(db, "my-event")
    assert event.title == "Old Title" and event.format == EventFormat.VIRTUAL
    assert audit_actions(db, event) == ["event.created"]


def test_edit_saves_and_records_the_changed_fields(client, db):
    organiser = factories.make_user(may_create_events=True)
    factories.make_event(organiser=organiser, slug="my-event")
    login(client, organiser)

    response = client.post("/events/my-event/edit", data=FORM | {"slug": "renamed"}, follow_redirects=True)

    assert response.request.path == "/events/renamed/"
    assert "The event is saved." in response.get_data(as_text=True)
    event = event_by_slug(db, "renamed")
    assert event.title == FORM["title"] and event.format == EventFormat.HYBRID
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.event_id == event.id)
                               .order_by(AuditEntry.id.desc())).first()
    assert entry.action == "event.updated" and entry.actor_id == organiser.id
    assert "slug" in entry.details["fields"] and "title" in entry.details["fields"]
    assert client.get("/events/my-event/").status_code == 404


def test_edit_form_shows_the_current_values(client, db):
    organiser = factories.make_user(may_create_events=True)
    factories.make_event(organiser=organiser, slug="my-event", title="Current Title", timezone="Asia/Tokyo")
    login(client, organiser)

    html = client.get("/events/my-event/edit").get_data(as_text=True)

    assert 'value="Current Title"' in html and 'value="my-event"' in html
    assert '<option selected value="Asia/Tokyo">' in html


# Publishing and visibility -------------------------------------------------------------------------

def test_publish_and_unpublish(client, db):
    organiser = factories.make_user(may_create_events=True)
    event = factories.make_event(organiser=organiser, slug="my-event", title="My Symposium")
    login(client, organiser)

    response = client.post("/events/my-event/publish", follow_redirects=True)

    assert response.request.path == "/events/my-event/"
    assert "The event is published: everyone can see its page." in response.get_data(as_text=True)
    event = event_by_slug(db, "my-event")
    assert event.status == EventStatus.PUBLISHED and event.published_at is not None
    assert "My Symposium" in client.application.test_client().get("/").get_data(as_text=True)

    again = client.post("/events/my-event/publish", follow_redirects=True)
    assert "The event is already published." in again.get_data(as_text=True)

    response = client.post("/events/my-event/unpublish", follow_redirects=True)

    assert "The event is back to draft: only its team sees it." in response.get_data(as_text=True)
    event = event_by_slug(db, "my-event")
    assert event.status == EventStatus.DRAFT
    assert audit_actions(db, event) == ["event.created", "event.published", "event.unpublished"]
    assert "My Symposium" not in client.application.test_client().get("/").get_data(as_text=True)


def test_home_lists_published_events_upcoming_first_and_past_apart(client, db):
    today = dt.date.today()
    factories.make_event(title="Later Conference", start_date=today + dt.timedelta(days=90), published=True)
    factories.make_event(title="Soon Symposium", start_date=today + dt.timedelta(days=10), published=True)
    factories.make_event(title="Running Now", start_date=today - dt.timedelta(days=1), published=True)
    factories.make_event(title="Last Year", start_date=today - dt.timedelta(days=365), published=True)
    factories.make_event(title="Last Month", start_date=today - dt.timedelta(days=30), published=True)
    factories.make_event(title="Secret Draft", start_date=today + dt.timedelta(days=5))

    html = client.get("/").get_data(as_text=True)

    upcoming, _sep, past = html.partition('<h2 id="past-title">Past events</h2>')
    positions = [upcoming.index(t) for t in ("Running Now", "Soon Symposium", "Later Conference")]
    assert positions == sorted(positions)
    assert past.index("Last Month") < past.index("Last Year")
    assert "Last Month" not in upcoming and "Running Now" not in past
    assert "Secret Draft" not in html


def test_home_says_when_nothing_is_published(client, db):
    factories.make_event(title="Secret Draft")
    html = client.get("/").get_data(as_text=True)
    assert "No upcoming events are published yet." in html and "Secret Draft" not in html
    assert "Past events" not in html


@pytest.mark.parametrize(
    ("visitor", "status"),
    [("anonymous", 404), ("outsider", 404), ("reviewer", 200), ("track_chair", 200), ("organiser", 200),
     ("admin", 200)],
)
def test_a_draft_is_visible_to_its_team_and_site_admins_only(app, db, visitor, status):
    organiser = factories.make_user(may_create_events=True)
    event = factories.make_event(organiser=organiser, slug="draft-event", title="Draft Event")
    client = app.test_client()
    if visitor == "outsider":
        login(client, factories.make_user())
    elif visitor == "admin":
        login(client, factories.make_user(is_admin=True))
    elif visitor == "organiser":
        login(client, organiser)
    elif visitor != "anonymous":
        member = factories.make_user()
        factories.add_role(event, member, TeamRole(visitor))
        login(client, member)

    response = client.get("/events/draft-event/")

    assert response.status_code == status
    html = response.get_data(as_text=True)
    if status == 404:
        assert "Draft Event" not in html and "Page not found" in html
    else:
        assert "Draft: only the team sees this page" in html
        assert ('action="/events/draft-event/publish"' in html) == (visitor in ("organiser", "admin"))


def test_unknown_event_is_404(client, db):
    assert client.get("/events/no-such-event/").status_code == 404


def test_published_event_page_shows_its_details(client, db):
    factories.make_event(slug="open-event", title="Open Event", format=EventFormat.IN_PERSON,
                         venue="Geneva, Room 2", contact_email="team@example.org", published=True)

    response = client.get("/events/open-event/")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Open Event</h1>" in html and "Geneva, Room 2" in html
    assert 'href="mailto:team@example.org"' in html
    assert "Draft" not in html and "/events/open-event/edit" not in html


def test_description_markdown_is_rendered_and_sanitised(client, db):
    description = (
        "## Programme\n\n**Bold** and [a link](https://example.org).\n\n"
        "<script>alert('x')</script>\n\n[click me](javascript:alert(1))\n\n"
        '<a href="javascript:alert(2)" onclick="steal()">raw</a> <img src=x onerror=alert(3)>'
    )
    factories.make_event(slug="md", description=description, published=True)

    html = client.get("/events/md/").get_data(as_text=True)

    assert "<h2>Programme</h2>" in html
    assert "<strong>Bold</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">a link</a>' in html
    # Raw HTML is shown as text, never as markup; a javascript: link is not made a link.
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "<a href=\"javascript:" not in html and "[click me](javascript:alert(1))" in html
    assert "<img" not in html and '" onclick="steal()"&gt;' in html


# Audit log --------------------------------------------------------------------------------------

def test_organisers_read_what_was_done_on_the_audit_page(client, db):
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    login(client, organiser)
    client.post("/events/new", data=FORM)
    client.post(f"/events/{FORM['slug']}/publish")
    client.post(f"/events/{FORM['slug']}/team", data={"email": "rev@example.org", "role": "reviewer"})
    event = event_by_slug(db, FORM["slug"])
    assert audit_actions(db, event) == ["event.created", "event.published", "team.invited"]
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.event_id == event.id).order_by(AuditEntry.id)).all()
    assert {e.actor_id for e in entries} == {organiser.id}
    assert entries[2].details == {"email": "rev@example.org", "role": "reviewer"}

    response = client.get(f"/events/{FORM['slug']}/audit")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert ["<code>team.invited</code>" in rows[0], "<code>event.published</code>" in rows[1],
            "<code>event.created</code>" in rows[2]] == [True, True, True]  # newest first
    assert all("<td>Olga Organiser</td>" in row for row in rows)
    assert "email: rev@example.org; role: reviewer" in rows[0]


def test_audit_page_is_paged(organiser_client, event, db):
    for n in range(105):
        record("event.updated", actor=None, obj=event, event=event, fields=[f"f{n}"])
    db.session.flush()

    first = organiser_client.get(f"/events/{event.slug}/audit").get_data(as_text=True)
    second = organiser_client.get(f"/events/{event.slug}/audit?page=2").get_data(as_text=True)

    assert first.count("<code>") == 100 and "fields: [&#39;f104&#39;]" in first and "Older entries" in first
    assert second.count("<code>event.") == 6 and "<code>event.created</code>" in second
    assert "Newer entries" in second and "<td>System</td>" in first


def test_outsiders_cannot_read_the_audit_log(app, event, organiser, db):
    event_ops.publish_event(event, actor=organiser)
    client = login(app.test_client(), factories.make_user())

    response = client.get(f"/events/{event.slug}/audit")

    assert response.status_code == 403 and "event.created" not in response.get_data(as_text=True)
