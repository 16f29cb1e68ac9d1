"""What a new edition keeps of registration: its settings, forms, categories and questions
(limited to the same categories), dates moved; no registration, answer or invitation, and no
reconfirmation request (one is made anew for each edition)."""

import sqlalchemy as sa

from conference.events.cloning import Cloned
from conference.extensions import db
from conference.registration.models import RegistrationForm


def clone_registration(cloned: Cloned) -> None:
    source, target = cloned.source, cloned.target
    settings = source.registration_settings
    if settings is not None:
        cloned.copy(settings, event_id=target.id, reconfirm_by=None, reconfirm_requested_at=None,
                    reconfirm_reminded_at=None, reconfirm_closed_at=None,
                    focal_point_deadline=cloned.shift(settings.focal_point_deadline), focal_point_reminded_at=None)
    forms = db.session.scalars(sa.select(RegistrationForm).where(RegistrationForm.event_id == source.id)
                               .order_by(RegistrationForm.position, RegistrationForm.id)).all()
    for form in forms:
        new_form = cloned.copy(form, event_id=target.id, opens_at=cloned.shift(form.opens_at),
                               closes_at=cloned.shift(form.closes_at),
                               modification_deadline=cloned.shift(form.modification_deadline))
        db.session.flush()
        for category in form.categories:
            cloned.copy(category, event_id=target.id, form_id=new_form.id)
        db.session.flush()
        for question in form.questions:
            cloned.copy(question, form_id=new_form.id,
                        categories=cloned.mapped("participant_category", question.categories))
