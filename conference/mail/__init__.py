"""The mail machinery: the registry of templates and placeholder sets, rendering, ``queue_mail``,
the outbox and its worker. It imports no area: each area registers its templates from its own
``mail.py``."""

from conference.mail import placeholders  # noqa: F401  (registers the shared placeholder sets)
