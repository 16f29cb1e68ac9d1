"""The periodic registration jobs: offers whose time is up pass to the next person waiting,
reconfirmation requests send their reminder and release places at their date, and focal
points are reminded before their deadline, after which the organisers decide. The outbox
worker runs them every REGISTRATION_JOBS_SECONDS; ``flask registrations tick`` runs one round."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ..models.types import utcnow
from . import delegations, reconfirmation
from . import registration as ops


def run_due(*, now: dt.datetime | None = None, commit: Callable[[], None] | None = None) -> dict[str, int]:
    """Run every job once. Each job is a unit of its own: ``commit`` (the caller's, e.g.
    ``db.session.commit``) is called after each, so a failure in one keeps the other's work."""
    now = now or utcnow()
    done = {"offers_expired": ops.expire_offers(now=now)}
    if commit is not None:
        commit()
    done.update(reconfirmation.run_reconfirmation(now=now))
    if commit is not None:
        commit()
    done.update(delegations.run_deadlines(now=now))
    if commit is not None:
        commit()
    return done
