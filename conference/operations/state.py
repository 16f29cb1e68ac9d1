"""What /healthz and /metrics read from the database: the outbox (one query) and
the periodic jobs' rows. A fixed number of small queries, whatever the size of the outbox: the
counts go through the (state, next_attempt_at) index and leave sent mail out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from conference.core.models import JobRun
from conference.extensions import db
from conference.mail.enums import MailState
from conference.mail.models import OutboxMessage

# Mail on its way out: queued (perhaps waiting for a retry) or being sent.
WAITING = (MailState.QUEUED, MailState.SENDING)
COUNTED = (MailState.HELD, MailState.QUEUED, MailState.SENDING, MailState.FAILED)


@dataclass
class OutboxState:
    counts: dict[MailState, int]
    oldest_waiting_at: dt.datetime | None

    def oldest_waiting_age(self, now: dt.datetime) -> float | None:
        """Seconds since the oldest message still on its way out was queued; None when none is."""
        return None if self.oldest_waiting_at is None else (now - self.oldest_waiting_at).total_seconds()


@dataclass
class JobsState:
    runs: list[JobRun] = field(default_factory=list)

    @property
    def last_round_at(self) -> dt.datetime | None:
        """When a job last finished, in any process: the last round's time."""
        return max((run.last_finished_at for run in self.runs if run.last_finished_at), default=None)

    @property
    def failing(self) -> list[str]:
        return sorted(run.name for run in self.runs if run.last_succeeded is False)


def outbox_state() -> OutboxState:
    rows = db.session.execute(
        sa.select(OutboxMessage.state, sa.func.count(), sa.func.min(OutboxMessage.created_at))
        .where(OutboxMessage.state.in_(COUNTED)).group_by(OutboxMessage.state)
    ).all()
    counts = {state: 0 for state in COUNTED}
    oldest: dt.datetime | None = None
    for state, count, first in rows:
        counts[state] = count
        if state in WAITING and first is not None and (oldest is None or first < oldest):
            oldest = first
    return OutboxState(counts=counts, oldest_waiting_at=oldest)


def jobs_state() -> JobsState:
    return JobsState(runs=list(db.session.scalars(sa.select(JobRun).order_by(JobRun.name))))
