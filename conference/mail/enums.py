"""State and kind enumerations. A leaf module: it imports nothing of ours."""

import enum


class MailState(enum.StrEnum):
    HELD = "held"  # written, waiting for an organiser to look it over and send it
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
