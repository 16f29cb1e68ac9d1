"""Review: the committee, conflicts of interest, bidding, assignment, reviewing, discussion,
ranking and decisions. Each module adds its views to the one blueprint."""

from conference.review.web import (  # noqa: F401  (routes)  # noqa: F401  (routes)
    assignments,
    bidding,
    committee,
    conflicts,
    decisions,
    reviewing,
    setup,
)
from conference.review.web.blueprint import bp

__all__ = ["bp"]
