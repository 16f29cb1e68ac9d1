"""Mail for organisers: the event's outbox, its mail templates, mail to groups; and the
unsubscribe pages recipients reach from a message. Each module adds its views to the one
blueprint."""

from conference.group_mail.web import group, outbox, templates, unsubscribe  # noqa: F401  (routes)
from conference.group_mail.web.blueprint import bp

__all__ = ["bp"]
