"""The registration blueprint object and what its view modules share."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

bp = Blueprint("registration", __name__)


def actor():
    """The logged-in user, or None for a visitor who came by a signed link."""
    return current_user._get_current_object() if current_user.is_authenticated else None
