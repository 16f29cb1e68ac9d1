"""docs/accessibility-coverage.md lists every page route of the app, each checked with axe-core
by the browser tests it names or with the reason none does (tests/browser/coverage.py). Without
a browser: the browser tests themselves check, as they pass, that they reach what it says."""

from __future__ import annotations

import re
from pathlib import Path

from tests.browser import coverage

BROWSER_TESTS = Path(coverage.__file__).parent
HOW = ("add the page to a browser test, or give the reason in its row (tests/browser/coverage.py "
       "says how: UPDATE_ACCESSIBILITY_COVERAGE=1 writes the rows)")


def test_every_page_route_is_listed_checked_or_with_a_reason(app):
    pages, others = coverage.routes(app)
    listed, listed_others = coverage.parse(coverage.DOCUMENT.read_text(encoding="utf-8"))
    rows = set(listed.claims) | set(listed.reasons)
    assert not set(pages) - rows, f"page routes missing from docs/accessibility-coverage.md: {sorted(set(pages) - rows)}; {HOW}"
    assert not rows - set(pages), f"docs/accessibility-coverage.md lists routes that are gone: {sorted(rows - set(pages))}"
    assert {endpoint for endpoint, _rule in listed_others} == set(others)
    unexplained = [endpoint for endpoint in pages if not listed.claims.get(endpoint) and not listed.reasons.get(endpoint)]
    assert not unexplained, f"page routes no browser test checks, without a reason: {unexplained}; {HOW}"


def test_the_document_is_as_written_from_its_rows(app):
    """The figure, the order and the rules are the app's: what the update would write."""
    text = coverage.DOCUMENT.read_text(encoding="utf-8")
    listed, _others = coverage.parse(text)
    assert coverage.render(app, listed) == text


def test_each_test_named_exists_and_is_a_browser_test():
    listed, _others = coverage.parse(coverage.DOCUMENT.read_text(encoding="utf-8"))
    for endpoint, claims in listed.claims.items():
        assert len(claims) <= coverage.MAX_CLAIMS, endpoint
        for claim in claims:
            match = re.fullmatch(r"(test_\w+\.py)::(test_\w+)(\[.+\])?", claim)
            assert match, (endpoint, claim)
            source = BROWSER_TESTS / match[1]
            assert source.exists(), (endpoint, claim)
            assert re.search(rf"^def {match[2]}\(", source.read_text(encoding="utf-8"), re.M), (endpoint, claim)


def test_what_is_not_a_page_is_named_by_routes_that_exist(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(coverage.NOT_PAGES) <= endpoints


def test_a_page_route_counts_as_checked_only_when_it_answered_with_itself(app):
    assert coverage.endpoint_of(app, "/events/icdd/review/ranking") == "review.ranking"
    assert coverage.endpoint_of(app, "/no/such/page") is None
    assert coverage.counts_as_checked(200) and coverage.counts_as_checked(422)
    assert not any(coverage.counts_as_checked(status) for status in (None, 302, 400, 403, 404, 500))
