"""Registration: forms and categories (organisers), registering and one's own registration
(participants), the organisers' lists and approval, tickets and check-in. Each module adds
its views to the one blueprint."""

from . import checkin, delegations, delegations_admin, organisers, participants, setup  # noqa: F401  (routes)
from .blueprint import bp

__all__ = ["bp"]
