"""The placeholder sets templates share. A template lists the sets it offers (``sets``) and
may add its own placeholders (``extra``); area modules may add a set with ``add_set``.

Every value reads the ``MailContext``; dates and times are given in the recipient's own time
zone (their profile's, else the event's), with the zone named.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..i18n import format_date_range, format_datetime
from . import MailContext, Placeholder

SETS: dict[str, list[Placeholder]] = {}


def add_set(name: str, placeholders: list[Placeholder]) -> None:
    if name in SETS:
        raise ValueError(f"placeholder set {name!r} defined twice")
    SETS[name] = placeholders


def when(context: MailContext, value) -> str:
    """A moment in the recipient's zone, e.g. "3 Jun 2027, 14:00:00 (Europe/Zurich)"."""
    return format_datetime(value, "medium", tz=context.timezone) if value else ""


def _event_link(c: MailContext) -> str:
    from ..domain.links import external_url

    return external_url("events.show_event", slug=c.event.slug) if c.event is not None else ""


add_set("recipient", [
    Placeholder("recipient_name", _l("The recipient's name"), lambda c: c.recipient_name),
    Placeholder("recipient_email", _l("The recipient's email address"), lambda c: c.recipient_email),
])

add_set("event", [
    Placeholder("event_title", _l("The event's name"), lambda c: c.event.title if c.event else ""),
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


def _submission_link(c: MailContext) -> str:
    from ..domain.links import external_url

    submission = c["submission"]
    return external_url("cfp.show_submission", slug=submission.event.slug, code=submission.code)


add_set("submission", [
    Placeholder("submission_title", _l("The submission's title"), lambda c: c["submission"].title),
    Placeholder("submission_code", _l("The submission's code"), lambda c: c["submission"].code),
    Placeholder("submission_track", _l("The submission's track"),
                lambda c: c["submission"].track.name if c["submission"].track else ""),
    Placeholder("submission_type", _l("The submission's type"),
                lambda c: c["submission"].type.name if c["submission"].type else ""),
    Placeholder("submission_link", _l("The submission's page"), _submission_link, kind="url"),
])


def reviews_text(reviews) -> str:
    """The reviews an event lets authors see (numbered, never named), as plain text."""
    parts = []
    for review in reviews or ():
        lines = [_("Review %(n)d", n=review.number)]
        if review.overall is not None:
            lines.append(_("Overall score: %(score)s of 10", score=f"{review.overall:.1f}"))
        lines += [f"{name}: {value} ({low}–{high})" for name, value, low, high in review.scores]
        if review.comments:
            lines += ["", review.comments]
        for label, text in review.answers:
            lines += ["", f"{label}:", text]
        parts.append("\n".join(lines))
    if not parts:
        return ""
    return _("The reviews of your submission:") + "\n\n" + "\n\n".join(parts)


add_set("reviews", [
    Placeholder("reviews", _l("The reviews, as far as the event shows them to authors (empty otherwise)"),
                lambda c: reviews_text(c.get("reviews")), kind="block"),
])


def _registration_link(c: MailContext) -> str:
    from ..domain.registration import manage_url

    return c.get("link") or manage_url(c["registration"])


def _mode(c: MailContext) -> str:
    from ..domain.places import mode_label

    return mode_label(c["registration"].mode)


def _status(c: MailContext) -> str:
    from ..domain.places import state_label

    return state_label(c["registration"].state)


add_set("registration", [
    Placeholder("registration_category", _l("The registration's category"), lambda c: c["registration"].category.name),
    Placeholder("registration_status", _l("The registration's status"), _status),
    Placeholder("registration_mode", _l("How the participant attends: in person or online"), _mode),
    Placeholder("registration_link", _l("The participant's own registration page"), _registration_link, kind="url"),
])
