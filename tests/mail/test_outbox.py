"""The mail outbox and its worker, through the real path: domain functions queue rows, the
worker delivers them over SMTP to a real aiosmtpd server on loopback (or to files), and the
``flask outbox`` commands inspect and retry them.

The tests commit for real (``committed_db``), so the worker runs as in production, on a
connection of its own (in autocommit on PostgreSQL); one test shows that it also runs inside
the rolled-back ``db`` fixture, through the session."""

from __future__ import annotations

import collections
import datetime as dt
import email
import logging
import os
import re
import signal
import subprocess
import sys
import time
from email import policy
from email.headerregistry import Address
from pathlib import Path

import pytest
import sqlalchemy as sa

from conference.accounts import users as accounts
from conference.core.types import utcnow
from conference.events import team
from conference.events.enums import TeamRole
from conference.extensions import db as _db
from conference.mail.enums import MailState
from conference.mail.mailer import queue_mail
from conference.mail.models import OutboxMessage
from conference.mail.outbox import OutboxWorker

from .. import factories
from ..conftest import TEST_SECRET_KEY, SMTPSink, free_port, message_text

SENDER = "Conference <noreply@conference.test>"
MESSAGE_ID_HEADER = re.compile(rb"^Message-ID:\s*(<[^>]+>)", re.MULTILINE | re.IGNORECASE)
PROJECT_ROOT = Path(__file__).resolve().parents[2]
ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//conference//tests//EN\r\n"
    b"BEGIN:VEVENT\r\nUID:opening-1@conference.test\r\nDTSTAMP:20250101T000000Z\r\n"
    b"DTSTART:20250301T090000Z\r\nSUMMARY:Opening session\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


class CountingSMTPSink(SMTPSink):
    """The test SMTP server, also counting the connections (one EHLO per connection).
    ``data_replies`` are answers it gives to the next messages' content (DATA) instead of
    accepting them, one per message, as a server that greylists or refuses spam does."""

    def __init__(self):
        super().__init__()
        self.connections = 0
        self.data_replies: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        if self.data_replies:
            return self.data_replies.pop(0)
        return await super().handle_DATA(server, session, envelope)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname  # what aiosmtpd does itself when there is no hook
        self.connections += 1
        return responses


class MessageIdSMTPSink(CountingSMTPSink):
    """Keeps only the Message-ID of what it accepts (read from the raw header, without parsing
    the whole message): for the tests sending thousands, where parsing would make the sink,
    not the worker, the slow side."""

    async def handle_DATA(self, server, session, envelope):
        match = MESSAGE_ID_HEADER.search(envelope.content)
        with self._lock:
            self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                                  "message": {"Message-ID": match.group(1).decode() if match else None}})
        return "250 Message accepted for delivery"


def serve(app, monkeypatch, sink_class):
    server = sink_class().start()
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port,
                       "MAIL_USE_TLS": False, "MAIL_USE_SSL": False}.items():
        monkeypatch.setitem(app.config, key, value)
    return server


@pytest.fixture
def sink(app, monkeypatch):
    server = serve(app, monkeypatch, CountingSMTPSink)
    yield server
    server.stop()


@pytest.fixture
def id_sink(app, monkeypatch):
    server = serve(app, monkeypatch, MessageIdSMTPSink)
    yield server
    server.stop()


def worker_process(database_url: str, smtp_port: int, *options: str) -> subprocess.Popen:
    """``flask outbox work --once`` (or with the given options) in a process of its own, on this
    test's database."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "MAIL_USE_TLS": "0",
        "MAIL_USE_SSL": "0",
        "MAIL_DEFAULT_SENDER": SENDER,
        "SECRET_KEY": TEST_SECRET_KEY,
        "APP_ENV": "testing",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "conference", "outbox", "work", *(options or ["--once"])],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def queue_verification(*, address: str, name: str) -> OutboxMessage:
    """A verification mail, queued by the domain function the sign-up uses."""
    user = factories.make_user(email=address, name=name, verified=False)
    accounts.send_verification(user)
    return outbox_row(address)


def outbox_row(address: str) -> OutboxMessage:
    return _db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == address)).one()


def fresh(db, row: OutboxMessage) -> OutboxMessage:
    """The row as the worker left it. The test's transaction ends first: on SQLite it would
    go on reading from the snapshot it started with."""
    db.session.commit()
    db.session.refresh(row)
    return row


def make_due(db, row: OutboxMessage) -> None:
    """Let the back-off time pass (in a transaction of its own: on SQLite, a transaction
    that read before the worker wrote may not write)."""
    db.session.commit()
    row.next_attempt_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()


def delivered_ids(sink) -> list[str]:
    return [received["message"]["Message-ID"] for received in sink.messages]


def crlf_to_lf(text: str) -> str:
    return text.replace("\r\n", "\n")


# 1. The outbox follows the transaction ------------------------------------------------------

def test_mail_queued_in_a_rolled_back_transaction_is_never_sent(committed_db, sink):
    db = committed_db
    user = factories.make_user(email="rita@example.org", name="Rita Rollback")
    db.session.commit()

    accounts.request_password_reset(email="rita@example.org")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1
    db.session.rollback()

    report = OutboxWorker().run_once()
    assert (report.sent, report.retrying, report.failed) == (0, 0, 0)
    assert sink.messages == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0

    accounts.request_password_reset(email=user.email)
    db.session.commit()
    db.session.remove()  # the worker starts from what is committed, as a separate process would

    report = OutboxWorker().run_once()
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    assert [received["to"] for received in sink.messages] == [["rita@example.org"]]
    assert sink.messages[0]["message"]["Subject"] == "Choose a new password"
    assert db.session.scalars(sa.select(OutboxMessage.state)).all() == [MailState.SENT]


# 2. What arrives ----------------------------------------------------------------------------

def test_worker_delivers_over_smtp_with_headers_parts_and_reply_to_of_the_event(committed_db, sink, app):
    db = committed_db
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    event = factories.make_event(organiser=organiser, title="Technical Symposium on Sensors",
                                 contact_email="sensors@example.org")
    invitee = factories.make_user(email="tara@example.org", name="Tara Track")
    team.invite_member(event, actor=organiser, email="tara@example.org", role=TeamRole.TRACK_CHAIR)
    db.session.commit()
    row = outbox_row("tara@example.org")
    assert (row.event_id, row.user_id, row.reply_to) == (event.id, invitee.id, "sensors@example.org")

    before = utcnow()
    report = OutboxWorker().run_once()
    after = utcnow()

    assert (report.sent, report.retrying, report.failed, report.errors) == (1, 0, 0, [])
    [received] = sink.messages
    assert received["from"] == "noreply@conference.test"
    assert received["to"] == ["tara@example.org"]
    message = received["message"]
    assert message["To"].addresses == (Address("Tara Track", addr_spec="tara@example.org"),)
    assert str(message["From"]) == SENDER == app.config["MAIL_DEFAULT_SENDER"]
    assert str(message["Reply-To"]) == "sensors@example.org"
    assert message["Subject"] == "Invitation: track chair for Technical Symposium on Sensors"
    assert message["Message-ID"] == row.message_id
    assert message["Date"].datetime is not None
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
    assert crlf_to_lf(message_text(message)) == row.body_text
    assert "Olga Organiser invites you to join the team of Technical Symposium on Sensors as track chair." in row.body_text
    assert crlf_to_lf(html.get_content()) == row.body_html
    assert "<p" in row.body_html
    assert list(message.iter_attachments()) == []

    row = fresh(db, row)
    assert row.state == MailState.SENT
    assert before <= row.sent_at <= after
    assert (row.attempts, row.last_error) == (1, None)


def test_attachment_of_the_row_is_delivered(committed_db, sink):
    db = committed_db
    user = factories.make_user(email="ann@example.org", name="Ann Attendee")
    row = queue_mail(
        "verify_email", to=user.email, to_name=user.name, user=user,
        context={"user": user, "link": "http://conference.test/auth/verify/x"},
        attachments=[("opening.ics", "text/calendar", ICS)],
    )
    db.session.commit()

    assert OutboxWorker().run_once().sent == 1

    message = sink.messages[0]["message"]
    [attachment] = message.iter_attachments()
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "opening.ics"
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_payload(decode=True) == ICS
    assert crlf_to_lf(message_text(message)) == row.body_text
    assert message.get_body(preferencelist=("html",)) is not None
    assert fresh(db, row).state == MailState.SENT


def test_non_ascii_names_subjects_and_long_headers_arrive_intact(committed_db, sink):
    db = committed_db
    accented = queue_verification(address="zoe@example.org", name="Zoë Ångström-Łukasiewicz")
    accented.subject = "Réunion du comité de programme : " + "très importante, " * 6
    long_ascii = queue_verification(address="long@example.org", name="Long Subject")
    long_ascii.subject = "Reminder: " + "the call for papers closes soon, " * 4
    db.session.commit()

    assert OutboxWorker().run_once().sent == 2

    first, second = (received["message"] for received in sink.messages)
    assert first["To"].addresses == (Address("Zoë Ångström-Łukasiewicz", addr_spec="zoe@example.org"),)
    assert first["Subject"] == accented.subject
    assert crlf_to_lf(message_text(first)) == accented.body_text
    assert "Hello Zoë Ångström-Łukasiewicz," in accented.body_text
    assert second["Subject"] == long_ascii.subject


def test_worker_also_runs_inside_the_rolled_back_test_transaction(db, sink):
    row = queue_verification(address="inside@example.org", name="In Side")
    db.session.commit()  # a savepoint here

    report = OutboxWorker().run_once()

    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    assert delivered_ids(sink) == [row.message_id]
    assert fresh(db, row).state == MailState.SENT


# 3. One connection for many messages ---------------------------------------------------------

def test_one_run_sends_all_its_batches_over_one_connection(committed_db, sink):
    db = committed_db
    rows = [queue_verification(address=f"p{n}@example.org", name=f"Person {n}") for n in range(5)]
    db.session.commit()

    report = OutboxWorker(batch_size=2).run_once()  # three claims: 2 + 2 + 1

    assert report.sent == 5
    assert sink.connections == 1
    assert delivered_ids(sink) == [row.message_id for row in rows]
    assert {fresh(db, row).state for row in rows} == {MailState.SENT}


# 4. Failures, back-off, retry ----------------------------------------------------------------

def test_transient_refusal_backs_off_then_fails_after_max_attempts_and_retry_delivers(committed_db, sink, app):
    db = committed_db
    assert app.config["OUTBOX_MAX_ATTEMPTS"] == 5 and app.config["OUTBOX_RETRY_BASE_SECONDS"] == 60
    row = queue_verification(address="greylisted@example.org", name="Grey Listed")
    db.session.commit()
    sink.refuse["greylisted@example.org"] = "451 4.3.0 Try later"
    error = "451 4.3.0 Try later (recipient greylisted@example.org)"

    for attempt, delay in [(1, 60), (2, 120), (3, 240), (4, 480)]:
        before = utcnow()
        report = OutboxWorker().run_once()
        after = utcnow()
        assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
        row = fresh(db, row)
        assert (row.state, row.attempts, row.last_error, row.claimed_by) == (MailState.QUEUED, attempt, error, None)
        assert before + dt.timedelta(seconds=delay) <= row.next_attempt_at <= after + dt.timedelta(seconds=delay)
        # Not due yet: another round leaves it alone.
        assert OutboxWorker().run_once().retrying == 0
        make_due(db, row)

    report = OutboxWorker().run_once()
    assert (report.sent, report.retrying, report.failed) == (0, 0, 1)
    assert report.errors == [f"{row.id}: {error}"]
    row = fresh(db, row)
    assert (row.state, row.attempts, row.last_error, row.sent_at) == (MailState.FAILED, 5, error, None)
    assert sink.messages == []

    runner = app.test_cli_runner()
    status = runner.invoke(args=["outbox", "status"])
    assert status.exit_code == 0
    assert status.output == "held     0\nqueued   0\nsending  0\nsent     0\nfailed   1\n"

    retried = runner.invoke(args=["outbox", "retry"])
    assert retried.exit_code == 0
    assert retried.output == "1 failed message(s) queued again\n"
    row = fresh(db, row)
    assert (row.state, row.attempts) == (MailState.QUEUED, 0)

    del sink.refuse["greylisted@example.org"]
    worked = runner.invoke(args=["outbox", "work", "--once"])
    assert worked.exit_code == 0
    assert worked.output == "sent 1, retrying 0, failed 0\n"
    assert delivered_ids(sink) == [row.message_id]
    row = fresh(db, row)
    assert (row.state, row.attempts, row.last_error) == (MailState.SENT, 1, None)
    assert runner.invoke(args=["outbox", "status"]).output == "held     0\nqueued   0\nsending  0\nsent     1\nfailed   0\n"


def test_permanent_refusal_fails_at_once_with_the_smtp_reply_and_others_still_go(committed_db, sink, app):
    db = committed_db
    good = queue_verification(address="good@example.org", name="Good Address")
    bad = queue_verification(address="nobody@example.org", name="No Body")
    also_good = queue_verification(address="also.good@example.org", name="Also Good")
    db.session.commit()
    sink.refuse["nobody@example.org"] = "550 5.1.1 No such user"

    report = OutboxWorker().run_once()

    assert (report.sent, report.retrying, report.failed) == (2, 0, 1)
    error = "550 5.1.1 No such user (recipient nobody@example.org)"
    assert report.errors == [f"{bad.id}: {error}"]
    bad = fresh(db, bad)
    assert (bad.state, bad.attempts, bad.last_error, bad.sent_at) == (MailState.FAILED, 1, error, None)
    assert delivered_ids(sink) == [good.message_id, also_good.message_id]
    assert sink.connections == 1  # a refused recipient does not cost the connection

    runner = app.test_cli_runner()
    assert runner.invoke(args=["outbox", "status"]).output == "held     0\nqueued   0\nsending  0\nsent     2\nfailed   1\n"
    assert runner.invoke(args=["outbox", "retry", str(bad.id)]).output == "1 failed message(s) queued again\n"
    del sink.refuse["nobody@example.org"]
    assert OutboxWorker().run_once().sent == 1
    assert delivered_ids(sink)[-1] == bad.message_id
    assert fresh(db, bad).state == MailState.SENT


def test_content_greylisted_with_a_4xx_reply_is_retried_after_the_back_off_and_delivered(committed_db, sink):
    db = committed_db
    row = queue_verification(address="grey@example.org", name="Grey Listed")
    db.session.commit()
    sink.data_replies.append("451 4.7.1 Greylisted, come back later")

    before = utcnow()
    report = OutboxWorker().run_once()
    after = utcnow()

    assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
    row = fresh(db, row)
    assert (row.state, row.attempts, row.last_error, row.sent_at) == (
        MailState.QUEUED, 1, "451 4.7.1 Greylisted, come back later", None)
    assert before + dt.timedelta(seconds=60) <= row.next_attempt_at <= after + dt.timedelta(seconds=60)
    assert OutboxWorker().run_once().sent == 0  # not before the back-off is over
    assert sink.messages == []

    make_due(db, row)
    assert OutboxWorker().run_once().sent == 1
    assert delivered_ids(sink) == [row.message_id]
    row = fresh(db, row)
    assert (row.state, row.attempts, row.last_error) == (MailState.SENT, 2, None)
    assert sink.connections == 2  # one per round with mail to send (the round with none opens none)


def test_content_refused_with_a_5xx_reply_fails_at_once_and_is_never_retried(committed_db, sink, app):
    db = committed_db
    spam = queue_verification(address="spam@example.org", name="Looks Like Spam")
    fine = queue_verification(address="fine@example.org", name="Fine")
    db.session.commit()
    sink.data_replies.append("554 5.7.1 Message rejected as spam")

    report = OutboxWorker().run_once()

    assert (report.sent, report.retrying, report.failed) == (1, 0, 1)
    assert report.errors == [f"{spam.id}: 554 5.7.1 Message rejected as spam"]
    spam = fresh(db, spam)
    assert (spam.state, spam.attempts, spam.last_error, spam.sent_at) == (
        MailState.FAILED, 1, "554 5.7.1 Message rejected as spam", None)
    assert delivered_ids(sink) == [fine.message_id]
    # Never taken again, even once its next attempt time has long passed.
    make_due(db, spam)
    assert OutboxWorker().run_once() == OutboxWorker().run_once()
    assert (fresh(db, spam).state, spam.attempts) == (MailState.FAILED, 1)
    assert delivered_ids(sink) == [fine.message_id]


def test_status_prints_the_count_of_every_state_held_included(committed_db, sink, app):
    db = committed_db
    event = factories.make_event()
    for n in range(2):
        queue_mail("group_team", to=f"held{n}@example.org", event=event, context={}, written=("Held", "Text"), hold=True)
    queue_mail("group_team", to="queued@example.org", event=event, context={}, written=("Queued", "Text"))
    db.session.commit()
    runner = app.test_cli_runner()

    assert runner.invoke(args=["outbox", "status"]).output == (
        "held     2\nqueued   1\nsending  0\nsent     0\nfailed   0\n")
    assert OutboxWorker().run_once().sent == 1  # held mail waits for an organiser
    db.session.commit()  # end the read of the first status (SQLite would go on reading its snapshot)
    assert runner.invoke(args=["outbox", "status"]).output == (
        "held     2\nqueued   0\nsending  0\nsent     1\nfailed   0\n")


def test_server_not_running_counts_a_transient_attempt_and_ends_the_round(committed_db, sink, app, monkeypatch):
    db = committed_db
    first = queue_verification(address="first@example.org", name="First")
    second = queue_verification(address="second@example.org", name="Second")
    db.session.commit()
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there

    before = utcnow()
    report = OutboxWorker(batch_size=1).run_once()
    after = utcnow()

    assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
    first, second = fresh(db, first), fresh(db, second)
    assert first.state == MailState.QUEUED and first.attempts == 1
    assert first.last_error == "cannot connect: ConnectionRefusedError: [Errno 111] Connection refused"
    assert before + dt.timedelta(seconds=60) <= first.next_attempt_at <= after + dt.timedelta(seconds=60)
    # The round stopped at the first batch: the other message did not spend an attempt.
    assert (second.state, second.attempts, second.last_error) == (MailState.QUEUED, 0, None)

    monkeypatch.setitem(app.config, "MAIL_PORT", sink.port)  # the server is back
    make_due(db, first)
    assert OutboxWorker(batch_size=1).run_once().sent == 2
    assert sorted(delivered_ids(sink)) == sorted([first.message_id, second.message_id])
    assert (fresh(db, first).state, first.attempts) == (MailState.SENT, 2)


def test_server_closing_the_connection_mid_batch_reconnects_for_the_rest(committed_db, sink):
    db = committed_db
    rows = [queue_verification(address=f"m{n}@example.org", name=f"M {n}") for n in range(3)]
    db.session.commit()
    sink.refuse["m1@example.org"] = "421 4.3.2 Service shutting down"

    report = OutboxWorker().run_once()

    assert (report.sent, report.retrying, report.failed) == (2, 1, 0)
    first, closing, last = (fresh(db, row) for row in rows)
    assert (first.state, first.attempts) == (MailState.SENT, 1)
    assert (closing.state, closing.attempts) == (MailState.QUEUED, 1)
    assert closing.last_error == "421 4.3.2 Service shutting down (recipient m1@example.org)"
    # Given back without an attempt, then sent over a new connection.
    assert (last.state, last.attempts) == (MailState.SENT, 1)
    assert sink.connections == 2
    assert delivered_ids(sink) == [first.message_id, last.message_id]


def test_header_injection_fails_permanently_and_sends_nothing(committed_db, sink):
    db = committed_db
    row = queue_verification(address="victim@example.org", name="Victim")
    row.subject = "Hello\nBcc: everyone@example.org"
    db.session.commit()

    report = OutboxWorker().run_once()

    assert (report.sent, report.failed) == (0, 1)
    row = fresh(db, row)
    assert (row.state, row.attempts, row.last_error) == (
        MailState.FAILED, 1, "ValueError: Header values may not contain linefeed or carriage return characters")
    assert sink.messages == []


# 5. Claims of dead workers ----------------------------------------------------------------------

def test_expired_claim_of_a_dead_worker_is_taken_again_and_a_fresh_claim_is_left(committed_db, sink, app):
    db = committed_db
    lease = dt.timedelta(seconds=app.config["OUTBOX_LEASE_SECONDS"])
    orphan = queue_verification(address="orphan@example.org", name="Orphan")
    busy = queue_verification(address="busy@example.org", name="Busy")
    orphan.state = busy.state = MailState.SENDING
    orphan.claimed_at, orphan.claimed_by = utcnow() - lease - dt.timedelta(seconds=1), "dead-host:1:aaaaaa:11111111"
    busy.claimed_at, busy.claimed_by = utcnow() - dt.timedelta(seconds=10), "live-host:2:bbbbbb:22222222"
    db.session.commit()

    worker = OutboxWorker()
    report = worker.run_once()

    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    assert delivered_ids(sink) == [orphan.message_id]
    orphan, busy = fresh(db, orphan), fresh(db, busy)
    assert orphan.state == MailState.SENT and orphan.claimed_by.startswith(worker.name + ":")
    assert (busy.state, busy.claimed_by, busy.attempts, busy.sent_at) == (
        MailState.SENDING, "live-host:2:bbbbbb:22222222", 0, None
    )


KILL_MESSAGES = 2000


def test_a_worker_killed_while_sending_2000_messages_restarts_and_every_message_arrives(
        committed_db, database_url, id_sink, app):
    """The README's promise: kill the worker (SIGKILL: no clean-up at all) while it sends 2,000
    messages, start it again, and every message arrives; only the message in flight at the
    moment of the kill (accepted by the server, not yet recorded as sent) arrives twice."""
    db = committed_db
    user = factories.make_user(email="many@example.org", name="Many Messages")
    for n in range(KILL_MESSAGES):
        queue_mail("verify_email", to=f"kill{n}@example.org", to_name=f"Kill {n}", user=user,
                   context={"user": user, "link": f"http://conference.test/auth/verify/{n}"})
    db.session.commit()
    expected = set(db.session.scalars(sa.select(OutboxMessage.message_id)))
    db.session.commit()
    assert len(expected) == KILL_MESSAGES

    worker = worker_process(database_url, id_sink.port, "--poll", "0.1")  # as deployed: runs until stopped
    deadline = time.monotonic() + 60
    while len(id_sink.messages) < KILL_MESSAGES // 3:
        assert worker.poll() is None, worker.communicate()
        assert time.monotonic() < deadline, f"the worker sent {len(id_sink.messages)} messages in 60 s"
        time.sleep(0.002)
    worker.send_signal(signal.SIGKILL)
    worker.communicate(timeout=30)
    assert worker.returncode == -signal.SIGKILL

    def rows_by_state() -> dict[MailState, set[str]]:
        found = collections.defaultdict(set)
        for message_id, state in db.session.execute(sa.select(OutboxMessage.message_id, OutboxMessage.state)):
            found[state].add(message_id)
        db.session.commit()
        return found

    left = rows_by_state()
    sent, claimed, queued = left[MailState.SENT], left[MailState.SENDING], left[MailState.QUEUED]
    assert len(sent) + len(claimed) + len(queued) == KILL_MESSAGES
    assert queued, "the worker was not killed mid-way"
    assert 0 < len(claimed) <= app.config["OUTBOX_BATCH_SIZE"]  # the dead worker's batch in hand
    delivered = set(delivered_ids(id_sink))
    assert sent <= delivered
    in_flight = delivered - sent  # accepted by the server, the worker killed before recording it
    assert in_flight <= claimed and len(in_flight) <= 1

    # Started again at once: it sends everything that was never claimed. The dead worker's
    # claim is left alone while its lease runs (its worker might only be slow).
    restarted = worker_process(database_url, id_sink.port)
    out, err = restarted.communicate(timeout=60)
    assert restarted.returncode == 0, err
    assert out == f"sent {len(queued)}, retrying 0, failed 0\n"
    assert rows_by_state()[MailState.SENDING] == claimed

    # Once the lease has run out (moved back here rather than waited for), the next round
    # takes the claim over and sends the rest.
    lease = dt.timedelta(seconds=app.config["OUTBOX_LEASE_SECONDS"])
    db.session.execute(
        sa.update(OutboxMessage).where(OutboxMessage.state == MailState.SENDING)
        .values(claimed_at=utcnow() - lease - dt.timedelta(seconds=1))
    )
    db.session.commit()
    again = worker_process(database_url, id_sink.port)
    out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    assert out == f"sent {len(claimed)}, retrying 0, failed 0\n"

    assert rows_by_state() == {MailState.SENT: expected}
    arrivals = collections.Counter(delivered_ids(id_sink))
    assert set(arrivals) == expected  # every message arrived
    twice = {message_id for message_id, count in arrivals.items() if count > 1}
    assert in_flight <= twice <= claimed and len(twice) <= 1  # at most the one in flight, once more
    assert max(arrivals.values()) <= 2


# 6. Development delivery to files ---------------------------------------------------------------

def test_without_mail_server_the_message_is_written_to_an_eml_file(committed_db, app, tmp_path, monkeypatch, caplog):
    db = committed_db
    assert app.config["MAIL_SERVER"] is None
    monkeypatch.setitem(app.config, "MAIL_DIRECTORY", str(tmp_path / "mail"))
    user = factories.make_user(email="dev@example.org", name="Dev Eloper")
    row = queue_mail(
        "verify_email", to=user.email, to_name=user.name, user=user,
        context={"user": user, "link": "http://conference.test/auth/verify/dev"},
        attachments=[("opening.ics", "text/calendar", ICS)],
    )
    db.session.commit()

    with caplog.at_level(logging.WARNING, logger="conference.mail.outbox"):
        report = OutboxWorker().run_once()

    assert (report.sent, report.failed) == (1, 0)
    [path] = (tmp_path / "mail").iterdir()
    assert path.suffix == ".eml"
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["To"].addresses == (Address("Dev Eloper", addr_spec="dev@example.org"),)
    assert str(message["From"]) == SENDER
    assert message["Subject"] == "Confirm your email address"
    assert message["Message-ID"] == row.message_id
    assert crlf_to_lf(message_text(message)) == row.body_text
    assert "http://conference.test/auth/verify/dev" in row.body_text
    assert crlf_to_lf(message.get_body(preferencelist=("html",)).get_content()) == row.body_html
    [attachment] = message.iter_attachments()
    assert (attachment.get_filename(), attachment.get_payload(decode=True)) == ("opening.ics", ICS)
    assert caplog.messages == [f"Mail to Dev Eloper <dev@example.org>: 'Confirm your email address' written to {path}"]
    assert fresh(db, row).state == MailState.SENT


def test_a_batch_outlasting_half_the_lease_is_claimed_again_before_sending_on(committed_db, sink, app, monkeypatch):
    db = committed_db
    # With no lease at all, every claim is "old" after its first message: the worker must
    # claim the rest afresh, message by message, and still deliver each exactly once.
    monkeypatch.setitem(app.config, "OUTBOX_LEASE_SECONDS", 0)
    rows = [queue_verification(address=f"slow{n}@example.org", name=f"Slow {n}") for n in range(3)]
    db.session.commit()

    worker = OutboxWorker()
    report = worker.run_once()

    assert (report.sent, report.retrying, report.failed) == (3, 0, 0)
    assert delivered_ids(sink) == [row.message_id for row in rows]
    rows = [fresh(db, row) for row in rows]
    assert [(row.state, row.attempts) for row in rows] == [(MailState.SENT, 1)] * 3
    claims = [row.claimed_by for row in rows]
    assert len(set(claims)) == 3 and all(claim.startswith(worker.name + ":") for claim in claims)
    assert sink.connections == 1


def test_run_forever_delivers_until_told_to_stop_and_stops_after_the_batch_in_hand(committed_db, sink):
    db = committed_db
    rows = [queue_verification(address=f"loop{n}@example.org", name=f"Loop {n}") for n in range(3)]
    db.session.commit()
    message_ids = [row.message_id for row in rows]  # run_forever ends the session's objects

    # As Ctrl-C or SIGTERM would: the stop comes while the first batch of one is being sent.
    OutboxWorker(batch_size=1).run_forever(poll_seconds=0, should_stop=lambda: len(sink.messages) >= 1)

    assert delivered_ids(sink) == message_ids[:1]
    db.session.commit()
    states = db.session.execute(sa.select(OutboxMessage.to_address, OutboxMessage.state).order_by(OutboxMessage.id)).all()
    assert states == [("loop0@example.org", MailState.SENT), ("loop1@example.org", MailState.QUEUED),
                      ("loop2@example.org", MailState.QUEUED)]

    calls = []
    OutboxWorker().run_forever(poll_seconds=0, should_stop=lambda: calls.append(1) or len(calls) > 3)
    assert delivered_ids(sink) == message_ids
