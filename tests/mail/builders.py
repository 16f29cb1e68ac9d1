"""Reading the outbox: what the domain queued, in order."""

from __future__ import annotations

import sqlalchemy as sa

from conference.extensions import db
from conference.mail.models import OutboxMessage


def outbox(template: str | None = None) -> list[OutboxMessage]:
    """Every queued message, or those of ``template``, oldest first."""
    stmt = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if template is not None:
        stmt = stmt.where(OutboxMessage.template == template)
    return list(db.session.scalars(stmt))


def mail_to(template: str) -> list[str]:
    """The addresses ``template`` was queued to, in order."""
    return list(db.session.scalars(sa.select(OutboxMessage.to_address).where(OutboxMessage.template == template)
                                   .order_by(OutboxMessage.id)))


def one_mail(template: str, address: str) -> OutboxMessage:
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == template,
                                                             OutboxMessage.to_address == address)).one()
