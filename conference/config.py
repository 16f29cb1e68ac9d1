"""Configuration: defaults that work with no setup, overridden by
``instance/config.py`` and then by environment variables.

Every setting read here is listed in the README's "Configuration" section.
"""

from __future__ import annotations

import ipaddress
import os
import re
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


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number, not {value!r}.") from None


def split_list(value: str | list | tuple | None) -> list[str]:
    """A list setting given as text: items separated by commas and/or spaces."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value if str(item).strip()]
    return [item for item in re.split(r"[\s,]+", value) if item]


def secret_keys(config) -> list[str]:
    """Every key a signature may carry, oldest first and SECRET_KEY last: itsdangerous and Flask
    sign with the last and accept any (SECRET_KEY_FALLBACKS, for rotating the key)."""
    return [*split_list(config.get("SECRET_KEY_FALLBACKS")), config["SECRET_KEY"]]


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
        # Whom people write to about their account and their data (a disabled account, the
        # privacy notice); and who is responsible for the data (the privacy notice; SITE_NAME if unset).
        "SITE_CONTACT_EMAIL": None,
        "PRIVACY_CONTROLLER": None,
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
        # With STORAGE_BACKEND=s3, only the spool of uploads being checked (their .part files).
        "UPLOAD_FOLDER": os.path.join(instance_path, "uploads"),
        # Where uploads are kept: "local" (UPLOAD_FOLDER, this server's disk) or "s3" (an
        # S3-compatible bucket that several servers share); README, Production.
        "STORAGE_BACKEND": "local",
        "S3_BUCKET": None,
        "S3_PREFIX": "",
        "S3_ENDPOINT_URL": None,  # None: AWS itself; MinIO, Ceph and others give their address
        "S3_REGION": None,
        "S3_ACCESS_KEY_ID": None,  # None: boto3's own chain (AWS_* variables, ~/.aws, an instance role)
        "S3_SECRET_ACCESS_KEY": None,
        "S3_PRESIGNED_DOWNLOADS": False,  # downloads redirect to a short-lived address instead of streaming
        "S3_PRESIGNED_SECONDS": 60,
        # Stored files no row refers to are deleted once this old, and .part leftovers too (a job).
        "UPLOAD_COLLECT_AFTER_HOURS": 24,
        "UPLOAD_COLLECT_SECONDS": 3600,  # each process looks for them at most this often
        "MAX_CONTENT_LENGTH": 110 * 1024 * 1024,
        "OUTBOX_BATCH_SIZE": 50,
        "OUTBOX_MAX_ATTEMPTS": 5,
        "OUTBOX_RETRY_BASE_SECONDS": 60,
        "OUTBOX_LEASE_SECONDS": 300,
        "OUTBOX_POLL_SECONDS": 5.0,
        "OUTBOX_SEND_AFTER_REQUEST": None,  # None: on when there is no SMTP server (file delivery)
        # The worker runs the registration jobs (offers expiring, reconfirmation) this often.
        "REGISTRATION_JOBS_SECONDS": 60,
        # Retention of people's data, in days (None: kept), applied by periodic jobs: a sent mail's
        # body, a cancelled registration's name, address and answers (after its cancellation), and
        # the answers to registration questions marked sensitive (after the event's last day).
        "RETAIN_OUTBOX_BODIES_DAYS": 180,
        "RETAIN_CANCELLED_REGISTRATIONS_DAYS": 365,
        "RETAIN_SENSITIVE_ANSWERS_DAYS": 30,
        # Rate limits
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Each per account (the email typed, a reset link, the signed-in user; failed log-ins
        # only), and looser per address, so many people behind one shared address are not
        # locked out together (conference.accounts.web.limits).
        "RATELIMIT_LOGIN": "10 per minute;50 per hour",
        "RATELIMIT_LOGIN_PER_ADDRESS": "100 per minute;1000 per hour",
        "RATELIMIT_SIGNUP": "5 per minute;30 per hour",
        "RATELIMIT_SIGNUP_PER_ADDRESS": "60 per minute;600 per hour",
        "RATELIMIT_RESET": "5 per minute;20 per hour",
        "RATELIMIT_RESET_PER_ADDRESS": "60 per minute;600 per hour",
        # Internationalisation
        # Operations (README, Production: operations)
        "SECRET_KEY_FALLBACKS": [],  # earlier keys, still accepted in signatures after a rotation
        "LOG_FORMAT": None,  # "json" or "text"; None: json in production, text elsewhere
        "LOG_LEVEL": "INFO",
        "LOG_TO_STDERR": True,  # False leaves logging to whoever runs the app (the tests: pytest)
        "METRICS_TOKEN": None,  # a bearer token that opens /metrics from anywhere
        "METRICS_ALLOWED_NETWORKS": ["127.0.0.1/32", "::1/128"],  # where /metrics answers without one
        "HEALTHZ_MAX_OUTBOX_AGE": None,  # seconds; None: /healthz reports the age but stays 200
        "HEALTHZ_MAX_JOB_ROUND_AGE": None,  # seconds; likewise for the last periodic job round
        "SENTRY_DSN": None,  # error reports go to Sentry only when set
        "SENTRY_ENVIRONMENT": None,  # None: APP_ENV
        "SENTRY_RELEASE": None,  # None: conference@<installed version>
        "SENTRY_TRACES_SAMPLE_RATE": 0.0,
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
    for key in ("UPLOAD_FOLDER", "STORAGE_BACKEND", "S3_BUCKET", "S3_PREFIX", "S3_ENDPOINT_URL", "S3_REGION",
                "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "RATELIMIT_KEY_PREFIX"):
        if env.get(key):
            config[key] = env[key]
    config["S3_PRESIGNED_DOWNLOADS"] = _env_bool("S3_PRESIGNED_DOWNLOADS", config["S3_PRESIGNED_DOWNLOADS"])
    for key in ("S3_PRESIGNED_SECONDS", "UPLOAD_COLLECT_AFTER_HOURS", "UPLOAD_COLLECT_SECONDS"):
        config[key] = _env_int(key, config[key])
    if env.get("BASE_URL"):
        config["BASE_URL"] = env["BASE_URL"].rstrip("/")
    for key in ("SITE_NAME", "SITE_CONTACT_EMAIL", "PRIVACY_CONTROLLER"):
        if env.get(key):
            config[key] = env[key]
    config["PROXY_COUNT"] = _env_int("PROXY_COUNT", config["PROXY_COUNT"])
    for key in ("WEB_PROCESSES", "WEB_CONCURRENCY"):
        config[key] = _env_int(key, config[key])
    for key in ("RETAIN_OUTBOX_BODIES_DAYS", "RETAIN_CANCELLED_REGISTRATIONS_DAYS", "RETAIN_SENSITIVE_ANSWERS_DAYS"):
        config[key] = _env_int(key, config[key])
        if config[key] is not None and config[key] < 0:
            raise ConfigurationError(f"{key} must be a number of days, 0 or more.")
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
    _languages_from_environment(config)
    _operations_from_environment(config)


def _languages_from_environment(config: dict) -> None:
    env = os.environ
    if env.get("LANGUAGES"):
        config["LANGUAGES"] = [code.strip() for code in env["LANGUAGES"].split(",") if code.strip()]
    if env.get("BABEL_DEFAULT_LOCALE"):
        config["BABEL_DEFAULT_LOCALE"] = env["BABEL_DEFAULT_LOCALE"].strip()


def _operations_from_environment(config: dict) -> None:
    env = os.environ
    for key in ("SECRET_KEY_FALLBACKS", "METRICS_ALLOWED_NETWORKS"):
        if env.get(key) is not None:
            config[key] = split_list(env[key])
    for key in ("LOG_FORMAT", "LOG_LEVEL", "METRICS_TOKEN", "SENTRY_DSN", "SENTRY_ENVIRONMENT", "SENTRY_RELEASE"):
        if env.get(key):
            config[key] = env[key].strip()
    for key in ("HEALTHZ_MAX_OUTBOX_AGE", "HEALTHZ_MAX_JOB_ROUND_AGE"):
        config[key] = _env_int(key, config[key])
    config["SENTRY_TRACES_SAMPLE_RATE"] = _env_float("SENTRY_TRACES_SAMPLE_RATE", config["SENTRY_TRACES_SAMPLE_RATE"])


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


def _weak_key(key: str) -> bool:
    return key in DEVELOPMENT_KEYS or len(key) < MIN_PRODUCTION_KEY_LENGTH


def _secret_key_findings(config: dict) -> list[Finding]:
    findings = []
    key = config.get("SECRET_KEY") or ""
    if _weak_key(key):
        problem = ("unset: sessions and the links in mails would be signed with a development key."
                   if not key else "a development key: anyone who guesses it can forge sessions and links in mails.")
        findings.append(Finding(
            "SECRET_KEY", problem, f"Set SECRET_KEY to a random value of at least {MIN_PRODUCTION_KEY_LENGTH} "
            "characters, e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'."))
    weak_fallbacks = [old for old in split_list(config.get("SECRET_KEY_FALLBACKS")) if _weak_key(old)]
    if weak_fallbacks:
        findings.append(Finding(
            "SECRET_KEY_FALLBACKS", f"{len(weak_fallbacks)} of the earlier keys are development keys or shorter "
            f"than {MIN_PRODUCTION_KEY_LENGTH} characters: what anyone signs with them would still be accepted.",
            "Remove such keys from SECRET_KEY_FALLBACKS (links signed with them then stop working)."))
    return findings


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


def check_storage(config: dict) -> None:
    """Refuse storage settings that cannot work, in every environment: uploads would fail."""
    backend = (config.get("STORAGE_BACKEND") or "local").strip().lower()
    if backend not in ("local", "s3"):
        raise ConfigurationError(f"STORAGE_BACKEND must be local or s3, not {config.get('STORAGE_BACKEND')!r}.")
    config["STORAGE_BACKEND"] = backend
    if backend != "s3":
        return
    if not (config.get("S3_BUCKET") or "").strip():
        raise ConfigurationError("S3_BUCKET is unset, and STORAGE_BACKEND=s3 keeps uploads in it: set S3_BUCKET to "
                                 "the bucket's name (and S3_ENDPOINT_URL for MinIO, Ceph or another service).")
    if bool(config.get("S3_ACCESS_KEY_ID")) != bool(config.get("S3_SECRET_ACCESS_KEY")):
        raise ConfigurationError("S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together: set both, or neither "
                                 "(then boto3 finds credentials itself: AWS_* variables, ~/.aws, an instance role).")
    endpoint = config.get("S3_ENDPOINT_URL")
    if endpoint and (urlsplit(endpoint).scheme not in ("http", "https") or not urlsplit(endpoint).hostname):
        raise ConfigurationError(f"S3_ENDPOINT_URL must be an http(s) address such as https://minio.example.org:9000, "
                                 f"not {endpoint!r}.")
    seconds = config.get("S3_PRESIGNED_SECONDS")
    if config.get("S3_PRESIGNED_DOWNLOADS") and not (seconds and 1 <= seconds <= 3600):
        raise ConfigurationError(f"S3_PRESIGNED_SECONDS must be between 1 and 3600 (a short-lived address), not "
                                 f"{seconds!r}.")


def _storage_findings(config: dict) -> list[Finding]:
    processes = _web_processes(config)
    if (config.get("STORAGE_BACKEND") or "local").strip().lower() != "local" or processes is None or processes == 1:
        return []
    return [Finding("STORAGE_BACKEND", f"local, and the settings say {processes} web processes (WEB_PROCESSES, "
                    f"WEB_CONCURRENCY): uploads are kept on each server's own disk ({config.get('UPLOAD_FOLDER')}), "
                    "so if those processes run on several servers, each sees only the files uploaded through it.",
                    "With several servers, set STORAGE_BACKEND=s3 and S3_BUCKET (AWS S3, MinIO, Ceph) or put "
                    "UPLOAD_FOLDER on a file system they all mount; on one server, nothing to do.", blocking=False)]


def _proxy_findings(config: dict) -> list[Finding]:
    if config.get("PROXY_COUNT"):
        return []
    return [Finding("PROXY_COUNT", "0: behind a reverse proxy (nginx, a load balancer) every visitor would share "
                    "the proxy's address, and a few failed log-ins would lock everyone out.",
                    "Set PROXY_COUNT=1 (the number of proxies in front of the app); leave it at 0 only if "
                    "clients reach gunicorn directly.", blocking=False)]


def _operations_findings(config: dict) -> list[Finding]:
    token = config.get("METRICS_TOKEN") or ""
    if token and len(token) < MIN_PRODUCTION_KEY_LENGTH:
        return [Finding("METRICS_TOKEN", f"shorter than {MIN_PRODUCTION_KEY_LENGTH} characters: it opens /metrics "
                        "from anywhere.", "Set METRICS_TOKEN to a random value, e.g. "
                        "python -c 'import secrets; print(secrets.token_urlsafe(32))'.", blocking=False)]
    return []


def deployment_findings(config: dict) -> list[Finding]:
    """Everything a production deployment still lacks, blocking findings first. Read from the
    settings as given: call it before ``finalise`` fills in the development defaults."""
    findings = [*_secret_key_findings(config), *_database_findings(config), *_base_url_findings(config),
                *_mail_findings(config), *_rate_limit_findings(config), *_storage_findings(config),
                *_proxy_findings(config), *_operations_findings(config)]
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
    check_storage(config)
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
    _finalise_operations(config, production)
    if config["OUTBOX_SEND_AFTER_REQUEST"] is None:
        config["OUTBOX_SEND_AFTER_REQUEST"] = not production and not config["MAIL_SERVER"]
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite has no connection pool worth pinging.
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            k: v for k, v in config["SQLALCHEMY_ENGINE_OPTIONS"].items() if k != "pool_pre_ping"
        }
    return findings


def _finalise_operations(config: dict, production: bool) -> None:
    """Key rotation, log format and who may read /metrics, checked once at start."""
    config["SECRET_KEY_FALLBACKS"] = split_list(config.get("SECRET_KEY_FALLBACKS"))
    # Flask signs sessions with SECRET_KEY and accepts the fallbacks itself; CSRF tokens are signed
    # by itsdangerous, which takes the same list (conference.core.tokens does the same for links).
    config.setdefault("WTF_CSRF_SECRET_KEY", secret_keys(config))
    log_format = (config.get("LOG_FORMAT") or ("json" if production else "text")).lower()
    if log_format not in ("json", "text"):
        raise ConfigurationError(f"LOG_FORMAT must be json or text, not {config.get('LOG_FORMAT')!r}.")
    config["LOG_FORMAT"] = log_format
    try:
        config["METRICS_ALLOWED_NETWORKS"] = [
            ipaddress.ip_network(network, strict=False) for network in split_list(config["METRICS_ALLOWED_NETWORKS"])
        ]
    except ValueError as error:
        raise ConfigurationError(f"METRICS_ALLOWED_NETWORKS: {error}.") from None
