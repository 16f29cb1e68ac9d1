"""Logging: one handler on the root logger, writing to standard error, as text in development
and as one JSON object per line in production (LOG_FORMAT), each line carrying the request id or
the periodic-job round id it belongs to. gunicorn's access log carries the same request id, from
the X-Request-ID response header (conference.operations.gunicorn_conf)."""

from __future__ import annotations

import logging
import sys
from typing import Any

from flask import Flask, Response, g, request
from flask.logging import default_handler
from pythonjsonlogger.json import JsonFormatter

from conference.core import log_context

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s%(context)s: %(message)s"
JSON_FIELDS = "%(levelname)s %(name)s %(message)s"
JSON_RENAMED = {"levelname": "level", "name": "logger"}


class ContextFilter(logging.Filter):
    """Adds ``request_id`` and ``job_round`` (None outside a request or a round) to each record,
    and ``context``, the same as text (" [request 1a2b...]")."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id, job_round = log_context.request_id.get(), log_context.job_round.get()
        record.__dict__.update(request_id=request_id, job_round=job_round,
                               context=(f" [request {request_id}]" if request_id
                                        else f" [round {job_round}]" if job_round else ""))
        return True


class Json(JsonFormatter):
    """python-json-logger's formatter: time, level, logger, message, request_id or job_round
    (whichever applies: a missing one is left out, not null), and the traceback as exc_info."""

    def __init__(self) -> None:
        super().__init__(JSON_FIELDS, rename_fields=JSON_RENAMED, timestamp="time")

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]) -> None:
        super().add_fields(log_data, record, message_dict)
        for key in ("request_id", "job_round"):
            value = getattr(record, key, None)
            if value:
                log_data[key] = value
            else:
                log_data.pop(key, None)
        log_data.pop("context", None)


class StandardError(logging.StreamHandler):
    """Writes to the ``sys.stderr`` of the moment, as logging's last resort does: a test runner
    that swaps it between tests still gets the lines."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def configure(app: Flask) -> None:
    """Install the handler (replacing the one an earlier app of this process installed)."""
    app.logger.removeHandler(default_handler)  # the app's lines go to the root logger's handlers
    if not app.config["LOG_TO_STDERR"]:
        return
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, StandardError):
            root.removeHandler(handler)
    handler = StandardError()
    handler.addFilter(ContextFilter())
    handler.setFormatter(Json() if app.config["LOG_FORMAT"] == "json" else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"])
    # Alembic tells at INFO which database it talks to whenever a command (flask check) looks at the
    # schema; `flask db upgrade` sets its own logging from migrations/alembic.ini.
    logging.getLogger("alembic").setLevel(logging.WARNING)


def register_request_id(app: Flask) -> None:
    """Each request gets an id: the proxy's X-Request-ID when it is well-formed, else a new one.
    It is on every line the request logs, in error reports, and in the response's X-Request-ID."""

    @app.before_request
    def take_request_id() -> None:
        g.request_id = log_context.request_id_from(request.headers.get("X-Request-ID"))
        log_context.request_id.set(g.request_id)

    @app.after_request
    def echo_request_id(response: Response) -> Response:
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
        return response

    @app.teardown_request
    def forget_request_id(_error: BaseException | None) -> None:
        log_context.request_id.set(None)
