"""Opting out of a kind of mail from an event: the List-Unsubscribe headers (RFC 2369 and the
one-click POST of RFC 8058) a message carries, the signed link in them, and the record that
the app honours when it chooses recipients.

Kinds: ``announcements`` (group mail an organiser marked as an announcement) and
``agenda_updates`` (the summary of changes when a new agenda is released; opting out also
clears the choice on the person's registrations). Mail a person needs (their submission,
their registration, their reviews) has no opt-out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from blinker import Namespace
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from conference.core.audit import record
from conference.core.links import external_url
from conference.core.tokens import make_token, read_token
from conference.errors import InvalidToken
from conference.extensions import db
from conference.mail.mailer import list_headers
from conference.mail.models import MailOptOut

if TYPE_CHECKING:  # the mail machinery knows no area at run time
    from conference.events.models import Event

# Sent (with the event as sender, and ``email``, ``kind``) in the transaction that records or
# removes an opt-out, so that an area keeps its own records in step: registration turns a
# person's agenda updates off and on (registration.participants.follow_opt_out).
_signals = Namespace()
opt_out_recorded = _signals.signal("opt-out-recorded")
opt_out_removed = _signals.signal("opt-out-removed")

KINDS = {
    "announcements": _l("announcements from the organisers"),
    "agenda_updates": _l("mail when the agenda changes"),
}
PURPOSE = "unsubscribe"
NEVER_EXPIRES = 10 * 365 * 24 * 3600  # an unsubscribe link in an old mail must keep working


def _normal(email: str) -> str:
    return email.strip().lower()


def unsubscribe_token(event: Event, email: str, kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown opt-out kind {kind!r}")
    return make_token(PURPOSE, {"e": event.id, "a": _normal(email), "k": kind})


def read_unsubscribe_token(event: Event, token: str) -> tuple[str, str]:
    """The (email, kind) a link was made for; InvalidToken when it is not this event's."""
    payload = read_token(PURPOSE, token, max_age=NEVER_EXPIRES)
    if not isinstance(payload, dict) or payload.get("e") != event.id or payload.get("k") not in KINDS:
        raise InvalidToken(_("This link is not valid. Check that you copied all of it."))
    return payload["a"], payload["k"]


def unsubscribe_url(event: Event, email: str, kind: str) -> str:
    return external_url("mail.unsubscribe", slug=event.slug, token=unsubscribe_token(event, email, kind))


def unsubscribe_headers(event: Event, email: str, kind: str) -> dict[str, str]:
    """The headers of mail one can opt out of: it is bulk mail (``list_headers``), with the
    link a mail provider offers as its unsubscribe button and posts to for a one-click opt-out
    (RFC 2369, RFC 8058; written unencoded, see mail_wire)."""
    return {
        **list_headers(event),
        "List-Unsubscribe": f"<{unsubscribe_url(event, email, kind)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def opt_out(event: Event, email: str, kind: str) -> bool:
    """Record the opt-out (idempotent); True when it is new."""
    email = _normal(email)
    exists = db.session.scalar(sa.select(MailOptOut.id).filter_by(event_id=event.id, email=email, kind=kind))
    opt_out_recorded.send(event, email=email, kind=kind)
    if exists:
        return False
    db.session.add(MailOptOut(event_id=event.id, email=email, kind=kind))
    record("mail.opted_out", actor=None, event=event, email=email, kind=kind)
    return True


def opt_back_in(event: Event, email: str, kind: str) -> None:
    """Undo ``opt_out``."""
    email = _normal(email)
    db.session.execute(sa.delete(MailOptOut).filter_by(event_id=event.id, email=email, kind=kind))
    opt_out_removed.send(event, email=email, kind=kind)


def opted_out(event: Event, kind: str) -> set[str]:
    """Every address that opted out of ``kind`` for the event, in lower case (one query)."""
    return set(db.session.scalars(sa.select(MailOptOut.email).filter_by(event_id=event.id, kind=kind)))
