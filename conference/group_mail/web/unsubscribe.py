"""The pages a recipient reaches from the unsubscribe link of a message (List-Unsubscribe, or
the link at the end of an announcement). No account is needed: the signed token names the
event, the address and the kind of mail.

One URL serves both ways in (RFC 8058): a person's browser GETs the page and confirms with a
CSRF-protected form; a mail client's one-click unsubscribe POSTs ``List-Unsubscribe=One-Click``
to the same URL, without cookies or token, and gets a plain 200. The view is exempt from the
app-wide CSRF check and runs it itself for every other POST, so only that exact body skips it.
A GET never unsubscribes (link checkers and mail scanners open links)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import Response, current_app, render_template, request
from flask_babel import gettext as _

from conference.errors import InvalidToken
from conference.events.models import Event
from conference.extensions import csrf, db
from conference.group_mail.web.blueprint import bp
from conference.group_mail.web.outbox_forms import ButtonForm
from conference.mail import opt_outs


@dataclass
class _Link:
    event: Event
    email: str
    kind: str

    @property
    def kind_label(self) -> str:
        return str(opt_outs.KINDS[self.kind])


class _BadLink(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@bp.errorhandler(_BadLink)
def _bad_link(error):
    return render_template("auth/token_error.html", message=error.message), 400


def _read(slug: str, token: str) -> _Link:
    """The link's event, address and kind; one answer for a wrong event and a wrong token, so
    that a link reveals nothing about events it was not made for."""
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    if event is None:
        raise _BadLink(_("This link is not valid. Check that you copied all of it."))
    try:
        email, kind = opt_outs.read_unsubscribe_token(event, token)
    except InvalidToken as error:
        raise _BadLink(error.message) from error
    return _Link(event, email, kind)


def _is_one_click() -> bool:
    return request.method == "POST" and request.form.get("List-Unsubscribe") == "One-Click"


def _page(link: _Link, token: str, state: str):
    """``state``: ask (the page with the button), done (just opted out), back (opted in again)."""
    opted_out = link.email in opt_outs.opted_out(link.event, link.kind)
    return render_template("mail/unsubscribe.html", link=link, token=token, state=state, opted_out=opted_out,
                           form=ButtonForm(formdata=None))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(slug, token):
    one_click = _is_one_click()
    if request.method == "POST" and not one_click and current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()  # exempt from the app-wide check for the one-click body only
    link = _read(slug, token)
    if request.method != "POST":
        return _page(link, token, "ask")
    opt_outs.opt_out(link.event, link.email, link.kind)
    db.session.commit()
    if one_click:
        return Response(_("Unsubscribed."), mimetype="text/plain")
    return _page(link, token, "done")


@bp.post("/unsubscribe/<token>/undo")
def resubscribe(slug, token):
    """Changed their mind: the app-wide CSRF check covers this form."""
    link = _read(slug, token)
    opt_outs.opt_back_in(link.event, link.email, link.kind)
    db.session.commit()
    return _page(link, token, "back")
