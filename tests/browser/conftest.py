"""Browser fixtures: real headless Chromium (Debian's) driven by Playwright, against the app
served by a live werkzeug server in a background thread.

* Every test here is skipped, with the reason, when Playwright or Chromium is missing; with
  ``REQUIRE_BROWSER=1`` (CI) it fails instead, so a green run cannot hide skipped journeys.
* The live app uses the same database as the session's ``app`` fixture, with CSRF on, so the
  browser sends the real tokens. Tests use ``committed_db``: the server thread has its own
  connections and must see what the test commits (and the test what the server commits).
* ``page`` is an :class:`AuditedPage`: every page it loads is checked with axe-core at every
  level it has (WCAG 2.0 to 2.2, A and AA, and best practices; serious and critical violations
  fail the test) and for Content-Security-Policy violations. A page
  that loaded without being checked fails the test at teardown, so none slips through.
* The route of each page checked is noted for the test; a test that passed must have checked
  the routes docs/accessibility-coverage.md credits it with (tests/browser/coverage.py).
"""

from __future__ import annotations

import os
import threading
import traceback
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import got_request_exception
from werkzeug.serving import make_server

from conference import create_app
from conference.extensions import db as _db

from ..conftest import free_port, make_test_config
from . import coverage

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FAILING_IMPACTS = {"serious", "critical"}
# Every level axe-core can check, not only its defaults: WCAG 2.0, 2.1 and 2.2 at A and AA and
# axe's best practices. Naming the tags also runs the rules axe leaves off by default, such as
# WCAG 2.2's target-size (2.5.8).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}


def _browser_missing() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    try:
        import axe_playwright_python.sync_playwright  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        return f"Playwright or axe-playwright-python is not installed ({error}); pip install -e '.[test]'"
    if not Path(CHROMIUM).exists():
        return f"Chromium is not installed at {CHROMIUM}; apt-get install chromium"
    return None


def _backend(item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("database_url") if callspec is not None else None


def pytest_collection_modifyitems(config, items):
    """Browser journeys test the pages, not the database: they run once, on PostgreSQL (the
    production target) when TEST_DATABASE_URL is set, else on SQLite. Every domain and view
    test below them still runs on both databases."""
    here = Path(__file__).parent
    reason = _browser_missing()
    with_postgres = bool(os.environ.get("TEST_DATABASE_URL"))
    kept, dropped = [], []
    for item in items:
        if here not in item.path.parents:
            kept.append(item)
            continue
        if with_postgres and _backend(item) == "sqlite":
            dropped.append(item)
            continue
        kept.append(item)
        item.add_marker(pytest.mark.browser)
        if reason and os.environ.get("REQUIRE_BROWSER") != "1":
            item.add_marker(pytest.mark.skip(reason=reason))
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session")
def browser():
    reason = _browser_missing()
    if reason:
        # Only reached with REQUIRE_BROWSER=1: otherwise the tests were marked as skipped.
        pytest.fail(f"REQUIRE_BROWSER=1 but browser tests cannot run: {reason}", pytrace=False)
    from playwright.sync_api import expect, sync_playwright

    # Room for a loaded CI machine (two cores shared with PostgreSQL and the live server).
    expect.set_options(timeout=10_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    # axe-core is preloaded into every document by an init script (see ``new_page``), which
    # halves the time of each check compared with sending its 500 kB source every time; so
    # Axe's own injection step only has to confirm it is there.
    return Axe(axe_script="() => { if (typeof axe === 'undefined') throw new Error('axe-core not loaded'); }")


# The live server -------------------------------------------------------------------------

class LiveServer:
    def __init__(self, app, port: int):
        self.app = app
        self.url = f"http://127.0.0.1:{port}"
        # Exceptions in the server thread, so a test fails with the cause, not just a 500 page.
        self.errors: list[str] = []
        got_request_exception.connect(self._record_error, app, weak=False)
        self._server = make_server("127.0.0.1", port, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, name="live-server", daemon=True)

    def _record_error(self, _sender, exception, **_extra) -> None:
        self.errors.append("".join(traceback.format_exception(exception)))

    def check_errors(self) -> None:
        if self.errors:
            found, self.errors[:] = list(self.errors), []
            pytest.fail("the live server raised:\n" + "\n".join(found), pytrace=False)

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def deliver_mail(self):
        """Run the outbox worker once, as `flask outbox work --once` would, in the live app."""
        from conference.mail.outbox import OutboxWorker

        with self.app.app_context():
            try:
                return OutboxWorker().run_once()
            finally:
                _db.session.remove()


@pytest.fixture(scope="session")
def _live_server(app, database_url, tmp_path_factory):
    port = free_port()
    config = make_test_config(database_url, tmp_path_factory.mktemp("live-instance"))
    config.update(WTF_CSRF_ENABLED=True, BASE_URL=f"http://127.0.0.1:{port}")
    live_app = create_app(config)
    server = LiveServer(live_app, port).start()
    yield server
    server.stop()
    with live_app.app_context():
        _db.engine.dispose()


@pytest.fixture
def live_server(_live_server, committed_db):
    _live_server.errors.clear()
    yield _live_server
    _live_server.check_errors()


@pytest.fixture
def live_mail(live_server, smtp_server):
    """The live app sends over SMTP to the ``smtp_server`` sink; returns the sink."""
    config = live_server.app.config
    keys = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL")
    saved = {key: config[key] for key in keys}
    config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_USE_TLS=False, MAIL_USE_SSL=False)
    try:
        yield smtp_server
    finally:
        config.update(saved)


# Pages that check themselves ----------------------------------------------------------------

# Runs in every document before its own scripts: reports CSP violations to the test through
# a binding (the binding lives outside the page, so the CSP cannot block it).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.__reportCspViolation({
    directive: event.effectiveDirective || event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample
  });
});
"""


class AccessibilityViolation(AssertionError):
    pass


class ContentSecurityViolation(AssertionError):
    pass


class AuditedPage:
    """A Playwright page that checks every page it loads.

    ``goto``, ``follow`` (a click that navigates) and ``submit`` audit the page they land
    on; other navigations must be followed by ``audit()`` or the test fails at teardown.
    Everything else is passed through to the Playwright page.
    """

    def __init__(self, page, axe, server: LiveServer):
        self._page = page
        self._axe = axe
        self.server = server
        self.base_url = server.url
        self.unchecked_loads: list[str] = []
        self.audited: list[str] = []
        self.checked_endpoints: set[str] = set()  # the routes whose own page was checked
        self.csp_violations: list[dict] = []
        page.on("load", lambda loaded: self.unchecked_loads.append(loaded.url))
        page.on("console", self._on_console)

    def __getattr__(self, name):
        return getattr(self._page, name)

    @property
    def raw(self):
        """The Playwright page itself (for ``expect``)."""
        return self._page

    def _on_console(self, message) -> None:
        # Chromium also logs refused resources on the console; keep them as a second net.
        if "Content Security Policy" in message.text:
            self.csp_violations.append({"console": message.text})

    def report_csp(self, violation: dict) -> None:
        self.csp_violations.append(violation)

    # Navigation -----------------------------------------------------------------------
    def goto(self, path: str, **kwargs):
        url = path if "://" in path else self.base_url + path
        response = self._page.goto(url, **kwargs)
        self.audit()
        return response

    def follow(self, locator):
        """Click a link or button that loads a new page, then audit that page."""
        with self._page.expect_navigation():
            locator.click()
        self.audit()

    submit = follow

    # Checks ---------------------------------------------------------------------------
    def audit(self) -> None:
        """Check the current page: no serious or critical axe violation, no CSP violation."""
        self._page.wait_for_load_state("load")
        # Let queued securitypolicyviolation events reach the binding before reading them.
        self._page.evaluate("() => new Promise(resolve => setTimeout(resolve, 0))")
        url = self._page.url
        self.unchecked_loads.clear()
        self.audited.append(url)
        self.server.check_errors()
        self.check_csp()
        results = self._axe.run(self._page, options=AXE_OPTIONS)
        failing = [v for v in results.response["violations"] if v.get("impact") in FAILING_IMPACTS]
        if failing:
            raise AccessibilityViolation(f"axe found problems on {url}:\n" + describe_violations(failing))
        self._record_checked(url)

    def _record_checked(self, url: str) -> None:
        """Note the route of a page checked as itself (not an error page): docs/accessibility-coverage.md."""
        if not url.startswith(self.base_url):
            return
        status = self._page.evaluate("() => performance.getEntriesByType('navigation')[0]?.responseStatus ?? null")
        endpoint = coverage.endpoint_of(self.server.app, urlsplit(url).path)
        if endpoint and coverage.counts_as_checked(status):
            self.checked_endpoints.add(endpoint)

    def check_csp(self) -> None:
        if self.csp_violations:
            found, self.csp_violations = self.csp_violations, []
            lines = "\n".join(f"  - {v}" for v in found)
            raise ContentSecurityViolation(f"Content-Security-Policy violations on {self._page.url}:\n{lines}")


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} [{violation.get('helpUrl', '')}]")
        for node in violation["nodes"]:
            target = ", ".join(" ".join(part) if isinstance(part, list) else part for part in node["target"])
            lines.append(f"    at {target}: {node.get('failureSummary', '').replace(chr(10), ' ')}")
    return "\n".join(lines)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[CALL_PASSED] = report.passed


CALL_PASSED = pytest.StashKey[bool]()


def _check_coverage(request, live_server, pages) -> None:
    """What this test checked, against docs/accessibility-coverage.md (tests/browser/coverage.py)."""
    if not request.node.stash.get(CALL_PASSED, False):
        return
    key = coverage.test_key(request.node)
    checked = set().union(*(audited.checked_endpoints for audited in pages))
    if coverage.UPDATE:
        coverage.record_claims(live_server.app, key, checked)
        return
    missing = coverage.check_claims(key, checked)
    if missing:
        pytest.fail(
            f"docs/accessibility-coverage.md says {key} checks {', '.join(missing)}, which it no longer "
            "reached: run the browser tests with UPDATE_ACCESSIBILITY_COVERAGE=1 (tests/browser/coverage.py)",
            pytrace=False,
        )


@pytest.fixture
def new_page(browser, axe, live_server, request):
    """Opens audited pages, each in a browser context of its own (a separate person)."""
    from axe_playwright_python.base import AXE_SCRIPT

    contexts = []
    pages = []

    def open_page() -> AuditedPage:
        context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/Zurich")
        context.set_default_timeout(10_000)
        contexts.append(context)
        audited = AuditedPage(context.new_page(), axe, live_server)
        context.expose_binding("__reportCspViolation", lambda _source, violation: audited.report_csp(violation))
        context.add_init_script(CSP_LISTENER)
        context.add_init_script(AXE_SCRIPT)
        pages.append(audited)
        return audited

    try:
        yield open_page
        unchecked = [url for audited in pages for url in audited.unchecked_loads]
        if unchecked:
            pytest.fail(
                "pages loaded without an accessibility and CSP check (use page.goto/follow/submit "
                f"or call page.audit()): {unchecked}",
                pytrace=False,
            )
        for audited in pages:
            audited.check_csp()
        _check_coverage(request, live_server, pages)
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def page(new_page):
    return new_page()
