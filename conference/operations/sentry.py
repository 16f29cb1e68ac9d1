"""Error reports to Sentry, only when SENTRY_DSN is set. Each report carries the request id (or
the job round's id) as a tag. Nothing personal leaves: no user identity (sentry-sdk's
``data_collection``, which replaced ``send_default_pii`` in sentry-sdk 3, with user_info off), no
cookies, no request bodies or query strings, no local variables of the stack frames, only a few
harmless headers, and the address as its route (``/auth/reset/<token>``), not the tokens in it."""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

import sentry_sdk
from flask import Flask, current_app, has_request_context, request
from sentry_sdk.integrations.flask import FlaskIntegration
from sentry_sdk.integrations.logging import LoggingIntegration

from conference.core import log_context

if TYPE_CHECKING:
    from sentry_sdk._types import DataCollectionUserOptions, Event

HEADERS_KEPT = ["user-agent", "accept", "accept-language", "content-type", "content-length", "host", "referer",
                "x-request-id", "x-forwarded-proto"]


def _release() -> str | None:
    try:
        return f"conference@{version('conference')}"
    except PackageNotFoundError:
        return None


def data_collection() -> DataCollectionUserOptions:
    return {
        "user_info": False,
        "cookies": {"mode": "off"},
        "http_headers": {"request": {"mode": "allowlist", "terms": HEADERS_KEPT}},
        "http_bodies": [],
        "url_query_params": {"mode": "off"},
        "stack_frame_variables": False,
        "database_query_data": False,
    }


def before_send(event: Event, _hint: dict[str, Any]) -> Event:
    tags = event.setdefault("tags", {})
    for name, value in (("request_id", log_context.request_id.get()), ("job_round", log_context.job_round.get())):
        if value:
            tags[name] = value
    if has_request_context() and "request" in event:
        rule = request.url_rule.rule if request.url_rule is not None else None
        event["request"]["url"] = current_app.config["BASE_URL"] + (rule or "/<unmatched>")
        event["request"].pop("query_string", None)
    return event


def init(app: Flask) -> bool:
    """Start reporting errors if SENTRY_DSN is set; True if it did."""
    config = app.config
    dsn = config.get("SENTRY_DSN")
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        # Errors logged (the worker's failed rounds, a failed periodic job) become reports too; since
        # sentry-sdk 3 only when asked. Lesser lines ride along as breadcrumbs.
        integrations=[FlaskIntegration(), LoggingIntegration(level=None, event_level=logging.ERROR,
                                                             breadcrumb_level=logging.INFO)],
        environment=config.get("SENTRY_ENVIRONMENT") or config["APP_ENV"],
        release=config.get("SENTRY_RELEASE") or _release(),
        traces_sample_rate=config.get("SENTRY_TRACES_SAMPLE_RATE") or 0.0,
        data_collection=data_collection(),
        before_send=before_send,
    )
    return True
