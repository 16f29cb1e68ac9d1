"""Packaging: the lock files pin what pyproject.toml asks for, and the wheel works on its own.

The wheel is built from a copy of this checkout, the way `pip wheel` builds it anywhere, and
must carry every file of the package (templates, static files, migrations and Alembic's files)
with no deprecation warning from the build. Then, as README's Production section says, a new
virtualenv gets requirements.lock (hashes, wheels only) and the wheel (`--no-deps`): there,
`flask --app conference db upgrade` builds a fresh SQLite database and `flask demo` fills it,
and the pages render from the installed package's templates.

The build and the install reach PyPI, as `make install` does; the install takes a minute or
two the first time (pip caches the downloads). Marked `packaging`: `-m "not packaging"` leaves
them out.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conference import AREAS_WITH_TEMPLATES, create_app
from conference.extensions import db

from ..conftest import make_test_config

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "conference"

# What a checkout holds that is not the project: left out of the copy the wheel is built from.
NOT_THE_PROJECT = (".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "*.pyc", "instance",
                   ".pytest_cache", ".hypothesis", "test-results")


def _pins(lock: Path) -> dict[str, tuple[str, int]]:
    """Each package of a lock file: its version and how many hashes pin it."""
    pins: dict[str, tuple[str, int]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", lock.read_text()):
        match = re.match(r"([A-Za-z0-9._-]+)==(\S+)", block)
        if match:
            pins[canonicalize_name(match[1])] = (match[2], block.count("--hash=sha256:"))
    return pins


def _requirements(*extras: str) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = list(project["dependencies"])
    for extra in extras:
        names += project["optional-dependencies"][extra]
    return [Requirement(name) for name in names]


@pytest.mark.parametrize(("lock", "extras"), [("requirements.lock", ()), ("requirements-test.lock", ("test",))])
def test_the_lock_pins_every_requirement_with_hashes(lock, extras):
    pins = _pins(ROOT / lock)
    text = (ROOT / lock).read_text()
    assert "--only-binary :all:" in text.splitlines()  # pip takes wheels only, even without the flag
    for requirement in _requirements(*extras):
        if requirement.marker and not requirement.marker.evaluate():
            continue
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is not in {lock}: run `make lock`"
        version, hashes = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock} pins {name}=={version}, outside {requirement}: run `make lock`")
        assert hashes, f"{name} has no hash in {lock}"
    assert all(hashes for _version, hashes in pins.values())


def test_the_tests_lock_keeps_the_production_pins():
    production = _pins(ROOT / "requirements.lock")
    tests = _pins(ROOT / "requirements-test.lock")
    assert {name: version for name, (version, _) in production.items()} == {
        name: tests[name][0] for name in production if name in tests}
    assert set(production) <= set(tests)


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> tuple[Path, str]:
    """The wheel built from a copy of the checkout (so nothing is written into it, and no file
    left in a build/ folder by an earlier build slips in), and the build's verbose output."""
    source = tmp_path_factory.mktemp("source") / "conference-source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_THE_PROJECT))
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--verbose", "--no-deps", "--wheel-dir", str(out), str(source)],
        capture_output=True, text=True, timeout=600, check=False)
    assert build.returncode == 0, build.stdout + build.stderr
    [built] = out.glob("conference-*.whl")
    return built, build.stdout + build.stderr


@pytest.mark.packaging
def test_the_wheel_carries_every_file_of_the_package_and_builds_without_deprecation(wheel):
    built, output = wheel
    warnings = [line for line in output.splitlines()
                if re.search(r"deprecat|BuildBackendWarning|SetuptoolsWarning", line, re.IGNORECASE)]
    assert warnings == []
    on_disk = {path.relative_to(ROOT).as_posix() for path in PACKAGE.rglob("*")
               if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"}
    with zipfile.ZipFile(built) as archive:
        in_wheel = {name for name in archive.namelist() if name.startswith("conference/")}
        metadata = archive.read(next(name for name in archive.namelist() if name.endswith(".dist-info/METADATA")))
    assert in_wheel == on_disk
    assert {"conference/migrations/alembic.ini", "conference/migrations/env.py",
            "conference/migrations/script.py.mako"} <= in_wheel
    for area in AREAS_WITH_TEMPLATES:
        assert any(name.startswith(f"conference/{area}/templates/") for name in in_wheel), area
    assert b"\nLicense-Expression: MIT\n" in metadata


# Run by the new virtualenv's Python, outside the checkout: renders pages from the installed
# package, as an organiser of the demo's events, and says which template files it read.
RENDER_PAGES = """
import json, sys
from flask import template_rendered
import conference
from conference import create_app

app = create_app()
app.config["WTF_CSRF_ENABLED"] = False  # the script logs in with a plain POST
names = app.jinja_env.list_templates()
for name in names:
    app.jinja_env.get_template(name)  # every template is found and compiles
rendered = set()


def note(_app, template, context, **extra):
    rendered.add(template.filename)


template_rendered.connect(note, app)
client = app.test_client()
statuses = {"/": client.get("/").status_code, "/static/app.css": client.get("/static/app.css").status_code}
login = client.post("/auth/login", data={"email": "organiser@example.org", "password": "demo-password"})
statuses["login"] = login.status_code
for rule in app.url_map.iter_rules():
    if "GET" not in rule.methods or set(rule.arguments) - {"slug"} or rule.endpoint == "static":
        continue
    for slug in ("icdd", "iatf-symposium") if "slug" in rule.arguments else (None,):
        path = rule.rule.replace("<slug>", slug) if slug else rule.rule
        statuses[path] = client.get(path).status_code
print(json.dumps({"package": conference.__file__, "templates": sorted(names), "statuses": statuses,
                  "rendered": sorted(rendered)}))
"""


def _run(command: list[str], *, cwd: Path, env: dict[str, str], timeout: int = 900) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.mark.packaging
def test_the_installed_wheel_upgrades_a_fresh_database_and_renders_its_pages(wheel, tmp_path):
    built, _output = wheel
    venv = tmp_path / "venv"
    # The base interpreter's venv module: a new virtualenv with only what ensurepip puts in it.
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python, flask = str(venv / "bin" / "python"), str(venv / "bin" / "flask")
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("FLASK_", "PYTHON", "TEST_", "REQUIRE_")) and name not in {"APP_ENV", "DATABASE_URL"}}
    pip = [python, "-m", "pip", "install", "--quiet", "--require-hashes", "--only-binary", ":all:"]
    _run([*pip, "-r", str(ROOT / "requirements.lock")], cwd=tmp_path, env=env)
    _run([python, "-m", "pip", "install", "--quiet", "--no-deps", str(built)], cwd=tmp_path, env=env)
    _run([python, "-m", "pip", "check"], cwd=tmp_path, env=env)  # the lock holds what the wheel asks for

    database = tmp_path / "fresh.sqlite"
    env["DATABASE_URL"] = f"sqlite:///{database}"
    work = tmp_path / "elsewhere"  # not the checkout: `conference` must come from the virtualenv
    work.mkdir()
    _run([flask, "--app", "conference", "db", "upgrade"], cwd=work, env=env)

    head = ScriptDirectory(str(PACKAGE / "migrations")).get_current_head()
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    connection.close()
    assert tables == set(db.metadata.tables) | {"alembic_version"}

    _run([flask, "--app", "conference", "demo"], cwd=work, env=env)
    report = json.loads(_run([python, "-I", "-c", RENDER_PAGES], cwd=work, env=env).splitlines()[-1])

    site = Path(report["package"]).parent
    assert site.is_relative_to(venv) and site.name == "conference"
    source_app = create_app(make_test_config(f"sqlite:///{tmp_path / 'source.sqlite'}", tmp_path))
    assert report["templates"] == sorted(source_app.jinja_env.list_templates())
    statuses = report["statuses"]
    assert statuses["/"] == 200 and statuses["/static/app.css"] == 200 and statuses["login"] == 302
    assert [path for path, status in statuses.items() if status >= 500] == []
    assert sum(status == 200 for status in statuses.values()) >= 40
    # Pages rendered templates of every area, each read from the installed package.
    folders = {Path(filename).relative_to(site).parts[0] for filename in report["rendered"]}
    assert folders == {"templates", *AREAS_WITH_TEMPLATES}
