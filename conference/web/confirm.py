"""Confirming an action that cannot be undone, and offering to undo one that can.

The button says so (``data-confirm``): with script, app.js asks in a dialog and sends the form
with ``confirmed=1``; without script, the view asks on a page of its own first (``ask_first``),
which sends the same form again with the confirmation. Either way nothing irreversible happens
on a single unconfirmed request.

An action the domain can reverse (a team member removed: ``team.restore_role``) is not asked
about; its view offers the undo instead (``offer_undo``): the next page shows an "Undo" button
under its message, once.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import render_template, request, session, url_for
from flask.typing import ResponseReturnValue

CONFIRMED = "confirmed"
UNDO = "undo"


def ask_first(action: str) -> ResponseReturnValue | None:
    """None when the request confirms the action; else the page that asks, named ``action``
    (the button's own words, e.g. "Delete the question"). Call it after the permission checks."""
    if request.form.get(CONFIRMED) == "1":
        return None
    fields = [(name, value) for name, value in request.form.items(multi=True) if name not in ("csrf_token", CONFIRMED)]
    return render_template("confirm.html", action=action, fields=fields, back=_back())


def _back() -> str:
    """Where "Cancel" goes: the page the form was on. Only its path is kept, so the link stays on
    this site whoever sent the referrer."""
    parts = urlsplit(request.referrer or "")
    path = parts.path
    if path.startswith("/") and not path.startswith("//") and path.isprintable() and "\\" not in path:
        return path + (f"?{parts.query}" if parts.query else "")
    return url_for("home.dashboard")


def offer_undo(what: str, action: str, fields: dict[str, str | int | list[int] | None]) -> None:
    """Show an "Undo" button on the next page: a form posting ``fields`` to ``action`` (a URL of
    this site whose view runs the reversing operation, checking permissions as any view does).
    ``what`` completes the button's name for screen readers ("Undo the removal of …")."""
    session[UNDO] = {"what": what, "action": action, "fields": fields}


def take_undo() -> dict | None:
    """The undo offered by the last action, once (base.html shows it under the messages)."""
    return session.pop(UNDO, None) if UNDO in session else None
