"""What goes on the wire: an outbox row written as the bytes of an Internet message (RFC 5322,
MIME) by the standard library's modern email API (``EmailMessage``, ``email.policy.SMTP``),
and the SMTP envelope it travels in.

Headers are written by the standard library's folding, with two exceptions that mail providers
read raw: ``List-Unsubscribe`` (and the other RFC 2369 list headers) and ``List-Id``. An
unstructured header too long for one line would be RFC 2047-encoded by that folding, and a
provider reading ``=?utf-8?q?=3Chttps...`` finds no ``<https://...>``, so it offers no
unsubscribe button and no one-click unsubscribe. Those headers are folded between their items
and never encoded.

Every message says it was sent by a program (``Auto-Submitted: auto-generated``, RFC 3834, and
Exchange's ``X-Auto-Response-Suppress``), so out-of-office and other automatic replies are not
sent back (group mail too: the organiser writes it, but a program sends it to many people who
should not answer it automatically). The envelope sender (MAIL FROM, which becomes
Return-Path) is the site's sender address, never the event's contact: bounces and RFC 3834
automatic replies go to the site, while Reply-To brings people's own answers to the event's
contact.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import email.headerregistry
import email.policy
import re
import secrets
from dataclasses import dataclass
from email.header import Header
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime, formataddr, parseaddr, quote
from typing import TYPE_CHECKING

from flask import current_app

AUTOMATIC = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "OOF, AutoReply"}
# RFC 5322's limit for a line, which a list header's single item may reach (a long URL cannot be folded).
HARD_LINE_LIMIT = 998
MAX_TEXT_LINE = 78  # RFC 5322's recommended length: a longer line of a body is quoted-printable

# The header registry makes each header's class by mixing the class registered for its name
# with BaseHeader (which brings ``name`` and ``fold``); the type checker is told of that mix.
if TYPE_CHECKING:
    class _UnstructuredHeader(email.headerregistry.UnstructuredHeader, email.headerregistry.BaseHeader):
        pass
else:
    _UnstructuredHeader = email.headerregistry.UnstructuredHeader


class _ListHeader(_UnstructuredHeader):
    """A header holding ``<URL>`` items separated by commas (RFC 2369: List-Unsubscribe,
    List-Help, List-Post...): folded after a comma, never encoded."""

    ITEM_SEPARATOR = re.compile(r"(?<=>)\s*,\s*")

    def fold(self, *, policy) -> str:
        value = str(self)
        if not value.isascii():  # not a list of URLs: let the standard folding encode it
            return super().fold(policy=policy)
        items = [item.strip() for item in self.ITEM_SEPARATOR.split(value)]
        return _fold_items(f"{self.name}:", items, separator=",", policy=policy)


class _ListIdHeader(_UnstructuredHeader):
    """``List-Id: "Description" <label.namespace>`` (RFC 2919), stored as ``Description
    <label.namespace>``: the description a quoted string (or encoded words when it is not
    ASCII), the identifier never encoded."""

    def fold(self, *, policy) -> str:
        description, _sep, ident = str(self).rpartition(" <")
        if not ident.endswith(">") or not ident.isascii():
            return super().fold(policy=policy)
        words = _phrase(description.strip()) if description.strip() else []
        return _fold_items(f"{self.name}:", [*words, f"<{ident}"], separator="", policy=policy)


class _EncodedWords(str):
    """A text header written wholly as RFC 2047 encoded words, for a text that readers would
    otherwise take for encoded words (``=?utf-8?q?...?=`` typed as it is): the standard folding
    would write it unchanged, and every reader would decode it."""

    name: str

    def __new__(cls, name: str, text: str):
        self = super().__new__(cls, text)
        self.name = name
        return self

    def fold(self, *, policy) -> str:
        words = Header(str(self), "utf-8", header_name=self.name).encode(linesep=policy.linesep)
        return f"{self.name}: {words}{policy.linesep}"


def _text(name: str, text: str) -> str:
    return _EncodedWords(name, text) if "=?" in text else text


def _phrase(text: str) -> list[str]:
    """A display text as the words of an RFC 5322 phrase: one quoted string, or RFC 2047
    encoded words (decoded back exactly: the spaces are inside the encoded words)."""
    if text.isascii():
        return [f'"{quote(text)}"']
    return Header(text, "utf-8").encode(maxlinelen=76).split()


def _fold_items(start: str, items: list[str], *, separator: str, policy) -> str:
    """``start`` and the items on as few lines as fit in the policy's line length, each item
    whole; a continuation line starts with a space."""
    limit = policy.max_line_length or HARD_LINE_LIMIT
    lines = [start]
    for index, item in enumerate(items):
        tail = separator if index < len(items) - 1 else ""
        if len(lines[-1]) + 1 + len(item) + len(tail) > limit and lines[-1] != start:
            lines.append("")
        lines[-1] += f" {item}{tail}"
    return policy.linesep.join(lines) + policy.linesep


class _HeaderRegistry(email.headerregistry.HeaderRegistry):
    """The standard registry, remembering the class it makes for each header name (the
    standard one makes a new class with ``type()`` on every header, a large part of the cost
    of writing a message)."""

    def __init__(self):
        super().__init__()
        self._classes: dict[str, type] = {}

    def __getitem__(self, name):
        key = name.lower()
        if key not in self._classes:
            self._classes[key] = super().__getitem__(name)
        return self._classes[key]

    def map_to_type(self, name, cls):
        self._classes.pop(name.lower(), None)
        super().map_to_type(name, cls)


LIST_HEADERS = {"list-unsubscribe": _ListHeader, "list-help": _ListHeader, "list-subscribe": _ListHeader,
                "list-post": _ListHeader, "list-owner": _ListHeader, "list-archive": _ListHeader,
                "list-id": _ListIdHeader}


def _header_factory() -> email.headerregistry.HeaderRegistry:
    registry = _HeaderRegistry()
    for name, cls in LIST_HEADERS.items():
        registry.map_to_type(name, cls)
    return registry


class _WirePolicy(email.policy.EmailPolicy):
    """``email.policy.SMTP`` (CRLF line ends, the modern folding) with the list headers above,
    and one shortcut: a header set as a string of printable ASCII (other than the list headers,
    always written by their classes) is kept as that string instead of being parsed into a
    header object (most of the cost of writing a message), and is refolded by the header classes
    only when it is too long for a line. Anything else (a name or subject outside ASCII or with
    control characters, an Address) is parsed and folded as by ``SMTP``."""

    def header_store_parse(self, name, value):
        if isinstance(value, str) and value.isascii() and value.isprintable() and name.lower() not in LIST_HEADERS:
            return (name, value)
        return super().header_store_parse(name, value)  # refuses a line break

    def header_fetch_parse(self, name, value):
        return value  # the string or header object stored above: no parsing on each read


WIRE_POLICY = _WirePolicy(linesep="\r\n", header_factory=_header_factory())


@dataclass(frozen=True)
class OutgoingMail:
    """A message ready for the transport: the envelope (MAIL FROM, RCPT TO) and the bytes."""

    envelope_from: str
    recipients: list[str]
    data: bytes
    subject: str  # for logs
    to_display: str  # "Name <address>", for logs


def ascii_address(address: str) -> str:
    """The address with its domain in IDNA (``anna@bücher.example`` becomes
    ``anna@xn--bcher-kva.example``). A local part outside ASCII would need SMTPUTF8, which is
    not used: a ValueError, so the message fails for good with that reason."""
    local, _at, domain = address.strip().rpartition("@")
    if not local or not domain:
        raise ValueError(f"not an email address: {address!r}")
    if not local.isascii():
        raise ValueError(f"the address {address!r} has characters outside ASCII before the @")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise ValueError(f"the domain of {address!r} is not valid: {error}") from error
    return f"{local}@{domain}"


def _address(name: str, address: str) -> str | email.headerregistry.Address:
    """An address header's value: a ready string when all of it is ASCII (``formataddr``
    quotes a name where needed), else an Address, whose name the policy encodes."""
    address = ascii_address(address)
    if not name or name.isascii():
        return formataddr((name or "", address))
    return email.headerregistry.Address(display_name=name, addr_spec=address)


def _boundary() -> str:
    """A MIME boundary drawn here rather than by the generator, which compiles a regular
    expression for each one to check that the text does not contain it: a text composed
    before the boundary is drawn cannot guess 96 random bits (and ``=_`` never occurs in
    quoted-printable or base64). Short enough for the Content-Type to fit on one line."""
    return f"=_{secrets.token_hex(12)}"


def _part(content_type: str, cte: str, payload: str, disposition: tuple[str, str] | None = None) -> MIMEPart:
    part = MIMEPart(policy=WIRE_POLICY)
    part["Content-Type"] = content_type
    part["Content-Transfer-Encoding"] = cte
    if disposition is not None:
        part.add_header("Content-Disposition", disposition[0], filename=disposition[1])  # RFC 2231 when not ASCII
    part.set_payload(payload)
    return part


def _text_part(text: str, subtype: str) -> MIMEPart:
    """UTF-8 text as it is (8bit) when its lines fit RFC 5322's recommended length, else
    quoted-printable, so no server has to break a long line (a Markdown paragraph is one)."""
    data = text.replace("\r\n", "\n").encode()
    if max(map(len, data.split(b"\n"))) <= MAX_TEXT_LINE:
        # Kept as bytes behind surrogates: the generator writes them back unchanged.
        return _part(f'text/{subtype}; charset="utf-8"', "7bit" if data.isascii() else "8bit",
                     data.decode("ascii", "surrogateescape"))
    return _part(f'text/{subtype}; charset="utf-8"', "quoted-printable",
                 binascii.b2a_qp(data, istext=True).decode("ascii"))


def _container(subtype: str, parts: list[MIMEPart]) -> MIMEPart:
    container = MIMEPart(policy=WIRE_POLICY)
    container["Content-Type"] = f'multipart/{subtype}; boundary="{_boundary()}"'
    for part in parts:
        container.attach(part)
    return container


def _body(row) -> MIMEPart:
    """text/plain, with its HTML alternative when there is one, with the attachments."""
    body = _text_part(row.body_text, "plain")
    if row.body_html:
        body = _container("alternative", [body, _text_part(row.body_html, "html")])
    if not row.attachments:
        return body
    attachments = [_part(content_type, "base64", base64.encodebytes(data).decode("ascii"),
                         disposition=("attachment", filename))
                   for filename, content_type, data in row.attachments]
    return _container("mixed", [body, *attachments])


def build_message(row) -> OutgoingMail:
    """The message for a claimed outbox row (the worker's ``ClaimedMessage``: the row's
    columns, attachments as ``(filename, content_type, data)``), with the Message-ID fixed
    when it was queued, so every attempt sends the same one. A header value with a line break
    (an injection attempt) is a ValueError: the message fails for good."""
    sender_name, sender_address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    message = EmailMessage(policy=WIRE_POLICY)
    message["Subject"] = _text("Subject", row.subject)
    message["From"] = _address(sender_name, sender_address)
    message["To"] = _address(row.to_name, row.to_address)
    if row.reply_to:
        reply_name, reply_address = parseaddr(row.reply_to)
        message["Reply-To"] = _address(reply_name, reply_address or row.reply_to)
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    message["Message-ID"] = row.message_id
    for name, value in {**AUTOMATIC, **(row.headers or {})}.items():
        message[name] = value
    message["MIME-Version"] = "1.0"
    body = _body(row)
    for name, value in body.raw_items():
        message[name] = value
    message.set_payload(body.get_payload())
    return OutgoingMail(
        envelope_from=ascii_address(sender_address),
        recipients=[ascii_address(row.to_address)],
        data=message.as_bytes(),
        subject=row.subject,
        to_display=f"{row.to_name} <{row.to_address}>" if row.to_name else row.to_address,
    )
