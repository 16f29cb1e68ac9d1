"""Periodic jobs: each area registers its own (offers whose time is up, reconfirmation,
delegation deadlines, expired login sessions) and the outbox worker runs a round of them every
REGISTRATION_JOBS_SECONDS (the name is older than the other jobs); ``flask registrations tick`` runs
one round by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from conference.core.types import utcnow

Job = Callable[..., "int | dict[str, int]"]
JOBS: dict[str, Job] = {}


def register(name: str, job: Job) -> None:
    """``job(now=...)`` returns a count (reported under ``name``) or a dict of counts. Every
    app the process creates registers the same jobs again: that is a no-op."""
    if JOBS.get(name, job) is not job:
        raise ValueError(f"two periodic jobs are called {name!r}")
    JOBS[name] = job


def run_round(*, now: dt.datetime | None = None, commit: Callable[[], None] | None = None) -> dict[str, int]:
    """Run every job once, in the order the areas registered them. Each job is a unit of its
    own: ``commit`` (the caller's, e.g. ``db.session.commit``) is called after each, so a
    failure in one keeps the others' work."""
    now = now or utcnow()
    done: dict[str, int] = {}
    for name, job in JOBS.items():
        result = job(now=now)
        if isinstance(result, dict):
            done.update(result)
        else:
            done[name] = result
        if commit is not None:
            commit()
    return done
