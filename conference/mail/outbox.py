"""Delivering the outbox.

The worker claims due messages in one short transaction (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so several workers never take the same row), sends them over one SMTP
connection per round, and records each outcome in its own commit right after the server
accepted or refused it. A worker killed mid-batch leaves its claimed rows in ``sending``; once their
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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path

import flask_mail
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import scoped_session

from conference.core.rows import affected_rows
from conference.core.types import utcnow
from conference.extensions import Model, db, mail
from conference.mail.enums import MailState
from conference.mail.models import OutboxAttachment, OutboxMessage
from conference.mail.wire import OutgoingMail, build_message

log = logging.getLogger(__name__)


class TransientMailError(Exception):
    """The message may go through later (4xx reply, connection trouble)."""


class PermanentMailError(Exception):
    """The server refused the message for good (5xx reply, malformed address)."""


def _reply_text(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return f"{code} {text}"


def _classify(exc: Exception) -> Exception:
    """Turn what sending raised into a transient or a permanent error with a readable text:
    the SMTP reply (``550 5.1.1 No such user``) where there is one."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = exc.recipients.items()
        text = "; ".join(
            f"{_reply_text(code, reply)} (recipient {parseaddr(address)[1] or address})"
            for address, (code, reply) in replies
        )
        if replies and all(code >= 500 for _address, (code, _reply) in replies):
            return PermanentMailError(text)
        return TransientMailError(text)
    if isinstance(exc, smtplib.SMTPResponseException):
        text = _reply_text(exc.smtp_code, exc.smtp_error)
        return PermanentMailError(text) if exc.smtp_code >= 500 else TransientMailError(text)
    if isinstance(exc, (smtplib.SMTPException, OSError)):
        return TransientMailError(f"{type(exc).__name__}: {exc}")
    if isinstance(exc, ValueError):
        return PermanentMailError(f"{type(exc).__name__}: {exc}")
    return TransientMailError(f"{type(exc).__name__}: {exc}")


def _connection_lost(exc: Exception) -> bool:
    """Whether the connection is unusable after this error (the rest of the batch then waits
    for a new one). 421 is the server closing the channel (RFC 5321, 3.8)."""
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == 421
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return any(code == 421 for code, _reply in exc.recipients.values())
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


class _SMTPConnection(flask_mail.Connection):
    """Flask-Mail's connection, opened with a socket timeout, so a stuck server cannot hang the
    worker."""

    def configure_host(self) -> smtplib.SMTP:
        settings = self.mail
        timeout = current_app.config["MAIL_TIMEOUT"]
        host: smtplib.SMTP
        if settings.use_ssl:
            host = smtplib.SMTP_SSL(settings.server, settings.port, timeout=timeout)
        else:
            host = smtplib.SMTP(settings.server, settings.port, timeout=timeout)
        try:
            if settings.use_tls:
                host.starttls()
            if settings.username and settings.password:
                host.login(settings.username, settings.password)
        except BaseException:
            host.close()
            raise
        return host


class SMTPTransport:
    """Sends every message of a worker's round over one SMTP connection. Flask-Mail holds the
    settings and the connection; the bytes are written by ``mail_wire`` (Flask-Mail's own
    message class encodes long list headers, which providers then cannot read). MAIL FROM is
    the message's envelope sender (the site's address), RCPT TO its recipient."""

    def __init__(self):
        self.host: smtplib.SMTP | None = None

    def __enter__(self):
        # The app's current settings, read by Flask-Mail (the CLI and tests may change them).
        connection = _SMTPConnection(mail.init_mail(current_app.config))
        self.host = connection.configure_host()
        return self

    def send(self, message: OutgoingMail) -> None:
        if self.host is None:
            raise RuntimeError("send within 'with SMTPTransport()', which connects")
        self.host.sendmail(message.envelope_from, message.recipients, message.data)

    def __exit__(self, *exc_info):
        host = self.host
        if host is None:
            return
        try:
            host.quit()
        except (smtplib.SMTPException, OSError):
            pass  # the server went away after accepting everything: nothing to undo
        finally:
            host.close()


class FileTransport:
    """Development delivery without SMTP: each message becomes an .eml file and a log line."""

    def __init__(self, directory: str):
        self.directory = Path(directory)

    def __enter__(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        return self

    def send(self, message: OutgoingMail) -> None:
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
        path = self.directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        path.write_bytes(message.data)
        log.warning("Mail to %s: %r written to %s", message.to_display, message.subject, path)

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


@dataclass
class ClaimedMessage:
    """A claimed row as plain data, read once: the worker works with table rows rather than
    ORM objects, which a session would expire and load again after each of the
    per-message commits (most of its database work)."""

    id: int
    attempts: int
    claimed_by: str
    claimed_at: dt.datetime
    to_address: str
    to_name: str
    reply_to: str | None
    subject: str
    body_text: str
    body_html: str | None
    headers: dict | None
    message_id: str
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)
    mail: OutgoingMail | None = None
    error: Exception | None = None  # the row cannot be turned into a message


def _table_of(model: type[Model]) -> sa.Table:
    """The Table a model is mapped to (the declarative base types it only as a FromClause)."""
    table = model.__table__
    if not isinstance(table, sa.Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


_outbox = _table_of(OutboxMessage)
_attachment = _table_of(OutboxAttachment)
_CLAIMED_COLUMNS = [
    _outbox.c[name]
    for name in ("id", "attempts", "claimed_by", "claimed_at", "to_address", "to_name", "reply_to",
                 "subject", "body_text", "body_html", "headers", "message_id")
]
# Outcomes are written only while the claim is still ours: if our lease ran out and another
# worker took the row, its outcome wins.
_RECORD_OUTCOME = sa.update(_outbox).where(
    _outbox.c.id == sa.bindparam("b_id"),
    _outbox.c.claimed_by == sa.bindparam("b_claim"),
    _outbox.c.state == MailState.SENDING,
)


# Where the worker runs its statements: a connection of its own, or the session.
WorkerConnection = sa.Connection | scoped_session


@contextmanager
def _worker_connection() -> Iterator[WorkerConnection]:
    """Where the worker runs its statements, each one a transaction of its own (a claim is
    one UPDATE, an outcome another): a connection of its own, in autocommit on PostgreSQL,
    so recording an outcome is one round trip instead of three (BEGIN, UPDATE, COMMIT).
    When the session is bound to a connection already (the tests' rolled-back transaction),
    the worker goes through the session, whose commits are then savepoints."""
    bind = db.session.get_bind()
    if isinstance(bind, sa.Connection):
        yield db.session
        return
    with bind.connect() as connection:
        if bind.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT")
        yield connection


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
        self._postgresql = db.session.get_bind().dialect.name == "postgresql"
        self._conn: WorkerConnection | None = None  # set by run_once (see _worker_connection)

    @property
    def _connection(self) -> WorkerConnection:
        if self._conn is None:
            raise RuntimeError("the worker reaches the database only within run_once")
        return self._conn

    def _write(self, statement, parameters=None) -> None:
        self._connection.execute(statement, parameters)
        self._connection.commit()

    # Claiming ---------------------------------------------------------------------------
    def claim(self) -> list[ClaimedMessage]:
        """Mark up to ``batch_size`` due messages as ours (one UPDATE, committed) and read them."""
        now = utcnow()
        claim_token = f"{self.name}:{uuid.uuid4().hex[:8]}"
        due = sa.or_(
            sa.and_(_outbox.c.state == MailState.QUEUED, _outbox.c.next_attempt_at <= now),
            # A claim whose worker died: its lease ran out.
            sa.and_(_outbox.c.state == MailState.SENDING, _outbox.c.claimed_at < now - self.lease),
        )
        candidates = sa.select(_outbox.c.id).where(due).order_by(_outbox.c.id).limit(self.batch_size)
        if self._postgresql:
            candidates = candidates.with_for_update(skip_locked=True)
        # One UPDATE with the selection as a subquery: atomic on SQLite (the write lock is
        # taken for the whole statement) and lock-skipping on PostgreSQL.
        self._write(
            sa.update(_outbox)
            .where(_outbox.c.id.in_(candidates.scalar_subquery()))
            .values(state=MailState.SENDING, claimed_at=now, claimed_by=claim_token)
        )
        claimed = [
            ClaimedMessage(**row._asdict())
            for row in self._connection.execute(
                sa.select(*_CLAIMED_COLUMNS)
                .where(_outbox.c.claimed_by == claim_token, _outbox.c.state == MailState.SENDING)
                .order_by(_outbox.c.id)
            )
        ]
        if claimed:
            by_id = {item.id: item for item in claimed}
            for message_id, filename, content_type, data in self._connection.execute(
                sa.select(_attachment.c.message_id, _attachment.c.filename,
                          _attachment.c.content_type, _attachment.c.data)
                .where(_attachment.c.message_id.in_(list(by_id)))
                .order_by(_attachment.c.id)
            ):
                by_id[message_id].attachments.append((filename, content_type, data))
        self._connection.commit()  # end the read: no snapshot held while sending
        for item in claimed:
            try:
                item.mail = build_message(item)
            except Exception as exc:  # bad data in the row: no retry will fix it
                item.error = PermanentMailError(f"{type(exc).__name__}: {exc}")
        return claimed

    # Recording outcomes -----------------------------------------------------------------
    def _record(self, item: ClaimedMessage, **values) -> None:
        """Write one outcome and commit it at once: after a crash, only the message in
        flight can be sent again."""
        self._write(_RECORD_OUTCOME, {"b_id": item.id, "b_claim": item.claimed_by, **values})

    def _mark_sent(self, item: ClaimedMessage, report: WorkerReport) -> None:
        self._record(item, state=MailState.SENT, sent_at=utcnow(), attempts=item.attempts + 1, last_error=None)
        report.sent += 1

    def retry_delay(self, attempts: int) -> dt.timedelta:
        """The wait after the ``attempts``-th failed attempt: base, 2 x base, 4 x base..."""
        return dt.timedelta(seconds=self.retry_base * 2 ** (attempts - 1))

    def _mark_failed(self, item: ClaimedMessage, error: Exception, report: WorkerReport) -> None:
        attempts = item.attempts + 1
        text = str(error)[:2000]
        values = {"attempts": attempts, "last_error": text, "claimed_by": None}
        if isinstance(error, PermanentMailError) or attempts >= self.max_attempts:
            values["state"] = MailState.FAILED
            report.failed += 1
        else:
            values["state"] = MailState.QUEUED
            values["next_attempt_at"] = utcnow() + self.retry_delay(attempts)
            report.retrying += 1
        report.errors.append(f"{item.id}: {text}")
        self._record(item, **values)

    def _release(self, items: list[ClaimedMessage]) -> None:
        """Give unsent claimed rows back without counting an attempt."""
        for item in items:
            self._record(item, state=MailState.QUEUED, claimed_by=None, claimed_at=None)

    # Sending ----------------------------------------------------------------------------
    def send_batch(self, transport, items: list[ClaimedMessage], report: WorkerReport) -> bool:
        """Send claimed messages over an open transport; False when the connection was lost
        (the rest of the batch is then given back, to go over a new connection).

        A slow server can make a batch outlast the lease, and another worker would then take
        and send rows this one is still going to send. So past half the lease the rest of
        the batch is given back and claimed afresh (at least one message goes per claim)."""
        if not items:
            return True
        renew_at = items[0].claimed_at + self.lease / 2
        for index, item in enumerate(items):
            if index and utcnow() >= renew_at:
                self._release(items[index:])
                return True
            if item.error is not None:
                self._mark_failed(item, item.error, report)
                continue
            try:
                transport.send(item.mail)
            except Exception as exc:
                self._mark_failed(item, _classify(exc), report)
                if _connection_lost(exc):
                    self._release(items[index + 1:])
                    return False
                continue
            self._mark_sent(item, report)
        return True

    def run_once(self, *, should_stop=lambda: False) -> WorkerReport:
        """Deliver everything that is due now over one connection, then return what happened.
        ``should_stop`` is asked before each claim, so a stop request ends a long round after
        the batch in hand.

        When the server cannot be reached, the batch in hand counts a transient attempt
        (whatever the reply: a refused log-in or TLS set-up is the configuration's fault, not
        the message's) and the round ends, rather than spending an attempt of every queued
        message.
        """
        report = WorkerReport()
        transport = None
        with _worker_connection() as self._conn:
            try:
                while not should_stop() and (items := self.claim()):
                    if transport is None:
                        try:
                            transport = self.transport_factory().__enter__()
                        except Exception as exc:
                            error = TransientMailError(f"cannot connect: {_classify(exc)}")
                            for item in items:
                                self._mark_failed(item, item.error or error, report)
                            break
                    if not self.send_batch(transport, items, report):
                        _close(transport)
                        transport = None
            finally:
                self._conn = None
                if transport is not None:
                    _close(transport)
        return report

    def run_forever(self, *, poll_seconds: float | None = None, should_stop=lambda: False, periodic=None) -> None:
        """Deliver round after round until ``should_stop``. ``periodic`` (say, the registration
        jobs) runs after a round at most every REGISTRATION_JOBS_SECONDS, and is committed."""
        poll = poll_seconds if poll_seconds is not None else current_app.config["OUTBOX_POLL_SECONDS"]
        every = current_app.config["REGISTRATION_JOBS_SECONDS"]
        last_periodic = None
        log.info("Outbox worker %s started", self.name)
        while not should_stop():
            try:
                report = self.run_once(should_stop=should_stop)
            except Exception:  # the database went away, say: keep the worker alive, try again
                log.exception("Outbox worker %s: round failed", self.name)
                db.session.rollback()
            else:
                if report.sent or report.failed or report.retrying:
                    log.info("Outbox: %d sent, %d retrying, %d failed", report.sent, report.retrying, report.failed)
            if periodic is not None and (last_periodic is None or time.monotonic() - last_periodic >= every):
                last_periodic = time.monotonic()
                self._run_periodic(periodic)
            db.session.remove()
            if not should_stop():
                time.sleep(poll)

    def _run_periodic(self, periodic) -> None:
        try:
            done = periodic()
            db.session.commit()
        except Exception:  # as for a round: log it, keep the worker alive
            log.exception("Outbox worker %s: periodic jobs failed", self.name)
            db.session.rollback()
        else:
            if done and any(done.values()):
                log.info("Periodic jobs: %s", ", ".join(f"{k} {v}" for k, v in done.items()))


def _close(transport) -> None:
    transport.__exit__(None, None, None)


def counts_by_state(*, event=None) -> dict[MailState, int]:
    """How many messages are in each state (every state, zeros included): the whole outbox,
    or one event's."""
    stmt = sa.select(OutboxMessage.state, sa.func.count()).group_by(OutboxMessage.state)
    if event is not None:
        stmt = stmt.where(OutboxMessage.event_id == event.id)
    counts = {state: 0 for state in MailState}
    counts.update({state: count for state, count in db.session.execute(stmt).all()})
    return counts


def retry_failed(*, message_ids: list[int] | None = None, event_id: int | None = None) -> int:
    """Queue failed messages again, due now and with a fresh count of attempts (all of them,
    those of one event, and/or the given ones); returns how many. The last error stays on
    the row until the message goes through."""
    stmt = sa.update(OutboxMessage).where(OutboxMessage.state == MailState.FAILED)
    if message_ids is not None:
        stmt = stmt.where(OutboxMessage.id.in_(message_ids))
    if event_id is not None:
        stmt = stmt.where(OutboxMessage.event_id == event_id)
    result = db.session.execute(
        stmt.values(state=MailState.QUEUED, attempts=0, next_attempt_at=utcnow(), claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    return affected_rows(result)
