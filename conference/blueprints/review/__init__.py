"""Review: the committee, conflicts of interest, bidding, assignment, reviewing, discussion,
ranking and decisions. Each module adds its views to the one blueprint."""

from . import assignments, bidding, committee, conflicts, decisions, reviewing, setup  # noqa: F401  (routes)
from .blueprint import bp

__all__ = ["bp"]
