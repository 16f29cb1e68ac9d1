"""/healthz for load balancers and /metrics for Prometheus. Neither logs anyone in nor sets a
cookie; both are exempt from CSRF and rate limits (conference.operations.init_app)."""

from __future__ import annotations

import hmac
import ipaddress
import logging

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST

from conference.core.types import utcnow
from conference.extensions import db
from conference.operations import state
from conference.operations.metrics import exposition

log = logging.getLogger(__name__)

bp = Blueprint("operations", __name__)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    """200 while the database answers, with the outbox's and the periodic jobs' state; 503 when
    it does not, or when HEALTHZ_MAX_OUTBOX_AGE or HEALTHZ_MAX_JOB_ROUND_AGE is set and exceeded.
    Two small queries."""
    try:
        outbox, jobs = state.outbox_state(), state.jobs_state()
    except sa.exc.SQLAlchemyError:
        log.warning("Health check: the database did not answer", exc_info=True)
        db.session.rollback()
        body = {"status": "failing", "database": "unreachable", "problems": ["the database does not answer"]}
        return _no_store(jsonify(body)), 503
    now = utcnow()
    config = current_app.config
    outbox_age = outbox.oldest_waiting_age(now)
    round_at = jobs.last_round_at
    round_age = None if round_at is None else (now - round_at).total_seconds()
    problems = []
    max_outbox_age = config["HEALTHZ_MAX_OUTBOX_AGE"]
    if max_outbox_age is not None and outbox_age is not None and outbox_age > max_outbox_age:
        problems.append(f"the oldest queued mail has waited {outbox_age:.0f} s "
                        f"(HEALTHZ_MAX_OUTBOX_AGE is {max_outbox_age})")
    max_round_age = config["HEALTHZ_MAX_JOB_ROUND_AGE"]
    if max_round_age is not None and (round_age is None or round_age > max_round_age):
        problems.append("no periodic job has run yet" if round_age is None else
                        f"the last periodic job round was {round_age:.0f} s ago "
                        f"(HEALTHZ_MAX_JOB_ROUND_AGE is {max_round_age})")
    body = {
        "status": "failing" if problems else "ok",
        "database": "ok",
        "outbox": {**{mail_state.value: count for mail_state, count in outbox.counts.items()},
                   "oldest_queued_age_seconds": _seconds(outbox_age)},
        "jobs": {"last_round_finished_at": round_at.isoformat() if round_at else None,
                 "last_round_age_seconds": _seconds(round_age),
                 "failing": jobs.failing},
        "problems": problems,
    }
    return _no_store(jsonify(body)), 503 if problems else 200


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _may_read_metrics() -> bool:
    """With the METRICS_TOKEN as a bearer token, from anywhere; without, only from the
    METRICS_ALLOWED_NETWORKS (by default this machine)."""
    config = current_app.config
    token = config.get("METRICS_TOKEN")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in config["METRICS_ALLOWED_NETWORKS"])


@bp.get("/metrics")
def metrics():
    if not _may_read_metrics():
        forbidden = Response("Metrics are for this machine or a bearer token (METRICS_TOKEN).\n", 403,
                             mimetype="text/plain")
        if current_app.config.get("METRICS_TOKEN"):
            forbidden.headers["WWW-Authenticate"] = "Bearer"
        return _no_store(forbidden)
    return _no_store(Response(exposition(), content_type=CONTENT_TYPE_LATEST))
