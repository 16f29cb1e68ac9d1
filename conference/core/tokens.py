"""Signed, expiring tokens for links sent by mail."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from conference.errors import InvalidToken


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"conference.{purpose}")


def make_token(purpose: str, payload) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, *, max_age: int):
    """Return the payload, or raise InvalidToken with a message a person understands."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise InvalidToken(_("This link has expired. Ask for a new one.")) from exc
    except BadSignature as exc:
        raise InvalidToken(_("This link is not valid. Check that you copied all of it.")) from exc
