"""Absolute links and the site's identity, built from configuration only: the same from a
request (whatever its Host header), the CLI or the worker.

Everything that leaves the app and must stay the same (links in mails, feed UIDs, Atom ids,
the calendar entry of a registration) is built under BASE_URL, never under the request's host:
a subscriber on another hostname, or a request with a forged Host header, would otherwise get
other UIDs and links. BASE_URL is required in production; elsewhere config.finalise sets it to
the development server's address.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def base_url() -> str:
    """The site's public address, without a trailing slash, e.g. ``https://events.example.org``."""
    return current_app.config["BASE_URL"].rstrip("/")


def site_host() -> str:
    """The site's host name (BASE_URL's), which makes its UIDs and List-Ids unique to the site."""
    return urlsplit(base_url()).hostname or "localhost"


def external_url(endpoint: str, **values) -> str:
    """An absolute URL under BASE_URL."""
    parts = urlsplit(base_url())
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)
