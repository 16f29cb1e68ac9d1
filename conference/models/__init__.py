"""The data model, one module per aggregate. Importing this package registers every table."""

from .accounts import AnonymousUser, User
from .audit import AuditEntry
from .events import Event, EventRole, TeamInvitation
from .mail import OutboxAttachment, OutboxMessage

__all__ = [
    "AnonymousUser",
    "AuditEntry",
    "Event",
    "EventRole",
    "OutboxAttachment",
    "OutboxMessage",
    "TeamInvitation",
    "User",
]
