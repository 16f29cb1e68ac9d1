"""The home page."""

from conference.home.web.views import bp

__all__ = ["bp"]
