"""The agenda page, the speakers list, one talk's, speaker's and session's pages and the exports at 150, 600 and
1,500 talks (3 days, 12 rooms; built by the same code as ``flask demo --talks N``).

    .venv/bin/python bench/agenda.py [--database-url postgresql://...] [--talks 150 600 1500]
                                     [--repeat 15] [--workers 4] [--no-gunicorn]

For each size it prints the median time of the agenda page, the speakers list (whole and
searched), the pages of one talk, one speaker and one session (the middle talk's), and each export
(the whole feed, one talk's calendar, frab), cold (the export cache and the index of releases
emptied before each request) and warm, through the Flask test client; then the
same through gunicorn over HTTP (cold: the first request a fresh server answers for that URL;
warm: the median of the following ones). Target: under 100 ms cold for 600 talks.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SECRET = "bench-secret-key-that-is-long-enough-0123456789"
PATHS = {
    "agenda page": "/events/agenda-scale/agenda",
    "speakers": "/events/agenda-scale/agenda/speakers",
    "speakers?q=": "/events/agenda-scale/agenda/speakers?q=agency+7",
    "talk page": "/events/agenda-scale/agenda/items/{item_id}",
    "speaker page": "/events/agenda-scale/agenda/speakers/{speaker_id}",
    "session page": "/events/agenda-scale/agenda/sessions/{session_id}",
    "iCal": "/events/agenda-scale/agenda.ics",
    "talk iCal": "/events/agenda-scale/agenda/items/{item_id}.ics",
    "frab XML": "/events/agenda-scale/schedule.xml",
    "frab JSON": "/events/agenda-scale/schedule.json",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build(app, talks: int) -> dict[str, str]:
    """Build the programme; the paths to measure (one talk's calendar and pages: the middle talk's,
    its first speaker's and its session's)."""
    import sqlalchemy as sa

    from conference.accounts.users import create_user, find_user_by_email
    from conference.agenda.releases import latest_release
    from conference.demo.agenda_scale import SLUG, load_agenda_at_scale
    from conference.events.models import Event
    from conference.extensions import db

    with app.app_context():
        organiser = find_user_by_email("organiser@example.org") or create_user(
            email="organiser@example.org", name="Organiser", password="x" * 12, verified=True)
        organiser.may_create_events = True
        load_agenda_at_scale(talks, organiser=organiser)
        db.session.commit()
        items = latest_release(db.session.scalars(sa.select(Event).where(Event.slug == SLUG)).one()).snapshot["items"]
        item = items[len(items) // 2]
        ids = {"item_id": item["id"], "speaker_id": item["speaker_ids"][0],
               "session_id": int(item["session_uid"].removeprefix("session-"))}
    return {label: path.format(**ids) for label, path in PATHS.items()}


def through_test_client(app, paths: dict[str, str], repeat: int) -> dict[str, tuple[float, float]]:
    client = app.test_client()
    results = {}
    for label, path in paths.items():
        cold, warm = [], []
        for _ in range(repeat):
            app.extensions.pop("agenda_exports_cache", None)
            app.extensions.pop("agenda_release_cache", None)
            started = time.perf_counter()
            response = client.get(path)
            cold.append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(path)
            warm.append(time.perf_counter() - started)
        results[label] = (statistics.median(cold), statistics.median(warm))
    return results


def through_gunicorn(url: str, paths: dict[str, str], workers: int, repeat: int) -> dict[str, tuple[float, float]]:
    port = free_port()
    # Production runs on PostgreSQL only (it refuses SQLite); MAIL_SERVER only because production
    # requires one: public pages send nothing.
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET,
           "APP_ENV": "production" if url.startswith("postgresql") else "development",
           "RATELIMIT_ENABLED": "false", "BASE_URL": f"http://127.0.0.1:{port}", "MAIL_SERVER": "127.0.0.1"}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers), "-b",
                               f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    results = {}
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        for label, path in paths.items():
            times = []
            for _ in range(repeat + 1):
                started = time.perf_counter()
                urllib.request.urlopen(base + path, timeout=60).read()
                times.append(time.perf_counter() - started)
            results[label] = (times[0], statistics.median(times[1:]))
    finally:
        server.terminate()
        server.wait(30)
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a scratch SQLite file)")
    parser.add_argument("--talks", type=int, nargs="+", default=[150, 600, 1500])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--no-gunicorn", action="store_true")
    args = parser.parse_args(argv)

    from flask_migrate import upgrade
    from outbox import ScratchDatabase

    from conference import create_app
    from conference.extensions import db

    with ScratchDatabase(args.database_url) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "APP_ENV": "testing",
                          "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "RATELIMIT_ENABLED": False,
                          "BASE_URL": "http://bench.example.org"})
        with app.app_context():
            upgrade()
            dialect = db.engine.dialect.name
        print(f"database: {dialect}; medians in milliseconds, cold / warm")
        for talks in args.talks:
            paths = build(app, talks)
            rows = [("test client", through_test_client(app, paths, args.repeat))]
            if not args.no_gunicorn:
                rows.append(("gunicorn", through_gunicorn(url, paths, args.workers, args.repeat)))
            for how, results in rows:
                figures = ", ".join(f"{label} {cold * 1000:.0f} / {warm * 1000:.0f}"
                                    for label, (cold, warm) in results.items())
                print(f"{talks:>5} talks, {how:11}: {figures}")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
