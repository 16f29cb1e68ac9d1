"""Absolute links and the site's identity, built from configuration only: the same from a
request (whatever its Host header), the CLI or the worker; and the one check of the web
addresses people type (join links, answers).

Everything that leaves the app and must stay the same (links in mails, feed UIDs, Atom ids,
the calendar entry of a registration) is built under BASE_URL, never under the request's host:
a subscriber on another hostname, or a request with a forged Host header, would otherwise get
other UIDs and links. BASE_URL is required in production; elsewhere config.finalise sets it to
the development server's address.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from conference.errors import DomainError


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


# Web addresses people type ----------------------------------------------------------------------
# Only absolute http(s) addresses with a host become links: javascript:, data:, vbscript:,
# file: and the like would run or open something in the reader's browser, and a relative or
# scheme-less address means something else on every page it is shown on.

WEB_SCHEMES = ("http", "https")
MAX_WEB_ADDRESS = 2000
# Whitespace and control characters (browsers drop some of them silently, so "java\tscript:"
# is "javascript:"), invisible direction and width marks (which disguise an address), the
# backslash (browsers read it as "/", Python's parser does not, so the two would disagree on
# the host) and the characters that never stand unescaped in an address.
_UNSAFE = re.compile(r'[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\\<>"`]')


def is_web_address(text: str | None) -> bool:
    """Whether ``text`` is an absolute http or https address with a host, as typed (no
    surrounding spaces)."""
    if not text or len(text) > MAX_WEB_ADDRESS or _UNSAFE.search(text):
        return False
    parts = urlsplit(text)
    try:
        parts.port  # noqa: B018  (raises ValueError on a port that is not a number in range)
    except ValueError:
        return False
    return (parts.scheme.lower() in WEB_SCHEMES and text.lower().startswith(f"{parts.scheme.lower()}://")
            and bool(parts.hostname))


def check_web_address(text: str | None, *, field: str) -> str:
    """The address as it is stored (surrounding spaces removed; empty stays empty), or a
    DomainError on ``field`` when it is not an absolute http or https address. Every operation
    that stores an address someone typed calls this, whoever the caller (form, CLI, import)."""
    address = (text or "").strip()
    if address and not is_web_address(address):
        raise DomainError(web_address_message(), field=field)
    return address


def web_address_message() -> str:
    return _("Enter a full web address, starting with https://")


def web_link(value: object) -> str | None:
    """For templates (the ``web_link`` filter): the stored address when it may be a link's
    target, else None, and the template shows it as text. Addresses stored before they were
    checked (or by other means) are never turned into javascript: links."""
    text = value if isinstance(value, str) else ""
    return text if is_web_address(text) else None
