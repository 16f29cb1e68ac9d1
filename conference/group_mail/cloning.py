"""What a new edition keeps of mail: the organisers' versions of the mail templates; no mail sent,
no group mail, no opt-out."""

import sqlalchemy as sa

from conference.core.types import utcnow
from conference.events.cloning import Cloned
from conference.extensions import db
from conference.mail.models import MailTemplate


def clone_mail_templates(cloned: Cloned) -> None:
    for template in db.session.scalars(sa.select(MailTemplate).where(MailTemplate.event_id == cloned.source.id)
                                       .order_by(MailTemplate.id)):
        cloned.copy(template, event_id=cloned.target.id, updated_by_id=cloned.actor.id, updated_at=utcnow())
