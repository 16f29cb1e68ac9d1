"""Confirming an action that cannot be undone.

The button says so (``data-confirm``): with script, app.js asks in a dialog and sends the form
with ``confirmed=1``; without script, the view asks on a page of its own first (``ask_first``),
which sends the same form again with the confirmation. Either way nothing irreversible happens
on a single unconfirmed request.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue

CONFIRMED = "confirmed"


def ask_first(action: str) -> ResponseReturnValue | None:
    """None when the request confirms the action; else the page that asks, named ``action``
    (the button's own words, e.g. "Delete the question"). Call it after the permission checks."""
    if request.form.get(CONFIRMED) == "1":
        return None
    fields = [(name, value) for name, value in request.form.items(multi=True) if name not in ("csrf_token", CONFIRMED)]
    return render_template("confirm.html", action=action, fields=fields, back=_back())


def _back() -> str:
    """Where "Cancel" goes: the page the form was on, when it is on this site."""
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    if referrer and parts.netloc == request.host and parts.path.startswith("/") and referrer.isprintable():
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return url_for("home.dashboard")
