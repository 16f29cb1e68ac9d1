"""deploy/: the systemd units run commands that exist with options gunicorn and flask accept, the
environment file starts production, and the nginx site matches the app (upload limit, static
folder, request id, /metrics kept inside)."""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import conference
from conference import config

from .test_config import SETTINGS_FROM_ENVIRONMENT

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
VENV = "/srv/conference/venv/bin/"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read(DEPLOY / name)
    return parser


def exec_start(name: str) -> list[str]:
    words = shlex.split(unit(name)["Service"]["ExecStart"])
    assert words[0].startswith(VENV)
    return [words[0].removeprefix(VENV), *words[1:]]


def test_the_web_unit_runs_gunicorn_with_the_packaged_settings():
    from gunicorn.config import Config

    command = exec_start("conference-web.service")
    assert command[0] == "gunicorn"
    options = Config().parser().parse_args(command[1:])  # gunicorn's own parser: exits on an unknown option
    assert options.config == "python:conference.operations.gunicorn_conf"
    assert (options.accesslog, options.bind) == ("-", ["127.0.0.1:8000"])
    from conference.operations import gunicorn_conf

    module, _, call = gunicorn_conf.wsgi_app.partition(":")
    assert (module, call) == ("conference", "create_app()") and callable(conference.create_app)
    assert "%({x-request-id}o)s" in gunicorn_conf.access_log_format
    assert callable(gunicorn_conf.on_starting) and callable(gunicorn_conf.child_exit)
    # systemd creates the directory empty at each start (RuntimeDirectory), and removes it at the stop.
    text = (DEPLOY / "conference-web.service").read_text()
    assert "\nEnvironment=PROMETHEUS_MULTIPROC_DIR=/run/conference-web\n" in text
    assert unit("conference-web.service")["Service"]["RuntimeDirectory"] == "conference-web"


def test_the_worker_unit_runs_a_flask_command_that_exists():
    command = exec_start("conference-worker.service")
    assert command == ["flask", "--app", "conference", "outbox", "work"]
    flask = Path(sys.executable).parent / "flask"
    result = subprocess.run([str(flask), *command[1:], "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Deliver queued mail" in result.stdout


def test_both_units_read_the_environment_file():
    for name in ("conference-web.service", "conference-worker.service"):
        assert unit(name)["Service"]["EnvironmentFile"] == "/etc/conference/conference.env"


def test_the_environment_file_starts_production(tmp_path, monkeypatch):
    settings = {}
    for line in (DEPLOY / "conference.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            settings[key] = value
    for key in (*SETTINGS_FROM_ENVIRONMENT, *settings):  # whatever the machine running the tests exports
        monkeypatch.delenv(key, raising=False)
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    cfg = config.defaults(str(tmp_path))
    config.from_environment(cfg)
    findings = config.finalise(cfg, str(tmp_path))  # raises if production would refuse it
    assert [finding.setting for finding in findings] == []
    assert cfg["LOG_FORMAT"] == "json"


def test_the_nginx_site_matches_the_app():
    site = (DEPLOY / "nginx-conference.conf").read_text()
    [size] = re.findall(r"client_max_body_size (\d+)m;", site)
    assert int(size) * 1024 * 1024 == config.defaults("/tmp")["MAX_CONTENT_LENGTH"]
    [static] = re.findall(r"alias (\S+);", site)
    assert static.endswith("/site-packages/conference/static/")
    assert sorted(p.name for p in (Path(conference.__file__).parent / "static").iterdir() if p.is_file())
    assert "proxy_set_header X-Request-ID $request_id;" in site
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    assert re.search(r"location = /metrics \{\s*return 404;", site)
    assert 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;' in site


@pytest.mark.parametrize("name", ["conference-web.service", "conference-worker.service"])
def test_systemd_accepts_the_units(name, tmp_path):
    analyze = Path("/usr/bin/systemd-analyze")
    if not analyze.exists():
        pytest.skip("systemd-analyze is not installed")
    # The installed paths, pointed at this virtualenv, so that the executables exist.
    text = (DEPLOY / name).read_text().replace(VENV, str(Path(sys.executable).parent) + "/")
    (tmp_path / name).write_text(text)
    result = subprocess.run([str(analyze), "verify", "--man=no", str(tmp_path / name)], capture_output=True,
                            text=True, timeout=60)
    # systemd only warns about an unknown key or a value it cannot parse, and ignores it: both count here.
    problems = [line for line in result.stderr.splitlines()
                if any(word in line for word in ("Unknown", "Invalid", "Failed to parse", "not executable"))]
    assert (result.returncode, problems) == (0, []), result.stderr


def test_nginx_accepts_the_site(tmp_path):
    """``nginx -t`` on the site inside a minimal nginx.conf, with a self-signed certificate and the
    logs and static folder moved under tmp_path. NGINX_BINARY names it if it is not on PATH (not
    NGINX: nginx itself reads that variable)."""
    nginx = os.environ.get("NGINX_BINARY") or shutil.which("nginx")
    if not nginx:
        reason = "nginx is not installed (apt-get install nginx, or NGINX_BINARY=/path/to/nginx)"
        if os.environ.get("REQUIRE_NGINX") == "1":
            pytest.fail(reason + " (REQUIRE_NGINX=1 forbids skipping)", pytrace=False)
        pytest.skip(reason)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=events.example.org", "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
                   check=True, capture_output=True, timeout=60)
    site = (DEPLOY / "nginx-conference.conf").read_text()
    site = re.sub(r"ssl_certificate (\S+);", f"ssl_certificate {tmp_path}/cert.pem;", site)
    site = re.sub(r"ssl_certificate_key (\S+);", f"ssl_certificate_key {tmp_path}/key.pem;", site)
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    site = re.sub(r"alias \S+;", f"alias {Path(conference.__file__).parent / 'static'}/;", site)
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n"
        + "".join(f"  {kind}_temp_path {tmp_path}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        + f"  include {tmp_path}/site.conf;\n}}\n")
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
