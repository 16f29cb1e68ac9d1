"""Take the README's screenshots of the demo: ``.venv/bin/python docs/screenshots/take.py``.

It builds the demo in a temporary SQLite database (the migrations, then ``load_demo`` with the
submission codes drawn from a seeded generator, as the tests' repeatable walk does, so every run
shows the same codes), serves it with ``flask run`` on a free loopback port, logs in as the demo
person each page is for, and saves each page of ``SHOTS`` at each size of ``SIZES`` as
``docs/screenshots/<name>-<size>.png`` with Debian's Chromium (``/usr/bin/chromium``) through
Playwright. Desktop shots are the first screen; phone shots the whole page, cut at
``PHONE_MAX_HEIGHT``. The demo's dates follow today's date, so deadlines and "days left" move
with the day it is run, and the agenda's release shows the time the demo was loaded; nothing
else changes between runs.

``--only home,ranking`` takes some pages only; ``--out DIR`` writes elsewhere.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from flask_migrate import upgrade
from playwright.sync_api import sync_playwright

from conference import create_app
from conference.cfp import submissions
from conference.demo import load_demo
from conference.extensions import db

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "demo-password"  # conference.demo.DEMO_PASSWORD, every demo account's
SEED = 17  # the submission codes' generator (tests/app/hostile_walk.py uses the same)


@dataclass(frozen=True)
class Shot:
    name: str  # the file's stem: <name>-desktop.png, <name>-phone.png
    path: str  # the page, on the demo
    user: str | None  # the demo account that sees it (None: a visitor, not logged in)
    title: str  # what the README says it shows


SHOTS = (
    Shot("home", "/dashboard", "reviewer@example.org",
         "Home of the demo reviewer: reviews due with their deadline, then the bids to place"),
    Shot("event", "/events/icdd/", None,
         "The conference's page for a visitor: where the call, registration and the agenda stand"),
    Shot("submissions", "/events/icdd/manage/submissions/", "organiser@example.org",
         "The organiser's list of the conference's submissions"),
    Shot("ranking", "/events/icdd/review/ranking", "chair@example.org",
         "The ranking of the track chair's track, with the reviews' scores"),
    Shot("programme-editor", "/events/icdd/manage/agenda", "organiser@example.org",
         "The organiser's programme editor: the grid of rooms and times, and what is left to place"),
    Shot("agenda", "/events/icdd/agenda", None,
         "The released agenda, as the public sees it"),
)
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}
PHONE_MAX_HEIGHT = 2400  # px: a phone shot shows the page down to here


def file_name(shot: Shot, size: str) -> str:
    return f"{shot.name}-{size}.png"


# The demo database ---------------------------------------------------------------------------

@contextlib.contextmanager
def seeded_submission_codes(seed: int):
    """Submission codes from ``random.Random(seed)`` instead of ``secrets``, while loading."""
    saved = submissions.secrets
    submissions.secrets = random.Random(seed)  # choice() is all the module uses
    try:
        yield
    finally:
        submissions.secrets = saved


def build_demo(environment: dict[str, str]) -> None:
    """Migrate an empty database and load the demo into it, in this process."""
    os.environ.update(environment)
    app = create_app()
    with app.app_context():
        upgrade()
        with seeded_submission_codes(SEED):
            load_demo()
        db.session.commit()
        db.engine.dispose()


# The server ----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(environment: dict[str, str], port: int, log) -> subprocess.Popen:
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "run", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **environment}, stdout=log,
                              stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit {server.returncode}); its log: {log.name}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"the server did not answer within 60 s; its log: {log.name}")


# The shots -----------------------------------------------------------------------------------

def log_in(page, base_url: str, email: str) -> None:
    page.goto(base_url + "/auth/login", wait_until="networkidle")
    page.locator("main input[name=email]").fill(email)
    page.locator("main input[name=password]").fill(PASSWORD)
    with page.expect_navigation(wait_until="networkidle"):
        page.locator("main button[type=submit]").click()
    if "/auth/login" in page.url:
        raise SystemExit(f"could not log in as {email} (still on {page.url})")


def take(shots, out: Path, base_url: str) -> list[Path]:
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for size, (width, height) in SIZES.items():
                for user in dict.fromkeys(shot.user for shot in shots):
                    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB",
                                                  timezone_id="Europe/Zurich", device_scale_factor=1,
                                                  is_mobile=size == "phone", has_touch=size == "phone")
                    context.set_default_timeout(15_000)
                    page = context.new_page()
                    if user:
                        log_in(page, base_url, user)
                    for shot in (shot for shot in shots if shot.user == user):
                        written.append(snap(page, base_url, shot, size, out))
                    context.close()
        finally:
            browser.close()
    return written


def snap(page, base_url: str, shot: Shot, size: str, out: Path) -> Path:
    response = page.goto(base_url + shot.path, wait_until="networkidle")
    if response is None or response.status != 200:
        status = response.status if response else "no response"
        raise SystemExit(f"{shot.path} answered {status} for {shot.user or 'a visitor'}: is the page still there?")
    if page.url.rstrip("/") != (base_url + shot.path).rstrip("/"):
        raise SystemExit(f"{shot.path} sent {shot.user or 'a visitor'} to {page.url}")
    target = out / file_name(shot, size)
    width, height = SIZES[size]
    if size == "phone":
        full = page.evaluate("() => document.documentElement.scrollHeight")
        clip = {"x": 0, "y": 0, "width": width, "height": min(full, PHONE_MAX_HEIGHT)}
        page.screenshot(path=target, full_page=True, clip=clip, animations="disabled", caret="hide")
    else:
        page.screenshot(path=target, animations="disabled", caret="hide")
    print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}  {shot.path}"
          f"  ({shot.user or 'visitor'})")
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated names of SHOTS (default: all)")
    parser.add_argument("--out", type=Path, default=HERE, help="where to write the PNGs (default: %(default)s)")
    arguments = parser.parse_args(argv)
    shots = list(SHOTS)
    if arguments.only:
        wanted = set(arguments.only.split(","))
        unknown = wanted - {shot.name for shot in SHOTS}
        if unknown:
            parser.error(f"no such shot: {', '.join(sorted(unknown))} (known: {', '.join(s.name for s in SHOTS)})")
        shots = [shot for shot in SHOTS if shot.name in wanted]
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium is not installed at {CHROMIUM}; apt-get install chromium")
    arguments.out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="conference-screenshots-") as temporary:
        environment = {
            "DATABASE_URL": f"sqlite:///{temporary}/demo.sqlite",
            "UPLOAD_FOLDER": f"{temporary}/uploads",
            "SECRET_KEY": "screenshots-only",
            "RATELIMIT_ENABLED": "false",
        }
        print("building the demo database…", flush=True)
        build_demo(environment)
        port = free_port()
        with open(Path(temporary) / "server.log", "w") as log:
            server = start_server(environment, port, log)
            try:
                take(shots, arguments.out.resolve(), f"http://127.0.0.1:{port}")
            except SystemExit:
                log.flush()
                print((Path(temporary) / "server.log").read_text()[-3000:], file=sys.stderr)
                raise
            finally:
                server.terminate()
                server.wait(timeout=10)


if __name__ == "__main__":
    main()
