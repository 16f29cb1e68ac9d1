"""`flask check`: what a deployment still lacks for production, each with what to set, and the
services its settings name asked whether they answer; status 1 while anything blocks. Run as the
`flask` command runs it (FlaskGroup: the app is loaded, then the command), and through gunicorn
and the real `flask` executable where the app itself refuses to start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from flask.cli import FlaskGroup
from flask_migrate import downgrade, upgrade

from conference import create_app
from conference.accounts.models import PrivacyNotice, User
from conference.extensions import db as _db

from .. import factories
from ..conftest import REDIS_URL, SMTPSink, free_port, make_test_config, redis_or_skip
from .production import production_config
from .test_config import SETTINGS_FROM_ENVIRONMENT

ROOT = Path(__file__).resolve().parents[2]


def flask(app, *args: str):
    """Run ``flask <args>`` against ``app``, as the `flask` command would."""
    return app.test_cli_runner().invoke(FlaskGroup(create_app=lambda: app), list(args))


def newest_migration(app) -> str:
    with app.app_context():
        migrations = app.extensions["migrate"]
        [head] = ScriptDirectory.from_config(migrations.migrate.get_config(migrations.directory)).get_heads()
    return head


def database_shown(app) -> str:
    with app.app_context():
        return _db.engine.url.render_as_string(hide_password=True)


NO_PRIVACY_NOTICE = [
    "  - privacy notice: none is written: the default one at /privacy names no one to write to about personal data "
    "(SITE_CONTACT_EMAIL is unset).",
    "    Write the site's notice at /admin/privacy-notice (Administration, then The site's privacy notice), and set "
    "SITE_CONTACT_EMAIL and PRIVACY_CONTROLLER.",
]


def test_check_lists_what_production_lacks_with_remedies_and_fails(app, database_url):
    # The suite's app: APP_ENV testing, no SMTP server, in-memory rate limits, BASE_URL over http.
    result = flask(app, "check")
    assert result.exit_code == 1
    sqlite = database_url.startswith("sqlite")
    expected = [
        "Not ready for production:",
        "  - APP_ENV: 'testing', not production: cookies are not marked Secure and none of what production "
        "requires is enforced.",
        "    Set APP_ENV=production on every server, worker and cron job.",
        *([f"  - DATABASE_URL: the database is SQLite ({database_url}); production runs on PostgreSQL "
           "(several workers and app processes at once, row locks for places and mail).",
           "    Set DATABASE_URL=postgresql://user:password@host:5432/name and run flask db upgrade."] if sqlite else []),
        "  - MAIL_SERVER: unset: the outbox worker would write mail to files in instance/mail and send nothing.",
        "    Set MAIL_SERVER to your SMTP relay, with MAIL_PORT, MAIL_USE_TLS or MAIL_USE_SSL, and MAIL_USERNAME "
        "and MAIL_PASSWORD if it asks for them.",
        "  - REDIS_URL: rate limits are counted in each process's memory and WEB_PROCESSES is unset, which counts "
        "as several web processes: each would count alone and let through that many times the attempts.",
        "    Set REDIS_URL=redis://host:6379/0 (or RATELIMIT_STORAGE_URI) so all processes share the counters, "
        "or WEB_PROCESSES=1 if exactly one process serves the site.",
        "Also worth fixing (these do not stop it):",
        "  - BASE_URL: http://conference.test is plain http: the links in mails (password resets, invitations) "
        "would travel unencrypted, and the Secure session cookie is not sent over http.",
        "    Serve the site over TLS and set BASE_URL=https://...",
        "  - PROXY_COUNT: 0: behind a reverse proxy (nginx, a load balancer) every visitor would share the proxy's "
        "address, and a few failed log-ins would lock everyone out.",
        "    Set PROXY_COUNT=1 (the number of proxies in front of the app); leave it at 0 only if clients reach "
        "gunicorn directly.",
        *NO_PRIVACY_NOTICE,
        f"  ok: database {database_shown(app)} answers; its schema is at the newest migration "
        f"({newest_migration(app)})",
        f"Error: {4 if sqlite else 3} problem(s), 3 warning(s).",
    ]
    assert result.output.splitlines() == expected


def test_check_passes_a_complete_production_deployment(app, database_url, tmp_path):
    # `app`: the suite's app has migrated this database (it is built on first use)
    if not database_url.startswith("postgresql"):
        pytest.skip("production runs on PostgreSQL only")
    sink = SMTPSink().start()
    site = create_app(production_config(tmp_path, database_url, MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port))
    try:
        with site.app_context():  # the administrators wrote the privacy notice
            _db.session.add(PrivacyNotice(body="# Privacy\n\nWrite to privacy@example.org."))
            _db.session.commit()
        result = flask(site, "check")
    finally:
        sink.stop()
        with site.app_context():
            _db.session.execute(sa.delete(PrivacyNotice))
            _db.session.commit()
            _db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"  ok: database {database_shown(site)} answers; its schema is at the newest migration "
        f"({newest_migration(site)})",
        f"  ok: mail server 127.0.0.1:{sink.port} answers",
        "Ready for production (0 warning(s)).",
    ]
    assert sink.messages == []  # asked, not sent to


@pytest.fixture
def unready(tmp_path, monkeypatch):
    """An app whose database has no tables yet, whose SMTP server and rate-limit store do not answer."""
    app = create_app(make_test_config(f"sqlite:///{tmp_path / 'empty.sqlite'}", tmp_path)
                     | {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": free_port(), "WEB_PROCESSES": 1})
    # Set after create_app: the process-wide limiter keeps the suite's in-memory store.
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", f"redis://:s3cret@127.0.0.1:{free_port()}/0")
    yield app
    with app.app_context():
        _db.engine.dispose()


def test_check_asks_the_database_the_mail_server_and_the_rate_limit_store(unready):
    port = unready.config["MAIL_PORT"]
    store = unready.config["RATELIMIT_STORAGE_URI"].replace(":s3cret@", ":***@")
    result = flask(unready, "check")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[5:11] == [  # after APP_ENV and DATABASE_URL (SQLite), before the warnings
        "  - database schema: at no migration (an empty database); this code needs "
        f"{newest_migration(unready)}.",
        "    Run flask db upgrade before starting this code.",
        f"  - MAIL_SERVER: 127.0.0.1:{port} did not let us in: [Errno 111] Connection refused",
        "    Check MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS or MAIL_USE_SSL, MAIL_USERNAME and MAIL_PASSWORD.",
        f"  - REDIS_URL: {store} does not answer.",
        "    Check the address and that the server runs.",
    ]
    assert lines[11] == "Also worth fixing (these do not stop it):"
    assert lines[-1] == "Error: 5 problem(s), 2 warning(s)."
    assert "s3cret" not in result.output


def test_check_names_a_database_that_does_not_answer(tmp_path):
    app = create_app(make_test_config(f"postgresql://nobody@127.0.0.1:{free_port()}/conference", tmp_path))
    result = flask(app, "check")
    assert result.exit_code == 1
    problem = next(line for line in result.output.splitlines() if line.startswith("  - DATABASE_URL: "))
    assert problem.startswith(f"  - DATABASE_URL: {database_shown(app)} cannot be reached: connection failed")
    assert "    Check the address, the password and that the database accepts connections from here." in result.output


def test_check_offline_asks_nobody(unready):
    result = flask(unready, "check", "--offline")
    assert result.exit_code == 1
    assert "database schema" not in result.output and "did not let us in" not in result.output
    assert "does not answer" not in result.output and "  ok:" not in result.output
    assert result.output.splitlines()[-1] == "Error: 2 problem(s), 2 warning(s)."


def test_check_names_a_schema_behind_the_code(unready):
    with unready.app_context():
        upgrade()
        downgrade(revision="-1")
        [current] = _db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
        _db.session.remove()
    result = flask(unready, "check")
    assert (f"  - database schema: at {current}; this code needs {newest_migration(unready)}.\n"
            "    Run flask db upgrade before starting this code.\n") in result.output


def test_check_answers_ok_for_a_rate_limit_store_that_answers(app, monkeypatch):
    redis_or_skip()
    url = REDIS_URL
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", url)
    assert f"  ok: rate-limit store {url} answers\n" in flask(app, "check").output


def test_check_asks_the_s3_bucket(app, monkeypatch, s3_server):
    for key, value in s3_server.settings("check/").items():
        monkeypatch.setitem(app.config, key, value)
    assert f"  ok: S3 bucket conference-uploads at {s3_server.endpoint_url} answers\n" in flask(app, "check").output
    monkeypatch.setitem(app.config, "S3_BUCKET", "no-such-bucket")
    result = flask(app, "check")
    assert result.exit_code == 1
    assert (f"  - S3_BUCKET: S3 bucket no-such-bucket at {s3_server.endpoint_url} does not answer to our credentials: "
            "there is no bucket no-such-bucket\n"
            "    Check S3_BUCKET, S3_ENDPOINT_URL, S3_REGION and the credentials (S3_ACCESS_KEY_ID and "
            "S3_SECRET_ACCESS_KEY, or the AWS_* variables).\n") in result.output


def test_check_finds_the_demo_accounts(app, committed_db):
    factories.make_user(email="admin@example.org", is_admin=True)
    factories.make_user(email="author@example.org")
    committed_db.session.commit()
    result = flask(app, "check")
    assert result.exit_code == 1
    assert ("  - flask demo: the demo's accounts exist (admin@example.org, author@example.org): their password is "
            "published in the README.\n"
            "    Start from an empty database: flask db upgrade, then flask users create-admin.\n") in result.output
    assert committed_db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 2  # only read


# When production refuses to start, every command says why, and so does gunicorn -----------------

UNSAFE = {"SECRET_KEY": None, "BASE_URL": None, "MAIL_SERVER": None}


@pytest.mark.parametrize("args", [["check"], ["outbox", "work", "--once"], ["db", "upgrade"]])
def test_every_command_prints_the_refusal_without_a_traceback(tmp_path, args):
    cfg = production_config(tmp_path, **UNSAFE)
    result = CliRunner().invoke(FlaskGroup(create_app=lambda: create_app(cfg)), args)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "Error: Refusing to start in production until these settings are fixed:"
    assert [line.split(":")[0] for line in lines if line.startswith("  - ")] == ["  - SECRET_KEY", "  - BASE_URL",
                                                                             "  - MAIL_SERVER"]
    assert "Traceback" not in result.output


def clean_environment(**settings: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_FROM_ENVIRONMENT}
    env.pop("FLASK_APP", None)
    return env | settings


def test_gunicorn_and_the_flask_command_refuse_an_unsafe_production(tmp_path):
    env = clean_environment(APP_ENV="production", DATABASE_URL="postgresql://conference@db.invalid/conference",
                            WEB_PROCESSES="2", PYTHONPATH=str(ROOT))
    bin_dir = Path(sys.executable).parent
    served = subprocess.run([str(bin_dir / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{free_port()}", "wsgi:app"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert served.returncode != 0
    checked = subprocess.run([str(bin_dir / "flask"), "--app", "conference", "check"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 1 and checked.stdout == ""
    for output in (served.stderr, checked.stderr):
        assert "Refusing to start in production until these settings are fixed:" in output
        for setting in ("SECRET_KEY", "BASE_URL", "MAIL_SERVER", "REDIS_URL"):
            assert f"  - {setting}: " in output
        assert "  - DATABASE_URL: " not in output
    assert "Traceback" not in checked.stderr
    assert "Worker failed to boot" in served.stderr


def test_check_warns_while_no_privacy_notice_is_written(app, committed_db, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_CONTACT_EMAIL", "privacy@example.org")
    unwritten = flask(app, "check").output
    committed_db.session.add(PrivacyNotice(body="Our notice."))
    committed_db.session.commit()
    written = flask(app, "check").output

    assert ("  - privacy notice: none is written: the default one at /privacy.\n"
            "    Write the site's notice at /admin/privacy-notice (Administration, then The site's privacy notice), "
            "and set SITE_CONTACT_EMAIL and PRIVACY_CONTROLLER.\n") in unwritten
    assert "privacy notice" not in written
    assert written.splitlines()[-1].endswith("problem(s), 2 warning(s).")
