"""The pages of people's data: "Your data" in one's account (the export, and erasing one's own
account), and the site administrators' page erasing an account."""

from conference.privacy.web.views import bp

__all__ = ["bp"]
