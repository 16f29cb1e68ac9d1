"""Command-line interface: ``flask users``, ``flask outbox``, ``flask registrations``, ``flask demo``."""

from __future__ import annotations

import signal

import click
from flask import Flask
from flask.cli import AppGroup

from conference.accounts import login_sessions
from conference.accounts import users as accounts
from conference.accounts.users import find_user_by_email
from conference.core import jobs
from conference.core.audit import record
from conference.demo import load_demo
from conference.demo.agenda_scale import load_agenda_at_scale
from conference.errors import DomainError
from conference.extensions import db
from conference.mail.outbox import OutboxWorker, counts_by_state, retry_failed

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


@users_cli.command("purge-sessions")
def purge_sessions() -> None:
    """Delete the rows of ended and expired login sessions (the outbox worker does it every minute)."""
    count = login_sessions.purge()
    db.session.commit()
    click.echo(f"{count} ended or expired login session(s) deleted")


TICK_COUNTS = (("offers expired", "offers_expired"), ("reconfirmation reminders", "reminded"),
               ("places released", "released"), ("places offered", "offered"),
               ("focal points reminded", "focal_points_reminded"), ("handed to organisers", "escalated"))


@registrations_cli.command("tick")
def registrations_tick() -> None:
    """Run the periodic registration jobs once (the outbox worker runs them every minute):
    expire offers whose time is up, send reconfirmation reminders, release unreconfirmed places,
    remind focal points before their deadline and hand what still waits to the organisers.
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
    """Load the demo events and accounts (safe to run again: nothing is duplicated)."""
    summary = load_demo()
    if talks:
        organiser = find_user_by_email("organiser@example.org")
        if organiser is None:  # load_demo made this account
            raise click.ClickException("the demo's organiser account is missing")
        summary += "\n" + load_agenda_at_scale(talks, organiser=organiser)
    db.session.commit()
    click.echo(summary)


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(registrations_cli)
    app.cli.add_command(demo)

