"""Every page of the review area with the demo's data (a committee, 72 assignments, reviews,
decisions, held mail), in Chromium, for each kind of person: starting from where they land,
the test opens every review page linked from the pages it reaches, and each one passes
axe-core (no serious or critical violation) and the Content-Security-Policy check."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest

from conference.demo import DEMO_PASSWORD

from ..app.hostile_walk import load_demo_repeatably
from .test_account_and_event_journey import log_in

AREA = ("/events/icdd/review", "/events/icdd/mail", "/events/icdd/submissions/")
SKIP = (".csv", "/files/")  # downloads, not pages


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def visit_review_area(page, start: str, limit: int = 45) -> list[str]:
    """Open ``start`` and every page of the review area linked from what is reached."""
    seen, queue = [], [start]
    while queue and len(seen) < limit:
        path = urldefrag(queue.pop(0))[0]
        path = urlsplit(path).path + (f"?{urlsplit(path).query}" if urlsplit(path).query else "")
        if path in seen or not path.startswith(AREA) or path.endswith(SKIP) or "/files/" in path:
            continue
        response = page.goto(path)
        assert response.status == 200, (path, response.status)
        seen.append(path)
        parser = _Links()
        parser.feed(page.content())
        queue.extend(parser.links)
    return seen


@pytest.fixture
def demo(committed_db):
    # The same submission codes every run: the crawl meets the links in the same order, so it
    # reaches the same pages (docs/accessibility-coverage.md lists them).
    load_demo_repeatably()
    committed_db.session.commit()


PEOPLE = [  # who, where they start, how many review pages they reach at least
    ("organiser@example.org", "/events/icdd/review/", 15),
    ("chair@example.org", "/events/icdd/review/", 5),
    ("reviewer@example.org", "/events/icdd/review/mine", 5),
]


def test_review_pages_pass_the_checks_for_everyone(new_page, demo):
    """One demo for all of them, each in a browser context of their own."""
    for who, start, at_least in PEOPLE:
        page = new_page()
        log_in(page, who, DEMO_PASSWORD)
        seen = visit_review_area(page, start)
        assert len(seen) >= at_least, (who, seen)
        if who == "reviewer@example.org":  # the confirmation step of declaring a conflict, and the list to withdraw
            assert any(path.endswith("/conflict") for path in seen) and "/events/icdd/review/my-conflicts" in seen

    page = new_page()
    log_in(page, "author@example.org", DEMO_PASSWORD)
    page.goto("/my/submissions")
    codes = [a.get_attribute("href") for a in page.get_by_role("link").all()
             if "/events/icdd/submissions/" in (a.get_attribute("href") or "")]
    seen = []
    for href in codes:
        seen += visit_review_area(page, href, limit=10)
    assert any(path.endswith("/conflicts") for path in seen)
