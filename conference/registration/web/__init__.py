"""Registration: forms and categories (organisers), registering and one's own registration
(participants), the organisers' lists and approval, tickets and check-in. Each module adds
its views to the one blueprint (the delegations area adds its pages to it too)."""

from conference.registration.web import checkin, organisers, participants, setup  # noqa: F401  (routes)
from conference.registration.web.blueprint import bp

__all__ = ["bp"]
