"""Registrations under load: gunicorn with 4 workers on PostgreSQL, 50 concurrent clients
sending 500 registrations through the real registration form for 200 places.

    .venv/bin/python bench/registration.py [--database-url postgresql://postgres@127.0.0.1:5432/test]
                                           [--registrations 500] [--clients 50] [--places 200] [--workers 4]

It builds a scratch schema with the migrations, an event with one open form and one category
of ``--places`` places, starts gunicorn on a free port, and lets each client (its own cookie jar,
so its own session and CSRF token) open the form and post registrations one after the other.
It prints requests per second, the median and 95th-percentile latency of the posts, and the
final counts, which must be exactly ``places`` confirmed, the rest wait-listed in order, and no
address twice; it exits non-zero otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SECRET = "bench-secret-key-that-is-long-enough-0123456789"


class FormFields(HTMLParser):
    """The registration form's inputs: hidden values, text fields, radio and checkbox names."""

    def __init__(self):
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.radios: dict[str, list[str]] = {}
        self.checkboxes: list[str] = []
        self.action: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post" and self.action is None:
            self.action = attrs.get("action") or ""
        if tag != "input":
            return
        kind, name = attrs.get("type", "text"), attrs.get("name")
        if not name:
            return
        if kind == "hidden":
            self.hidden[name] = attrs.get("value") or ""
        elif kind == "radio":
            self.radios.setdefault(name, []).append(attrs.get("value") or "")
        elif kind == "checkbox":
            self.checkboxes.append(name)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(url: str, places: int) -> str:
    """Migrate the scratch schema and create the event; return its slug."""
    from flask_migrate import upgrade

    from conference import create_app
    from conference.accounts.users import create_user
    from conference.events.enums import EventFormat, EventKind
    from conference.events.setup import create_event, publish_event
    from conference.extensions import db
    from conference.registration.models import ParticipantCategory, RegistrationForm
    from conference.registration.places import ensure_registration_settings

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "APP_ENV": "testing",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        upgrade()
        organiser = create_user(email="organiser@example.org", name="Organiser", password="x" * 12, verified=True)
        organiser.may_create_events = True
        today = dt.date.today()
        event = create_event(actor=organiser, slug="rush", kind=EventKind.SYMPOSIUM, title="Rush Symposium",
                             start_date=today + dt.timedelta(days=60), end_date=today + dt.timedelta(days=61),
                             timezone="UTC", format=EventFormat.VIRTUAL, venue="", online_details="Video link",
                             contact_email="rush@example.org", description="")
        publish_event(event, actor=organiser)
        ensure_registration_settings(event)
        now = dt.datetime.now(dt.UTC)
        form = RegistrationForm(event_id=event.id, title="Everyone", opens_at=now - dt.timedelta(days=1),
                                closes_at=now + dt.timedelta(days=30))
        db.session.add(form)
        db.session.flush()
        db.session.add(ParticipantCategory(event_id=event.id, form_id=form.id, name="Participant",
                                           capacity_online=places))
        db.session.commit()
        db.engine.dispose()
    return "rush"


class PlainHttpPolicy(http.cookiejar.DefaultCookiePolicy):
    """The app runs in production mode, whose cookies are Secure (TLS ends at a proxy in front
    of gunicorn); here, on plain loopback HTTP, the client sends them back all the same."""

    def return_ok_secure(self, cookie, request):
        return True


def client_run(base: str, slug: str, numbers: list[int], latencies: list[float], failures: list[str]) -> None:
    jar = http.cookiejar.CookieJar(policy=PlainHttpPolicy())
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar),
                                         NoRedirect())
    for n in numbers:
        try:
            page = opener.open(f"{base}/events/{slug}/register", timeout=60).read().decode()
            fields = FormFields()
            fields.feed(page)
            data = dict(fields.hidden)
            for name in fields.radios:
                data[name] = fields.radios[name][0]
            for name in fields.checkboxes:
                if "consent" in name or "privacy" in name:
                    data[name] = "y"
            data.update({"name": f"Bench Person {n}", "email": f"bench{n}@example.org",
                         "affiliation": "Bench Agency"})
            body = urllib.parse.urlencode(data).encode()
            action = urllib.parse.urljoin(f"{base}/events/{slug}/register", fields.action or "")
            started = time.perf_counter()
            try:
                response = opener.open(urllib.request.Request(action, data=body), timeout=60)
                status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            latencies.append(time.perf_counter() - started)
            if status not in (302, 303):
                failures.append(f"registration {n}: HTTP {status}")
        except Exception as error:  # counted, not fatal: the counts below tell the story
            failures.append(f"registration {n}: {error!r}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL",
                                                                 "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--registrations", type=int, default=500)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--places", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)

    import sqlalchemy as sa
    from outbox import ScratchDatabase

    with ScratchDatabase(args.database_url) as url:
        slug = prepare(url, args.places)
        port = free_port()
        # MAIL_SERVER only because production requires one: no worker runs, nothing is sent.
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET, "APP_ENV": "production",
               "RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_ENABLED": "false",
               "BASE_URL": f"http://127.0.0.1:{port}", "MAIL_SERVER": "127.0.0.1"}
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
             "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/", timeout=2)
                    break
                except OSError:
                    time.sleep(0.1)
            latencies, failures = [], []
            numbers = list(range(args.registrations))
            shares = [numbers[i::args.clients] for i in range(args.clients)]
            started = time.perf_counter()
            threads = [threading.Thread(target=client_run, args=(base, slug, share, latencies, failures))
                       for share in shares]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            seconds = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(30)

        engine = sa.create_engine(url)
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT state, count(*) FROM registration GROUP BY state")).all()
            distinct = conn.execute(sa.text("SELECT count(DISTINCT email), count(*) FROM registration")).one()
        engine.dispose()

    counts = dict(rows)
    requests = 2 * args.registrations  # a GET of the form and a POST each
    print(f"gunicorn: {args.workers} workers on PostgreSQL; {args.clients} clients; {args.registrations} "
          f"registrations for {args.places} places")
    print(f"time: {seconds:.2f} s; {requests / seconds:.0f} requests per second "
          f"({args.registrations / seconds:.0f} registrations per second)")
    if latencies:
        ordered = sorted(latencies)
        p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
        print(f"registration POST latency: median {statistics.median(ordered) * 1000:.0f} ms, "
              f"95th percentile {p95 * 1000:.0f} ms")
    print(f"final counts: {counts}; distinct addresses {distinct[0]} of {distinct[1]} rows; "
          f"{len(failures)} failed requests")
    for failure in failures[:5]:
        print("  " + failure)
    expected = {"confirmed": args.places, "waitlisted": args.registrations - args.places}
    ok = counts == expected and distinct[0] == distinct[1] == args.registrations and not failures
    print("counts exact" if ok else "COUNTS WRONG")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
