"""Command-line interface: ``flask users`` (with ``flask users erase EMAIL``), ``flask outbox``,
``flask registrations``, ``flask demo``, ``flask check``."""

from __future__ import annotations

import signal
import smtplib
from urllib.parse import urlsplit, urlunsplit

import click
import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask.cli import AppGroup
from limits.storage import storage_from_string

from conference.accounts import login_sessions, privacy_notice
from conference.accounts import users as accounts
from conference.accounts.admin import disable_account, enable_account
from conference.accounts.models import User
from conference.accounts.users import find_user_by_email
from conference.backup import backup_command, restore_command
from conference.config import Finding, describe_findings
from conference.core import jobs, storage
from conference.core.audit import record
from conference.demo import DEMO_USERS, load_demo
from conference.demo.agenda_scale import load_agenda_at_scale
from conference.errors import DomainError
from conference.extensions import db
from conference.mail.outbox import OutboxWorker, SMTPTransport, counts_by_state, retry_failed
from conference.privacy import erasure

users_cli = AppGroup("users", help="Manage accounts.")
outbox_cli = AppGroup("outbox", help="Deliver and inspect the mail outbox.")
registrations_cli = AppGroup("registrations", help="Registration jobs.")


@users_cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option(help="At least 10 characters.")
def create_admin(email: str, name: str, password: str) -> None:
    """Create a site administrator (verified, may create events), or promote an existing account."""
    user = accounts.find_user_by_email(email)
    try:
        if user is None:
            user = accounts.create_user(email=email, name=name, password=password, verified=True)
            created = True
        else:
            accounts.check_password_rules(password)
            user.set_password(password)
            created = False
    except DomainError as error:
        raise click.BadParameter(error.message, param_hint=f"--{error.field or 'email'}") from error
    user.is_admin = True
    user.may_create_events = True
    record("account.made_admin", actor=None, obj=user, via="cli")
    db.session.commit()
    click.echo(f"{'Created' if created else 'Promoted'} administrator {user.email}")


@users_cli.command("grant-creator")
@click.argument("email")
def grant_creator(email: str) -> None:
    """Let an existing account create events."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account uses {email}")
    user.may_create_events = True
    record("account.rights_changed", actor=None, obj=user, may_create_events=True, via="cli")
    db.session.commit()
    click.echo(f"{user.email} may now create events")


@users_cli.command("disable")
@click.argument("email")
@click.option("--reason", required=True, help="Why (kept in the audit log).")
def disable_user(email: str, reason: str) -> None:
    """Disable an account: it cannot log in, and every session of it ends at once."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account uses {email}")
    try:
        ended = disable_account(user, actor=None, reason=reason)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"{user.email} is disabled; {ended} session(s) ended")


@users_cli.command("enable")
@click.argument("email")
def enable_user(email: str) -> None:
    """Let a disabled account log in again."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account uses {email}")
    try:
        enable_account(user, actor=None)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"{user.email} is enabled and may log in again")


@outbox_cli.command("work")
@click.option("--once", is_flag=True, help="Deliver everything due now, then exit.")
@click.option("--poll", type=float, default=None, help="Seconds between rounds (default OUTBOX_POLL_SECONDS).")
def outbox_work(once: bool, poll: float | None) -> None:
    """Deliver queued mail; several workers may run side by side on PostgreSQL."""
    worker = OutboxWorker()
    if once:
        report = worker.run_once()
        click.echo(f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}")
        for line in report.errors:
            click.echo(f"  {line}", err=True)
        return
    stopping = {"flag": False}

    def stop(_signum, _frame):
        stopping["flag"] = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"Outbox worker {worker.name} running; Ctrl-C stops it after the current batch.")
    worker.run_forever(poll_seconds=poll, should_stop=lambda: stopping["flag"], periodic=run_periodic_jobs)


def run_periodic_jobs() -> dict[str, int]:
    """What the outbox worker runs every REGISTRATION_JOBS_SECONDS: one round of every area's
    periodic jobs (conference.core.jobs), each under its lock and committed on its own; the
    counts of those that ran (a job another process was running is skipped, and logged)."""
    return jobs.run_round().counts


@users_cli.command("erase")
@click.argument("email")
@click.confirmation_option(prompt="Erase this account and the personal data the app holds about it, for good?")
def erase(email: str) -> None:
    """Erase an account: its name, address, profile, answers and personal files, everywhere
    (README, People's data). Counts, review scores and the audit trail stay."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account uses {email}")
    try:
        erasure.erase_account(user, actor=None, via="cli")
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Erased account #{user.id}; it is now {user.email}")


@users_cli.command("purge-sessions")
def purge_sessions() -> None:
    """Delete the rows of ended and expired login sessions (the outbox worker does it every minute)."""
    count = login_sessions.purge()
    db.session.commit()
    click.echo(f"{count} ended or expired login session(s) deleted")


TICK_COUNTS = (("offers expired", "offers_expired"), ("reconfirmation reminders", "reminded"),
               ("places released", "released"), ("places offered", "offered"),
               ("focal points reminded", "focal_points_reminded"), ("handed to organisers", "escalated"),
               ("unreferenced files deleted", "files_collected"), ("upload leftovers deleted", "upload_leftovers"))


@registrations_cli.command("tick")
def registrations_tick() -> None:
    """Run the periodic registration jobs once (the outbox worker runs them every minute):
    expire offers whose time is up, send reconfirmation reminders, release unreconfirmed places,
    remind focal points before their deadline and hand what still waits to the organisers; delete
    stored files no row refers to and upload leftovers (conference.core.unreferenced).
    Safe beside running workers: a job one of them is running is skipped, and said so."""
    done = jobs.run_round()
    click.echo(", ".join(f"{label} {done.counts.get(key, 'skipped')}" for label, key in TICK_COUNTS))
    if done.skipped:
        click.echo(f"skipped, another process is running them: {', '.join(done.skipped)}")


@outbox_cli.command("status")
def outbox_status() -> None:
    """Print how many messages are in each state."""
    for state, count in counts_by_state().items():
        click.echo(f"{state.value:8} {count}")


@outbox_cli.command("retry")
@click.argument("message_ids", nargs=-1, type=int)
def outbox_retry(message_ids: tuple[int, ...]) -> None:
    """Queue failed messages again (all of them, or the ids given)."""
    count = retry_failed(message_ids=list(message_ids) or None)
    db.session.commit()
    click.echo(f"{count} failed message(s) queued again")


@click.command("demo")
@click.option("--talks", type=click.IntRange(1, 20000), default=None,
              help="Also build the event agenda-scale: a released agenda of this many talks (3 days, 12 rooms).")
def demo(talks: int | None) -> None:
    """Load the demo events and accounts (safe to run again: nothing is duplicated). Refused in production."""
    try:
        summary = load_demo()
    except DomainError as error:
        raise click.ClickException(error.message) from error
    if talks:
        organiser = find_user_by_email("organiser@example.org")
        if organiser is None:  # load_demo made this account
            raise click.ClickException("the demo's organiser account is missing")
        summary += "\n" + load_agenda_at_scale(talks, organiser=organiser)
    db.session.commit()
    click.echo(summary)


# flask check -------------------------------------------------------------------------------------
# The settings' findings come from config.deployment_findings (an unsafe production configuration
# never gets this far: create_app refuses it, and every command prints the same list); then the
# services those settings name are asked whether they answer.

def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _probe_database() -> Finding | str:
    url = db.engine.url.render_as_string(hide_password=True)
    try:
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except sa.exc.SQLAlchemyError as error:
        return Finding("DATABASE_URL", f"{url} cannot be reached: {_first_line(error)}",
                       "Check the address, the password and that the database accepts connections from here.")
    migrations = current_app.extensions["migrate"]
    heads = set(ScriptDirectory.from_config(migrations.migrate.get_config(migrations.directory)).get_heads())
    if current != heads:
        at = ", ".join(sorted(current)) or "no migration (an empty database)"
        return Finding("database schema", f"at {at}; this code needs {', '.join(sorted(heads))}.",
                       "Run flask db upgrade before starting this code.")
    demo = db.session.scalars(sa.select(User.email).where(User.email.in_([row[0] for row in DEMO_USERS]))).all()
    if demo:
        return Finding("flask demo", f"the demo's accounts exist ({', '.join(sorted(demo))}): their password is "
                       "published in the README.", "Start from an empty database: flask db upgrade, then "
                       "flask users create-admin.")
    return f"database {url} answers; its schema is at the newest migration ({', '.join(sorted(heads))})"


def _probe_mail() -> Finding | str | None:
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        return None
    server = f"{config['MAIL_SERVER']}:{config['MAIL_PORT']}"
    try:
        with SMTPTransport():  # connects, STARTTLS, logs in; sends nothing
            pass
    except (smtplib.SMTPException, OSError) as error:
        return Finding("MAIL_SERVER", f"{server} did not let us in: {_first_line(error)}",
                       "Check MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS or MAIL_USE_SSL, MAIL_USERNAME and MAIL_PASSWORD.")
    logged_in = " and accepted the log-in" if config.get("MAIL_USERNAME") and config.get("MAIL_PASSWORD") else ""
    return f"mail server {server} answers{logged_in}"


def _probe_rate_limit_store() -> Finding | str | None:
    config = current_app.config
    uri = config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if not config.get("RATELIMIT_ENABLED") or uri.startswith("memory://"):
        return None
    shown = _without_password(uri)
    # A store of its own, built from the settings as the limiter was (create_app already refused a URI it
    # cannot use); check() answers False, not an exception, when the server does not answer.
    if not storage_from_string(uri, **config.get("RATELIMIT_STORAGE_OPTIONS", {})).check():
        return Finding("REDIS_URL", f"{shown} does not answer.", "Check the address and that the server runs.")
    return f"rate-limit store {shown} answers"


def _probe_privacy_notice() -> Finding | None:
    try:
        written = privacy_notice.written_notice()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return None  # the database's own finding says why
    if written:
        return None
    if current_app.config.get("SITE_CONTACT_EMAIL"):
        shown = "the default one at /privacy"
    else:
        shown = "the default one at /privacy names no one to write to about personal data (SITE_CONTACT_EMAIL is unset)"
    return Finding("privacy notice", f"none is written: {shown}.",
                   "Write the site's notice at /admin/privacy-notice (Administration, then The site's privacy notice), "
                   "and set SITE_CONTACT_EMAIL and PRIVACY_CONTROLLER.", blocking=False)


def _probe_storage() -> Finding | str | None:
    store = storage.current()
    if not isinstance(store, storage.S3Storage):
        return None
    where = f"S3 bucket {store.bucket}" + (f" at {current_app.config['S3_ENDPOINT_URL']}"
                                          if current_app.config.get("S3_ENDPOINT_URL") else "")
    try:
        store.check()
    except storage.StorageUnavailable as error:
        return Finding("S3_BUCKET", f"{where} does not answer to our credentials: {_first_line(error)}",
                       "Check S3_BUCKET, S3_ENDPOINT_URL, S3_REGION and the credentials (S3_ACCESS_KEY_ID and "
                       "S3_SECRET_ACCESS_KEY, or the AWS_* variables).")
    return f"{where} answers"


@click.command("check")
@click.option("--offline", is_flag=True, help="Check the settings only; contact no database or server.")
def check(offline: bool) -> None:
    """Print what this deployment still lacks for production, each with what to set, and exit
    with status 1 if anything blocks (warnings alone do not)."""
    findings = list(current_app.extensions["deployment_findings"])
    passed = []
    if not offline:
        for probe in (_probe_database, _probe_mail, _probe_rate_limit_store, _probe_storage, _probe_privacy_notice):
            result = probe()
            if isinstance(result, Finding):
                findings.append(result)
            elif result:
                passed.append(result)
    problems = [finding for finding in findings if finding.blocking]
    warnings = len(findings) - len(problems)
    if problems:
        click.echo("Not ready for production:")
    if findings:
        click.echo(describe_findings(findings))
    for line in passed:
        click.echo(f"  ok: {line}")
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s), {warnings} warning(s).")
    click.echo(f"Ready for production ({warnings} warning(s)).")


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(registrations_cli)
    app.cli.add_command(demo)
    app.cli.add_command(check)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)

