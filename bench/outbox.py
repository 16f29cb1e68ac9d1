"""Deliver N queued messages through one outbox worker, then two, to a local SMTP sink; print the rates.

    .venv/bin/python bench/outbox.py [--messages 2000] [--database-url URL] [--workers 1|2|both]
                                     [--sink process|thread] [--profile]

SQLite (a scratch file) by default; with ``--database-url postgresql://...`` the run uses a
scratch schema in that database and drops it afterwards. The schema is built by the real
migrations, the messages are queued with ``queue_mail`` (the path the app uses), and
``OutboxWorker().run_once()`` delivers them over SMTP to an aiosmtpd server on loopback, by
default in a child process, as a real mail server would be (``--sink thread`` runs it in this
process instead, sharing the interpreter with the worker).

One worker runs in this process (its CPU time is printed too). On PostgreSQL the run is then
repeated with two workers side by side, each in a process of its own, built and connected
before both are let go at once; they share the queue through ``FOR UPDATE SKIP LOCKED``, and
the sink checks that every message arrived exactly once. SQLite has no such locking (and one
writer at a time), so two workers are measured on PostgreSQL only.
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

def app_config(url: str, sink_port: int, mail_dir: str) -> dict:
    return {
        "APP_ENV": "testing",
        "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": url,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": sink_port,
        "MAIL_DEFAULT_SENDER": SENDER,
        "MAIL_DIRECTORY": mail_dir,
        "OUTBOX_SEND_AFTER_REQUEST": False,
        "RATELIMIT_STORAGE_URI": "memory://",
    }


def queue_messages(count: int) -> None:
    """Empty the outbox, then queue ``count`` messages as the app does."""
    import sqlalchemy as sa

    from conference.accounts import users as accounts
    from conference.accounts.models import User
    from conference.extensions import db
    from conference.mail.mailer import queue_mail
    from conference.mail.models import OutboxMessage

    db.session.execute(sa.delete(OutboxMessage))
    user = db.session.scalar(sa.select(User).where(User.email == "bench@example.org"))
    if user is None:
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


def _worker_process(config: dict, ready, go, results) -> None:
    """One worker in a process of its own (as ``flask outbox work`` runs): built and connected
    before the start, so the figure is the delivery's, not Python's start-up."""
    import sqlalchemy as sa

    from conference import create_app
    from conference.extensions import db
    from conference.mail.outbox import OutboxWorker

    app = create_app(config)
    with app.app_context():
        db.session.execute(sa.select(1))
        db.session.remove()
        worker = OutboxWorker()
        ready.set()
        go.wait()
        report = worker.run_once()
        results.put((report.sent, report.retrying, report.failed, time.monotonic()))
        db.engine.dispose()


def run_in_processes(config: dict, workers: int) -> tuple[list[tuple[int, int, int]], float]:
    """Start ``workers`` worker processes, let them go at once, and return each one's (sent,
    retrying, failed) and the seconds until the last one finished."""
    context = multiprocessing.get_context("spawn")
    go = context.Event()
    results = context.Queue()
    readies = [context.Event() for _ in range(workers)]
    processes = [context.Process(target=_worker_process, args=(config, ready, go, results)) for ready in readies]
    for process in processes:
        process.start()
    for ready, process in zip(readies, processes, strict=True):
        while not ready.wait(0.1):
            if not process.is_alive():
                raise RuntimeError("a worker process ended before it was ready")
    started = time.monotonic()
    go.set()
    finished = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join(30)
    return [item[:3] for item in finished], max(item[3] for item in finished) - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: a scratch SQLite file)")
    parser.add_argument("--sink", choices=("process", "thread"), default="process")
    parser.add_argument("--workers", choices=("1", "2", "both"), default=None,
                        help="worker processes side by side (default: both runs on PostgreSQL, one on SQLite)")
    parser.add_argument("--profile", action="store_true", help="print the one worker's top functions (cProfile)")
    args = parser.parse_args(argv)
    postgresql = bool(args.database_url)
    runs = {"1": [1], "2": [2], "both": [1, 2], None: [1, 2] if postgresql else [1]}[args.workers]
    if 2 in runs and not postgresql:
        parser.error("two workers side by side need PostgreSQL (FOR UPDATE SKIP LOCKED): give --database-url")

    from flask_migrate import upgrade

    from conference import create_app
    from conference.extensions import db
    from conference.mail.outbox import OutboxWorker, counts_by_state

    ok = True
    with ScratchDatabase(args.database_url) as url, tempfile.TemporaryDirectory() as mail_dir:
        for workers in runs:
            sink = (ProcessSink if args.sink == "process" else ThreadSink)().start()
            try:
                config = app_config(url, sink.port, mail_dir)
                app = create_app(config)
                with app.app_context():
                    upgrade()
                    started = time.perf_counter()
                    queue_messages(args.messages)
                    queued_seconds = time.perf_counter() - started
                    db.session.remove()
                    cpu_seconds = None
                    if workers == 1 and not args.profile:
                        # One worker in this process: its CPU time can be measured.
                        worker = OutboxWorker()
                        started, cpu_started = time.perf_counter(), time.process_time()
                        report = worker.run_once()
                        seconds = time.perf_counter() - started
                        cpu_seconds = time.process_time() - cpu_started
                        per_worker = [(report.sent, report.retrying, report.failed)]
                    elif workers == 1:
                        import cProfile
                        import pstats

                        profiler = cProfile.Profile()
                        started = time.perf_counter()
                        profiler.enable()
                        report = OutboxWorker().run_once()
                        profiler.disable()
                        seconds = time.perf_counter() - started
                        per_worker = [(report.sent, report.retrying, report.failed)]
                        stats = pstats.Stats(profiler)
                        stats.sort_stats("cumulative").print_stats(25)
                        stats.sort_stats("tottime").print_stats(25)
                    else:
                        per_worker, seconds = run_in_processes(config, workers)
                    counts = counts_by_state()
                    dialect = db.engine.dialect.name
                    db.session.remove()
                    db.engine.dispose()
            finally:
                message_ids, connections = sink.stop()
            ok = report_run(args, workers, dialect, queued_seconds, per_worker, counts, message_ids, connections,
                            seconds, cpu_seconds) and ok
    return 0 if ok else 1


def report_run(args, workers, dialect, queued_seconds, per_worker, counts, message_ids, connections,
               seconds, cpu_seconds) -> bool:
    received = len(message_ids)
    distinct = len(set(message_ids))
    sent = sum(item[0] for item in per_worker)
    rate = args.messages / seconds if seconds else float("inf")
    print(f"--- {workers} worker{'s side by side, each in a process of its own' if workers > 1 else ''}")
    print(f"database:          {dialect}")
    print(f"sink:              aiosmtpd in a {'child process' if args.sink == 'process' else 'thread'}")
    print(f"messages queued:   {args.messages} in {queued_seconds:.2f} s")
    print("worker report:     " + "; ".join(f"sent {s}, retrying {r}, failed {f}" for s, r, f in per_worker))
    print("outbox states:     " + ", ".join(f"{state.value} {n}" for state, n in counts.items()))
    print(f"sink received:     {received} ({distinct} distinct Message-IDs, {connections} SMTP connection(s))")
    if cpu_seconds is not None:
        print(f"total seconds:     {seconds:.3f} (CPU of this process {cpu_seconds:.3f} s, "
              f"{cpu_seconds / args.messages * 1000:.2f} ms per message)")
    else:
        print(f"total seconds:     {seconds:.3f}")
    print(f"messages/second:   {rate:.0f} with {workers} worker{'s' if workers > 1 else ''}"
          f"{f' (target {TARGET_PER_SECOND})' if workers == 1 else ''}")
    if not received == distinct == args.messages == sent:
        print("FAILED: the sink did not receive every message exactly once", file=sys.stderr)
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
