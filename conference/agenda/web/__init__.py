"""Agenda: the organisers' programme editor and releases, the public agenda with the personal
agenda, and the exports (iCal, frab XML and JSON). Each module adds its views to the one
blueprint."""

from conference.agenda.web import editor, exports, public  # noqa: F401  (routes)
from conference.agenda.web.blueprint import bp

__all__ = ["bp"]
