"""The machinery of tests/app/test_hostile_input.py: read the forms and links of a page, build the
hostile variants of a form, and send requests while keeping every 500 with its traceback.

A page is read as a browser would: ``<form>`` elements with their fields (including the fields
placed outside a form with ``form="id"``), what a browser would send for them, and the links.
Also shared with tests/app/test_no_english.py: the demo loaded the same way every run.
"""

from __future__ import annotations

import random
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from flask import Flask, got_request_exception, request_started

from conference.cfp import submissions as submission_ops
from conference.demo import load_demo
from conference.extensions import db as _db
from conference.extensions import limiter

HUGE = "99999999999999999999"  # beyond 64 bits
INT32_PLUS_ONE = str(2**31)  # fits SQLite's and Python's integers, not PostgreSQL's INTEGER
NUL_TEXT = "typed\x00text"
TEXT_KINDS = {"text", "email", "url", "search", "password", "tel", "textarea", "hidden", "color"}

# Hostile path segments, already percent-encoded: each goes into one parameter at a time.
HOSTILE_INTS = [INT32_PLUS_ONE, HUGE]
HOSTILE_STRINGS = ["a%00b", "%ED%A0%80", "x" * 2000]  # NUL, invalid UTF-8 (an encoded surrogate), overlong
# Query arguments the views read, besides those of the pages' own GET forms.
QUERY_NAMES = ["page", "q", "next", "tz", "day", "form", "track", "room", "by", "view", "invitation", "access_code",
               "state", "type", "sort"]
# Every query argument at once holds one of these (NUL is refused before any view runs: cheap).
QUERY_VALUES = [HUGE, "9999-12-31", "a\x00b"]


@dataclass
class Field:
    name: str
    kind: str  # the input type, "select", "textarea" or "submit"
    value: str = ""
    checked: bool = False
    multiple: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected)


@dataclass
class Form:
    action: str
    method: str
    ident: str | None
    fields: list[Field] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # the links inside the form

    def browser_data(self) -> list[tuple[str, str]]:
        """What a browser sends for the form as rendered, with its first named submit button."""
        data: list[tuple[str, str]] = []
        button = next((f for f in self.fields if f.kind == "submit" and f.name), None)
        for each in self.fields:
            if each.kind in ("checkbox", "radio"):
                if each.checked:
                    data.append((each.name, each.value or "on"))
            elif each.kind == "select":
                chosen = [value for value, selected in each.options if selected]
                if not chosen and each.options and not each.multiple:
                    chosen = [each.options[0][0]]
                data.extend((each.name, value) for value in chosen)
            elif each.kind == "submit":
                if each is button:
                    data.append((each.name, each.value))
            elif each.kind != "file":
                data.append((each.name, each.value))
        return data

    def variants(self):
        """(description, data) pairs: the form as rendered with one field made hostile."""
        base = self.browser_data()
        names = []
        for each in self.fields:
            if each.name and each.name != "csrf_token" and each.kind not in ("submit", "file") \
                    and each.name not in names:
                names.append(each.name)
        for name in names:
            kinds = {f.kind for f in self.fields if f.name == name}
            for value in _hostile_values(kinds):
                data = [(k, v) for k, v in base if k != name] + [(name, value)]
                yield f"{name}={value!r}", data


def _hostile_values(kinds: set[str]) -> list[str]:
    if kinds & {"number"}:
        return [HUGE]  # beyond 64 bits: refused by SQLite's INTEGER and by PostgreSQL's (32 bits) alike
    if kinds & {"date"}:
        return ["0001-01-01", "9999-12-31"]
    if kinds & {"datetime-local"}:
        return ["0001-01-01T00:00", "9999-12-31T23:59"]
    if kinds & {"hidden"}:
        return [NUL_TEXT, HUGE]  # hidden fields often carry ids
    if kinds & TEXT_KINDS:
        return [NUL_TEXT]
    return [HUGE]  # choices (selects, radios, checkboxes): an id beyond every column


class PageReader(HTMLParser):
    """The links and forms of an HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._by_id: dict[str, Form] = {}
        self._loose: list[tuple[str, Field]] = []  # fields with form="id"
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None
        self._option: tuple[Field, dict] | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
            if self._form is not None:
                self._form.links.append(a["href"])
        elif tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower(), ident=a.get("id"))
            self.forms.append(self._form)
            if self._form.ident:
                self._by_id[self._form.ident] = self._form
        elif tag in ("input", "button", "select", "textarea"):
            self._field(tag, a)
        elif tag == "option" and self._select is not None:
            self._option = (self._select, a)
            self._select.options.append((a.get("value", ""), "selected" in a))

    def _field(self, tag: str, a: dict) -> None:
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image"):
                kind = "submit"
            if kind in ("button", "reset"):
                return
        elif tag == "button":
            if a.get("type", "submit").lower() != "submit":
                return
            kind = "submit"
        else:
            kind = tag
        item = Field(name=a.get("name", ""), kind=kind, value=a.get("value", ""), checked="checked" in a,
                     multiple="multiple" in a)
        if tag == "select":
            self._select = item
        elif tag == "textarea":
            self._textarea = item
        if "form" in a:
            self._loose.append((a["form"], item))
        elif self._form is not None and "disabled" not in a:
            self._form.fields.append(item)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        elif self._option is not None and "value" not in self._option[1]:
            select, attrs = self._option
            value, selected = select.options[-1]
            select.options[-1] = (value + data.strip(), selected)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "option":
            self._option = None

    def close(self):
        super().close()
        for ident, item in self._loose:
            if ident in self._by_id:
                self._by_id[ident].fields.append(item)


def read_page(html: str) -> PageReader:
    reader = PageReader()
    reader.feed(html)
    reader.close()
    return reader


@dataclass
class Failure:
    endpoint: str | None
    who: str
    method: str
    url: str
    what: str
    status: int
    error: str

    def __str__(self) -> str:
        tail = "\n".join(self.error.rstrip().splitlines()[-30:])  # the frames nearest the error
        return f"{self.endpoint} as {self.who}: {self.method} {self.url[:160]} [{self.what[:120]}] -> {self.status}\n" \
               f"{tail}"


class Walker:
    """Sends requests and keeps every 500 (with the exception's traceback) as a Failure."""

    def __init__(self, app: Flask):
        self.app = app
        self.failures: list[Failure] = []
        self.reached: dict[str, set[int]] = {}  # endpoint -> statuses seen with real values
        self._exception: str | None = None
        self._endpoint: str | None = None

    def __enter__(self):
        got_request_exception.connect(self._on_exception, self.app)
        request_started.connect(self._on_started, self.app)
        return self

    def __exit__(self, *exc_info):
        got_request_exception.disconnect(self._on_exception, self.app)
        request_started.disconnect(self._on_started, self.app)

    def _on_exception(self, sender, exception, **extra):
        self._exception = "".join(traceback.format_exception(exception))

    def _on_started(self, sender, **extra):
        from flask import request

        self._endpoint = request.url_rule.endpoint if request.url_rule else None

    def send(self, client, who: str, method: str, url: str, *, data=None, what: str = "", real: bool = False):
        self._exception = None
        self._endpoint = None
        try:
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data=urlencode(data or [], encoding="utf-8", errors="surrogatepass"),
                                       content_type="application/x-www-form-urlencoded")
            status = response.status_code
            body = response.get_data()
            response.close()
        except Exception:  # the error page itself failed: as bad as a 500
            status, body = 500, b""
            self._exception = self._exception or traceback.format_exc()
        if status >= 500:
            self.failures.append(Failure(self._endpoint, who, method, url, what, status,
                                         self._exception or body.decode(errors="replace")[:2000]))
        if real and self._endpoint:
            self.reached.setdefault(self._endpoint, set()).add(status)
        return status, body


def same_site_path(href: str) -> str | None:
    """The path and query of a link within this site, or None for other sites and fragments."""
    parts = urlsplit(href)
    if parts.scheme not in ("", "http") or (parts.netloc and parts.netloc not in ("localhost", "conference.test")):
        return None
    if not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def load_demo_repeatably() -> None:
    """The demo, the same every run: its submission codes drawn from a seeded generator.

    A code is random (``secrets``), and both walks take the first link they meet for each rule;
    the organisers' list is sorted by code and the demo mails the authors in that order, so with
    random codes each run visited another submission, another mail of the outbox and another
    reviewer's page (two runs on PostgreSQL differed on seven rules; SQLite likewise). Everything
    else of the demo already comes out the same (the pages' lists are ordered)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(submission_ops, "secrets", random.Random(17))
        load_demo()


@contextmanager
def demo_in_a_transaction_of_its_own(app: Flask) -> Iterator[None]:
    """The repeatable demo, loaded in a transaction that is rolled back at the end, for a module
    whose crawls share it (the app's sessions join it through SAVEPOINTs, as in ``db``); rate
    limits are off meanwhile, since a crawl sends more requests than a person would."""
    saved = limiter.enabled
    limiter.enabled = False
    with app.app_context():
        engine = _db.engine
        connection = engine.connect()
        outer = connection.begin()
        engines = _db._app_engines[app]
        engines[None] = connection
        _db.session.remove()
        _db.session.configure(join_transaction_mode="create_savepoint")
        try:
            load_demo_repeatably()
            yield
        finally:
            _db.session.remove()
            engines[None] = engine
            outer.rollback()
            connection.close()
            limiter.enabled = saved
