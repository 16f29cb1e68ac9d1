"""Several servers, proven: two real app servers (gunicorn, each on its own port and with its own
upload folder on "its" disk) on one PostgreSQL, one Redis and one S3 endpoint (moto's server).

A person logs in through server A and uploads a paper there; the same session downloads it through
server B, byte for byte (it lives in the bucket, not on A's disk). Failed log-ins are counted in
Redis across both: the limit is reached by the total, whichever server each attempt went to. Then
both servers' periodic job rounds (``flask registrations tick`` with each one's settings) run at
once: each person due a mail gets one, and a file nothing refers to is deleted by one of them.

Runs wherever PostgreSQL and Redis are required (CI: REQUIRE_POSTGRES=1, REQUIRE_REDIS=1).
"""

from __future__ import annotations

import collections
import http.cookiejar
import io
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from conference.cfp.models import Submission
from conference.core import files
from conference.core.types import utcnow

from .. import factories
from ..cfp.builders import PDF, make_open_call
from ..conftest import REDIS_URL, TEST_SECRET_KEY, free_port, redis_or_skip
from ..s3 import BUCKET
from .test_periodic_jobs_once import COUNT, TICK_KEYS, everything_due, last_mail_id, mails_after

pytestmark = pytest.mark.servers

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LOGIN_LIMIT = 10  # RATELIMIT_LOGIN's first limit, "10 per minute"


class Browser:
    """One person's cookies, sent to whichever server they reach (as behind a load balancer)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, url: str, data: bytes | None = None, content_type: str | None = None):
        request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type} if content_type else {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:  # 3xx, 4xx: an answer all the same
            with error:
                return error.code, error.read(), error.headers

    def csrf(self, url: str) -> str:
        status, body, _headers = self.request(url)
        assert status == 200, (url, status)
        return re.search(rb'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', body).group(1).decode()

    def post_form(self, url: str, fields: dict):
        token = self.csrf(url)
        return self.request(url, urllib.parse.urlencode(fields | {"csrf_token": token}).encode(),
                            "application/x-www-form-urlencoded")

    def post_multipart(self, url: str, fields: dict):
        token = self.csrf(url)
        data = MultiDict({"csrf_token": token})
        for key, value in fields.items():
            data.add(key, FileStorage(stream=value[0], filename=value[1]) if isinstance(value, tuple) else value)
        boundary, body = encode_multipart(data)
        return self.request(url, body, f'multipart/form-data; boundary="{boundary}"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def settings(database_url: str, s3_server, prefix: str, folder: Path) -> dict:
    """One server's environment: the shared database, Redis, bucket; its own upload folder."""
    s3 = {key: str(value).lower() if isinstance(value, bool) else value
          for key, value in s3_server.settings(prefix).items()}
    return {"APP_ENV": "testing", "SECRET_KEY": TEST_SECRET_KEY, "DATABASE_URL": database_url,
            "BASE_URL": "http://conference.test", "REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix,
            # An SMTP server that is never reached: mail stays queued (no delivery after requests).
            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(free_port()), "UPLOAD_FOLDER": str(folder),
            "UPLOAD_COLLECT_AFTER_HOURS": "0", "WEB_PROCESSES": "2", **s3}


def environment(**changes: str) -> dict:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("AWS_", "S3_", "STORAGE_", "RATELIMIT_", "UPLOAD_")) and key != "FLASK_APP"}
    return env | {"PYTHONPATH": str(ROOT)} | changes


class Server:
    def __init__(self, env: dict):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{self.port}", "wsgi:app"], cwd=ROOT,
            env=environment(**env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                # gunicorn listens before its worker has loaded the app: the first answer waits for that.
                with urllib.request.urlopen(self.url + "/auth/login", timeout=60) as response:
                    assert response.status == 200
                    return
            except OSError:  # not listening yet (URLError is one)
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise AssertionError(f"the server did not start: {self.process.stderr.read()}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stderr.close()


@pytest.fixture
def two_servers(request, app, database_url, s3_server, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("several servers share one PostgreSQL (a SQLite database is one server's file)")
    request.getfixturevalue("postgres_db")
    redis = redis_or_skip()
    prefix = f"servers-{uuid.uuid4().hex[:8]}/"
    envs = [settings(database_url, s3_server, prefix, tmp_path / name) for name in ("a", "b")]
    servers = [Server(env) for env in envs]
    try:
        for server in servers:
            server.wait()
        yield servers, envs, prefix
    finally:
        for server in servers:
            server.stop()
        for key in redis.scan_iter(match=f"{prefix}*"):
            redis.delete(key)


def tick(env: dict) -> subprocess.Popen:
    return subprocess.Popen([str(BIN / "flask"), "--app", "conference", "registrations", "tick"], cwd=ROOT,
                            env=environment(**env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_servers_share_files_sessions_rate_limits_and_periodic_jobs(two_servers, postgres_db, s3_server):
    (a, b), envs, prefix = two_servers
    call = make_open_call()
    ada = factories.make_user(email="ada@example.org", name="Ada Author")
    postgres_db.session.commit()

    # Log in and upload through A; download through B, with the same session.
    person = Browser()
    status, _body, headers = person.post_form(a.url + "/auth/login", {"email": ada.email,
                                                                      "password": factories.DEFAULT_PASSWORD})
    assert status == 302, _body
    status, body, headers = person.post_multipart(a.url + "/events/ews/submissions/new", {
        "title": "Flood warnings that work", "abstract": "We show how flood warnings reach people in time.",
        "type_id": str(call.paper.id), "track_id": str(call.track.id), "keywords": "floods", "form_nonce": "n-1",
        "action": "submit", "paper": (io.BytesIO(PDF), "Flood paper.pdf")})
    assert status == 302, body
    postgres_db.session.expire_all()
    submission = postgres_db.session.scalar(sa.select(Submission))
    [stored] = submission.files
    path = f"/events/ews/submissions/{submission.code}/files/{stored.id}"
    status, body, headers = person.request(b.url + path)
    assert status == 200 and body == PDF
    assert headers["Content-Disposition"] == "attachment; filename=\"Flood paper.pdf\""
    assert s3_server.keys(prefix) == [files.blob_key(stored.sha256)]  # in the bucket
    assert [p for p in (Path(envs[0]["UPLOAD_FOLDER"])).rglob("*") if p.is_file()] == []  # not on A's disk
    stranger = Browser()
    assert stranger.request(b.url + path)[0] == 302  # to the log-in page: B checks as A would

    # Failed log-ins: the account's limit counts the failures on both servers together (Ada's
    # successful log-in above does not count), so the attempt after LOGIN_LIMIT failures is
    # refused by whichever server gets it.
    guesser = Browser()
    answers = []
    for attempt in range(1, LOGIN_LIMIT + 3):
        server = (a, b)[attempt % 2]
        answers.append((server is a, guesser.post_form(server.url + "/auth/login", {
            "email": ada.email, "password": f"guess {attempt}"})[0]))
    assert answers[:LOGIN_LIMIT] == [(attempt % 2 == 0, 200) for attempt in range(1, LOGIN_LIMIT + 1)]
    assert answers[LOGIN_LIMIT:] == [(False, 429), (True, 429)]

    # Both servers' periodic rounds at once: one mail per person, the orphan deleted once.
    # A file nothing refers to, older than the servers' grace of 0 hours by the time the rounds
    # start (S3 keeps times to the second; the work below and each round's start take longer).
    s3_server.client().put_object(Bucket=BUCKET, Key=prefix + files.blob_key("f" * 64), Body=b"nobody's")
    due = everything_due(utcnow())
    postgres_db.session.commit()
    first_mail = last_mail_id()
    postgres_db.session.commit()
    ticks = [tick(env) for env in envs]
    outputs = [one.communicate(timeout=120) for one in ticks]
    assert [one.returncode for one in ticks] == [0, 0], [err for _out, err in outputs]
    sent = mails_after(first_mail)
    assert set(sent) == due["mails"] and set(sent.values()) == {1}, sent
    totals = collections.Counter()
    for out, _err in outputs:
        counts_line = out.splitlines()[0]
        totals.update({TICK_KEYS[label]: int(value) for label, value in COUNT.findall(counts_line)
                       if value != "skipped"})
    assert {key: totals[key] for key in due["counts"]} == due["counts"]
    assert totals["files_collected"] == 1
    assert s3_server.keys(prefix) == [files.blob_key(stored.sha256)]
