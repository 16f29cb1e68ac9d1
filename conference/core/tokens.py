"""Signed, expiring tokens for links sent by mail, and keyed fingerprints.

Both are made with SECRET_KEY and accepted under it or any of SECRET_KEY_FALLBACKS, so that the
key can be rotated (README, Production: rotating the secret key) without breaking the links
already sent: new links carry the new key, old ones keep working while their key is listed."""

from __future__ import annotations

import hmac

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from conference.config import secret_keys
from conference.errors import InvalidToken


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    # itsdangerous signs with the last key of the list and accepts a signature by any of them.
    return URLSafeTimedSerializer(secret_keys(current_app.config), salt=f"conference.{purpose}")


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


def _fingerprint(key: str, message: str, length: int) -> str:
    return hmac.new(key.encode(), message.encode(), "sha256").hexdigest()[:length]


def fingerprint(message: str, *, length: int = 16) -> str:
    """A short HMAC of ``message`` under SECRET_KEY (to put in a token)."""
    return _fingerprint(current_app.config["SECRET_KEY"], message, length)


def fingerprint_matches(candidate: str, message: str, *, length: int = 16) -> bool:
    """Whether ``candidate`` is ``message``'s fingerprint under SECRET_KEY or one of the fallbacks."""
    return any(hmac.compare_digest(_fingerprint(key, message, length), candidate)
               for key in secret_keys(current_app.config))
