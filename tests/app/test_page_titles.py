"""Every page's title says where you are: the page, then the event it belongs to, then the site
("Submissions · Symposium 2027 · Site"; an event's own page is its title), and no two kinds of
page share a title.

Each kind of person crawls the demo in English (one page per rule and event, as
tests/app/test_no_english.py does) and every HTML page's <title> is read.
"""

from __future__ import annotations

import collections
import html as html_lib
import re

import pytest
import sqlalchemy as sa

from conference.demo import DEMO_PASSWORD
from conference.demo.registration import FOCAL_POINT_ACCOUNTS
from conference.events.models import Event
from conference.extensions import db as _db

from .hostile_walk import demo_in_a_transaction_of_its_own, read_page, same_site_path

PEOPLE = {
    "anonymous": None,
    "author": "author@example.org",
    "reviewer": "reviewer@example.org",
    "chair": "chair@example.org",
    "organiser": "organiser@example.org",
    "administrator": "admin@example.org",
    "participant": "participant@example.org",
    "focal point": FOCAL_POINT_ACCOUNTS[0],
}
SEEDS = ["/", "/dashboard", "/my/submissions", "/auth/profile", "/auth/login", "/auth/signup", "/admin/users",
         "/events/new"]
PAGES_PER_PERSON = 300
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


@pytest.fixture(scope="module")
def titles(app):
    """(endpoint, event slug or None) -> {title: [(person, path)]}, and the events' titles by slug."""
    with demo_in_a_transaction_of_its_own(app):
        _db.session.commit()
        event_titles = dict(_db.session.execute(sa.select(Event.slug, Event.title)).all())
        found: dict = collections.defaultdict(lambda: collections.defaultdict(list))
        for who, email in PEOPLE.items():
            client = app.test_client()
            client.set_cookie("language", "en")
            if email:
                response = client.post("/auth/login", data={"email": email, "password": DEMO_PASSWORD})
                assert response.status_code == 302, f"{who} could not log in"
            for key, path, title in _crawl(app, client):
                found[key][title].append((who, path))
        _db.session.remove()
        yield found, event_titles, app.config["SITE_NAME"]


def _crawl(app, client):
    adapter = app.url_map.bind("localhost")
    queue, seen, endpoints, count = collections.deque(SEEDS), set(), set(), 0
    while queue and count < PAGES_PER_PERSON:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        try:
            endpoint, values = adapter.match(path.split("?")[0], "GET")
        except Exception:
            continue
        key = (endpoint, values.get("slug"))
        if key in endpoints or endpoint in ("auth.logout", "static"):
            continue
        endpoints.add(key)
        response = client.get(path)
        status, is_html, raw = response.status_code, response.mimetype == "text/html", response.get_data()
        response.close()
        if status != 200 or not is_html:
            continue
        body = raw.decode()
        count += 1
        match = TITLE.search(body)
        yield key, path, html_lib.unescape(" ".join(match.group(1).split())) if match else ""
        queue.extend(p for p in map(same_site_path, read_page(body).links) if p)


def test_every_page_names_itself_its_event_and_the_site(titles):
    found, event_titles, site = titles
    assert len(found) > 100  # the crawl reached the site's pages, not just the seeds
    problems = []
    for (endpoint, slug), by_title in found.items():
        for title, where in by_title.items():
            parts = title.split(" · ")
            if len(parts) < 2 or parts[-1] != site or not parts[0].strip():
                problems.append(f"{endpoint}: {title!r} names no page ({where[0]})")
            elif slug in event_titles and event_titles[slug] not in parts[:-1]:
                problems.append(f"{endpoint}: {title!r} does not name the event {event_titles[slug]!r} ({where[0]})")
    assert not problems, "\n".join(problems)


def test_two_kinds_of_page_never_share_a_title(titles):
    found, _event_titles, _site = titles
    endpoints_by_title = collections.defaultdict(set)
    for (endpoint, _slug), by_title in found.items():
        for title in by_title:
            endpoints_by_title[title].add(endpoint)
    shared = {title: sorted(endpoints) for title, endpoints in endpoints_by_title.items()
              if len(endpoints) > 1}
    assert not shared, "\n".join(f"{title!r}: {endpoints}" for title, endpoints in shared.items())
