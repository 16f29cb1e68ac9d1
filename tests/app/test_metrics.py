"""/metrics: Prometheus text, for this machine or a bearer token only; request latency by endpoint,
the outbox and the periodic jobs from the database; under gunicorn, every worker's samples added up
(PROMETHEUS_MULTIPROC_DIR), and the access log carrying the request id."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conference.core.models import JobRun
from conference.core.types import utcnow
from conference.mail.enums import MailState

from ..conftest import TEST_SECRET_KEY, free_port
from .operations import outbox_message

OUTSIDE = {"REMOTE_ADDR": "203.0.113.5"}
TOKEN = "metrics-token-0123456789-0123456789-abcdef"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the exposition, by name and sorted labels."""
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def healthz_count(values, status: str = "200") -> float:
    key = ("conference_http_request_duration_seconds_count",
           (("endpoint", "operations.healthz"), ("method", "GET"), ("status", status)))
    return values.get(key, 0)


def test_metrics_are_refused_from_elsewhere_without_the_token(app, client, db, monkeypatch):
    response = client.get("/metrics", environ_base=OUTSIDE)
    assert response.status_code == 403
    assert "WWW-Authenticate" not in response.headers
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    refused = client.get("/metrics", environ_base=OUTSIDE, headers={"Authorization": "Bearer not-the-token"})
    assert refused.status_code == 403
    assert refused.headers["WWW-Authenticate"] == "Bearer"
    allowed = client.get("/metrics", environ_base=OUTSIDE, headers={"Authorization": f"Bearer {TOKEN}"})
    assert allowed.status_code == 200
    assert allowed.headers["Content-Type"].startswith("text/plain; version=")
    assert "Set-Cookie" not in allowed.headers


def test_metrics_answer_the_allowed_networks(app, client, db, monkeypatch):
    import ipaddress

    assert client.get("/metrics").status_code == 200  # the test client comes from 127.0.0.1
    monkeypatch.setitem(app.config, "METRICS_ALLOWED_NETWORKS", [ipaddress.ip_network("203.0.113.0/24")])
    assert client.get("/metrics", environ_base=OUTSIDE).status_code == 200
    assert client.get("/metrics").status_code == 403


def test_request_latency_is_counted_by_endpoint_and_status(client, db):
    before = samples(client.get("/metrics").get_data(as_text=True))
    for _ in range(3):
        client.get("/healthz")
    client.get("/no-such-page")

    after = samples(client.get("/metrics").get_data(as_text=True))

    assert healthz_count(after) - healthz_count(before) == 3
    unmatched = ("conference_http_request_duration_seconds_count",
                 (("endpoint", "none"), ("method", "GET"), ("status", "404")))
    assert after[unmatched] - before.get(unmatched, 0) == 1
    assert not any("no-such-page" in str(labels) for _name, labels in after)  # endpoints, not addresses


def test_outbox_and_job_metrics_come_from_the_database(client, db):
    outbox_message(MailState.QUEUED, age_seconds=600)
    outbox_message(MailState.FAILED, age_seconds=60)
    outbox_message(MailState.FAILED, age_seconds=60)
    outbox_message(MailState.SENT, age_seconds=6000)
    finished = utcnow() - dt.timedelta(seconds=30)
    db.session.add(JobRun(name="offers_expired", runs=7, failures=2, last_started_at=finished,
                          last_finished_at=finished, last_succeeded=False, last_count=None))
    db.session.commit()

    values = samples(client.get("/metrics").get_data(as_text=True))

    assert values[("conference_database_up", ())] == 1
    assert {state: values[("conference_outbox_messages", (("state", state),))]
            for state in ("held", "queued", "sending", "failed")} == {"held": 0, "queued": 1, "sending": 0, "failed": 2}
    assert 599 <= values[("conference_outbox_oldest_queued_age_seconds", ())] < 640
    job = (("job", "offers_expired"),)
    assert values[("conference_job_runs_total", job)] == 7
    assert values[("conference_job_failures_total", job)] == 2
    assert values[("conference_job_last_succeeded", job)] == 0
    assert values[("conference_job_last_finished_timestamp_seconds", job)] == pytest.approx(finished.timestamp())
    assert values[("conference_job_round_last_finished_timestamp_seconds", ())] == pytest.approx(finished.timestamp())


def get(url: str, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode()


def test_gunicorn_workers_add_up_their_metrics_and_log_the_request_id(app, database_url, tmp_path):
    """The documented command (deploy/conference-web.service) with two workers: requests spread
    over both, and one scrape counts them all."""
    port = free_port()
    metrics_dir = tmp_path / "metrics"
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "DATABASE_URL": database_url,
           "SECRET_KEY": TEST_SECRET_KEY, "APP_ENV": "testing", "LOG_FORMAT": "json"}
    env.pop("WEB_CONCURRENCY", None)
    gunicorn = Path(sys.executable).parent / "gunicorn"
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [str(gunicorn), "-c", "python:conference.operations.gunicorn_conf", "--workers", "2",
             "--bind", f"127.0.0.1:{port}", "--access-logfile", "-", "--error-logfile", "-"],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    get(base + "/healthz")
                    break
                except OSError:
                    assert server.poll() is None and time.monotonic() < deadline, log_path.read_text()
                    time.sleep(0.1)
            # Eight at a time, 40 per round: while one worker answers, the other takes the next. The
            # second worker may still be booting during the first round (seen on a busy machine), so
            # rounds go on, up to a deadline, until both workers have written their metrics.
            def writers() -> set[str]:
                return {path.name.split("_")[-1] for path in metrics_dir.glob("histogram_*.db")}

            sent = 0
            deadline = time.monotonic() + 30
            with ThreadPoolExecutor(8) as pool:
                while not sent or (len(writers()) < 2 and time.monotonic() < deadline):
                    statuses = list(pool.map(
                        lambda _: get(base + "/healthz", {"X-Request-ID": "probe-from-the-test-0001"})[0], range(40)))
                    assert statuses == [200] * 40
                    sent += 40
            scrapes = [samples(get(base + "/metrics")[1]) for _ in range(4)]
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert len(writers()) == 2  # both workers served requests and wrote their metrics
    # Each scrape, whichever worker answers it, counts every request (the first one too).
    assert [healthz_count(values) for values in scrapes] == [sent + 1] * 4
    assert log_path.read_text().count('request_id=probe-from-the-test-0001') == sent
