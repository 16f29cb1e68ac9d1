"""Prometheus metrics (prometheus_client): request latency by endpoint, method and status, kept
in each process; the outbox and the periodic jobs, read from the database at each scrape.

Under gunicorn each worker is a process of its own: with PROMETHEUS_MULTIPROC_DIR set (before the
process starts: prometheus_client reads it when imported), every process writes its samples to
files there and a scrape, whichever worker answers it, adds them all up. gunicorn_conf.py empties
the directory when gunicorn starts and marks a worker's files dead when it exits.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator

import sqlalchemy as sa
from flask import Flask, Response, g, request
from prometheus_client import REGISTRY, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from conference.core.types import utcnow
from conference.extensions import db
from conference.operations import state

log = logging.getLogger(__name__)

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUEST_DURATION = Histogram(
    "conference_http_request_duration_seconds",
    "Time to answer a web request, by Flask endpoint (not the address: a bounded set), method and status.",
    ["endpoint", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)


def multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def register_request_timing(app: Flask) -> None:
    @app.before_request
    def start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def observe(response: Response) -> Response:
        started = g.get("request_started")
        if started is not None:
            endpoint = request.url_rule.endpoint if request.url_rule is not None else "none"
            method = request.method if request.method in METHODS else "other"
            REQUEST_DURATION.labels(endpoint, method, str(response.status_code)).observe(
                time.perf_counter() - started)
        return response


class DatabaseCollector(Collector):
    """The outbox and the periodic jobs, as the database has them at the scrape. If the database
    does not answer, ``conference_database_up`` says 0 and the rest is left out."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("conference_database_up", "1 if the database answered this scrape, else 0.")
        try:
            outbox, jobs = state.outbox_state(), state.jobs_state()
        except sa.exc.SQLAlchemyError:
            log.warning("Metrics: the database did not answer", exc_info=True)
            db.session.rollback()
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        now = utcnow()
        messages = GaugeMetricFamily("conference_outbox_messages", "Outbox messages not yet sent, by state.",
                                     labels=["state"])
        for mail_state, count in outbox.counts.items():
            messages.add_metric([mail_state.value], count)
        yield messages
        yield GaugeMetricFamily(
            "conference_outbox_oldest_queued_age_seconds",
            "Seconds since the oldest message still queued or being sent was queued (0 when none is).",
            value=outbox.oldest_waiting_age(now) or 0)
        runs = CounterMetricFamily("conference_job_runs", "Runs of each periodic job, in every process.",
                                   labels=["job"])
        failures = CounterMetricFamily("conference_job_failures", "Failed runs of each periodic job.",
                                       labels=["job"])
        finished = GaugeMetricFamily("conference_job_last_finished_timestamp_seconds",
                                     "When each periodic job last finished (Unix time).", labels=["job"])
        succeeded = GaugeMetricFamily("conference_job_last_succeeded",
                                      "1 if the job's last run succeeded, 0 if it failed.", labels=["job"])
        for run in jobs.runs:
            runs.add_metric([run.name], run.runs)
            failures.add_metric([run.name], run.failures)
            if run.last_finished_at is not None:
                finished.add_metric([run.name], run.last_finished_at.timestamp())
            succeeded.add_metric([run.name], 1 if run.last_succeeded else 0)
        yield from (runs, failures, finished, succeeded)
        if jobs.last_round_at is not None:
            yield GaugeMetricFamily("conference_job_round_last_finished_timestamp_seconds",
                                    "When a periodic job last finished, in any process (Unix time).",
                                    value=jobs.last_round_at.timestamp())


def exposition() -> bytes:
    """The text a scrape reads: this process's metrics (or, in multiprocess mode, every
    process's), then the database's."""
    if multiprocess():
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        processes = generate_latest(registry)
    else:
        processes = generate_latest(REGISTRY)
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector())
    return processes + generate_latest(database)
