"""Delivering the outbox.

The worker claims due messages in one short transaction (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so several workers never take the same row), sends them over one SMTP
connection, and records each outcome in its own commit right after the server accepted or
refused it. A worker killed mid-batch leaves its claimed rows in ``sending``; once their
lease runs out another worker takes them again. Only a message the server had accepted
but whose ``sent`` mark was not yet committed can arrive twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import smtplib
import socket
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import flask_mail
import sqlalchemy as sa
from flask import current_app

from ..enums import MailState
from ..extensions import db, mail
from ..models import OutboxMessage
from ..models.types import utcnow
from .mailer import recipient_address

log = logging.getLogger(__name__)


class TransientMailError(Exception):
    """The message may go through later (4xx reply, connection trouble)."""


class PermanentMailError(Exception):
    """The server refused the message for good (5xx reply, malformed address)."""


def _classify(exc: Exception) -> Exception:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        if codes and all(code >= 500 for code in codes):
            return PermanentMailError(f"recipient refused: {exc.recipients}")
        return TransientMailError(f"recipient deferred: {exc.recipients}")
    if isinstance(exc, smtplib.SMTPResponseException):
        detail = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        text = f"{exc.smtp_code} {detail}"
        return PermanentMailError(text) if exc.smtp_code >= 500 else TransientMailError(text)
    if isinstance(exc, (smtplib.SMTPException, OSError)):
        return TransientMailError(f"{type(exc).__name__}: {exc}")
    if isinstance(exc, (ValueError, flask_mail.BadHeaderError)):
        return PermanentMailError(f"{type(exc).__name__}: {exc}")
    return TransientMailError(f"{type(exc).__name__}: {exc}")


def _connection_lost(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def build_message(row: OutboxMessage) -> flask_mail.Message:
    extra = dict(row.headers or {})
    message = flask_mail.Message(
        subject=row.subject,
        recipients=[recipient_address(row)],
        body=row.body_text,
        html=row.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        reply_to=row.reply_to,
        extra_headers=extra or None,
    )
    message.msgId = row.message_id
    for attachment in row.attachments:
        message.attach(attachment.filename, attachment.content_type, attachment.data)
    return message


class _SMTPConnection(flask_mail.Connection):
    """Flask-Mail's connection, configured from the app's current settings and with a socket
    timeout, so a stuck server cannot hang the worker."""

    def configure_host(self):
        config = current_app.config
        timeout = config["MAIL_TIMEOUT"]
        if config["MAIL_USE_SSL"]:
            host = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
        else:
            host = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
        if config["MAIL_USE_TLS"]:
            host.starttls()
        if config["MAIL_USERNAME"] and config["MAIL_PASSWORD"]:
            host.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        return host


class SMTPTransport:
    """Sends over one SMTP connection for the whole batch."""

    def __enter__(self):
        self._connection = _SMTPConnection(mail)
        self._connection.host = self._connection.configure_host()
        return self

    def send(self, message: flask_mail.Message) -> None:
        self._connection.send(message)

    def __exit__(self, *exc_info):
        try:
            if self._connection.host is not None:
                self._connection.host.quit()
        except (smtplib.SMTPException, OSError):
            pass  # the server went away after accepting everything: nothing to undo


class FileTransport:
    """Development delivery without SMTP: each message becomes an .eml file and a log line."""

    def __init__(self, directory: str):
        self.directory = Path(directory)

    def __enter__(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        return self

    def send(self, message: flask_mail.Message) -> None:
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
        path = self.directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        path.write_bytes(message.as_bytes())
        log.warning("Mail to %s: %r written to %s", ", ".join(message.recipients), message.subject, path)

    def __exit__(self, *exc_info):
        return None


def default_transport():
    config = current_app.config
    if config.get("MAIL_SERVER"):
        return SMTPTransport()
    return FileTransport(config["MAIL_DIRECTORY"])


@dataclass
class WorkerReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


class OutboxWorker:
    """Claims and delivers due outbox messages. Run it in an app context."""

    def __init__(self, *, name: str | None = None, batch_size: int | None = None, transport_factory=None):
        config = current_app.config
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.batch_size = batch_size or config["OUTBOX_BATCH_SIZE"]
        self.max_attempts = config["OUTBOX_MAX_ATTEMPTS"]
        self.retry_base = config["OUTBOX_RETRY_BASE_SECONDS"]
        self.lease = dt.timedelta(seconds=config["OUTBOX_LEASE_SECONDS"])
        self.transport_factory = transport_factory or default_transport

    # Claiming ---------------------------------------------------------------------------
    def claim(self) -> list[OutboxMessage]:
        """Mark up to ``batch_size`` due messages as ours, in one committed transaction."""
        now = utcnow()
        claim_token = f"{self.name}:{uuid.uuid4().hex[:8]}"
        due = sa.or_(
            sa.and_(OutboxMessage.state == MailState.QUEUED, OutboxMessage.next_attempt_at <= now),
            # A claim whose worker died: its lease ran out.
            sa.and_(OutboxMessage.state == MailState.SENDING, OutboxMessage.claimed_at < now - self.lease),
        )
        candidates = (
            sa.select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(self.batch_size)
        )
        if db.session.get_bind().dialect.name == "postgresql":
            candidates = candidates.with_for_update(skip_locked=True)
        # One UPDATE with the selection as a subquery: atomic on SQLite (the write lock is
        # taken for the whole statement) and lock-skipping on PostgreSQL.
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(candidates.scalar_subquery()))
            .values(state=MailState.SENDING, claimed_at=now, claimed_by=claim_token)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        return list(
            db.session.scalars(
                sa.select(OutboxMessage)
                .where(OutboxMessage.claimed_by == claim_token, OutboxMessage.state == MailState.SENDING)
                .order_by(OutboxMessage.id)
            )
        )

    # Recording outcomes -----------------------------------------------------------------
    def _mark_sent(self, row: OutboxMessage) -> None:
        row.state = MailState.SENT
        row.sent_at = utcnow()
        row.attempts += 1
        row.last_error = None
        db.session.commit()

    def _mark_failed(self, row: OutboxMessage, error: Exception, report: WorkerReport) -> None:
        row.attempts += 1
        row.last_error = str(error)[:2000]
        row.claimed_by = None
        if isinstance(error, PermanentMailError) or row.attempts >= self.max_attempts:
            row.state = MailState.FAILED
            report.failed += 1
        else:
            row.state = MailState.QUEUED
            delay = self.retry_base * (2 ** (row.attempts - 1))
            row.next_attempt_at = utcnow() + dt.timedelta(seconds=delay)
            report.retrying += 1
        report.errors.append(f"{row.id}: {row.last_error}")
        db.session.commit()

    def _release(self, rows: list[OutboxMessage]) -> None:
        """Give unsent claimed rows back without counting an attempt."""
        for row in rows:
            row.state = MailState.QUEUED
            row.claimed_by = None
            row.claimed_at = None
        db.session.commit()

    # Sending ----------------------------------------------------------------------------
    def send_batch(self, rows: list[OutboxMessage], report: WorkerReport) -> None:
        try:
            transport = self.transport_factory()
            transport.__enter__()
        except Exception as exc:  # cannot connect at all: every row gets a (transient) attempt
            error = _classify(exc)
            for row in rows:
                self._mark_failed(row, error, report)
            return
        try:
            for index, row in enumerate(rows):
                try:
                    transport.send(build_message(row))
                except Exception as exc:
                    error = _classify(exc)
                    self._mark_failed(row, error, report)
                    if _connection_lost(exc):
                        # The connection is gone: hand the rest back and reconnect next round.
                        self._release(rows[index + 1:])
                        return
                    continue
                self._mark_sent(row)
                report.sent += 1
        finally:
            transport.__exit__(None, None, None)

    def run_once(self) -> WorkerReport:
        """Deliver everything that is due now, then return what happened."""
        report = WorkerReport()
        while rows := self.claim():
            self.send_batch(rows, report)
        return report

    def run_forever(self, *, poll_seconds: float | None = None, should_stop=lambda: False) -> None:
        poll = poll_seconds if poll_seconds is not None else current_app.config["OUTBOX_POLL_SECONDS"]
        log.info("Outbox worker %s started", self.name)
        while not should_stop():
            report = self.run_once()
            if report.sent or report.failed or report.retrying:
                log.info("Outbox: %d sent, %d retrying, %d failed", report.sent, report.retrying, report.failed)
            db.session.remove()
            if not should_stop():
                time.sleep(poll)


def counts_by_state() -> dict[MailState, int]:
    rows = db.session.execute(
        sa.select(OutboxMessage.state, sa.func.count()).group_by(OutboxMessage.state)
    ).all()
    counts = {state: 0 for state in MailState}
    counts.update({state: count for state, count in rows})
    return counts


def retry_failed(*, message_ids: list[int] | None = None) -> int:
    """Queue failed messages again (all of them, or the given ones); returns how many."""
    stmt = sa.update(OutboxMessage).where(OutboxMessage.state == MailState.FAILED)
    if message_ids:
        stmt = stmt.where(OutboxMessage.id.in_(message_ids))
    result = db.session.execute(
        stmt.values(state=MailState.QUEUED, attempts=0, next_attempt_at=utcnow(), claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
