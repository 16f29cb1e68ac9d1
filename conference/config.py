"""Configuration: defaults that work with no setup, overridden by
``instance/config.py`` and then by environment variables.

Every setting read here is listed in the README's "Configuration" section.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

import click
from babel import Locale, UnknownLocaleError

# Keys that must never protect a production deployment.
DEVELOPMENT_KEYS = frozenset({"", "dev", "development", "change-me", "secret", "test"})
MIN_PRODUCTION_KEY_LENGTH = 32
# Where links point when BASE_URL is not set, outside production: the development server.
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


class ConfigurationError(click.ClickException):
    """The app refuses to start with this configuration.

    A ClickException, so that every ``flask`` command (``flask check``, ``flask outbox work``,
    ``flask db upgrade``) prints the message as an error and exits with status 1 instead of
    showing a traceback; gunicorn logs it and does not start."""


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int | None) -> int | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {value!r}.") from None


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
        # How many processes serve web requests, across all servers (gunicorn workers x servers).
        # None in production counts as several: rate limits then need a shared store.
        "WEB_PROCESSES": None,
        "WEB_CONCURRENCY": None,  # gunicorn's own variable for its number of workers
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
        # The languages pages and mail come in (each with a catalogue in conference/translations,
        # English excepted); the first one is the site's default unless BABEL_DEFAULT_LOCALE says otherwise.
        "LANGUAGES": ["en", "fr", "es"],
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
    for key in ("WEB_PROCESSES", "WEB_CONCURRENCY"):
        config[key] = _env_int(key, config[key])
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
    if env.get("LANGUAGES"):
        config["LANGUAGES"] = [code.strip() for code in env["LANGUAGES"].split(",") if code.strip()]
    if env.get("BABEL_DEFAULT_LOCALE"):
        config["BABEL_DEFAULT_LOCALE"] = env["BABEL_DEFAULT_LOCALE"].strip()


# What a production deployment needs ---------------------------------------------------------------
# One list of findings, read from the settings as they were given (before the development
# defaults below fill the gaps): production refuses to start while any blocking finding
# remains, naming them all at once, and `flask check` prints them with the warnings.

@dataclass(frozen=True)
class Finding:
    """Something a production deployment lacks: the setting, what is wrong with it, what to set."""

    setting: str
    problem: str
    remedy: str
    blocking: bool = True  # production refuses to start; a warning (False) does not stop it

    def describe(self) -> str:
        return f"{self.setting}: {self.problem}\n    {self.remedy}"


def _check_base_url(base: str) -> str | None:
    """Why BASE_URL cannot be the site's address, or None."""
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        return f"must be an http(s) address such as https://events.example.org, not {base!r}."
    return None


def _secret_key_findings(config: dict) -> list[Finding]:
    key = config.get("SECRET_KEY") or ""
    if key not in DEVELOPMENT_KEYS and len(key) >= MIN_PRODUCTION_KEY_LENGTH:
        return []
    problem = ("unset: sessions and the links in mails would be signed with a development key."
               if not key else "a development key: anyone who guesses it can forge sessions and links in mails.")
    return [Finding("SECRET_KEY", problem,
                    f"Set SECRET_KEY to a random value of at least {MIN_PRODUCTION_KEY_LENGTH} characters, e.g. "
                    "python -c 'import secrets; print(secrets.token_urlsafe(48))'.")]


def _base_url_findings(config: dict) -> list[Finding]:
    base = (config.get("BASE_URL") or "").strip().rstrip("/")
    if not base:
        return [Finding("BASE_URL", "unset: links in mails, feed and calendar UIDs need the site's public address.",
                        "Set BASE_URL to it, e.g. BASE_URL=https://events.example.org.")]
    wrong = _check_base_url(base)
    if wrong:
        return [Finding("BASE_URL", wrong, "Set BASE_URL to the site's public address, e.g. https://events.example.org.")]
    if urlsplit(base).scheme != "https":
        return [Finding("BASE_URL", f"{base} is plain http: the links in mails (password resets, invitations) "
                        "would travel unencrypted, and the Secure session cookie is not sent over http.",
                        "Serve the site over TLS and set BASE_URL=https://...", blocking=False)]
    return []


def _database_findings(config: dict) -> list[Finding]:
    url = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    if url.startswith("postgresql"):
        return []
    # A SQLite address holds no password; of any other, only its kind is shown.
    where = f"SQLite ({url})" if url.startswith("sqlite") else url.split(":", 1)[0]
    return [Finding("DATABASE_URL", f"the database is {where}; production runs on PostgreSQL (several "
                    "workers and app processes at once, row locks for places and mail).",
                    "Set DATABASE_URL=postgresql://user:password@host:5432/name and run flask db upgrade.")]


def _mail_findings(config: dict) -> list[Finding]:
    findings = []
    if not config.get("MAIL_SERVER"):
        findings.append(Finding(
            "MAIL_SERVER", "unset: the outbox worker would write mail to files in instance/mail and send nothing.",
            "Set MAIL_SERVER to your SMTP relay, with MAIL_PORT, MAIL_USE_TLS or MAIL_USE_SSL, "
            "and MAIL_USERNAME and MAIL_PASSWORD if it asks for them."))
    elif config.get("MAIL_USERNAME") and not (config.get("MAIL_USE_TLS") or config.get("MAIL_USE_SSL")):
        findings.append(Finding(
            "MAIL_USE_TLS", "off, and so is MAIL_USE_SSL: the SMTP password would cross the network in clear.",
            "Set MAIL_USE_TLS=true (STARTTLS, port 587) or MAIL_USE_SSL=true (port 465).", blocking=False))
    domain = parseaddr(config.get("MAIL_DEFAULT_SENDER") or "")[1].rpartition("@")[2].lower()
    if "." not in domain or domain in {"localhost", "localdomain"} or domain.endswith(".localhost"):
        findings.append(Finding(
            "MAIL_DEFAULT_SENDER", f"{config.get('MAIL_DEFAULT_SENDER')!r} is not an address of a real domain: "
            "mail servers refuse or file as spam what comes from it.",
            "Set MAIL_DEFAULT_SENDER='Events <events@your-organisation.org>', an address your relay may send as.",
            blocking=False))
    return findings


def _web_processes(config: dict) -> int | None:
    """How many processes serve web requests, as far as the settings tell: WEB_PROCESSES or gunicorn's
    WEB_CONCURRENCY, the larger of the two; None when neither is set."""
    given = [n for n in (config.get("WEB_PROCESSES"), config.get("WEB_CONCURRENCY")) if n is not None]
    return max(given) if given else None


def _rate_limit_findings(config: dict) -> list[Finding]:
    if not config.get("RATELIMIT_ENABLED"):
        return [Finding("RATELIMIT_ENABLED", "off: nothing slows down password guessing or sign-up floods.",
                        "Remove RATELIMIT_ENABLED=false.", blocking=False)]
    uri = (config.get("RATELIMIT_STORAGE_URI") or "memory://").strip()
    processes = _web_processes(config)
    if not uri.startswith("memory://") or processes == 1:
        return []
    told = ("WEB_PROCESSES is unset, which counts as several web processes" if processes is None
            else f"the settings say {processes} web processes (WEB_PROCESSES, WEB_CONCURRENCY)")
    return [Finding("REDIS_URL", f"rate limits are counted in each process's memory and {told}: each would "
                    "count alone and let through that many times the attempts.",
                    "Set REDIS_URL=redis://host:6379/0 (or RATELIMIT_STORAGE_URI) so all processes share the "
                    "counters, or WEB_PROCESSES=1 if exactly one process serves the site.")]


def _proxy_findings(config: dict) -> list[Finding]:
    if config.get("PROXY_COUNT"):
        return []
    return [Finding("PROXY_COUNT", "0: behind a reverse proxy (nginx, a load balancer) every visitor would share "
                    "the proxy's address, and a few failed log-ins would lock everyone out.",
                    "Set PROXY_COUNT=1 (the number of proxies in front of the app); leave it at 0 only if "
                    "clients reach gunicorn directly.", blocking=False)]


def deployment_findings(config: dict) -> list[Finding]:
    """Everything a production deployment still lacks, blocking findings first. Read from the
    settings as given: call it before ``finalise`` fills in the development defaults."""
    findings = [*_secret_key_findings(config), *_database_findings(config), *_base_url_findings(config),
                *_mail_findings(config), *_rate_limit_findings(config), *_proxy_findings(config)]
    if config.get("APP_ENV") != "production":
        findings.insert(0, Finding("APP_ENV", f"{config.get('APP_ENV')!r}, not production: cookies are not "
                                   "marked Secure and none of what production requires is enforced.",
                                   "Set APP_ENV=production on every server, worker and cron job."))
    return sorted(findings, key=lambda finding: not finding.blocking)


def describe_findings(findings: list[Finding]) -> str:
    """The findings as text: problems, then warnings, each with its remedy."""
    lines = [f"  - {finding.describe()}" for finding in findings if finding.blocking]
    warnings = [f"  - {finding.describe()}" for finding in findings if not finding.blocking]
    if warnings:
        lines += ["Also worth fixing (these do not stop it):", *warnings]
    return "\n".join(lines)


def _check_languages(config: dict) -> None:
    """LANGUAGES names languages Babel knows (``en``, ``fr``, ``ar``...), the default among them."""
    languages = config.get("LANGUAGES") or []
    for code in languages:
        try:
            Locale.parse(code)
        except (ValueError, UnknownLocaleError):
            raise ConfigurationError(f"LANGUAGES: {code!r} is not a language code such as fr or es.") from None
    if config["BABEL_DEFAULT_LOCALE"] not in languages:
        raise ConfigurationError(f"BABEL_DEFAULT_LOCALE {config['BABEL_DEFAULT_LOCALE']!r} must be one of "
                                 f"LANGUAGES ({', '.join(languages)}).")


def finalise(config: dict, instance_path: str) -> list[Finding]:
    """Derive dependent settings and refuse unsafe production configurations: in production,
    every blocking finding of ``deployment_findings`` is named at once. Returns the findings
    (outside production, what a production deployment would still lack) for `flask check`."""
    findings = deployment_findings(config)
    production = config["APP_ENV"] == "production"
    if production and any(finding.blocking for finding in findings):
        raise ConfigurationError("Refusing to start in production until these settings are fixed:\n"
                                 + describe_findings(findings))
    base = (config.get("BASE_URL") or "").strip().rstrip("/")
    wrong = _check_base_url(base) if base else None
    if wrong:
        raise ConfigurationError(f"BASE_URL {wrong}")
    _check_languages(config)
    config["BASE_URL"] = base or DEVELOPMENT_BASE_URL
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    if production:
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
        config["PREFERRED_URL_SCHEME"] = "https"
    elif not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = instance_secret_key(instance_path)
    if config["OUTBOX_SEND_AFTER_REQUEST"] is None:
        config["OUTBOX_SEND_AFTER_REQUEST"] = not production and not config["MAIL_SERVER"]
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite has no connection pool worth pinging.
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            k: v for k, v in config["SQLALCHEMY_ENGINE_OPTIONS"].items() if k != "pool_pre_ping"
        }
    return findings
