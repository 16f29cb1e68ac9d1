"""What mail providers and clients read: the raw bytes the SMTP server receives from the worker,
not Python's decoded view of them. List-Unsubscribe must hold a literal ``<https://...>`` (a
provider reading ``=?utf-8?q?=3Chttp...`` offers no unsubscribe button and no one-click), a
subject must decode to exactly what was written in standard decoders, every mail must say it
was sent by a program, bulk mail must say it is bulk, and the envelope sender is the site."""

from __future__ import annotations

import email
import re
from email import policy
from email.header import decode_header, make_header

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conference.core.types import utcnow
from conference.events.enums import TeamRole
from conference.group_mail import sending as group_mail
from conference.mail import opt_outs, registry
from conference.mail.mailer import queue_mail
from conference.mail.outbox import ClaimedMessage, OutboxWorker
from conference.mail.wire import build_message

from .. import factories

TITLE = "Journées « données » ouvertes — 2030, and “quotes”"


def raw_headers(raw: bytes) -> bytes:
    return raw.split(b"\r\n\r\n", 1)[0]


def raw_header(raw: bytes, name: str) -> bytes:
    """One header as written, its folded lines joined back (RFC 5322 unfolding: drop the CRLF)."""
    match = re.search(rb"^" + name.encode() + rb": ([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", raw_headers(raw),
                      re.MULTILINE | re.IGNORECASE)
    assert match, f"no {name} header in {raw_headers(raw)!r}"
    return match.group(1).replace(b"\r\n", b"")


def decoded(raw: bytes, name: str) -> tuple[str, str]:
    """The header as two standard decoders give it: the compat32 API and the modern parser."""
    compat = email.message_from_bytes(raw)
    modern = email.message_from_bytes(raw, policy=policy.default)
    unfolded = re.sub(r"\r?\n(?=[ \t])", "", compat[name])  # compat32 keeps the folding
    return str(make_header(decode_header(unfolded))), str(modern[name])


def deliver(db) -> list[dict]:
    db.session.commit()
    report = OutboxWorker().run_once()
    assert report.failed == 0 and report.errors == []
    return report


@pytest.fixture
def announcement(committed_db, smtp_server):
    """An announcement to the team of an event with a long, non-ASCII title, delivered to the SMTP server."""
    db = committed_db
    organiser = factories.make_user(name="Olga Organiser", email="olga@example.org", may_create_events=True)
    event = factories.make_event(organiser=organiser, title=TITLE, slug="donnees-ouvertes",
                                 contact_email="contact@donnees.example")
    factories.add_role(event, factories.make_user(name="Zoë Ångström", email="zoe@example.org"), TeamRole.REVIEWER)
    choices = {"audience": "team", "filters": {}, "subject": "Programme and “quotes” for {event_title}",
               "body": "Hello {recipient_name}", "announcement": True, "hold": False}
    preview = group_mail.preview(event, "team", {}, choices["subject"], choices["body"])
    group_mail.send(event, actor=organiser, confirmation=preview.confirmation, **choices)
    deliver(db)
    [received] = [m for m in smtp_server.messages if m["to"] == ["zoe@example.org"]]
    return event, received


def test_list_unsubscribe_arrives_as_a_literal_link_with_one_click(announcement):
    event, received = announcement
    raw = received["raw"]
    header = raw_header(raw, "List-Unsubscribe")
    assert re.fullmatch(rb"<http://conference\.test/events/donnees-ouvertes/mail/unsubscribe/[A-Za-z0-9_.\-]+>", header)
    assert b"=?" not in header
    assert re.search(rb"^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$", raw_headers(raw) + b"\r",
                     re.MULTILINE)
    # The link in the header is the one that unsubscribes (RFC 8058 one-click opens it with a POST).
    token = header.decode().strip("<>").rsplit("/", 1)[1]
    assert opt_outs.read_unsubscribe_token(event, token) == ("zoe@example.org", "announcements")


def claimed(**changes) -> ClaimedMessage:
    """An outbox row as the worker claims it."""
    fields = {"id": 1, "attempts": 0, "claimed_by": "test", "claimed_at": utcnow(), "to_address": "ann@example.org",
              "to_name": "Ann", "reply_to": None, "subject": "Hi", "body_text": "Hi\n", "body_html": None,
              "headers": {}, "message_id": "<1@conference.test>"}
    return ClaimedMessage(**{**fields, **changes})


def test_long_list_headers_are_folded_between_items_never_inside_a_link(app):
    row = claimed(headers={
        "List-Unsubscribe": "<https://events.example.org/u/" + "a" * 40 + ">, <mailto:leave@example.org?subject=x>",
        "List-Id": "A title long enough to fold the identifier onto a line of its own <t.events.example.org>"})
    with app.app_context():
        raw = build_message(row).data
    assert (b"List-Unsubscribe: <https://events.example.org/u/" + b"a" * 40 + b">,\r\n <mailto:leave@example.org?"
            b"subject=x>\r\n") in raw
    assert (b'List-Id: "A title long enough to fold the identifier onto a line of its own"\r\n'
            b" <t.events.example.org>\r\n") in raw


def test_bulk_mail_says_so_with_a_list_id_unique_to_the_event_and_the_site(announcement):
    event, received = announcement
    raw = received["raw"]
    assert raw_header(raw, "Precedence") == b"bulk"
    list_id = raw_header(raw, "List-Id")
    assert list_id.endswith(b" <donnees-ouvertes.events.conference.test>")
    assert decoded(raw, "List-Id") == (f"{TITLE} <donnees-ouvertes.events.conference.test>",) * 2


def test_every_mail_says_it_was_sent_by_a_program_and_bounces_go_to_the_site(announcement):
    event, received = announcement
    raw = received["raw"]
    assert raw_header(raw, "Auto-Submitted") == b"auto-generated"
    assert raw_header(raw, "X-Auto-Response-Suppress") == b"OOF, AutoReply"
    assert received["from"] == "noreply@conference.test"  # MAIL FROM, the Return-Path: never the event's contact
    assert raw_header(raw, "From") == b"Conference <noreply@conference.test>"
    assert raw_header(raw, "Reply-To") == b"contact@donnees.example"  # people's own answers
    assert decoded(raw, "To") == ("Zoë Ångström <zoe@example.org>",) * 2


def test_mail_one_needs_is_not_bulk_but_is_automatic(committed_db, smtp_server):
    user = factories.make_user(email="ann@example.org", name="Ann")
    queue_mail("verify_email", to=user.email, to_name=user.name, user=user,
               context={"user": user, "link": "http://conference.test/auth/verify/x"})
    deliver(committed_db)
    raw = smtp_server.messages[0]["raw"]
    assert raw_header(raw, "Auto-Submitted") == b"auto-generated"
    assert not re.search(rb"^(Precedence|List-Id|List-Unsubscribe):", raw_headers(raw), re.MULTILINE)


def test_the_agenda_change_summary_is_bulk_with_its_own_opt_out(db, event):
    headers = opt_outs.unsubscribe_headers(event, "ann@example.org", "agenda_updates")
    assert headers["Precedence"] == "bulk"
    assert headers["List-Id"] == f"{event.title} <{event.slug}.events.conference.test>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


# Subjects --------------------------------------------------------------------------------------------

SUBJECTS = ["Programme and “quotes” ready", "Réunion du comité : très importante, " * 5,
            "Slides 🎤🎉 for the keynote 😀", "Zürich's «Datenschutz»-Tag, ünd mehr", "a“b”c", "“", "x 😀",
            "Reminder: " + "the call for papers closes soon, " * 6, "日本語の件名と English words mixed 日本語",
            "=?utf-8?q?looks_encoded?= but is not",
            "MÜ<\U000364bd Ĕ:鯨¸ß\U000ea4acħ5\U0003ba5b\U0001dc57ĺ\U000c73bcdÔĭ¢4i)"]
# What a subject can be once rendered (registry.one_line): one line, single spaces, no
# control characters; every other character of Unicode.
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=300).map(registry.one_line)


def queue_with_subject(subject: str):
    user = factories.make_user()
    row = queue_mail("verify_email", to=user.email, to_name=user.name, user=user,
                     context={"user": user, "link": "http://conference.test/auth/verify/x"})
    row.subject = subject
    return row


@pytest.mark.parametrize("subject", SUBJECTS[:-2])  # the last two: see the property test
def test_subjects_decode_exactly_in_standard_decoders(committed_db, smtp_server, subject):
    queue_with_subject(" ".join(subject.split()))
    deliver(committed_db)
    raw = smtp_server.messages[0]["raw"]
    assert raw_headers(raw).isascii()
    assert all(len(line) <= 78 for line in raw_headers(raw).split(b"\r\n") if line.startswith((b"Subject", b" ")))
    assert decoded(raw, "Subject") == (" ".join(subject.split()),) * 2


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(subject=TEXT.filter(bool))
@example(subject=SUBJECTS[-1])  # an encoded word with text right after it, which a decoder read as two words
@example(subject=SUBJECTS[-2])
def test_any_subject_comes_back_exactly_from_the_raw_message(committed_db, smtp_server, subject):
    before = len(smtp_server.messages)
    queue_with_subject(subject)
    deliver(committed_db)
    raw = smtp_server.messages[before]["raw"]
    assert raw_headers(raw).isascii()
    assert decoded(raw, "Subject") == (subject, subject)


def test_control_characters_never_reach_a_subject(db, event):
    spec = registry.get("group_team")
    context = registry.MailContext(event=event, recipient_name="Ann", recipient_email="ann@example.org")
    rendered = registry.render(spec, context, subject="Bell\x07 and\x00 null\x1b[31m red\tand tab", body="x")
    assert rendered.subject == "Bell and null[31m red and tab"
