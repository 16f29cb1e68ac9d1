"""Configuration: safe defaults, environment overrides, refusal of unsafe production setups."""

import pytest

from conference import config, create_app
from conference.config import ConfigurationError

from ..conftest import make_test_config


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


@pytest.mark.parametrize("key", [None, "dev", "change-me", "short-but-random-XYZ"])
def test_production_refuses_a_development_key(tmp_path, key):
    overrides = {"APP_ENV": "production"}
    if key is not None:
        overrides["SECRET_KEY"] = key
    cfg = make_test_config("sqlite:///" + str(tmp_path / "x.sqlite"), tmp_path) | overrides
    if key is None:
        cfg.pop("SECRET_KEY")
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app(cfg)


def test_production_with_a_real_key_sets_secure_cookies(tmp_path):
    cfg = make_test_config("sqlite:///" + str(tmp_path / "x.sqlite"), tmp_path)
    cfg.update(APP_ENV="production", SECRET_KEY="x" * 48)
    app = create_app(cfg)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["PREFERRED_URL_SCHEME"] == "https"


def test_production_refuses_to_start_without_base_url(tmp_path):
    # Links in mails, feed UIDs and calendar entries are built under BASE_URL, never a request's host.
    cfg = make_test_config("sqlite:///" + str(tmp_path / "x.sqlite"), tmp_path)
    cfg.update(APP_ENV="production", SECRET_KEY="x" * 48, BASE_URL=None)
    with pytest.raises(ConfigurationError, match="without BASE_URL"):
        create_app(cfg)


@pytest.mark.parametrize("base_url", ["events.example.org", "javascript:alert(1)", "https://",
                                      "ftp://events.example.org", "https://events.example.org/?x=1"])
def test_a_base_url_that_is_not_a_web_address_is_refused(tmp_path, base_url):
    cfg = make_test_config("sqlite:///" + str(tmp_path / "x.sqlite"), tmp_path) | {"BASE_URL": base_url}
    with pytest.raises(ConfigurationError, match="BASE_URL must be an http"):
        create_app(cfg)


def test_base_url_loses_its_trailing_slash_wherever_it_is_set(tmp_path):
    cfg = make_test_config("sqlite:///" + str(tmp_path / "x.sqlite"), tmp_path) | {"BASE_URL": "https://e.example/c/"}
    assert create_app(cfg).config["BASE_URL"] == "https://e.example/c"
