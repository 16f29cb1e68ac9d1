"""Every message the app sends comes from a named template here.

A template (``TemplateSpec``) has a shipped default subject and body, written in the same
language organisers use when they override it for their event: Markdown text with
placeholders in braces, ``{recipient_name}``, ``{submission_title}``. The placeholders a
template offers are listed with it (shared sets from ``placeholders`` plus its own), so the
editor can show them and refuse an unknown one on save, by name.

Rendering gives three parts:

* the subject and the plain-text part: the text with the values put in as they are;
* the HTML part: the Markdown rendered and sanitised first, with each placeholder held by an
  inert token, and only then the values put in, HTML-escaped. A value typed by a user (a
  title, a name, a review) can therefore never become markup, and a link value becomes a link.

The registry knows no area: each area registers its own templates and placeholder sets from
its ``mail.py``, which ``create_app`` imports by name (through the area's ``init_app``).
"""

from __future__ import annotations

import datetime as dt
import html
import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from flask import render_template
from markupsafe import Markup

from conference.core.markdown import render_markdown

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class MailEvent(Protocol):
    """What mail reads of the event a message belongs to (the events area's Event has it; this
    module names no area)."""

    @property
    def slug(self) -> str: ...
    @property
    def title(self) -> str: ...
    def tr(self, field: str, language: str | None = None) -> str: ...
    @property
    def start_date(self) -> dt.date: ...
    @property
    def end_date(self) -> dt.date: ...
    @property
    def venue(self) -> str: ...
    @property
    def contact_email(self) -> str: ...
    @property
    def timezone(self) -> str: ...


@dataclass(frozen=True)
class Placeholder:
    """``value`` reads the mail's context; ``kind`` says how the HTML part shows it: ``text``
    (escaped), ``url`` (a link) or ``block`` (escaped, line breaks kept)."""

    name: str
    description: object  # a lazy string
    value: Callable[[MailContext], str]
    kind: str = "text"


@dataclass
class MailContext:
    """What a template is rendered with: the event, the recipient and the records the caller
    passed (``data``: submission, registration, link...)."""

    event: MailEvent | None
    recipient_name: str
    recipient_email: str
    user: object | None = None
    data: dict = field(default_factory=dict)

    @cached_property
    def timezone(self) -> str:
        """The recipient's own zone: given by the caller (``data["timezone"]``, e.g. a speaker
        without an account), else their profile's, else the event's."""
        own = self.data.get("timezone") or getattr(self.user, "timezone", None)
        if own:
            return own
        return getattr(self.event, "timezone", None) or "UTC"

    def __getitem__(self, key: str):
        return self.data[key]

    def get(self, key: str, default=None):
        return self.data.get(key, default)


@dataclass(frozen=True)
class TemplateSpec:
    """One named template. ``sets`` names shared placeholder sets (see ``placeholders``);
    ``extra`` adds the template's own. ``per_event`` is False for the account mails, which
    belong to no event. ``sample`` finds a real record of an event to preview with: it returns
    the ``data`` of a ``MailContext`` plus the recipient (name, email, user), or None."""

    key: str
    group: object
    label: object
    when: object
    subject: object
    body: object
    sets: tuple[str, ...] = ("recipient", "event")
    extra: tuple[Placeholder, ...] = ()
    per_event: bool = True
    sample: Callable[[object], tuple[dict, str, str, object] | None] | None = None

    @property
    def placeholders(self) -> dict[str, Placeholder]:
        found: dict[str, Placeholder] = {}
        for name in self.sets:
            for placeholder in SETS[name]:
                found[placeholder.name] = placeholder
        for placeholder in self.extra:
            found[placeholder.name] = placeholder
        return found


TEMPLATES: dict[str, TemplateSpec] = {}
SETS: dict[str, list[Placeholder]] = {}


def add_set(name: str, placeholders: list[Placeholder]) -> None:
    """A placeholder set templates may name in their ``sets``: the shared ones (``placeholders``)
    and each area's own, added from its ``mail.py``."""
    if name in SETS:
        raise ValueError(f"placeholder set {name!r} defined twice")
    SETS[name] = placeholders


def register(spec: TemplateSpec) -> TemplateSpec:
    if spec.key in TEMPLATES:
        raise ValueError(f"mail template {spec.key!r} registered twice")
    TEMPLATES[spec.key] = spec
    return spec


def get(key: str) -> TemplateSpec:
    return TEMPLATES[key]


def per_event() -> list[TemplateSpec]:
    """The templates an organiser may change for their event, in the editor's order."""
    return [spec for spec in TEMPLATES.values() if spec.per_event]


def used_placeholders(*texts: str) -> list[str]:
    seen: dict[str, None] = {}
    for text in texts:
        for name in PLACEHOLDER.findall(text or ""):
            seen[name] = None
    return list(seen)


def unknown_placeholders(spec: TemplateSpec, *texts: str) -> list[str]:
    """The names used in ``texts`` that ``spec`` does not offer, in order of appearance."""
    known = spec.placeholders
    return [name for name in used_placeholders(*texts) if name not in known]


@dataclass(frozen=True)
class Rendered:
    """``html`` is the whole HTML part (a document with the mail's inline styles); ``content``
    the message alone, safe to show inside one of our pages (the preview)."""

    subject: str
    text: str
    html: str
    content: Markup


class _Values(dict):
    """Placeholder values computed on first use (a template rarely uses them all)."""

    def __init__(self, spec: TemplateSpec, context: MailContext):
        super().__init__()
        self.placeholders = spec.placeholders
        self.context = context

    def __missing__(self, name: str) -> str:
        placeholder = self.placeholders.get(name)
        if placeholder is None:
            raise KeyError(f"unknown placeholder {{{name}}}")
        value = placeholder.value(self.context)
        value = "" if value is None else str(value)
        self[name] = value
        return value


def _html_value(placeholder: Placeholder, value: str) -> str:
    escaped = html.escape(value)
    if placeholder.kind == "url" and value.startswith(("http://", "https://")):
        return f'<a href="{escaped}">{escaped}</a>'
    if placeholder.kind == "block":
        return escaped.replace("\n", "<br>\n")
    return escaped


def _html(body: str, values: _Values) -> str:
    nonce = secrets.token_hex(4)
    tokens: dict[str, str] = {}

    def hold(match: re.Match) -> str:
        token = f"zq{nonce}p{len(tokens)}q"
        tokens[token] = match.group(1)
        return token

    rendered = str(render_markdown(PLACEHOLDER.sub(hold, body)))
    for token, name in tokens.items():
        value = values[name]
        placeholder = values.placeholders[name]
        # A placeholder used as a Markdown link's target: [open the page]({link})
        safe_url = html.escape(value) if value.startswith(("http://", "https://", "mailto:")) else ""
        rendered = rendered.replace(f'href="{token}"', f'href="{safe_url}"')
        rendered = rendered.replace(token, _html_value(placeholder, value))
    return re.sub(r"<p>\s*</p>\n?", "", rendered)  # a paragraph that held only an empty placeholder


def _text(template: str, values: _Values) -> str:
    text = PLACEHOLDER.sub(lambda m: values[m.group(1)], template)
    text = re.sub(r"\n{3,}", "\n\n", text.replace("\r\n", "\n"))
    return text.strip() + "\n"


def one_line(text: str) -> str:
    """A header's text: one line, single spaces, no control characters (a NUL or a bell in a
    subject would reach the mail header as it is)."""
    return " ".join("".join(c for c in text if unicodedata.category(c) != "Cc" or c.isspace()).split())


def render(spec: TemplateSpec, context: MailContext, *, subject: str | None = None,
           body: str | None = None) -> Rendered:
    """Render ``spec`` (or the given subject and body written for it) for one recipient."""
    subject = str(spec.subject) if subject is None else subject
    body = str(spec.body) if body is None else body
    values = _Values(spec, context)
    subject_text = one_line(PLACEHOLDER.sub(lambda m: values[m.group(1)], subject))[:300]
    content = Markup(_html(body, values))
    page = render_template("emails/_message.html", content=content, subject=subject_text, event=context.event)
    return Rendered(subject=subject_text, text=_text(body, values), html=page, content=content)


def text_to_html(text: str, *, subject: str, event=None) -> str:
    """The HTML part of a message whose plain text an organiser edited in the outbox: the text
    escaped, paragraphs and line breaks kept."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    content = Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>\n").join(p.split("\n"))) for p in paragraphs
    )
    return render_template("emails/_message.html", content=content, subject=subject, event=event)
