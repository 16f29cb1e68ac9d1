"""The event's outbox pages for organisers: every message in every state with filters, counts
and pages; one message whole (both parts, headers, attachments, the SMTP error); held
messages edited, sent or discarded one by one or in bulk; failed ones retried; a person's
messages. Delivery goes through the real worker to a real aiosmtpd server (``smtp_server``)."""

from __future__ import annotations

from html.parser import HTMLParser

import sqlalchemy as sa

from conference.core.models import AuditEntry
from conference.core.types import utcnow
from conference.events import setup as event_ops
from conference.events import team
from conference.events.enums import TeamRole
from conference.extensions import db
from conference.group_mail import outbox_review
from conference.mail import opt_outs
from conference.mail.enums import MailState
from conference.mail.models import OutboxMessage
from conference.mail.outbox import OutboxWorker

from .. import factories
from ..conftest import login, message_text
from ..query_counting import queries_for
from .builders import make_group_mail, queue

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


def fold(text: str) -> str:
    return " ".join(text.split())


class PageReader(HTMLParser):
    """What the tests read of a page: the rows of its tables' bodies (each cell's text and the
    links in the row), the items of its lists, its definition lists (term → description)."""

    def __init__(self, html: str):
        super().__init__()
        self.rows: list[dict] = []
        self.items: list[str] = []
        self.terms: dict[str, str] = {}
        self._in_body = False
        self._row = None
        self._cell = None
        self._item = None
        self._term = None
        self._description = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "br":
            self.handle_data(" ")
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = {"cells": [], "header": None, "links": [], "buttons": []}
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            self._cell_tag = tag
        elif tag == "a" and self._row is not None:
            self._row["links"].append(attrs.get("href"))
        elif tag == "button" and self._row is not None:
            self._row["buttons"].append(attrs.get("formaction"))
        elif tag == "li":
            self._item = []
        elif tag == "dt":
            self._term = []
        elif tag == "dd":
            self._description = []

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None:
            text = fold("".join(self._cell))
            self._row["cells"].append(text)
            if self._cell_tag == "th":
                self._row["header"] = text
            self._cell = None
        elif tag == "li" and self._item is not None:
            self.items.append(fold("".join(self._item)))
            self._item = None
        elif tag == "dt" and self._term is not None:
            self._last_term = fold("".join(self._term))
            self._term = None
        elif tag == "dd" and self._description is not None:
            self.terms[self._last_term] = fold("".join(self._description))
            self._description = None

    def handle_data(self, data):
        for part in (self._cell, self._item, self._term, self._description):
            if part is not None:
                part.append(data)

    def subjects(self) -> list[str]:
        """The subject of each row (the row header), without the held message's preview."""
        return [row["header"].split(" Read the message to ")[0] for row in self.rows]


def read(response) -> PageReader:
    assert response.status_code == 200, response.status_code
    return PageReader(response.get_data(as_text=True))


def outbox_url(event, suffix: str = "") -> str:
    return f"/events/{event.slug}/mail/outbox{suffix}"


def row_of(message_id: int) -> OutboxMessage | None:
    """The row as it is now (None once deleted)."""
    db.session.expire_all()
    return db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.id == message_id))


def deliver() -> None:
    db.session.commit()  # a savepoint: the worker sees what the test wrote
    OutboxWorker().run_once()
    db.session.expire_all()


# The list ------------------------------------------------------------------------------------

def test_outbox_lists_every_state_newest_first_with_counts(organiser_client, organiser, event, smtp_server):
    sent = queue(event, "sam@example.org", name="Sam Sent", subject="Sent one")
    failed = queue(event, "nobody@example.org", subject="Failed one")
    smtp_server.refuse["nobody@example.org"] = "550 5.1.1 No such user"
    deliver()
    team.invite_member(event, actor=organiser, email="quinn@example.org", role=TeamRole.REVIEWER)
    queued = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == "quinn@example.org")).one()
    held = queue(event, "hal@example.org", name="Hal Held", subject="Held one", hold=True)
    sending = queue(event, "sid@example.org", subject="Sending one")
    sending.state, sending.claimed_at, sending.claimed_by = MailState.SENDING, utcnow(), "host:1:abc:def"
    other_event = factories.make_event()
    queue(other_event, "elsewhere@example.org", subject="Another event's mail")
    db.session.flush()

    page = read(organiser_client.get(outbox_url(event)))

    assert page.subjects() == ["Sending one", "Held one", queued.subject, "Failed one", "Sent one"]
    assert [row["cells"][2] for row in page.rows] == [
        "sid@example.org", "hal@example.org Hal Held", "quinn@example.org", "nobody@example.org", "sam@example.org Sam Sent"]
    states = [row["cells"][4] for row in page.rows]
    assert states == ["Sending", "Held", "Queued",
                      "Failed Mail server: 550 5.1.1 No such user (recipient nobody@example.org)", "Sent"]
    group_label, invitation_label = (outbox_review.template_label(key) for key in ("group_team", "team_invitation"))
    assert group_label == "To the team" and invitation_label != "team_invitation"  # labels from the registry
    assert [row["cells"][3] for row in page.rows] == [group_label, group_label, invitation_label,
                                                      group_label, group_label]
    for item in ("Held: 1", "Queued: 1", "Sending: 1", "Sent: 1", "Failed: 1"):
        assert item in page.items
    assert page.rows[4]["cells"][6] != "" and page.rows[3]["cells"][6] == ""  # sent time of the sent one only
    # Held rows can be selected and have their buttons; failed rows a retry; the others none.
    assert page.rows[1]["buttons"] == [outbox_url(event, f"/{held.id}/send"), outbox_url(event, f"/{held.id}/discard")]
    assert page.rows[3]["buttons"] == [outbox_url(event, f"/{failed.id}/retry")]
    assert page.rows[0]["buttons"] == page.rows[2]["buttons"] == page.rows[4]["buttons"] == []
    # Each row links to its message and to its recipient's page.
    assert page.rows[4]["links"][:2] == [outbox_url(event, f"/{sent.id}"),
                                         outbox_url(event, "/people?address=sam@example.org")]
    text = organiser_client.get(outbox_url(event)).get_data(as_text=True)
    assert "Send all held (1)" in text and "Retry all failed (1)" in text
    assert "elsewhere@example.org" not in text


def test_outbox_filters_by_state_template_group_mail_and_recipient(organiser_client, organiser, event):
    group = make_group_mail(event, organiser, subject="Call for volunteers")
    other_group = make_group_mail(event, organiser, subject="Dinner")
    queue(event, "ann@example.org", subject="Volunteers A", hold=True, group_mail=group)
    queue(event, "bob@example.org", name="Bob Builder", subject="Volunteers B", group_mail=group)
    queue(event, "ann@example.org", subject="Dinner A", group_mail=other_group)
    team.invite_member(event, actor=organiser, email="cy@example.org", role=TeamRole.REVIEWER)
    db.session.flush()
    invitation = "Invitation: reviewer for " + event.title

    def subjects(**args):
        return read(organiser_client.get(outbox_url(event), query_string=args)).subjects()

    assert subjects() == [invitation, "Dinner A", "Volunteers B", "Volunteers A"]
    assert subjects(state="held") == ["Volunteers A"]
    assert subjects(state="queued") == [invitation, "Dinner A", "Volunteers B"]
    assert subjects(state="failed") == []
    assert subjects(template="team_invitation") == [invitation]
    assert subjects(template="group_team") == ["Dinner A", "Volunteers B", "Volunteers A"]
    assert subjects(group=str(group.id)) == ["Volunteers B", "Volunteers A"]
    assert subjects(q="ANN@") == ["Dinner A", "Volunteers A"]
    assert subjects(q="builder") == ["Volunteers B"]
    assert subjects(q="%") == []  # a wildcard is a character like the others
    assert subjects(group=str(group.id), q="ann", state="held") == ["Volunteers A"]
    # Values the form does not offer mean "any".
    assert subjects(state="lost", template="nope", group="999999") == subjects()

    text = organiser_client.get(outbox_url(event), query_string={"state": "queued"}).get_data(as_text=True)
    assert "3 messages, newest first" in text
    assert f'<option value="{group.id}">Call for volunteers</option>' in text
    assert f'<option value="{other_group.id}">Dinner</option>' in text
    empty = organiser_client.get(outbox_url(event), query_string={"q": "zzz"}).get_data(as_text=True)
    assert "No message matches." in empty


def test_outbox_is_paginated_and_keeps_the_filters(organiser_client, event, monkeypatch):
    monkeypatch.setattr(outbox_review, "PAGE_SIZE", 2)
    for n in range(5):
        queue(event, f"p{n}@example.org", subject=f"Message {n}")
    queue(event, "held@example.org", subject="Held", hold=True)

    first = organiser_client.get(outbox_url(event), query_string={"state": "queued"}).get_data(as_text=True)
    assert PageReader(first).subjects() == ["Message 4", "Message 3"]
    assert "Page 1 of 3" in first
    assert f'href="{outbox_url(event)}?page=2&amp;state=queued">Older messages' in first
    third = read(organiser_client.get(outbox_url(event), query_string={"state": "queued", "page": 3}))
    assert third.subjects() == ["Message 0"]
    past = organiser_client.get(outbox_url(event), query_string={"page": 9}).get_data(as_text=True)
    assert "There is no message on this page." in past


def test_outbox_pages_run_a_fixed_number_of_queries(app, organiser_client, organiser, event):
    group = make_group_mail(event, organiser, subject="Group")

    def add(i):
        queue(event, f"person{i}@example.org", name=f"Person {i}", hold=i % 3 == 0,
              group_mail=group if i % 2 else None, attachments=[("a.ics", "text/calendar", ICS)])
        queue(event, "same@example.org", subject=f"Same {i}", attachments=[("b.ics", "text/calendar", ICS)] * 2)
        make_group_mail(event, organiser, subject=f"Group {i}")
        failed = queue(event, f"failed{i}@example.org")
        failed.state, failed.last_error = MailState.FAILED, "550 No such user"

    paths = [outbox_url(event), outbox_url(event, "?state=held&q=person"),
             outbox_url(event, "/people?address=same@example.org")]
    add(0), add(1)
    db.session.flush()
    small = [queries_for(db, organiser_client, path) for path in paths]
    for i in range(2, 30):
        add(i)
    db.session.flush()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 90  # full pages
    assert [queries_for(db, organiser_client, path) for path in paths] == small

    few = queue(event, "few@example.org", attachments=[("a.ics", "text/calendar", ICS)], group_mail=group)
    many = queue(event, "many@example.org", attachments=[(f"{n}.ics", "text/calendar", ICS) for n in range(12)],
                 group_mail=group)
    assert (queries_for(db, organiser_client, outbox_url(event, f"/{few.id}"))
            == queries_for(db, organiser_client, outbox_url(event, f"/{many.id}")))


# One message ----------------------------------------------------------------------------------

def test_message_page_shows_both_parts_headers_attachments_and_times(organiser_client, event):
    headers = opt_outs.unsubscribe_headers(event, "ann@example.org", "announcements")
    message = queue(event, "ann@example.org", name='Ann "<b>bold</b>" Example', subject="Programme {event_title}",
                    body="Hello {recipient_name},\n\nthe **programme** is out.", headers=headers,
                    attachments=[("programme.ics", "text/calendar", ICS), ("map.pdf", "application/pdf", b"%PDF" * 300)])

    response = organiser_client.get(outbox_url(event, f"/{message.id}"))
    text = response.get_data(as_text=True)
    page = read(response)

    assert f"<h1>Programme {event.title}</h1>" in text
    assert page.terms["To"] == 'Ann "<b>bold</b>" Example <ann@example.org>'
    assert page.terms["Reply-To"] == "symposium@example.org"
    assert page.terms["List-Unsubscribe"] == headers["List-Unsubscribe"]
    assert page.terms["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert page.terms["Message-ID"] == message.message_id
    assert page.terms["Template"] == "To the team"
    assert page.terms["Attempts"] == "0" and page.terms["Sent"] == "Not yet"
    assert page.terms["Written"].endswith("(UTC)")
    assert "programme.ics (text/calendar, 1 KB)" in page.items and "map.pdf (application/pdf, 2 KB)" in page.items
    # The plain text as it is; the HTML part as content (escaped, no inline style for the CSP).
    assert 'Hello Ann "&lt;b&gt;bold&lt;/b&gt;" Example,' in text.replace("&#34;", '"')
    assert "<strong>programme</strong>" in text
    main = text.split('<main id="main"')[1].split("</main>")[0]
    assert "<b>bold</b>" not in main and 'style="' not in main and "<script" not in main
    assert "&lt;!doctype html&gt;" in text.lower()  # the HTML source, escaped, behind a disclosure


def test_message_page_of_a_failed_message_shows_the_smtp_answer(organiser_client, event, smtp_server):
    message = queue(event, "gone@example.org", subject="To nobody")
    smtp_server.refuse["gone@example.org"] = "550 5.1.1 Mailbox unavailable"
    deliver()

    text = organiser_client.get(outbox_url(event, f"/{message.id}")).get_data(as_text=True)

    assert "This message could not be delivered" in text
    assert "550 5.1.1 Mailbox unavailable (recipient gone@example.org)" in text
    assert "Retry this message" in text and "Send this message" not in text
    assert read(organiser_client.get(outbox_url(event, f"/{message.id}"))).terms["Attempts"] == "1"


def test_another_events_message_is_not_found_on_any_page(app, organiser_client, event):
    other = factories.make_event()
    theirs = queue(other, "x@example.org", hold=True)
    failed = queue(other, "y@example.org")
    failed.state = MailState.FAILED
    db.session.flush()

    for suffix in (f"/{theirs.id}", f"/{theirs.id}/edit", "/999999"):
        assert organiser_client.get(outbox_url(event, suffix)).status_code == 404
    for suffix in (f"/{theirs.id}/send", f"/{theirs.id}/discard", f"/{failed.id}/retry"):
        assert organiser_client.post(outbox_url(event, suffix)).status_code == 404
    assert organiser_client.post(outbox_url(event, f"/{theirs.id}/edit"),
                                 data={"subject": "Hijack", "body_text": "x"}).status_code == 404
    # Bulk actions only reach this event's messages.
    organiser_client.post(outbox_url(event, "/send"), data={"all": "1"})
    organiser_client.post(outbox_url(event, "/retry"))
    assert (row_of(theirs.id).state, row_of(failed.id).state) == (MailState.HELD, MailState.FAILED)
    assert read(organiser_client.get(outbox_url(event, "/people?address=x@example.org"))).rows == []


def test_outbox_pages_are_for_the_events_organisers_only(app, organiser, event):
    message = queue(event, "ann@example.org", name="Ann", hold=True)
    reviewer = factories.make_user()
    factories.add_role(event, reviewer, TeamRole.REVIEWER)
    chair = factories.make_user()
    factories.add_role(event, chair, TeamRole.TRACK_CHAIR)
    gets = ["", f"/{message.id}", f"/{message.id}/edit", "/people?address=ann@example.org"]
    posts = [f"/{message.id}/send", f"/{message.id}/discard", f"/{message.id}/retry", "/retry", "/send", "/discard"]

    event_ops.publish_event(event, actor=organiser)  # else hidden from people outside its team
    anonymous = app.test_client()
    for suffix in gets:
        response = anonymous.get(outbox_url(event, suffix))
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    for person in (reviewer, chair, factories.make_user()):
        client = login(app.test_client(), person)
        for suffix in gets:
            assert client.get(outbox_url(event, suffix)).status_code == 403, suffix
        for suffix in posts:
            assert client.post(outbox_url(event, suffix), data={"message_ids": [str(message.id)]}).status_code == 403
        assert client.post(outbox_url(event, f"/{message.id}/edit"), data={"subject": "x", "body_text": "y"}).status_code == 403
    assert row_of(message.id).state == MailState.HELD and row_of(message.id).subject == "News for Ann"


# Held messages -----------------------------------------------------------------------------------

def test_editing_a_held_message_changes_it_for_that_recipient_and_the_worker_sends_the_new_text(
        organiser_client, organiser, event, smtp_server):
    message = queue(event, "ann@example.org", name="Ann", subject="Accepted: {event_title}", hold=True)
    untouched = queue(event, "bob@example.org", name="Bob", subject="Accepted: {event_title}", hold=True)
    form = organiser_client.get(outbox_url(event, f"/{message.id}/edit")).get_data(as_text=True)
    assert f'value="Accepted: {event.title}"' in form and "Hello Ann," in form

    response = organiser_client.post(outbox_url(event, f"/{message.id}/edit"), data={
        "subject": "  Accepted:\r\n your talk  ", "body_text": "Dear Ann,\r\n\r\nwelcome <b>aboard</b>!\r\nSee you.\r\n"})

    assert response.status_code == 302 and response.headers["Location"] == outbox_url(event, f"/{message.id}")
    row = row_of(message.id)
    assert (row.state, row.subject, row.body_text) == (MailState.HELD, "Accepted: your talk",
                                                       "Dear Ann,\n\nwelcome <b>aboard</b>!\nSee you.\n")
    assert "<p>Dear Ann,</p>" in row.body_html
    assert "<p>welcome &lt;b&gt;aboard&lt;/b&gt;!<br>\nSee you.</p>" in row.body_html
    assert row_of(untouched.id).subject == f"Accepted: {event.title}"
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "mail.edited")).one()
    assert (entry.actor_id, entry.event_id, entry.object_type, entry.object_id) == (
        organiser.id, event.id, "OutboxMessage", message.id)
    assert entry.details == {"fields": ["subject", "body_text"], "to": "ann@example.org"}
    page = organiser_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The message is saved. It is still held" in page

    sent = organiser_client.post(outbox_url(event, f"/{message.id}/send"),
                                 data={"next": outbox_url(event, f"/{message.id}")})
    assert sent.headers["Location"] == outbox_url(event, f"/{message.id}")
    deliver()
    [delivered] = smtp_server.messages
    assert delivered["to"] == ["ann@example.org"]
    assert delivered["message"]["Subject"] == "Accepted: your talk"
    assert message_text(delivered["message"]).replace("\r\n", "\n") == "Dear Ann,\n\nwelcome <b>aboard</b>!\nSee you.\n"
    assert "&lt;b&gt;aboard&lt;/b&gt;" in delivered["message"].get_body(preferencelist=("html",)).get_content()
    assert row_of(untouched.id).state == MailState.HELD


def test_an_edit_without_subject_or_text_is_refused_and_keeps_what_was_typed(organiser_client, event):
    message = queue(event, "ann@example.org", subject="Original", hold=True)

    response = organiser_client.post(outbox_url(event, f"/{message.id}/edit"),
                                     data={"subject": "   ", "body_text": "My new text, kept"})

    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Write a subject." in text and "My new text, kept" in text
    long = organiser_client.post(outbox_url(event, f"/{message.id}/edit"),
                                 data={"subject": "x" * 301, "body_text": "Text"}).get_data(as_text=True)
    assert "Keep the subject to at most 300 characters." in long
    assert row_of(message.id).subject == "Original"


def test_a_message_no_longer_held_cannot_be_edited(organiser_client, event):
    message = queue(event, "ann@example.org", subject="Queued already")

    response = organiser_client.get(outbox_url(event, f"/{message.id}/edit"))
    assert response.status_code == 302 and response.headers["Location"] == outbox_url(event, f"/{message.id}")
    organiser_client.post(outbox_url(event, f"/{message.id}/edit"), data={"subject": "Changed", "body_text": "x"})
    assert row_of(message.id).subject == "Queued already"
    page = organiser_client.get(outbox_url(event, f"/{message.id}")).get_data(as_text=True)
    assert "Only a held message can be edited" in page and "Edit</a>" not in page


def test_held_messages_are_sent_or_discarded_one_by_one_from_the_list(organiser_client, organiser, event):
    first, second, third = (queue(event, f"{n}@example.org", subject=f"Held {n}", hold=True) for n in ("a", "b", "c"))
    back = outbox_url(event, "?state=held")

    response = organiser_client.post(outbox_url(event, f"/{first.id}/send"),
                                     data={"next": back, "message_ids": [str(second.id)]})
    assert response.headers["Location"] == back
    assert [row_of(m.id).state for m in (first, second, third)] == [MailState.QUEUED, MailState.HELD, MailState.HELD]

    response = organiser_client.post(outbox_url(event, f"/{third.id}/discard"), data={"next": back})
    assert response.headers["Location"] == back
    assert row_of(third.id) is None
    assert read(organiser_client.get(back)).subjects() == ["Held b"]
    # Sending one that went meanwhile is refused with a message, nothing else changes.
    organiser_client.post(outbox_url(event, f"/{first.id}/send"))
    page = organiser_client.get(outbox_url(event)).get_data(as_text=True)
    assert "There is no held message to act on" in page
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.event_id == event.id)
                                 .where(AuditEntry.action.like("mail.%")).order_by(AuditEntry.id)).all()
    assert actions == ["mail.released", "mail.discarded"]


def test_held_messages_are_sent_or_discarded_in_bulk(organiser_client, event):
    messages = [queue(event, f"{n}@example.org", subject=f"Held {n}", hold=True) for n in range(4)]
    back = outbox_url(event, "?q=example")

    response = organiser_client.post(outbox_url(event, "/send"),
                                     data={"message_ids": [str(messages[0].id), str(messages[1].id)], "next": back})
    assert response.headers["Location"] == back
    ids = [m.id for m in messages]
    organiser_client.post(outbox_url(event, "/discard"), data={"message_ids": [str(ids[2])]})
    rows = [row_of(i) for i in ids]
    assert [row and row.state for row in rows] == [MailState.QUEUED, MailState.QUEUED, None, MailState.HELD]
    organiser_client.post(outbox_url(event, "/send"), data={"all": "1"})
    assert row_of(ids[3]).state == MailState.QUEUED
    page = organiser_client.get(outbox_url(event)).get_data(as_text=True)
    assert "No message is held." in page and "Send all held" not in page


# Failed messages -----------------------------------------------------------------------------------

def test_failed_messages_are_retried_one_or_all_of_the_event_and_then_delivered(organiser_client, organiser, event,
                                                                               smtp_server):
    one, two, three = (queue(event, f"{n}@example.org", subject=f"To {n}") for n in ("one", "two", "three"))
    other_event = factories.make_event()
    elsewhere = queue(other_event, "four@example.org")
    for address in ("one@example.org", "two@example.org", "three@example.org", "four@example.org"):
        smtp_server.refuse[address] = "550 5.1.1 No such user"
    deliver()
    assert {row_of(m.id).state for m in (one, two, three, elsewhere)} == {MailState.FAILED}
    smtp_server.refuse.clear()

    response = organiser_client.post(outbox_url(event, f"/{one.id}/retry"),
                                     data={"next": outbox_url(event, f"/{one.id}")})
    assert response.headers["Location"] == outbox_url(event, f"/{one.id}")
    row = row_of(one.id)
    assert (row.state, row.attempts) == (MailState.QUEUED, 0)
    assert row.next_attempt_at <= utcnow()
    assert row_of(two.id).state == MailState.FAILED
    deliver()
    assert [m["to"] for m in smtp_server.messages] == [["one@example.org"]]
    assert (row_of(one.id).state, row_of(one.id).last_error, row_of(one.id).attempts) == (MailState.SENT, None, 1)

    organiser_client.post(outbox_url(event, "/retry"))
    assert {row_of(two.id).state, row_of(three.id).state} == {MailState.QUEUED}
    assert row_of(elsewhere.id).state == MailState.FAILED  # another event's
    deliver()
    assert sorted(m["to"][0] for m in smtp_server.messages) == ["one@example.org", "three@example.org", "two@example.org"]
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "mail.retried")
                                 .order_by(AuditEntry.id)).all()
    assert [(e.actor_id, e.details["count"]) for e in entries] == [(organiser.id, 1), (organiser.id, 2)]
    # Nothing left to retry: said so.
    organiser_client.post(outbox_url(event, "/retry"))
    assert "There is no failed message to retry" in organiser_client.get(outbox_url(event)).get_data(as_text=True)


# A person's messages ---------------------------------------------------------------------------------

def test_a_persons_page_lists_every_message_of_the_event_to_that_address(organiser_client, organiser, event):
    queue(event, "Ann@Example.org", name="Ann Example", subject="First to Ann")
    queue(event, "ann@example.org", name="Ann Example", subject="Second to Ann", hold=True)
    queue(event, "anne@example.org", subject="To Anne")
    queue(factories.make_event(), "ann@example.org", subject="Another event to Ann")

    response = organiser_client.get(outbox_url(event, "/people"), query_string={"address": "ANN@example.org"})
    text = response.get_data(as_text=True)
    page = read(response)

    assert "<h1>Messages to ANN@example.org</h1>" in text and "Ann Example" in text
    assert page.subjects() == ["Second to Ann", "First to Ann"]
    assert "2 messages of this event, newest first" in text
    empty = organiser_client.get(outbox_url(event, "/people"), query_string={"address": "zed@example.org"})
    assert "This event has sent no message to this address." in empty.get_data(as_text=True)
    blank = organiser_client.get(outbox_url(event, "/people")).get_data(as_text=True)
    assert "<h1>A person's messages</h1>" in blank and "Write an email address." not in blank
    asked_blank = organiser_client.get(outbox_url(event, "/people"), query_string={"address": ""})
    assert "Write an email address." in asked_blank.get_data(as_text=True)
