"""The placeholder sets templates share. A template lists the sets it offers (``sets``) and
may add its own placeholders (``extra``); each area adds its own sets (submission, registration,
reviews...) from its ``mail.py`` with ``registry.add_set``.

Every value reads the ``MailContext``; dates and times are given in the recipient's own time
zone (their profile's, else the event's), with the zone named.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from conference.core.links import external_url
from conference.i18n import format_date_range, format_datetime
from conference.mail.registry import MailContext, Placeholder, add_set


def when(context: MailContext, value) -> str:
    """A moment in the recipient's zone, e.g. "3 Jun 2027, 14:00:00 (Europe/Zurich)"."""
    return format_datetime(value, tz=context.timezone) if value else ""


def _event_link(c: MailContext) -> str:
    return external_url("events.show_event", slug=c.event.slug) if c.event is not None else ""


add_set("recipient", [
    Placeholder("recipient_name", _l("The recipient's name"), lambda c: c.recipient_name),
    Placeholder("recipient_email", _l("The recipient's email address"), lambda c: c.recipient_email),
])

add_set("event", [
    Placeholder("event_title", _l("The event's name"), lambda c: c.event.tr("title") if c.event else ""),
    Placeholder("event_dates", _l("The event's dates"),
                lambda c: format_date_range(c.event.start_date, c.event.end_date) if c.event else ""),
    Placeholder("event_link", _l("The event's page"), _event_link, kind="url"),
    Placeholder("event_venue", _l("The event's venue"), lambda c: (c.event.venue or "") if c.event else ""),
    Placeholder("event_contact", _l("The organisers' contact address"),
                lambda c: c.event.contact_email if c.event else ""),
])

add_set("link", [
    Placeholder("link", _l("The link the recipient follows to act on this message"), lambda c: c.get("link", ""),
                kind="url"),
])
