"""The site's privacy notice (GDPR articles 13 and 14; the UN's Personal Data Protection and
Privacy Principles): who is responsible for people's data, what is kept and why, who sees it,
and how to ask for it. Administrators write it at /admin/privacy-notice; until they do, /privacy
shows a default notice built from the settings (PRIVACY_CONTROLLER, SITE_CONTACT_EMAIL). Every
form that asks for personal data links to it.

(The data export, erasure and retention operations are another module's job.)
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from conference.accounts.models import PrivacyNotice, User
from conference.core.audit import record
from conference.errors import DomainError, NotAllowed
from conference.extensions import db

MAX_NOTICE_LENGTH = 50_000


def current_notice() -> PrivacyNotice | None:
    """The newest version saved, or None if none ever was."""
    return db.session.scalars(sa.select(PrivacyNotice).order_by(PrivacyNotice.id.desc()).limit(1)).first()


def written_notice() -> str:
    """The notice's Markdown as administrators wrote it; "" while the default applies."""
    notice = current_notice()
    return notice.body if notice is not None else ""


@dataclass(frozen=True)
class Controller:
    """Who the default notice names: the controller of the data and whom to write to."""

    name: str
    contact: str | None


def controller() -> Controller:
    config = current_app.config
    return Controller(name=config.get("PRIVACY_CONTROLLER") or config["SITE_NAME"],
                      contact=config.get("SITE_CONTACT_EMAIL") or None)


def save_notice(*, body: str, actor: User) -> PrivacyNotice:
    """Save a new version of the notice (a blank one brings back the default). Only site
    administrators write it; the old versions are kept."""
    if not actor.can_administer():
        raise NotAllowed(_("Only site administrators can change the privacy notice."))
    body = (body or "").strip()
    if len(body) > MAX_NOTICE_LENGTH:
        raise DomainError(_("Keep the notice under %(max)d characters.", max=MAX_NOTICE_LENGTH), field="body")
    notice = PrivacyNotice(body=body, author_id=actor.id)
    db.session.add(notice)
    db.session.flush()
    record("privacy_notice.saved", actor=actor, obj=notice, length=len(body))
    return notice
