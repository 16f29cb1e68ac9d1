"""Configuration: defaults that work with no setup, overridden by
``instance/config.py`` and then by environment variables.

Every setting read here is listed in the README's "Configuration" section.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

# Keys that must never protect a production deployment.
DEVELOPMENT_KEYS = frozenset({"", "dev", "development", "change-me", "secret", "test"})
MIN_PRODUCTION_KEY_LENGTH = 32
# Where links point when BASE_URL is not set, outside production: the development server.
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


class ConfigurationError(RuntimeError):
    """The app refuses to start with this configuration."""


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def normalise_database_url(url: str) -> str:
    """Accept the usual ``postgres://`` and ``postgresql://`` forms and use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def instance_secret_key(instance_path: str) -> str:
    """Return the development secret key kept in ``instance/secret_key``, creating it once."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Written with owner-only permissions: it signs sessions and tokens.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def defaults(instance_path: str) -> dict:
    return {
        "APP_ENV": "development",
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(instance_path, "conference.sqlite"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 30,
        "WTF_CSRF_TIME_LIMIT": None,  # tied to the session instead: long forms do not expire
        "PASSWORD_HASH_METHOD": "scrypt",
        "EMAIL_TOKEN_MAX_AGE": 60 * 60 * 48,
        "PASSWORD_RESET_MAX_AGE": 60 * 60 * 2,
        "INVITATION_MAX_AGE": 60 * 60 * 24 * 30,
        "ANYONE_CAN_CREATE_EVENTS": False,
        "SITE_NAME": "Conference",
        "BASE_URL": None,
        "PROXY_COUNT": 0,
        "PREFERRED_URL_SCHEME": "http",
        # Mail
        "MAIL_SERVER": None,
        "MAIL_PORT": 25,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_DEFAULT_SENDER": "Conference <noreply@localhost>",
        "MAIL_TIMEOUT": 30,
        "MAIL_DIRECTORY": os.path.join(instance_path, "mail"),
        # Uploaded files live here, outside the web root; downloads go through permission checks.
        "UPLOAD_FOLDER": os.path.join(instance_path, "uploads"),
        "MAX_CONTENT_LENGTH": 110 * 1024 * 1024,
        "OUTBOX_BATCH_SIZE": 50,
        "OUTBOX_MAX_ATTEMPTS": 5,
        "OUTBOX_RETRY_BASE_SECONDS": 60,
        "OUTBOX_LEASE_SECONDS": 300,
        "OUTBOX_POLL_SECONDS": 5.0,
        "OUTBOX_SEND_AFTER_REQUEST": None,  # None: on when there is no SMTP server (file delivery)
        # The worker runs the registration jobs (offers expiring, reconfirmation) this often.
        "REGISTRATION_JOBS_SECONDS": 60,
        # Rate limits
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_LOGIN": "10 per minute;50 per hour",
        "RATELIMIT_SIGNUP": "5 per minute;30 per hour",
        "RATELIMIT_RESET": "5 per minute;20 per hour",
        # Internationalisation
        "LANGUAGES": ["en"],
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "BABEL_TRANSLATION_DIRECTORIES": "translations",
    }


def from_environment(config: dict) -> None:
    """Apply environment variables on top of ``config`` (in place)."""
    env = os.environ
    if env.get("APP_ENV"):
        config["APP_ENV"] = env["APP_ENV"]
    if env.get("SECRET_KEY"):
        config["SECRET_KEY"] = env["SECRET_KEY"]
    if env.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = env["DATABASE_URL"]
    if env.get("SERVER_NAME"):
        config["SERVER_NAME"] = env["SERVER_NAME"]
    if env.get("PREFERRED_URL_SCHEME"):
        config["PREFERRED_URL_SCHEME"] = env["PREFERRED_URL_SCHEME"]
    if env.get("UPLOAD_FOLDER"):
        config["UPLOAD_FOLDER"] = env["UPLOAD_FOLDER"]
    if env.get("BASE_URL"):
        config["BASE_URL"] = env["BASE_URL"].rstrip("/")
    if env.get("SITE_NAME"):
        config["SITE_NAME"] = env["SITE_NAME"]
    config["PROXY_COUNT"] = _env_int("PROXY_COUNT", config["PROXY_COUNT"])
    config["ANYONE_CAN_CREATE_EVENTS"] = _env_bool(
        "ANYONE_CAN_CREATE_EVENTS", config["ANYONE_CAN_CREATE_EVENTS"]
    )
    for key in ("MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_DEFAULT_SENDER"):
        if env.get(key):
            config[key] = env[key]
    config["MAIL_PORT"] = _env_int("MAIL_PORT", config["MAIL_PORT"])
    config["MAIL_USE_TLS"] = _env_bool("MAIL_USE_TLS", config["MAIL_USE_TLS"])
    config["MAIL_USE_SSL"] = _env_bool("MAIL_USE_SSL", config["MAIL_USE_SSL"])
    if env.get("REDIS_URL"):
        config["RATELIMIT_STORAGE_URI"] = env["REDIS_URL"]
    if env.get("RATELIMIT_STORAGE_URI"):
        config["RATELIMIT_STORAGE_URI"] = env["RATELIMIT_STORAGE_URI"]
    config["RATELIMIT_ENABLED"] = _env_bool("RATELIMIT_ENABLED", config["RATELIMIT_ENABLED"])


def _base_url(config: dict, production: bool) -> str:
    """BASE_URL checked: links in mails, feed UIDs and calendar entries are built under it and
    never under a request's host, so production must say what it is."""
    base = (config.get("BASE_URL") or "").strip().rstrip("/")
    if not base:
        if production:
            raise ConfigurationError(
                "Refusing to start in production without BASE_URL: set it to the site's public address, "
                "e.g. https://events.example.org (links in mails and calendar UIDs are built from it)."
            )
        return DEVELOPMENT_BASE_URL
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ConfigurationError(
            f"BASE_URL must be an http(s) address such as https://events.example.org, not {base!r}."
        )
    return base


def finalise(config: dict, instance_path: str) -> None:
    """Derive dependent settings and refuse unsafe production configurations."""
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    production = config["APP_ENV"] == "production"
    if production:
        key = config.get("SECRET_KEY") or ""
        if key in DEVELOPMENT_KEYS or len(key) < MIN_PRODUCTION_KEY_LENGTH:
            raise ConfigurationError(
                "Refusing to start in production with a development SECRET_KEY: set SECRET_KEY "
                f"to a random value of at least {MIN_PRODUCTION_KEY_LENGTH} characters, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'."
            )
        config.setdefault("SESSION_COOKIE_SECURE", True)
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
        config["PREFERRED_URL_SCHEME"] = "https"
    elif not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = instance_secret_key(instance_path)
    config["BASE_URL"] = _base_url(config, production)
    if config["OUTBOX_SEND_AFTER_REQUEST"] is None:
        config["OUTBOX_SEND_AFTER_REQUEST"] = not production and not config["MAIL_SERVER"]
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite has no connection pool worth pinging.
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            k: v for k, v in config["SQLALCHEMY_ENGINE_OPTIONS"].items() if k != "pool_pre_ping"
        }
