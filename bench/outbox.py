"""Deliver N queued messages through one outbox worker to a local SMTP sink; print the rate.

    .venv/bin/python bench/outbox.py [--messages 2000] [--database-url URL] [--sink process|thread]

SQLite (a scratch file) by default; with ``--database-url postgresql://...`` the run uses a
scratch schema in that database and drops it afterwards. The schema is built by the real
migrations, the messages are queued with ``queue_mail`` (the path the app uses) and one
``OutboxWorker().run_once()`` delivers them over SMTP to an aiosmtpd server on loopback,
by default in a child process, as a real mail server would be (``--sink thread`` runs it
in this process instead, sharing the interpreter with the worker).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import socket
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_PER_SECOND = 300
SENDER = "Conference <noreply@bench.test>"
_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>]+>)", re.MULTILINE | re.IGNORECASE)


# The SMTP sink ---------------------------------------------------------------------------

class CountingHandler:
    """Accepts everything; keeps the Message-IDs and counts connections."""

    def __init__(self):
        self.message_ids: list[bytes] = []
        self.connections = 0
        self._lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname  # what aiosmtpd does itself when there is no hook
        with self._lock:
            self.connections += 1
        return responses

    async def handle_DATA(self, server, session, envelope):
        match = _MESSAGE_ID.search(envelope.content)
        with self._lock:
            self.message_ids.append(match.group(1) if match else b"")
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_controller(handler, port):
    from aiosmtpd.controller import Controller

    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    return controller


def _sink_process(port, conn) -> None:
    handler = CountingHandler()
    controller = _start_controller(handler, port)
    conn.send("ready")
    conn.recv()  # "stop"
    controller.stop()
    conn.send((handler.message_ids, handler.connections))


class ProcessSink:
    def __init__(self):
        self.port = free_port()
        self._conn, child = multiprocessing.Pipe()
        self._process = multiprocessing.get_context("spawn").Process(
            target=_sink_process, args=(self.port, child), daemon=True
        )

    def start(self):
        self._process.start()
        if not self._conn.poll(30) or self._conn.recv() != "ready":
            raise RuntimeError("the SMTP sink did not start")
        return self

    def stop(self) -> tuple[list[bytes], int]:
        self._conn.send("stop")
        result = self._conn.recv()
        self._process.join(10)
        return result


class ThreadSink:
    def __init__(self):
        self.port = free_port()
        self.handler = CountingHandler()

    def start(self):
        self.controller = _start_controller(self.handler, self.port)
        return self

    def stop(self) -> tuple[list[bytes], int]:
        self.controller.stop()
        return self.handler.message_ids, self.handler.connections


# Databases -------------------------------------------------------------------------------

class ScratchDatabase:
    """A scratch SQLite file, or a scratch schema in the given PostgreSQL database."""

    def __init__(self, base_url: str | None):
        from conference.config import normalise_database_url

        self.base_url = normalise_database_url(base_url) if base_url else None
        self.schema = f"bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self._tmp = None

    def _conninfo(self) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.base_url).set(drivername="postgresql").render_as_string(hide_password=False)

    def __enter__(self) -> str:
        if self.base_url is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="bench-outbox-")
            return "sqlite:///" + os.path.join(self._tmp.name, "bench.sqlite")
        import psycopg
        from sqlalchemy.engine import make_url

        with psycopg.connect(self._conninfo(), autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{self.schema}"')
        url = make_url(self.base_url).update_query_dict({"options": f"-csearch_path={self.schema}"})
        return url.render_as_string(hide_password=False)

    def __exit__(self, *exc_info):
        if self._tmp is not None:
            self._tmp.cleanup()
            return
        import psycopg

        with psycopg.connect(self._conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')


# The run ---------------------------------------------------------------------------------

def queue_messages(count: int) -> None:
    from conference.domain import accounts
    from conference.domain.mailer import queue_mail
    from conference.extensions import db

    user = accounts.create_user(email="bench@example.org", name="Bench Mark", password="bench password 123")
    db.session.flush()
    for n in range(count):
        queue_mail(
            "verify_email",
            to=f"person{n}@example.org",
            to_name=f"Person {n}",
            user=user,
            context={"user": user, "link": f"http://bench.test/auth/verify/{n}"},
        )
        if n % 500 == 499:
            db.session.flush()
    db.session.commit()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: a scratch SQLite file)")
    parser.add_argument("--sink", choices=("process", "thread"), default="process")
    parser.add_argument("--profile", action="store_true", help="print the worker's top functions (cProfile)")
    args = parser.parse_args(argv)

    from flask_migrate import upgrade

    from conference import create_app
    from conference.domain.outbox import OutboxWorker, counts_by_state
    from conference.extensions import db

    sink = (ProcessSink if args.sink == "process" else ThreadSink)().start()
    try:
        with ScratchDatabase(args.database_url) as url, tempfile.TemporaryDirectory() as mail_dir:
            app = create_app({
                "APP_ENV": "testing",
                "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
                "SQLALCHEMY_DATABASE_URI": url,
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": sink.port,
                "MAIL_DEFAULT_SENDER": SENDER,
                "MAIL_DIRECTORY": mail_dir,
                "OUTBOX_SEND_AFTER_REQUEST": False,
                "RATELIMIT_STORAGE_URI": "memory://",
            })
            with app.app_context():
                upgrade()
                started = time.perf_counter()
                queue_messages(args.messages)
                queued_seconds = time.perf_counter() - started
                db.session.remove()

                worker = OutboxWorker()
                profiler = None
                if args.profile:
                    import cProfile

                    profiler = cProfile.Profile()
                    profiler.enable()
                started, cpu_started = time.perf_counter(), time.process_time()
                report = worker.run_once()
                seconds = time.perf_counter() - started
                cpu_seconds = time.process_time() - cpu_started
                if profiler is not None:
                    import pstats

                    profiler.disable()
                    stats = pstats.Stats(profiler)
                    stats.sort_stats("cumulative").print_stats(25)
                    stats.sort_stats("tottime").print_stats(25)
                counts = counts_by_state()
                dialect = db.engine.dialect.name
                db.session.remove()
                db.engine.dispose()
    finally:
        message_ids, connections = sink.stop()

    received = len(message_ids)
    distinct = len(set(message_ids))
    rate = args.messages / seconds if seconds else float("inf")
    print(f"database:          {dialect}")
    print(f"sink:              aiosmtpd in a {'child process' if args.sink == 'process' else 'thread'}")
    print(f"messages queued:   {args.messages} in {queued_seconds:.2f} s")
    print(f"worker report:     sent {report.sent}, retrying {report.retrying}, failed {report.failed}")
    print("outbox states:     " + ", ".join(f"{state.value} {n}" for state, n in counts.items()))
    print(f"sink received:     {received} ({distinct} distinct Message-IDs, {connections} SMTP connection(s))")
    print(f"total seconds:     {seconds:.3f} (CPU of this process {cpu_seconds:.3f} s, {cpu_seconds / args.messages * 1000:.2f} ms per message)")
    print(f"messages/second:   {rate:.0f} (target {TARGET_PER_SECOND})")
    ok = received == distinct == args.messages == report.sent
    if not ok:
        print("FAILED: the sink did not receive every message exactly once", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
