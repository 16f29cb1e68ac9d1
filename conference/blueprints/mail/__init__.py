"""Mail for organisers: the event's outbox, its mail templates, mail to groups; and the
unsubscribe pages recipients reach from a message."""

from . import group, outbox, templates, unsubscribe  # noqa: F401  (routes)
from .blueprint import bp  # noqa: F401
