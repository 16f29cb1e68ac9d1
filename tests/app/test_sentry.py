"""Error reports: nothing without SENTRY_DSN; with one, an exception in a view reaches the Sentry
server (here a real HTTP server on loopback that keeps what it receives) tagged with the request
id, and without the user's email or cookies."""

from __future__ import annotations

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk

from conference import create_app
from conference.core import jobs
from conference.extensions import db as _db

from .. import factories
from ..conftest import make_test_config


class Envelopes(ThreadingHTTPServer):
    """Sentry's ingestion endpoint, reduced to keeping the bodies of what is posted to it."""

    def __init__(self):
        self.bodies: list[bytes] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(handler):  # noqa: N805
                body = handler.rfile.read(int(handler.headers["Content-Length"]))
                if handler.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                self.bodies.append(body)
                handler.send_response(200)
                handler.end_headers()
                handler.wfile.write(b"{}")

            def log_message(handler, *_args):  # noqa: N805
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    def events(self) -> list[dict]:
        """The error events of the envelopes received (an envelope is JSON lines: a header, then
        item headers each followed by the item)."""
        found = []
        for body in self.bodies:
            lines = body.split(b"\n")
            for header, item in zip(lines[1::2], lines[2::2], strict=False):
                if json.loads(header).get("type") == "event":
                    found.append(json.loads(item))
        return found


@pytest.fixture
def sentry_server():
    server = Envelopes()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        # The SDK is the process's: stop it, and leave the next tests no client, as before.
        sentry_sdk.get_client().close()
        sentry_sdk.get_global_scope().set_client(None)
        server.shutdown()
        server.server_close()


def test_without_a_dsn_nothing_is_initialised(tmp_path):
    create_app(make_test_config("sqlite:///" + str(tmp_path / "s.sqlite"), tmp_path))
    assert not sentry_sdk.get_client().is_active()


def test_an_error_in_a_view_is_reported_with_the_request_id_and_nothing_personal(
        committed_db, database_url, tmp_path, sentry_server):
    user = factories.make_user(email="private.person@example.org")
    committed_db.session.commit()
    dsn = f"http://publickey@127.0.0.1:{sentry_server.server_address[1]}/1"
    app = create_app(make_test_config(database_url, tmp_path) | {"SENTRY_DSN": dsn, "SENTRY_ENVIRONMENT": "ci",
                                                          "PROPAGATE_EXCEPTIONS": False})  # a 500 page, as in production
    assert sentry_sdk.get_client().is_active()

    @app.get("/boom/<token>")
    def boom(token):
        raise RuntimeError("the view broke")

    try:
        check_report(app, user, sentry_server)
    finally:
        with app.app_context():
            _db.engine.dispose()


def test_a_failing_periodic_job_is_reported_with_its_round(committed_db, database_url, tmp_path, sentry_server,
                                                          monkeypatch):
    dsn = f"http://publickey@127.0.0.1:{sentry_server.server_address[1]}/1"
    app = create_app(make_test_config(database_url, tmp_path) | {"SENTRY_DSN": dsn})

    def broken(*, now):
        raise LookupError("the job broke")

    monkeypatch.setitem(jobs.JOBS, "broken_test_job", broken)
    try:
        with app.app_context(), pytest.raises(LookupError):
            jobs.run_round()
        sentry_sdk.flush(timeout=10)
    finally:
        with app.app_context():
            _db.engine.dispose()
    [event] = sentry_server.events()
    assert event["logentry"]["message"] == "Periodic job %s failed"
    assert event["exception"]["values"][-1]["type"] == "LookupError"
    assert len(event["tags"]["job_round"]) == 32 and "request_id" not in event["tags"]


def check_report(app, user, sentry_server):
    client = app.test_client()
    assert client.post("/auth/login", data={"email": user.email, "password": factories.DEFAULT_PASSWORD}
                       ).status_code == 302
    cookie = client.get_cookie("session").value
    response = client.get("/boom/secret-token-123?code=also-secret", headers={"X-Request-ID": "req-from-nginx-0042"})
    assert response.status_code == 500
    sentry_sdk.flush(timeout=10)

    [event] = sentry_server.events()
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["exception"]["values"][-1]["value"] == "the view broke"
    assert event["tags"]["request_id"] == "req-from-nginx-0042"
    assert event["environment"] == "ci"
    assert event["request"]["url"] == "http://conference.test/boom/<token>"
    raw = b"".join(sentry_server.bodies).decode()
    for secret in ("private.person@example.org", cookie, "secret-token-123", "also-secret",
                   factories.DEFAULT_PASSWORD):
        assert secret not in raw
    assert "email" not in event.get("user", {})
