"""Two outbox workers side by side on PostgreSQL deliver every message exactly once.

The workers are two real ``flask outbox work --once`` processes with their own database
connections, pointed at this test's scratch schema through ``DATABASE_URL`` (its
``options=-csearch_path=...``) and at a real SMTP server on loopback. The test holds a
lock on the outbox table until both are waiting to claim, so they really run at the same
time instead of one draining the queue before the other has started.
"""

from __future__ import annotations

import collections
import time

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from conference.mail.enums import MailState
from conference.mail.mailer import queue_mail
from conference.mail.models import OutboxMessage

from .. import factories
from .test_outbox import worker_process

pytestmark = pytest.mark.postgres_only

MESSAGES = 500


@pytest.fixture
def postgres_db(database_url, request):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: workers side by side rely on FOR UPDATE SKIP LOCKED (set TEST_DATABASE_URL)")
    return request.getfixturevalue("committed_db")


def libpq_url(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def wait_until_both_wait_for_the_lock(conn, workers, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = conn.execute(
            "SELECT count(DISTINCT pid) FROM pg_locks"
            " WHERE relation = 'outbox_message'::regclass AND NOT granted"
        ).fetchone()[0]
        if waiting == 2:
            return
        for worker in workers:
            if worker.poll() is not None:
                pytest.fail(f"a worker ended before claiming: {worker.communicate()}")
        time.sleep(0.05)
    pytest.fail("the two workers did not both reach their first claim in time")


def test_two_workers_deliver_each_of_500_messages_exactly_once(postgres_db, database_url, smtp_server):
    db = postgres_db
    user = factories.make_user(email="many@example.org", name="Many Messages")
    for n in range(MESSAGES):
        queue_mail(
            "verify_email", to=f"person{n}@example.org", to_name=f"Person {n}", user=user,
            context={"user": user, "link": f"http://conference.test/auth/verify/{n}"},
        )
    db.session.commit()
    expected = set(db.session.scalars(sa.select(OutboxMessage.message_id)))
    db.session.commit()
    assert len(expected) == MESSAGES

    with psycopg.connect(libpq_url(database_url)) as gate:
        gate.execute("LOCK TABLE outbox_message IN EXCLUSIVE MODE")  # claims wait; reads do not
        workers = [worker_process(database_url, smtp_server.port) for _ in range(2)]
        try:
            with psycopg.connect(libpq_url(database_url), autocommit=True) as observer:
                wait_until_both_wait_for_the_lock(observer, workers)
        finally:
            gate.commit()  # both go
        outputs = [worker.communicate(timeout=120) for worker in workers]

    for worker, (_out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err
    sent = [int(out.split(",")[0].removeprefix("sent ")) for out, _err in outputs]
    assert [out for out, _err in outputs] == [f"sent {n}, retrying 0, failed 0\n" for n in sent]
    assert sum(sent) == MESSAGES
    assert min(sent) > 0, f"one worker sent everything: {sent}"

    arrived = collections.Counter(received["message"]["Message-ID"] for received in smtp_server.messages)
    assert set(arrived) == expected
    assert set(arrived.values()) == {1}

    states = dict(db.session.execute(
        sa.select(OutboxMessage.state, sa.func.count()).group_by(OutboxMessage.state)
    ).all())
    assert states == {MailState.SENT: MESSAGES}
    # Each row names the worker that sent it: two workers, as many rows as each reported.
    by_worker = collections.Counter(
        claim.rsplit(":", 1)[0] for claim in db.session.scalars(sa.select(OutboxMessage.claimed_by))
    )
    assert sorted(by_worker.values()) == sorted(sent)
