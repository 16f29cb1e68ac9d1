"""Every page of the demo, for every kind of person, in Chromium: each page passes axe-core (no
serious or critical violation) and the Content-Security-Policy check.

One demo (loaded the same way every run), then for each person in turn: from where they land,
they open the pages linked from there (and the organiser from the lists of what they set up),
one address per route. The journeys
and the other crawls already check most routes (docs/accessibility-coverage.md says which, and
they are held to it): those are only read here, a request rather than a page load, for their
links; every other route reached is loaded and checked in the browser, once. That keeps this
walk to the pages nobody else checks. Only links are followed, never forms: nothing changes."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest

from conference.demo import DEMO_PASSWORD

from ..app.hostile_walk import load_demo_repeatably
from . import coverage
from .test_account_and_event_journey import log_in

# Whoever has the most to see first: a later person's walk checks only what is new to it. Each
# starts where everyone lands, and the organiser and the administrator also from the pages of
# lists whose "add" and "edit" links lead to their forms.
ORGANISER_LISTS = [
    "/events/icdd/manage/agenda",
    "/events/icdd/manage/agenda/speakers/new",  # lists the speakers, each linked to its form
    "/events/icdd/manage/call/tracks/",
    "/events/icdd/manage/call/types/",
    "/events/icdd/manage/call/questions/",
    "/events/icdd/review/settings",
    "/events/iatf-symposium/manage/registration",
]
PEOPLE = [
    ("organiser", "organiser@example.org", ORGANISER_LISTS),
    ("admin", "admin@example.org", ["/admin/users"]),
    ("track chair", "chair@example.org", []),
    ("reviewer", "reviewer@example.org", []),
    ("author", "author@example.org", []),
    # The event page links a focal point of one delegation straight to it: the list of one's
    # delegations is one step further, so it starts there too.
    ("focal point", "hiroshi.tanaka@wmo.example.org", ["/events/iatf-symposium/delegations"]),
    ("participant", "participant@example.org", []),
    ("visitor", None, []),
]
STARTS = ["/dashboard", "/", "/events/icdd/", "/events/iatf-symposium/"]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def _local(href: str) -> str | None:
    parts = urlsplit(urldefrag(href)[0])
    if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc != "127.0.0.1"):
        return None
    if not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def walk(page, starts: list[str], pages: set[str], checked: set[str]) -> set[str]:
    """Open ``starts`` and the pages they link to, one address per route, and check in the
    browser each route reached that is in ``pages`` and not yet in ``checked`` (which grows);
    return the routes this person reached."""
    app = page.server.app
    reached: set[str] = set()
    level = list(starts)
    for step in range(2):
        following = []
        for href in level:
            path = _local(href)
            endpoint = coverage.endpoint_of(app, urlsplit(path).path) if path else None
            if endpoint is None or endpoint not in pages or endpoint in reached:
                continue
            reached.add(endpoint)
            if endpoint in checked:
                response = page.request.get(path)
                html = response.text()
            else:
                response = page.goto(path)
                html = page.content()
                if coverage.endpoint_of(app, urlsplit(page.url).path) == endpoint:
                    checked.add(endpoint)
            assert response.status < 400, (path, response.status)
            if step == 0:
                parser = _Links()
                parser.feed(html)
                following.extend(parser.links)
        level = following
    return reached


@pytest.fixture
def demo(committed_db):
    load_demo_repeatably()
    committed_db.session.commit()


def test_every_page_of_the_demo_passes_the_checks_for_everyone(new_page, live_server, demo, request):
    pages, _others = coverage.routes(live_server.app)
    me = coverage.test_key(request.node)
    claims = coverage.read().claims
    elsewhere = {endpoint for endpoint, tests in claims.items() if any(test != me for test in tests)}
    checked = set(elsewhere)
    reached = {}
    for who, email, lists in PEOPLE:
        page = new_page()
        if email:
            log_in(page, email, DEMO_PASSWORD)
        reached[who] = walk(page, STARTS + lists, set(pages), checked)
    # Each person reaches their own pages: a walk that stopped early would show here.
    assert {"review.ranking", "cfp_manage.list_submissions", "agenda.editor", "mail.outbox"} <= reached["organiser"]
    assert {"admin.list_users", "admin.show_user"} <= reached["admin"]
    assert {"review.my_reviews", "review.bidding"} <= reached["reviewer"]
    assert {"cfp.my_submissions", "cfp.show_submission"} <= reached["author"]
    assert {"registration.delegation", "registration.my_delegations"} <= reached["focal point"]
    assert "home.dashboard" in reached["participant"]
    assert {"events.index", "events.show_event", "agenda.show"} <= reached["visitor"]
    assert checked - elsewhere, "the walk checked no page the other tests do not"
