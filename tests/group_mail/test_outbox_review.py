"""The rules of the organisers' outbox (conference/domain/outbox_review.py), called as the views
and any other caller would: who may act, on which messages, and what a held message's edit
becomes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conference.errors import InvalidState, NotAllowed, ValidationFailed
from conference.events.enums import TeamRole
from conference.group_mail import outbox_review
from conference.mail.enums import MailState
from conference.mail.mailer import queue_mail
from conference.mail.models import OutboxMessage

from .. import factories


def queue(event, address, *, hold=False, subject="News", body="Hello {recipient_name}"):
    message = queue_mail("group_team", to=address, to_name="Ann", event=event, context={},
                         written=(subject, body), hold=hold)
    return message


def state_of(db, message_id):
    return db.session.scalar(sa.select(OutboxMessage.state).where(OutboxMessage.id == message_id))


def test_an_edit_is_refused_when_the_message_went_meanwhile(db, organiser, event):
    message = queue(event, "ann@example.org", hold=True, subject="Original")
    db.session.flush()
    # Another organiser sends it between this one opening the form and saving it.
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message.id)
                       .values(state=MailState.QUEUED).execution_options(synchronize_session=False))
    assert message.state == MailState.HELD  # what this request had read

    with pytest.raises(InvalidState, match="no longer held"):
        outbox_review.edit_held(event, message, actor=organiser, subject="Changed", body_text="New text")

    db.session.expire_all()
    assert (message.subject, message.state) == ("Original", MailState.QUEUED)


def test_only_organisers_edit_send_discard_or_retry(db, organiser, event):
    message = queue(event, "ann@example.org", hold=True)
    db.session.flush()
    chair = factories.make_user()
    factories.add_role(event, chair, TeamRole.TRACK_CHAIR)

    for operation in (
        lambda: outbox_review.edit_held(event, message, actor=chair, subject="x", body_text="y"),
        lambda: outbox_review.release_held(event, actor=chair, message_ids=[message.id]),
        lambda: outbox_review.discard_held(event, actor=chair, message_ids=[message.id]),
        lambda: outbox_review.retry_failed(event, actor=chair),
    ):
        with pytest.raises(NotAllowed):
            operation()
    assert state_of(db, message.id) == MailState.HELD


def test_an_edit_needs_a_subject_and_a_text_and_makes_the_subject_one_line(db, organiser, event):
    message = queue(event, "ann@example.org", hold=True)
    db.session.flush()

    with pytest.raises(ValidationFailed) as refused:
        outbox_review.edit_held(event, message, actor=organiser, subject=" \n ", body_text=" \n")
    assert refused.value.errors == {"subject": "Write a subject.", "body_text": "Write the message."}

    changed = outbox_review.edit_held(event, message, actor=organiser, subject="Hello\r\nBcc: all@example.org",
                                      body_text="Same")
    assert changed == ["subject", "body_text"]
    assert (message.subject, message.body_text) == ("Hello Bcc: all@example.org", "Same\n")
    assert outbox_review.edit_held(event, message, actor=organiser, subject="Hello", body_text="Same\n") == ["subject"]


def test_retry_of_no_chosen_message_is_refused_rather_than_retrying_all(db, organiser, event):
    failed = queue(event, "ann@example.org")
    failed.state = MailState.FAILED
    db.session.flush()

    with pytest.raises(InvalidState, match="Choose at least one message"):
        outbox_review.retry_failed(event, actor=organiser, message_ids=[])
    with pytest.raises(InvalidState, match="no failed message"):
        outbox_review.retry_failed(event, actor=organiser, message_ids=[failed.id + 1000])
    assert state_of(db, failed.id) == MailState.FAILED
    assert outbox_review.retry_failed(event, actor=organiser, message_ids=[failed.id]) == 1
    assert state_of(db, failed.id) == MailState.QUEUED


def test_the_html_part_shown_in_a_page_keeps_its_content_and_loses_styles_scripts_and_images():
    html = ('<!doctype html><html><head><title>T</title><style>p{}</style></head>'
            '<body style="color: red"><p style="margin:0" onclick="x()">Hello <a href="https://example.org" '
            'style="color:blue">link</a></p><script>alert(1)</script><img src="https://tracker.example.org/x.png" alt="x">'
            '<h2>Programme</h2></body></html>')

    shown = str(outbox_review.readable_html(html))

    assert shown == ('<p>Hello <a href="https://example.org" rel="noopener noreferrer">link</a></p>'
                     '<h2>Programme</h2>')
    assert str(outbox_review.readable_html(None)) == ""
