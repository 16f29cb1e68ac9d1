"""Rate limits that slow down guessing without locking out everyone behind one address.

An agency, a ministry or a conference venue puts hundreds of people behind one shared address
(NAT, a proxy): a limit counted per address alone would lock all of them out once a few had
mistyped their password. So each limited form is counted twice:

- per account: the email address typed (normalised, then an HMAC of it, so the counters' store
  never holds an address), or the reset link's token, or the signed-in user's id. This is the
  strict limit that stops guessing one person's password or flooding one mailbox;
- per address: a looser limit, so one address still cannot try thousands of accounts.

Only POSTs count; reading a form is never limited.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug import Response

from conference.accounts.users import normalise_email
from conference.errors import DomainError
from conference.extensions import limiter


def _digest(kind: str, value: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return f"{kind}:" + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def address_key() -> str:
    """The client's address (as ProxyFix, trusting PROXY_COUNT proxies, made it)."""
    return "address:" + (get_remote_address() or "unknown")


def account_key() -> str:
    """The account a form names: the email typed, normalised, hashed; the reset link's token;
    the signed-in user; the address only when the form names none of these."""
    token = (request.view_args or {}).get("token")
    if token:
        return _digest("token", str(token))
    typed = (request.form.get("email") or "").strip()
    if typed:
        try:
            address = normalise_email(typed)
        except DomainError:
            address = typed.lower()  # still one counter per thing typed
        return _digest("account", address)
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return address_key()


def user_key() -> str:
    """The signed-in person (never their address, shared with colleagues); the address otherwise."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return address_key()


def _setting(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def _failed(response: Response) -> bool:
    """A form sent back (200, with its errors) or refused: a success redirects."""
    return response.status_code != 302


def per_account_and_address(name: str, *, count_failures_only: bool = False):
    """POSTs limited by the setting ``name`` per account (see account_key) and by
    ``name``_PER_ADDRESS per address. ``count_failures_only``: only attempts that fail count
    against the account (logging in: a person signing in on many devices is never slowed)."""
    per_account = limiter.limit(_setting(name), key_func=account_key, methods=["POST"],
                                deduct_when=_failed if count_failures_only else None)
    per_address = limiter.limit(_setting(f"{name}_PER_ADDRESS"), key_func=address_key, methods=["POST"])

    def decorate(view):
        return per_address(per_account(view))

    return decorate


def per_user(name: str):
    """POSTs of signed-in pages limited by the setting ``name`` per user."""
    return limiter.limit(_setting(name), key_func=user_key, methods=["POST"])
