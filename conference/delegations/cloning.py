"""What a new edition keeps of delegations: the organisations (quotas, domains, the category
their nominees register in) and their focal points, who keep deciding for them; no nomination."""

import sqlalchemy as sa

from conference.delegations.models import Organisation
from conference.events.cloning import Cloned
from conference.extensions import db


def clone_delegations(cloned: Cloned) -> None:
    categories = cloned.copies.get("participant_category", {})
    for organisation in db.session.scalars(sa.select(Organisation).where(Organisation.event_id == cloned.source.id)
                                           .order_by(Organisation.id)):
        category = categories.get(organisation.category_id) if organisation.category_id is not None else None
        new = cloned.copy(organisation, event_id=cloned.target.id, category_id=category.id if category else None)
        db.session.flush()
        for focal_point in organisation.focal_points:
            cloned.copy(focal_point, organisation_id=new.id, invited_by_id=cloned.actor.id)
    db.session.flush()

