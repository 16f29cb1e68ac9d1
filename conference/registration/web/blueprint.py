"""The registration blueprint object, which the registration and delegations view modules share."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("registration", __name__)
