"""Agenda: the organisers' programme editor and releases, the public agenda with the personal
agenda, and the exports (iCal, frab XML and JSON). Each module adds its views to the one
blueprint."""

from . import editor, exports, public  # noqa: F401  (routes)
from .blueprint import bp

__all__ = ["bp"]
