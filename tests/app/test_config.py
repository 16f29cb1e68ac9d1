"""Configuration: safe defaults, environment overrides, refusal of unsafe production setups."""

import pytest

from conference import config, create_app
from conference.config import ConfigurationError

from ..conftest import make_test_config
from .production import production_config


def test_defaults_use_sqlite_in_instance_folder(tmp_path):
    cfg = config.defaults(str(tmp_path))
    assert cfg["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/conference.sqlite"
    assert cfg["RATELIMIT_STORAGE_URI"] == "memory://"


def test_environment_overrides_database_mail_and_redis(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://conf:pw@db.internal:5432/conference")
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    monkeypatch.setenv("MAIL_PORT", "587")
    monkeypatch.setenv("MAIL_USE_TLS", "true")
    monkeypatch.setenv("MAIL_USERNAME", "mailer")
    monkeypatch.setenv("MAIL_PASSWORD", "s3cret")
    monkeypatch.setenv("MAIL_DEFAULT_SENDER", "Symposium <symposium@example.org>")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.setenv("BASE_URL", "https://events.example.org/")
    cfg = config.defaults(str(tmp_path))
    config.from_environment(cfg)
    config.finalise(cfg, str(tmp_path))
    assert cfg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://conf:pw@db.internal:5432/conference"
    assert (cfg["MAIL_SERVER"], cfg["MAIL_PORT"], cfg["MAIL_USE_TLS"]) == ("smtp.example.org", 587, True)
    assert (cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"]) == ("mailer", "s3cret")
    assert cfg["MAIL_DEFAULT_SENDER"] == "Symposium <symposium@example.org>"
    assert cfg["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert cfg["SECRET_KEY"] == "k" * 40
    assert cfg["BASE_URL"] == "https://events.example.org"
    # With an SMTP server configured, mail goes through the worker only.
    assert cfg["OUTBOX_SEND_AFTER_REQUEST"] is False


def test_development_secret_key_is_generated_once_into_instance(tmp_path):
    first = config.defaults(str(tmp_path))
    config.finalise(first, str(tmp_path))
    second = config.defaults(str(tmp_path))
    config.finalise(second, str(tmp_path))
    assert len(first["SECRET_KEY"]) >= 40
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    key_file = tmp_path / "secret_key"
    assert key_file.read_text() == first["SECRET_KEY"]
    assert key_file.stat().st_mode & 0o077 == 0
    # Without SMTP in development, mail is delivered to files right after each request.
    assert first["OUTBOX_SEND_AFTER_REQUEST"] is True


# What production refuses to start without -------------------------------------------------------

REMEDIES = {
    "SECRET_KEY": "Set SECRET_KEY to a random value of at least 32 characters",
    "DATABASE_URL": "Set DATABASE_URL=postgresql://user:password@host:5432/name",
    "BASE_URL": "Set BASE_URL to it, e.g. BASE_URL=https://events.example.org",
    "MAIL_SERVER": "Set MAIL_SERVER to your SMTP relay",
    "REDIS_URL": "Set REDIS_URL=redis://host:6379/0 (or RATELIMIT_STORAGE_URI) so all processes share the counters, "
                 "or WEB_PROCESSES=1 if exactly one process serves the site.",
}


def refusal(cfg: dict) -> str:
    with pytest.raises(ConfigurationError) as refused:
        create_app(cfg)
    return refused.value.message


def named(message: str) -> set[str]:
    """The settings a refusal lists as blocking (before its warnings)."""
    blocking = message.split("Also worth fixing")[0]
    return {line.split(":")[0].removeprefix("  - ") for line in blocking.splitlines() if line.startswith("  - ")}


def test_production_with_every_setting_starts_with_secure_cookies_and_nothing_to_report(tmp_path):
    app = create_app(production_config(tmp_path))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["PREFERRED_URL_SCHEME"] == "https"
    assert app.config["BASE_URL"] == "https://events.example.org"
    assert app.extensions["deployment_findings"] == []


@pytest.mark.parametrize("key", [None, "dev", "change-me", "short-but-random-XYZ"])
def test_production_refuses_a_development_key(tmp_path, key):
    message = refusal(production_config(tmp_path, SECRET_KEY=key))
    assert named(message) == {"SECRET_KEY"}
    assert REMEDIES["SECRET_KEY"] in message


@pytest.mark.parametrize(("setting", "changes"), [
    ("DATABASE_URL", {"SQLALCHEMY_DATABASE_URI": None}),  # the default: SQLite in instance/
    ("BASE_URL", {"BASE_URL": None}),
    ("MAIL_SERVER", {"MAIL_SERVER": None}),
    ("REDIS_URL", {"WEB_PROCESSES": None}),  # in-memory counters, and nothing says there is one process
])
def test_production_refuses_to_start_without_each_setting_and_says_what_to_set(tmp_path, setting, changes):
    cfg = production_config(tmp_path, **changes)
    cfg.setdefault("SQLALCHEMY_DATABASE_URI", config.defaults(str(tmp_path))["SQLALCHEMY_DATABASE_URI"])
    message = refusal(cfg)
    assert message.startswith("Refusing to start in production until these settings are fixed:\n")
    assert named(message) == {setting}
    assert REMEDIES[setting] in message


def test_production_names_every_missing_setting_at_once(tmp_path):
    message = refusal(config.defaults(str(tmp_path)) | {"APP_ENV": "production"})  # nothing set at all
    assert named(message) == set(REMEDIES)
    for remedy in REMEDIES.values():
        assert remedy in message
    # then what does not stop it
    assert ("Also worth fixing (these do not stop it):\n"
            "  - MAIL_DEFAULT_SENDER: 'Conference <noreply@localhost>' is not an address of a real domain") in message
    assert "  - PROXY_COUNT: 0: behind a reverse proxy" in message


@pytest.mark.parametrize(("url", "shown"), [
    ("sqlite:////var/lib/conference/conference.sqlite", "SQLite (sqlite:////var/lib/conference/conference.sqlite)"),
    ("mysql://conference:pw@db/conference", "mysql"),  # and not its password
])
def test_production_refuses_a_database_that_is_not_postgresql(tmp_path, url, shown):
    message = refusal(production_config(tmp_path, SQLALCHEMY_DATABASE_URI=url))
    assert named(message) == {"DATABASE_URL"}
    assert f"  - DATABASE_URL: the database is {shown}; production runs on PostgreSQL" in message


def test_production_refuses_to_start_without_base_url(tmp_path):
    # Links in mails, feed UIDs and calendar entries are built under BASE_URL, never a request's host.
    message = refusal(production_config(tmp_path, BASE_URL=None))
    assert "  - BASE_URL: unset: links in mails, feed and calendar UIDs need the site's public address." in message


def test_production_names_a_base_url_that_is_not_a_web_address_with_the_rest(tmp_path):
    message = refusal(production_config(tmp_path, BASE_URL="events.example.org", MAIL_SERVER=None))
    assert named(message) == {"BASE_URL", "MAIL_SERVER"}
    assert "BASE_URL: must be an http(s) address such as https://events.example.org, not 'events.example.org'." in message


def finalised(tmp_path, monkeypatch, env: dict) -> list:
    """The findings of settings given as environment variables, as `flask` and gunicorn read them.
    (Settings alone: an app built here would point the process-wide rate limiter at their store.)"""
    for key in SETTINGS_FROM_ENVIRONMENT:  # whatever the machine running the tests exports
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    cfg = config.defaults(str(tmp_path))
    config.from_environment(cfg)
    return config.finalise(cfg, str(tmp_path))


SETTINGS_FROM_ENVIRONMENT = ("APP_ENV", "SECRET_KEY", "DATABASE_URL", "BASE_URL", "PROXY_COUNT", "WEB_PROCESSES",
                             "WEB_CONCURRENCY", "MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL",
                             "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_DEFAULT_SENDER", "REDIS_URL",
                             "RATELIMIT_STORAGE_URI", "RATELIMIT_ENABLED", "RATELIMIT_KEY_PREFIX", "UPLOAD_FOLDER",
                             "STORAGE_BACKEND", "S3_BUCKET", "S3_PREFIX", "S3_ENDPOINT_URL", "S3_REGION",
                             "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_PRESIGNED_DOWNLOADS", "S3_PRESIGNED_SECONDS",
                             "UPLOAD_COLLECT_AFTER_HOURS", "UPLOAD_COLLECT_SECONDS",
                             "SECRET_KEY_FALLBACKS", "LOG_FORMAT",
                             "LOG_LEVEL", "METRICS_TOKEN", "METRICS_ALLOWED_NETWORKS", "HEALTHZ_MAX_OUTBOX_AGE",
                             "HEALTHZ_MAX_JOB_ROUND_AGE", "SENTRY_DSN", "SENTRY_ENVIRONMENT", "SENTRY_RELEASE",
                             "SENTRY_TRACES_SAMPLE_RATE")
PRODUCTION_ENV = {"APP_ENV": "production", "SECRET_KEY": "y" * 40, "DATABASE_URL": "postgres://c@db.internal/c",
                  "BASE_URL": "https://events.example.org", "MAIL_SERVER": "smtp.example.org",
                  "MAIL_DEFAULT_SENDER": "Events <events@example.org>", "PROXY_COUNT": "1"}


@pytest.mark.parametrize(("env", "told"), [
    ({}, "WEB_PROCESSES is unset, which counts as several web processes"),
    ({"WEB_PROCESSES": "1"}, None),
    ({"WEB_PROCESSES": "4"}, "the settings say 4 web processes"),
    ({"WEB_CONCURRENCY": "4"}, "the settings say 4 web processes"),  # gunicorn's number of workers
    ({"WEB_PROCESSES": "1", "WEB_CONCURRENCY": "3"}, "the settings say 3 web processes"),  # gunicorn starts 3
    ({"REDIS_URL": "redis://redis.internal:6379/0"}, None),
    ({"WEB_PROCESSES": "8", "RATELIMIT_STORAGE_URI": "memcached://cache.internal:11211", "STORAGE_BACKEND": "s3",
      "S3_BUCKET": "uploads"}, None),  # shared uploads too: several servers need nothing else
])
def test_several_web_processes_need_a_shared_rate_limit_store(tmp_path, monkeypatch, env, told):
    if told is None:
        assert finalised(tmp_path, monkeypatch, PRODUCTION_ENV | env) == []
        return
    with pytest.raises(ConfigurationError) as refused:
        finalised(tmp_path, monkeypatch, PRODUCTION_ENV | env)
    assert named(refused.value.message) == {"REDIS_URL"}
    assert f"rate limits are counted in each process's memory and {told}" in refused.value.message


def test_rate_limits_switched_off_need_no_store_but_are_reported(tmp_path, monkeypatch):
    findings = finalised(tmp_path, monkeypatch, PRODUCTION_ENV | {"RATELIMIT_ENABLED": "false"})
    assert [(f.setting, f.blocking) for f in findings] == [("RATELIMIT_ENABLED", False)]


def test_warnings_do_not_stop_production(tmp_path, monkeypatch):
    findings = finalised(tmp_path, monkeypatch, PRODUCTION_ENV | {
        "WEB_PROCESSES": "1", "BASE_URL": "http://events.example.org", "PROXY_COUNT": "0",
        "MAIL_USERNAME": "mailer", "MAIL_PASSWORD": "pw", "MAIL_DEFAULT_SENDER": "noreply@localhost"})
    assert [(f.setting, f.blocking) for f in findings] == [
        ("BASE_URL", False), ("MAIL_USE_TLS", False), ("MAIL_DEFAULT_SENDER", False), ("PROXY_COUNT", False)]


def test_outside_production_the_same_findings_are_kept_for_flask_check(tmp_path, monkeypatch):
    findings = finalised(tmp_path, monkeypatch, {})  # development: starts, with what production would lack
    assert [(f.setting, f.blocking) for f in findings] == [
        ("APP_ENV", True), ("SECRET_KEY", True), ("DATABASE_URL", True), ("BASE_URL", True), ("MAIL_SERVER", True),
        ("REDIS_URL", True), ("MAIL_DEFAULT_SENDER", False), ("PROXY_COUNT", False)]


# Upload storage -------------------------------------------------------------------------------------

S3_ENV = {"STORAGE_BACKEND": "s3", "S3_BUCKET": "conference-uploads", "S3_ENDPOINT_URL": "https://minio.internal:9000",
          "S3_REGION": "eu-west-1", "S3_ACCESS_KEY_ID": "AKIAEXAMPLE", "S3_SECRET_ACCESS_KEY": "s3cret",
          "S3_PREFIX": "events/", "S3_PRESIGNED_DOWNLOADS": "true", "S3_PRESIGNED_SECONDS": "30"}


def test_s3_storage_is_read_from_the_environment_and_starts_in_production(tmp_path, monkeypatch):
    assert finalised(tmp_path, monkeypatch, PRODUCTION_ENV | {"WEB_PROCESSES": "8", "REDIS_URL": "redis://r:6379/0"}
                     | S3_ENV) == []
    cfg = config.defaults(str(tmp_path))
    config.from_environment(cfg)
    assert {key: cfg[key] for key in S3_ENV} == S3_ENV | {"S3_PRESIGNED_DOWNLOADS": True, "S3_PRESIGNED_SECONDS": 30}


@pytest.mark.parametrize(("env", "refusal"), [
    ({"STORAGE_BACKEND": "s3"}, "S3_BUCKET is unset, and STORAGE_BACKEND=s3 keeps uploads in it: set S3_BUCKET"),
    ({"STORAGE_BACKEND": "gcs"}, "STORAGE_BACKEND must be local or s3, not 'gcs'."),
    (S3_ENV | {"S3_SECRET_ACCESS_KEY": ""}, "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together: set both"),
    (S3_ENV | {"S3_ENDPOINT_URL": "minio.internal:9000"}, "S3_ENDPOINT_URL must be an http(s) address"),
    (S3_ENV | {"S3_PRESIGNED_SECONDS": "86400"}, "S3_PRESIGNED_SECONDS must be between 1 and 3600"),
])
@pytest.mark.parametrize("environment", [PRODUCTION_ENV | {"WEB_PROCESSES": "1"}, {}], ids=["production", "development"])
def test_storage_settings_that_cannot_work_are_refused_everywhere_naming_the_setting(tmp_path, monkeypatch, env,
                                                                                    refusal, environment):
    with pytest.raises(ConfigurationError) as refused:
        finalised(tmp_path, monkeypatch, environment | env)
    assert refused.value.message.startswith(refusal)


@pytest.mark.parametrize(("env", "warned"), [
    ({"WEB_PROCESSES": "1"}, False),
    ({}, False),  # nothing says there are several
    ({"WEB_PROCESSES": "4"}, True),
    ({"WEB_CONCURRENCY": "3"}, True),
    ({"WEB_PROCESSES": "4", "STORAGE_BACKEND": "s3", "S3_BUCKET": "uploads"}, False),
])
def test_local_storage_with_several_web_processes_is_a_warning(tmp_path, monkeypatch, env, warned):
    findings = finalised(tmp_path, monkeypatch, PRODUCTION_ENV | {"REDIS_URL": "redis://r:6379/0"} | env)
    assert [(f.setting, f.blocking) for f in findings] == ([("STORAGE_BACKEND", False)] if warned else [])
    if warned:
        assert "uploads are kept on each server's own disk" in findings[0].problem
        assert "set STORAGE_BACKEND=s3 and S3_BUCKET" in findings[0].remedy


def test_a_count_that_is_not_a_number_is_named(tmp_path, monkeypatch):
    with pytest.raises(ConfigurationError, match="WEB_PROCESSES must be a whole number, not 'four'"):
        finalised(tmp_path, monkeypatch, {"WEB_PROCESSES": "four"})



@pytest.mark.parametrize("base_url", ["events.example.org", "javascript:alert(1)", "https://",
                                      "ftp://events.example.org", "https://events.example.org/?x=1"])
def test_a_base_url_that_is_not_a_web_address_is_refused(tmp_path, base_url):
    cfg = make_test_config("sqlite:///" + str(tmp_path / "x.sqlite"), tmp_path) | {"BASE_URL": base_url}
    with pytest.raises(ConfigurationError, match="BASE_URL must be an http"):
        create_app(cfg)


def test_base_url_loses_its_trailing_slash_wherever_it_is_set(tmp_path):
    cfg = make_test_config("sqlite:///" + str(tmp_path / "x.sqlite"), tmp_path) | {"BASE_URL": "https://e.example/c/"}
    assert create_app(cfg).config["BASE_URL"] == "https://e.example/c"


# Operations settings -------------------------------------------------------------------------------

def test_a_weak_fallback_key_stops_production(tmp_path, monkeypatch):
    with pytest.raises(ConfigurationError) as refused:
        finalised(tmp_path, monkeypatch, PRODUCTION_ENV | {"WEB_PROCESSES": "1", "SECRET_KEY_FALLBACKS": f"{'z' * 40},dev"})
    assert named(refused.value.message) == {"SECRET_KEY_FALLBACKS"}
    assert "1 of the earlier keys are development keys or shorter than 32 characters" in refused.value.message


def test_a_short_metrics_token_is_a_warning(tmp_path, monkeypatch):
    findings = finalised(tmp_path, monkeypatch, PRODUCTION_ENV | {"WEB_PROCESSES": "1", "METRICS_TOKEN": "short"})
    assert [(f.setting, f.blocking) for f in findings] == [("METRICS_TOKEN", False)]


def test_operations_settings_are_read_from_the_environment(tmp_path, monkeypatch):
    import ipaddress

    env = {"METRICS_ALLOWED_NETWORKS": "10.0.0.0/8, 192.0.2.7", "HEALTHZ_MAX_OUTBOX_AGE": "900",
           "LOG_FORMAT": "TEXT", "SENTRY_TRACES_SAMPLE_RATE": "0.25"}
    for key in SETTINGS_FROM_ENVIRONMENT:
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    cfg = config.defaults(str(tmp_path))
    config.from_environment(cfg)
    config.finalise(cfg, str(tmp_path))
    assert cfg["METRICS_ALLOWED_NETWORKS"] == [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("192.0.2.7/32")]
    assert (cfg["HEALTHZ_MAX_OUTBOX_AGE"], cfg["LOG_FORMAT"], cfg["SENTRY_TRACES_SAMPLE_RATE"]) == (900, "text", 0.25)


@pytest.mark.parametrize(("env", "message"), [
    ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be json or text, not 'xml'."),
    ({"METRICS_ALLOWED_NETWORKS": "10.0.0.0/33"}, "METRICS_ALLOWED_NETWORKS: "),
    ({"HEALTHZ_MAX_OUTBOX_AGE": "soon"}, "HEALTHZ_MAX_OUTBOX_AGE must be a whole number, not 'soon'."),
    ({"SENTRY_TRACES_SAMPLE_RATE": "half"}, "SENTRY_TRACES_SAMPLE_RATE must be a number, not 'half'."),
])
def test_unreadable_operations_settings_are_named(tmp_path, monkeypatch, env, message):
    with pytest.raises(ConfigurationError) as refused:
        finalised(tmp_path, monkeypatch, env)
    assert refused.value.message.startswith(message)
