"""Logs: one JSON object per line (LOG_FORMAT=json) or text, each line of a request carrying its
request id (the proxy's X-Request-ID when well-formed, else a new one, echoed in the response),
and each line of a periodic-job round carrying the round's id."""

from __future__ import annotations

import json
import logging
import re

import pytest
from flask import current_app

from conference import create_app
from conference.core import jobs
from conference.operations.logs import StandardError

from ..conftest import make_test_config


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    level = root.level
    yield
    for handler in list(root.handlers):
        if isinstance(handler, StandardError):
            root.removeHandler(handler)
    root.setLevel(level)


def logging_app(tmp_path, log_format: str):
    app = create_app(make_test_config("sqlite:///" + str(tmp_path / "l.sqlite"), tmp_path)
                     | {"LOG_TO_STDERR": True, "LOG_FORMAT": log_format})

    @app.get("/log-something")
    def log_something():
        current_app.logger.warning("something happened")
        logging.getLogger("conference.elsewhere").info("and more")
        return "ok"

    return app


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_json_lines_carry_the_proxys_request_id(tmp_path, capsys, restore_logging):
    client = logging_app(tmp_path, "json").test_client()
    capsys.readouterr()

    response = client.get("/log-something", headers={"X-Request-ID": "0123456789abcdef0123456789abcdef"})

    assert response.headers["X-Request-ID"] == "0123456789abcdef0123456789abcdef"
    lines = json_lines(capsys.readouterr().err)
    assert [(line["level"], line["logger"], line["message"], line["request_id"]) for line in lines] == [
        ("WARNING", "conference", "something happened", "0123456789abcdef0123456789abcdef"),
        ("INFO", "conference.elsewhere", "and more", "0123456789abcdef0123456789abcdef")]
    assert all("time" in line and "job_round" not in line for line in lines)


@pytest.mark.parametrize("given", [None, "short", "has spaces in it", "x" * 65, "<script>alert(1)</script>"])
def test_a_missing_or_malformed_request_id_is_replaced(tmp_path, capsys, restore_logging, given):
    client = logging_app(tmp_path, "json").test_client()
    capsys.readouterr()
    response = client.get("/log-something", headers={"X-Request-ID": given} if given else {})
    made = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert {line["request_id"] for line in json_lines(capsys.readouterr().err)} == {made}


def test_text_lines_name_the_request(tmp_path, capsys, restore_logging):
    client = logging_app(tmp_path, "text").test_client()
    capsys.readouterr()
    client.get("/log-something", headers={"X-Request-ID": "req-0000-1111"})
    err = capsys.readouterr().err
    assert re.search(r"^\S+ \S+ WARNING conference \[request req-0000-1111\]: something happened$", err, re.M), err


def test_production_logs_json_by_default(tmp_path):
    from .production import production_config

    assert create_app(production_config(tmp_path) | {"LOG_TO_STDERR": False}).config["LOG_FORMAT"] == "json"
    assert create_app(make_test_config("sqlite:///" + str(tmp_path / "d.sqlite"), tmp_path)).config["LOG_FORMAT"] == "text"


def test_job_round_lines_carry_the_rounds_id(db, tmp_path, capsys, restore_logging, monkeypatch):
    logging_app(tmp_path, "json")  # installs the JSON handler; the round runs on the suite's database

    def noisy(*, now):
        logging.getLogger("conference.jobs.test").info("working")
        return 0

    monkeypatch.setitem(jobs.JOBS, "noisy_test_job", noisy)
    capsys.readouterr()
    jobs.run_round()
    [line] = [line for line in json_lines(capsys.readouterr().err) if line["message"] == "working"]
    assert re.fullmatch(r"[0-9a-f]{32}", line["job_round"])
    assert "request_id" not in line
