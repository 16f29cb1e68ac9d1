"""UIDs, ids and links in what leaves the app (iCal feeds, personal feeds, the Atom changelog,
frab, links in mails) come from configuration, never from the request: a subscriber on another
hostname, or a request with a forged Host header, gets byte for byte the same feed. Without
BASE_URL (development) they are built under the development server's address."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from conference import config
from conference.accounts import users as accounts
from conference.agenda.models import AgendaStar, PersonalFeed
from conference.mail.models import OutboxMessage

from .. import factories
from ..agenda.builders import store_release, two_day_programme
from ..conftest import login

HOSTS = ("http://conference.test", "http://other-name.example", "http://forged.attacker.example:8080")


@pytest.fixture(params=["configured", "unset"])
def base_url(request, app, monkeypatch, tmp_path) -> str:
    """BASE_URL as the app has it: configured, or as finalise leaves it when it is not set."""
    if request.param == "configured":
        return app.config["BASE_URL"]
    settings = config.defaults(str(tmp_path))
    config.finalise(settings, str(tmp_path))
    monkeypatch.setitem(app.config, "BASE_URL", settings["BASE_URL"])
    return settings["BASE_URL"]


@pytest.fixture
def released(db):
    event = factories.make_event(published=True, slug="hosts", timezone="Europe/Zurich",
                                 start_date=dt.date(2030, 3, 14))
    p = two_day_programme(event)
    store_release(event)
    return event, p


def fetched(client, path: str) -> list[bytes]:
    bodies = []
    for host in HOSTS:
        response = client.get(path, base_url=host)
        assert response.status_code == 200, (path, host)
        bodies.append(response.data)
    return bodies


def test_the_development_address_is_used_without_base_url(tmp_path):
    settings = config.defaults(str(tmp_path))
    config.finalise(settings, str(tmp_path))
    assert settings["BASE_URL"] == "http://127.0.0.1:5000"


@pytest.mark.parametrize("path", ["/events/hosts/agenda.ics", "/events/hosts/agenda.ics?room={online}",
                                  "/events/hosts/agenda/changes.atom", "/events/hosts/schedule.xml",
                                  "/events/hosts/schedule.json"])
def test_feeds_are_byte_identical_whatever_the_host(app, released, base_url, path):
    _event, p = released
    bodies = fetched(app.test_client(), path.format(online=p["online"].id))
    assert bodies[0] == bodies[1] == bodies[2]
    assert b"other-name" not in bodies[0] and b"attacker" not in bodies[0]
    if path.endswith(".ics"):
        assert f"@{base_url.split('://')[1].split(':')[0]}\r\n".encode() in bodies[0]  # UID:item-...@<site host>
    else:
        assert base_url.encode() in bodies[0]


def test_the_personal_feed_and_its_address_do_not_follow_the_host(app, db, released, base_url):
    event, p = released
    owner = factories.make_user()
    db.session.add(AgendaStar(user_id=owner.id, event_id=event.id, uid=f"item-{p['talk1'].id}"))
    client = login(app.test_client(), owner)
    page = client.get("/events/hosts/agenda/feeds").get_data(as_text=True)  # asked at http://localhost/
    token = db.session.scalars(sa.select(PersonalFeed.token).where(PersonalFeed.user_id == owner.id)).one()
    assert f'value="{base_url}/events/hosts/agenda/feeds/{token}.ics"' in page and "localhost" not in page
    bodies = fetched(app.test_client(), f"/events/hosts/agenda/feeds/{token}.ics")
    assert bodies[0] == bodies[1] == bodies[2] and b"attacker" not in bodies[0]


def test_links_in_mail_queued_during_a_request_are_the_sites(app, db, base_url):
    user = factories.make_user(email="ann@example.org", verified=False)
    with app.test_request_context("/auth/signup", base_url=HOSTS[2]):
        accounts.send_verification(user)
    row = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == "ann@example.org")).one()
    assert f"{base_url}/auth/verify/" in row.body_text
    assert "attacker" not in row.body_text + row.body_html
