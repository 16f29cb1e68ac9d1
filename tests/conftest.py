"""Test fixtures.

Every test that uses the database runs twice: on SQLite, and on PostgreSQL when
``TEST_DATABASE_URL`` is set (the ``database_url`` fixture is parametrised). Each backend
gets a scratch database built by the real migrations.

* ``db``: an app context whose work is rolled back after the test. The session is bound to
  one connection inside an outer transaction; the app's own commits (views, domain callers,
  the worker) become SAVEPOINT releases, so everything stays visible within the test and
  vanishes after it.
* ``committed_db``: for tests that need other connections, threads or processes to see the
  data (concurrent workers, the live server of browser tests). It commits for real and
  empties every table afterwards.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import threading
import uuid

import psycopg
import pytest
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from conference import create_app

# Each area registers its mail templates from its own mail.py, which create_app imports; tests
# that read the registry at collection time need them before any app exists.
from conference.accounts import mail as _accounts_mail  # noqa: F401
from conference.agenda import mail as _agenda_mail  # noqa: F401
from conference.cfp import mail as _cfp_mail  # noqa: F401
from conference.delegations import mail as _delegations_mail  # noqa: F401
from conference.events import mail as _events_mail  # noqa: F401
from conference.extensions import db as _db
from conference.extensions import limiter
from conference.group_mail import mail as _group_mail  # noqa: F401
from conference.registration import mail as _registration_mail  # noqa: F401
from conference.review import mail as _review_mail  # noqa: F401

from . import factories
from .races import RACE_SKIP
from .s3 import S3Server

TEST_SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"


def postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return None
    from conference.config import normalise_database_url

    return normalise_database_url(url)


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_or_skip():
    """A client of the test Redis (database 15 unless TEST_REDIS_URL says otherwise); skips when
    it does not answer, except where CI demands it (REQUIRE_REDIS=1), where that is a failure."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        reason = f"Redis is not reachable at {REDIS_URL} (set TEST_REDIS_URL)"
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(reason + " (REQUIRE_REDIS=1 forbids skipping)", pytrace=False)
        pytest.skip(reason)
    return client


def require_postgres_reason() -> str:
    return "PostgreSQL tests need TEST_DATABASE_URL, e.g. postgresql://postgres@127.0.0.1:5432/test"


def skip_or_fail_without_postgres() -> None:
    """Skip the PostgreSQL half of the suite, unless CI demands it (REQUIRE_POSTGRES=1)."""
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        pytest.fail(require_postgres_reason() + " (REQUIRE_POSTGRES=1 forbids skipping)", pytrace=False)
    pytest.skip(require_postgres_reason())


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        yield "sqlite:///" + str(tmp_path_factory.mktemp("sqlite") / "test.sqlite")
        return
    base = postgres_url()
    if base is None:
        skip_or_fail_without_postgres()
    schema = f"pytest_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with scratch_schema(base, schema) as url:
        yield url


class scratch_schema:
    """A PostgreSQL schema of our own inside the given database, dropped afterwards."""

    def __init__(self, base_url: str, schema: str):
        self.base_url = base_url
        self.schema = schema

    def _conninfo(self) -> str:
        url = make_url(self.base_url).set(drivername="postgresql")
        return url.render_as_string(hide_password=False)

    def __enter__(self) -> str:
        with psycopg.connect(self._conninfo(), autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{self.schema}"')
        url = make_url(self.base_url).update_query_dict({"options": f"-csearch_path={self.schema}"})
        return url.render_as_string(hide_password=False)

    def __exit__(self, *exc_info):
        with psycopg.connect(self._conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')


def make_test_config(database_url: str, tmp_path) -> dict:
    return {
        "TESTING": True,
        "APP_ENV": "testing",
        "SECRET_KEY": TEST_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": database_url,
        # Forms are tested without tokens; test_security proves every POST route demands one.
        "WTF_CSRF_ENABLED": False,
        # A fast hash keeps the suite quick; production uses scrypt (see config.py).
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "MAIL_DIRECTORY": str(tmp_path / "mail"),
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "MAIL_DEFAULT_SENDER": "Conference <noreply@conference.test>",
        "MAIL_TIMEOUT": 5,
        "OUTBOX_SEND_AFTER_REQUEST": False,
        "OUTBOX_RETRY_BASE_SECONDS": 60,
        "BASE_URL": "http://conference.test",
        "RATELIMIT_STORAGE_URI": "memory://",
        # pytest keeps the log; the app's own handler is tested in tests/app/test_logging.py.
        "LOG_TO_STDERR": False,
    }


class FreshContextClient(FlaskClient):
    """Each request (and each redirect it follows) runs in an app context of its own, with its
    own ``g`` and database session, as in production. Otherwise Flask reuses the test's app
    context, and Flask-Login's user cached on ``g`` leaks from one client to the next."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    from flask_migrate import upgrade

    app = create_app(make_test_config(database_url, tmp_path_factory.mktemp("instance")))
    app.test_client_class = FreshContextClient
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture
def fresh_translations():
    """Flask-Babel keeps the catalogues it loaded per language for the whole process, whatever the
    app (one domain for all): a test that adds a language from a folder of its own starts and ends
    with none loaded, so another test's catalogue of that language is not the one it reads."""
    from conference.extensions import babel

    babel.domain_instance.cache.clear()
    yield
    babel.domain_instance.cache.clear()


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request):
    # Rate limiting stays on in tests; each test starts with empty counters.
    yield
    if "app" in request.fixturenames:
        with contextlib.suppress(Exception):
            limiter.reset()


@pytest.fixture
def db(app):
    """An app context whose database work is rolled back after the test."""
    with app.app_context():
        engine = _db.engine
        connection = engine.connect()
        outer = connection.begin()
        engines = _db._app_engines[app]
        engines[None] = connection
        _db.session.remove()
        _db.session.configure(join_transaction_mode="create_savepoint")
        try:
            yield _db
        finally:
            _db.session.remove()
            engines[None] = engine
            outer.rollback()
            connection.close()


@pytest.fixture
def committed_db(app):
    """An app context that commits for real; every table is emptied afterwards."""
    with app.app_context():
        _db.session.remove()
        try:
            yield _db
        finally:
            _db.session.remove()
            with _db.engine.begin() as conn:
                for table in reversed(_db.metadata.sorted_tables):
                    conn.execute(table.delete())


@pytest.fixture
def postgres_db(database_url, request):
    """``committed_db`` on PostgreSQL, skipped on SQLite: for races and concurrent workers, which need two
    connections writing at once."""
    if not database_url.startswith("postgresql"):
        pytest.skip(RACE_SKIP)
    return request.getfixturevalue("committed_db")


# Upload storage: every test of storing and downloading runs on both back-ends ------------------

@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server, a subprocess on a free loopback port, with the tests' bucket."""
    server = S3Server(free_port()).start()
    yield server
    server.stop()


class StoreUnderTest:
    """The store a test's uploads go to, looked into without the app's storage code: the folder
    on disk, or the bucket through the S3 server's own client."""

    def __init__(self, backend: str, folder, server: S3Server | None = None, prefix: str = ""):
        self.backend, self.folder, self.server, self.prefix = backend, folder, server, prefix

    def keys(self) -> list[str]:
        if self.server is not None:
            return self.server.keys(self.prefix)
        if not self.folder.is_dir():
            return []
        return sorted(str(p.relative_to(self.folder)) for p in self.folder.glob("*/*") if p.is_file())

    def read(self, key: str) -> bytes:
        if self.server is not None:
            from .s3 import BUCKET

            return self.server.client().get_object(Bucket=BUCKET, Key=self.prefix + key)["Body"].read()
        return (self.folder / key).read_bytes()

    def __repr__(self) -> str:
        return self.backend


@pytest.fixture(params=["local", "s3"])
def store(request, app, tmp_path, monkeypatch):
    """The test's uploads go to an empty store of its own, on each back-end: a new UPLOAD_FOLDER,
    and with S3 a new prefix in the S3 server's bucket (UPLOAD_FOLDER then holds only the spool)."""
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    if request.param == "local":
        return StoreUnderTest("local", folder)
    server = request.getfixturevalue("s3_server")
    prefix = f"{uuid.uuid4().hex[:12]}/"
    for key, value in server.settings(prefix).items():
        monkeypatch.setitem(app.config, key, value)
    return StoreUnderTest("s3", folder, server, prefix)


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


def reader(app, language: str):
    """A visitor's client that chose ``language`` with the switcher (its cookie)."""
    client = app.test_client()
    client.set_cookie("language", language)
    return client


def login(client, user, password: str = factories.DEFAULT_PASSWORD):
    response = client.post("/auth/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, "log-in failed"
    return client


@pytest.fixture
def organiser(db):
    return factories.make_user(name="Olga Organiser", may_create_events=True)


@pytest.fixture
def event(db, organiser):
    return factories.make_event(organiser=organiser)


@pytest.fixture
def organiser_client(app, event, organiser):
    return login(app.test_client(), organiser)


@pytest.fixture
def user_client(app, db):
    user = factories.make_user(name="Ursula User")
    client = login(app.test_client(), user)
    client.user = user
    return client


@pytest.fixture
def admin_client(app, db):
    admin = factories.make_user(name="Ada Admin", is_admin=True)
    client = login(app.test_client(), admin)
    client.user = admin
    return client


# Mail ----------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPSink:
    """A real SMTP server (aiosmtpd) on loopback that keeps what it receives.

    ``refuse`` maps a recipient address to an SMTP reply (e.g. "550 5.1.1 No such user")
    that the server gives instead of accepting mail for it.
    """

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list[dict] = []
        self.refuse: dict[str, str] = {}
        self._lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, ready_timeout=10)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.refuse.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "message": parsed,
                                  "raw": envelope.content})
        return "250 Message accepted for delivery"

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()


@pytest.fixture
def smtp_server(app):
    sink = SMTPSink().start()
    saved = {k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port, MAIL_USE_TLS=False, MAIL_USE_SSL=False)
    try:
        yield sink
    finally:
        app.config.update(saved)
        sink.stop()


def message_text(message) -> str:
    """The plain-text part of an email.message.EmailMessage."""
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def first_link(text: str) -> str:
    match = re.search(r"https?://\S+", text)
    assert match, f"no link in: {text!r}"
    return match.group(0)
