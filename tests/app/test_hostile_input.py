"""No bad input gives a 500: a walk over every route of the URL map.

The demo's two events (a call with submissions, review, registrations, delegations and a released
agenda) give real ids and tokens. A crawl from the home page, as an organiser (who is also a site
administrator, to reach every page) and as an anonymous visitor, finds a real address for each
rule and the forms of each page. Then, per rule, as both: every path parameter in turn holds a
hostile value (integers beyond 32 and 64 bits, NUL, invalid UTF-8, overlong text), the real
addresses get hostile query strings, and every form found for the rule is sent with one field at a
time made hostile (NUL, 10**20, the years 1 and 9999). No response may be a 500; a
failure names the rule, the request and the traceback.

The walk runs in one transaction per module (the demo loads once); each rule's requests are
rolled back to a savepoint, so what one rule's requests change never reaches the next.
"""

from __future__ import annotations

import collections
import datetime as dt
import pathlib
import re
import tempfile

import pytest
import sqlalchemy as sa
from werkzeug.routing import IntegerConverter

from conference import create_app
from conference.accounts import users as accounts
from conference.accounts.models import User
from conference.agenda import exports as agenda_exports
from conference.cfp import submissions as submission_ops
from conference.cfp.models import Submission, SubmissionAuthor, SubmissionFile
from conference.core.bounds import MAX_EVENT_DAYS
from conference.core.tokens import make_token
from conference.demo import DEMO_PASSWORD
from conference.events import team
from conference.events.enums import TeamRole
from conference.events.models import Event, TeamInvitation
from conference.extensions import db as _db
from conference.extensions import limiter
from conference.mail import opt_outs
from conference.mail.models import OutboxMessage
from conference.registration import registrations as registration_ops
from conference.registration.models import Registration, RegistrationInvitation
from conference.review import assignment

from ..conftest import make_test_config
from .hostile_walk import (
    HOSTILE_INTS,
    HOSTILE_STRINGS,
    HUGE,
    NUL_TEXT,
    QUERY_NAMES,
    QUERY_VALUES,
    Walker,
    load_demo_repeatably,
    read_page,
    same_site_path,
)


def _endpoints() -> list[str]:
    """The rules' endpoints, read at collection time from an app that opens no database."""
    app = create_app(make_test_config("sqlite://", pathlib.Path(tempfile.gettempdir())))
    return sorted({rule.endpoint for rule in app.url_map.iter_rules()})


ENDPOINTS = _endpoints()
URLS_PER_RULE = 2
# Rules no request of the walk can reach with real values, and why.
UNREACHABLE: dict[str, str] = {}


class World:
    """What the module's requests share: the rules, real addresses, forms and logged-in cookies."""

    def __init__(self, app, connection):
        self.app = app
        self.connection = connection
        self.adapter = app.url_map.bind("localhost")
        self.rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
        self.urls: dict[str, list[str]] = collections.defaultdict(list)
        self.forms: dict[tuple[str, str], list] = collections.defaultdict(list)  # (who, endpoint) -> forms
        self.values: dict[str, str] = {}  # parameter -> a real value seen
        self.cookies: dict[str, str | None] = {"anonymous": None}
        self.walker = Walker(app)
        self.field_names: set[str] = set()

    def client(self, who: str):
        client = self.app.test_client()
        if self.cookies[who]:
            client.set_cookie("session", self.cookies[who])
        return client

    def endpoint_of(self, path: str, method: str = "GET") -> tuple[str, dict] | None:
        try:
            return self.adapter.match(path.split("?")[0], method)
        except Exception:
            return None

    def note_url(self, path: str, method: str = "GET") -> str | None:
        match = self.endpoint_of(path, method)
        if match is None:
            return None
        endpoint, values = match
        for name, value in values.items():
            self.values.setdefault(name, str(value))
        known = self.urls[endpoint]
        if path not in known and len(known) < URLS_PER_RULE:
            known.append(path)
        return endpoint

    def crawl(self, who: str, seeds: list[str], limit: int = 600) -> None:
        """Breadth first through the site's links, at most URLS_PER_RULE pages per rule."""
        client = self.client(who)
        queue, seen, fetched = collections.deque(seeds), set(), collections.Counter()
        while queue and sum(fetched.values()) < limit:
            path = queue.popleft()
            if path in seen:
                continue
            seen.add(path)
            endpoint = self.note_url(path)
            if endpoint is None or fetched[endpoint] >= URLS_PER_RULE:
                continue
            fetched[endpoint] += 1
            status, body = self.walker.send(client, who, "GET", path, real=True, what="crawl")
            if status != 200 or not body.lstrip()[:15].lower().startswith(b"<!doctype html"):
                continue
            page = read_page(body.decode())
            queue.extend(p for p in map(same_site_path, page.links) if p)
            self._note_forms(who, path, page)

    def guess_missing_urls(self) -> list[str]:
        """For rules no link led to (a JSON address fetched by script, a page only some roles are
        linked to), an address made of parameter values seen elsewhere, when all are known."""
        guessed = []
        for endpoint, rule in self.rules.items():
            if not self.urls.get(endpoint) and all(name in self.values for name in rule.arguments):
                methods = rule.methods - {"HEAD", "OPTIONS"}
                guessed.append(self.adapter.build(endpoint, {n: self.values[n] for n in rule.arguments}))
                self.note_url(guessed[-1], "GET" if "GET" in methods else "POST")
        return guessed

    def _note_forms(self, who: str, page_path: str, page) -> None:
        for form in page.forms:
            action = same_site_path(form.action) if form.action else page_path
            if not action:
                continue
            if form.method == "get":
                self.note_url(action)
                self.field_names.update(f.name for f in form.fields if f.name)
                continue
            endpoint = self.note_url(action, "POST")
            if endpoint is None:
                continue
            form.action = action
            self.field_names.update(f.name for f in form.fields if f.name)
            kept = self.forms[(who, endpoint)]
            if len(kept) < URLS_PER_RULE and all(k.action != action or _names(k) != _names(form) for k in kept):
                kept.append(form)


def _names(form) -> list[str]:
    return sorted(f.name for f in form.fields)


def _mailed_link(pattern: str) -> str:
    body = _db.session.scalars(sa.select(OutboxMessage.body_text).order_by(OutboxMessage.id.desc())).first()
    match = re.search(pattern, body or "")
    assert match, f"no link {pattern} in the last mail"
    return match.group(0)


def _token_urls(world: World) -> list[str]:
    """Addresses that only mail gives (signed links and secret tokens) or that only a POST leads to
    (an assignment proposal), made by the domain."""
    session = _db.session
    organiser = session.scalar(sa.select(User).where(User.email == "organiser@example.org"))
    conference = session.scalar(sa.select(Event).where(Event.slug == "icdd"))
    registration = session.scalars(sa.select(Registration).order_by(Registration.id)).first()
    invitation = session.scalars(sa.select(RegistrationInvitation).order_by(RegistrationInvitation.id)).first()
    author = session.scalars(sa.select(SubmissionAuthor).order_by(SubmissionAuthor.id)).first()
    team_invitation = session.scalars(sa.select(TeamInvitation).order_by(TeamInvitation.id)).first()
    if team_invitation is None:
        team_invitation = team.invite_member(conference, actor=organiser, email="invitee@example.net",
                                             role=TeamRole.REVIEWER)
    accounts.request_password_reset(email=organiser.email)
    reset = _mailed_link(r"/auth/reset/[^\s)>\]]+")
    build = world.adapter.build
    manage = registration_ops.manage_token(registration)
    proposal = assignment.propose(conference, actor=organiser)
    with_file = session.scalars(sa.select(Submission).join(SubmissionFile).order_by(Submission.id)).first()
    paths = [
        # First, so that the crawl's pages of these rules (two per rule) include a file to download.
        build("cfp_manage.show_submission", {"slug": conference.slug, "code": with_file.code}),
        build("review.show_submission", {"slug": conference.slug, "code": with_file.code}),
        reset,
        build("review.show_proposal", {"slug": conference.slug, "proposal_id": proposal.id}),
        build("auth.verify_email", {"token": make_token("verify-email", {"id": organiser.id, "email": organiser.email})}),
        build("events.show_invitation", {"token": team.invitation_token(team_invitation)}),
        build("cfp.accept_coauthorship", {"token": submission_ops.coauthor_token(author)}),
        build("registration.manage", {"token": manage}),
        build("registration.ticket", {"token": registration.ticket_token}),
        build("registration.ticket_qr", {"token": registration.ticket_token}),
        build("agenda.personal_ical", {"slug": conference.slug,
                                       "token": agenda_exports.personal_feed_token(conference, organiser)}),
        build("mail.unsubscribe", {"slug": conference.slug,
                                   "token": opt_outs.unsubscribe_token(conference, organiser.email, "announcements")}),
    ]
    if invitation is not None:
        paths.append(build("registration.register_invited", {"token": registration_ops.invitation_token(invitation)}))
    return paths


def _log_in(world: World, email: str) -> str:
    client = world.app.test_client()
    response = client.post("/auth/login", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, "log-in failed"
    return client.get_cookie("session").value


@pytest.fixture(scope="module")
def world(app):
    """The demo, loaded once in a transaction of the module's own, and the crawl's findings."""
    saved = app.config["PROPAGATE_EXCEPTIONS"], limiter.enabled
    app.config["PROPAGATE_EXCEPTIONS"] = False  # the real 500 page; the walker keeps the traceback
    limiter.enabled = False  # a 429 would hide what the form does
    with app.app_context():
        engine = _db.engine
        connection = engine.connect()
        outer = connection.begin()
        engines = _db._app_engines[app]
        engines[None] = connection
        _db.session.remove()
        _db.session.configure(join_transaction_mode="create_savepoint")
        try:
            load_demo_repeatably()
            organiser = _db.session.scalar(sa.select(User).where(User.email == "organiser@example.org"))
            organiser.is_admin = True
            _db.session.commit()
            world = World(app, connection)
            tokens = _token_urls(world)
            _db.session.commit()
            with world.walker:
                world.cookies["organiser"] = _log_in(world, "organiser@example.org")
                seeds = tokens + ["/static/app.css", "/static/bootstrap/css/bootstrap.min.css", "/", "/dashboard", "/events/new", "/my/submissions", "/admin/users",
                                  "/auth/profile", "/auth/password", "/auth/login", "/auth/signup", "/auth/reset"]
                world.crawl("organiser", seeds)
                known = [path for paths in list(world.urls.values()) for path in paths[:1]]
                world.crawl("anonymous", seeds + known)
                guessed = world.guess_missing_urls()
                world.crawl("organiser", guessed)
                world.crawl("anonymous", guessed)
            _db.session.remove()
            yield world
        finally:
            _db.session.remove()
            engines[None] = engine
            outer.rollback()
            connection.close()
            app.config["PROPAGATE_EXCEPTIONS"], limiter.enabled = saved


@pytest.fixture
def walk(world):
    """The world, with this test's requests rolled back afterwards."""
    savepoint = world.connection.begin_nested()
    failures_before = len(world.walker.failures)
    try:
        with world.walker:
            yield world
    finally:
        del world.walker.failures[failures_before:]
        savepoint.rollback()


def _hostile_paths(world: World, endpoint: str):
    """The rule's address with one parameter at a time replaced by a hostile value."""
    rule = world.rules[endpoint]
    for name, converter in rule._converters.items():
        sentinel = 918273645 if isinstance(converter, IntegerConverter) else "hostile-sentinel"
        values = {n: world.values.get(n, 1 if isinstance(c, IntegerConverter) else "x")
                  for n, c in rule._converters.items()}
        values[name] = sentinel
        try:
            built = world.adapter.build(endpoint, values)
        except Exception:
            continue
        for hostile in HOSTILE_INTS if isinstance(converter, IntegerConverter) else HOSTILE_STRINGS:
            yield built.replace(str(sentinel), hostile, 1)


def _guessed_path(world: World, endpoint: str) -> str:
    """The rule's address from values seen elsewhere, for a rule the crawl found no link to."""
    rule = world.rules[endpoint]
    return world.adapter.build(endpoint, {n: world.values.get(n, 1 if isinstance(c, IntegerConverter) else "x")
                                          for n, c in rule._converters.items()})


def _hostile_queries(world: World, path: str):
    from urllib.parse import urlencode

    names = QUERY_NAMES + sorted(n for n in world.field_names if n not in QUERY_NAMES and n != "csrf_token")
    for value in QUERY_VALUES:
        yield path.split("?")[0] + "?" + urlencode([(n, value) for n in names])


def _failures_for(world: World, endpoint: str) -> list:
    return [f for f in world.walker.failures if f.endpoint == endpoint]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_no_bad_input_gives_a_server_error(walk, endpoint):
    world, walker = walk, walk.walker
    rule = world.rules[endpoint]
    methods = rule.methods - {"HEAD", "OPTIONS"}
    crawl_failures = [f for f in walker.failures if f.endpoint == endpoint]
    start = len(walker.failures)
    for who in ("anonymous", "organiser"):
        client = world.client(who)
        for path in _hostile_paths(world, endpoint):
            walker.send(client, who, "GET" if "GET" in methods else "POST", path, what="hostile path")
        # The crawl requested the real addresses already (its failures are this rule's, above).
        for path in world.urls.get(endpoint, [])[:1] if "GET" in methods else []:
            for url in _hostile_queries(world, path):
                walker.send(client, who, "GET", url, what="hostile query")
        if "POST" in methods:
            forms = world.forms.get((who, endpoint), [])
            for path in world.urls.get(endpoint, [])[:1]:
                walker.send(client, who, "POST", path, data=[], real=True, what="no fields")
            for form in forms:
                walker.send(client, who, "POST", form.action, data=form.browser_data(), real=True, what="as rendered")
                for what, data in form.variants():
                    walker.send(client, who, "POST", form.action, data=data, what=what)
            if not forms:
                for path in world.urls.get(endpoint, [])[:1] or [_guessed_path(world, endpoint)]:
                    for value in (NUL_TEXT, HUGE):
                        data = [(name, value) for name in sorted(world.field_names) if name != "csrf_token"]
                        walker.send(client, who, "POST", path, data=data, what=f"every field={value!r}")
    failures = crawl_failures + walker.failures[start:]
    assert not failures, f"{len(failures)} server errors:\n\n" + "\n\n".join(map(str, failures[:5]))
    if endpoint not in UNREACHABLE:
        assert walker.reached.get(endpoint, set()) - {404}, \
            f"{endpoint} was never reached with real values (add it to UNREACHABLE with the reason)"


def test_the_walk_covers_every_rule(app):
    assert sorted({rule.endpoint for rule in app.url_map.iter_rules()}) == ENDPOINTS


def test_pages_of_an_event_stored_with_dates_at_the_calendars_ends(walk):
    """An event saved before dates were bounded (from 1 January of year 1 to 31 December 9999):
    none of its pages fails, the programme editor included, and its settings say what to fix."""
    world, walker = walk, walk.walker
    with world.app.app_context():
        _db.session.execute(sa.update(Event).where(Event.slug == "icdd").values(
            start_date=dt.date(1, 1, 1), end_date=dt.date(9999, 12, 31), timezone="Pacific/Kiritimati"))
        _db.session.commit()
    paths = [paths[0] for endpoint, paths in sorted(world.urls.items())
             if paths and paths[0].startswith("/events/icdd/") and "GET" in world.rules[endpoint].methods]
    assert "/events/icdd/manage/agenda" in paths and len(paths) > 60
    pages = {(who, path): walker.send(world.client(who), who, "GET", path)
             for who in ("organiser", "anonymous") for path in paths}
    assert not walker.failures, "\n\n".join(map(str, walker.failures[:5]))
    status, body = pages[("organiser", "/events/icdd/manage/agenda")]
    assert status == 200
    # Its first MAX_EVENT_DAYS days from the earliest accepted date, and the two days its sessions
    # are on, as day tabs; the grid of one of them at a time.
    page = body.decode()
    assert page.count('<a class="nav-link" href="/events/icdd/manage/agenda?day=1900-01-01">Jan 1, 1900 ') == 1
    assert page.count('<li class="nav-item"><a class="nav-link') == MAX_EVENT_DAYS + 2
    assert page.count("by room, in steps of 15 minutes</caption>") == 1

    settings = next(f for f in world.forms[("organiser", "events.edit_event")] if f.action == "/events/icdd/edit")
    data = [(k, v) for k, v in settings.browser_data() if k not in ("start_date", "end_date")]
    status, body = walker.send(world.client("organiser"), "organiser", "POST", settings.action,
                               data=data + [("start_date", "0001-01-01"), ("end_date", "9999-12-31")])
    assert status == 200
    for field in ("start_date", "end_date"):  # next to each date field
        assert re.search(f'<p class="invalid-feedback d-block" id="error-{field}"><span[^>]*>Error: </span>Enter a date from January 1, '
                         "1900 to December 31, 2199.</p>", body.decode())



# Forms that ask for personal data link the privacy notice -------------------------------------------

# A field named so (or ending so after its prefix, e.g. "invite-email") asks for personal data...
PERSONAL_FIELDS = {"email", "affiliation", "bio"}
# ...and so do these forms, whatever their fields are called: a submission (its authors and their
# work), a CSV of people to invite.
PERSONAL_FORMS = {"cfp.new_submission", "cfp.edit_submission", "registration.invite_csv"}


def _asks_for_personal_data(endpoint: str, form) -> bool:
    return endpoint in PERSONAL_FORMS or any(f.name.rsplit("-", 1)[-1] in PERSONAL_FIELDS for f in form.fields)


def test_every_form_that_asks_for_personal_data_links_the_privacy_notice(world):
    checked, missing = set(), []
    for (who, endpoint), forms in sorted(world.forms.items()):
        for form in forms:
            if _asks_for_personal_data(endpoint, form):
                checked.add(endpoint)
                if "/privacy" not in form.links:
                    missing.append(f"{who}: {endpoint} ({form.action})")
    assert not missing, "forms without a link to the privacy notice:\n" + "\n".join(missing)
    # The walk found them (a form it never reached would pass unchecked).
    assert {"auth.signup", "auth.edit_profile", "registration.register", "registration.register_invited",
            "registration.manage_answers", "registration.delegation_nominate", "registration.delegation_substitute",
            "registration.add_focal_point", "registration.invite", "cfp.new_submission", "cfp.add_author",
            "events.manage_team", "review.committee", "agenda.new_speaker"} <= checked


def test_every_page_of_the_walk_says_its_language(walk):
    """Every HTML page the walk found, in the language chosen (a visitor's switcher cookie, a
    French browser), names it in <html lang dir>: the page's text comes in it too."""
    world, walker = walk, walk.walker
    paths = [path for endpoint, found in sorted(world.urls.items()) if "GET" in world.rules[endpoint].methods
             for path in found[:1]]
    assert len(paths) > 100
    spanish, french = world.client("organiser"), world.client("anonymous")
    spanish.set_cookie("language", "es")
    french.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr-CH,fr;q=0.9,en;q=0.5"
    pages = 0
    for who, client, language in (("organiser", spanish, "es"), ("anonymous", french, "fr")):
        for path in paths:
            status, body = walker.send(client, who, "GET", path)
            if 300 <= status < 400 or not body.lstrip()[:15].lower().startswith(b"<!doctype html"):
                continue  # a redirect, a file, a feed
            pages += 1
            assert f'<html lang="{language}" dir="ltr">'.encode() in body[:200], f"{who} {path}: {body[:120]!r}"
            assert b"Skip to main content" not in body, f"{who} {path} is not translated"
    assert pages > 120 and not walker.failures, "\n\n".join(map(str, walker.failures[:5]))
