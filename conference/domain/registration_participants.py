"""What participants do around their registration besides the registration itself: files
given as answers, and getting their registration link again by mail."""

from __future__ import annotations

from typing import BinaryIO

from ..errors import DomainError, ValidationFailed
from ..models import Event, RegistrationForm
from . import files
from .accounts import normalise_email
from .audit import record
from .mailer import queue_mail
from .registration import active_registration, manage_url, questions_for

ANSWER_FILE_FORMATS = ["pdf", "png", "jpeg", "docx", "odt"]
ANSWER_FILE_MAX_MB = 10


def answer_files(form: RegistrationForm, category_id: int | None,
                 uploads: dict[int, tuple[str, bytes | BinaryIO]]) -> dict:
    """Check and store the files uploaded as answers (by question id); return the answers to
    keep, ``{"<question id>": {"sha256", "filename", "size", "content_type"}}``. Files are
    stored by their content, once, so a refused registration leaves nothing half-way."""
    answers, errors = {}, {}
    for question in questions_for(form, category_id):
        if question.kind.value != "file" or question.id not in uploads:
            continue
        filename, data = uploads[question.id]
        field = f"q_{question.id}"
        try:
            received = files.receive(filename, data, accepted=ANSWER_FILE_FORMATS, max_mb=ANSWER_FILE_MAX_MB,
                                     field=field)
        except DomainError as error:
            errors[field] = error.message
            continue
        answers[str(question.id)] = {"sha256": received.sha256, "filename": received.filename,
                                     "size": received.size, "content_type": received.format.content_type}
    if errors:
        raise ValidationFailed(errors)
    return answers


def send_registration_link(event: Event, *, email: str) -> bool:
    """Mail the link to the registration page to ``email`` if it has an active registration
    for the event. The caller tells the person the same thing either way, so the answer
    reveals nothing about who registered; returns whether a mail was queued."""
    try:
        address = normalise_email(email or "")
    except DomainError:
        return False
    registration = active_registration(event, email=address)
    if registration is None:
        return False
    queue_mail("registration_link", to=registration.email, to_name=registration.name, event=event,
               user=registration.user, context={"registration": registration, "link": manage_url(registration)})
    record("registration.link_sent", actor=None, obj=registration, event=event)
    return True
