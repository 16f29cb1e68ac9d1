"""What every log line (and error report) says it belongs to: the web request's id, or the
periodic-job round's. Context variables, so the request's thread, the worker's loop and the tests
each see their own; the logging filter and the error reporter (conference.operations) read them."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator
from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
job_round: ContextVar[str | None] = ContextVar("job_round", default=None)

# What a proxy may hand us as X-Request-ID (nginx's $request_id is 32 hex digits; a UUID has
# dashes): anything else is replaced, so a log line never carries a visitor's arbitrary text.
REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")


def new_id() -> str:
    return uuid.uuid4().hex


def request_id_from(header: str | None) -> str:
    """The proxy's id when it is well-formed, else a new one."""
    header = (header or "").strip()
    return header if REQUEST_ID.fullmatch(header) else new_id()


@contextlib.contextmanager
def round_context() -> Iterator[str]:
    """A new round id for the lines logged inside the block."""
    token = job_round.set(new_id())
    try:
        yield job_round.get() or ""
    finally:
        job_round.reset(token)
