"""Which page routes the browser tests check with axe-core: docs/accessibility-coverage.md.

The app's page routes are its GET routes that answer with an HTML page: every rule but the
static files, the downloads, feeds and exports (told by their suffix or listed in ``NOT_PAGES``).
Each page route has a row in the document: the browser tests that check it (up to
``MAX_CLAIMS``, as ``file.py::test[params]``), or why none does.

* Every browser test that loads a page audits it (``AuditedPage``); the route it answered from
  (a 2xx page, or a form given back with its errors, 422) is recorded for the test.
* At the end of each test that passed, the routes the document says it checks must be among
  those it checked (``check_claims``): the document never claims a check that does not happen.
* ``UPDATE_ACCESSIBILITY_COVERAGE=1`` instead rewrites the document (``record_claims``): the
  test's claims become what it checked, routes with fewer than ``MAX_CLAIMS`` gain it, and a
  new route nobody checks gets a row to give its reason in. Run the browser tests with it:
  ``UPDATE_ACCESSIBILITY_COVERAGE=1 .venv/bin/python -m pytest tests/browser -p no:randomly``.
* tests/app/test_accessibility_coverage.py checks, without a browser, that the document lists
  exactly the app's page routes, each checked or with a reason.
"""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "accessibility-coverage.md"
UPDATE = os.environ.get("UPDATE_ACCESSIBILITY_COVERAGE") == "1"
MAX_CLAIMS = 3
CHECKED_STATUSES = range(200, 300)
FORM_WITH_ERRORS = 422

# What a GET route serves when it is not a page, by the rule's suffix or by endpoint.
SUFFIXES = {
    ".csv": "a CSV export",
    ".json": "JSON",
    ".zip": "a ZIP download",
    ".ics": "an iCalendar feed",
    ".atom": "an Atom feed",
    ".xml": "XML (frab)",
    ".svg": "an SVG image",
}
NOT_PAGES = {
    "static": "the app's static files",
    "bootstrap.static": "Bootstrap's static files",
    "operations.healthz": "the health check (JSON)",
    "operations.metrics": "Prometheus metrics (text)",
    "cfp.download_file": "a submission's uploaded file",
    "review.download_file": "a submission's uploaded file, for its reviewers",
    "archive.download": "an archive record's file",
    "archive.export": "a record's citation (BibTeX, RIS, CSL-JSON or DataCite XML)",
}
NOT_CHECKED = "not checked:"


def routes(app) -> tuple[dict[str, str], dict[str, str]]:
    """(page routes, other GET routes with what they serve), each endpoint -> rule."""
    pages, others = {}, {}
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()):
            continue
        suffix = next((s for s in SUFFIXES if rule.rule.endswith(s)), None)
        if rule.endpoint in NOT_PAGES or suffix:
            others[rule.endpoint] = rule.rule
        else:
            pages[rule.endpoint] = rule.rule
    return pages, others


def serves(endpoint: str, rule: str) -> str:
    return NOT_PAGES.get(endpoint) or next(what for s, what in SUFFIXES.items() if rule.endswith(s))


def endpoint_of(app, path: str) -> str | None:
    """The endpoint a path of the app is served by, or None (no such route, or a redirect)."""
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _arguments = adapter.match(path, method="GET")
    except (HTTPException, RequestRedirect):
        return None
    return endpoint


def counts_as_checked(status: int | None) -> bool:
    return status is not None and (status in CHECKED_STATUSES or status == FORM_WITH_ERRORS)


def test_key(item) -> str:
    """``file.py::test`` and its parameters other than the database (a run uses one)."""
    key = f"{item.path.name}::{item.originalname}"
    callspec = getattr(item, "callspec", None)
    if callspec is not None:
        rest = re.sub(r"^(sqlite|postgresql)(-|$)", "", callspec.id)
        if rest:
            key += f"[{rest}]"
    return key


# The document --------------------------------------------------------------------------------

@dataclass
class Coverage:
    claims: dict[str, list[str]] = field(default_factory=dict)  # endpoint -> test keys
    reasons: dict[str, str] = field(default_factory=dict)  # endpoint -> why no test checks it

    def checked(self, pages: dict[str, str]) -> list[str]:
        return [endpoint for endpoint in pages if self.claims.get(endpoint)]


ROW = re.compile(r"^\| `(?P<rule>[^`]+)` \| `(?P<endpoint>[^`]+)` \| (?P<cell>.*) \|$")


def parse(text: str) -> tuple[Coverage, list[tuple[str, str]]]:
    """The document's page rows as a Coverage, and its other rows as (endpoint, rule)."""
    coverage, others = Coverage(), []
    section = None
    for line in text.splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
            continue
        match = ROW.match(line)
        if not match:
            continue
        endpoint, cell = match["endpoint"], match["cell"].strip()
        if section == "Pages":
            if cell.startswith(NOT_CHECKED):
                coverage.reasons[endpoint] = cell[len(NOT_CHECKED):].strip()
            else:
                coverage.claims[endpoint] = [claim.strip().strip("`") for claim in cell.split("<br>") if claim.strip()]
        else:
            others.append((endpoint, match["rule"]))
    return coverage, others


def read() -> Coverage:
    return parse(DOCUMENT.read_text(encoding="utf-8"))[0] if DOCUMENT.exists() else Coverage()


def render(app, coverage: Coverage) -> str:
    pages, others = routes(app)
    checked = coverage.checked(pages)
    lines = [
        "# Accessibility coverage",
        "",
        "Which of the app's pages the browser tests check with axe-core (no serious or critical",
        "violation) and for Content-Security-Policy violations, and why the others are not. Every",
        "page a browser test loads is checked (tests/browser/conftest.py, `AuditedPage`); a page route",
        "counts as checked when a test loaded it and it answered with its own page (2xx, or a form",
        "given back with its errors). tests/browser/coverage.py says how this file is kept true:",
        "each test below is checked, when it passes, to still reach the routes listed for it, and",
        "`UPDATE_ACCESSIBILITY_COVERAGE=1 .venv/bin/python -m pytest tests/browser -p no:randomly`",
        "rewrites it from what the tests reach.",
        "",
        f"**{len(checked)} of {len(pages)} page routes are checked.**",
        "",
        "## Pages",
        "",
        "| Route | Endpoint | Checked by (up to three tests) |",
        "| --- | --- | --- |",
    ]
    for endpoint, rule in sorted(pages.items(), key=lambda pair: (pair[1], pair[0])):
        claims = coverage.claims.get(endpoint)
        if claims:
            cell = "<br>".join(f"`{claim}`" for claim in claims)
        else:
            cell = f"{NOT_CHECKED} {coverage.reasons.get(endpoint) or ''}".rstrip()
        lines.append(f"| `{rule}` | `{endpoint}` | {cell} |")
    lines += [
        "",
        "## Not pages",
        "",
        "GET routes that serve something other than a page; axe-core has nothing to check there.",
        "",
        "| Route | Endpoint | Serves |",
        "| --- | --- | --- |",
    ]
    for endpoint, rule in sorted(others.items(), key=lambda pair: (pair[1], pair[0])):
        lines.append(f"| `{rule}` | `{endpoint}` | {serves(endpoint, rule)} |")
    return "\n".join(lines) + "\n"


# What one test checked, against the document -------------------------------------------------

def check_claims(key: str, checked: set[str]) -> list[str]:
    """The routes the document says the test ``key`` checks that it did not check."""
    coverage = read()
    return sorted(endpoint for endpoint, claims in coverage.claims.items() if key in claims and endpoint not in checked)


def record_claims(app, key: str, checked: set[str]) -> None:
    """Rewrite the document with what the test ``key`` checked (under a lock: xdist workers)."""
    with open(Path(tempfile.gettempdir()) / "conference-accessibility-coverage.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            coverage = read()
            for endpoint, claims in coverage.claims.items():
                if key in claims and endpoint not in checked:
                    claims.remove(key)
            for endpoint in checked:
                claims = coverage.claims.setdefault(endpoint, [])
                if key not in claims and len(claims) < MAX_CLAIMS:
                    claims.append(key)
            DOCUMENT.write_text(render(app, coverage), encoding="utf-8")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
