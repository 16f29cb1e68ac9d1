"""Settings with which production starts, for the tests of what it refuses and what it checks."""

from __future__ import annotations

from ..conftest import make_test_config

# Never reached: create_app connects to nothing, and a test that needs the database passes its own.
UNREACHED_DATABASE = "postgresql://conference@db.invalid:5432/conference"


def production_config(tmp_path, database_url: str = UNREACHED_DATABASE, **changes) -> dict:
    """PostgreSQL, BASE_URL, an SMTP server, one web process (so in-memory rate limits are right: an
    app built in a test must not point the process-wide limiter at another store), one proxy in
    front. ``changes`` set settings or, with None, remove them."""
    cfg = make_test_config(database_url, tmp_path) | {
        "APP_ENV": "production", "SECRET_KEY": "x" * 48, "BASE_URL": "https://events.example.org",
        "MAIL_SERVER": "smtp.example.org", "MAIL_DEFAULT_SENDER": "Events <events@example.org>",
        "WEB_PROCESSES": 1, "PROXY_COUNT": 1,
    }
    for key, value in changes.items():
        if value is None:
            cfg.pop(key, None)
        else:
            cfg[key] = value
    return cfg
