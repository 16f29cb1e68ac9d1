"""Setting up the call for papers: dates, submission types, tracks, custom questions and
late access codes. Only the event's organisers may change these."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Mapping

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from conference.cfp.enums import QuestionTarget
from conference.cfp.models import (
    AccessCode,
    Answer,
    CallForPapers,
    Question,
    Submission,
    SubmissionFile,
    SubmissionType,
)
from conference.core.audit import record
from conference.core.enums import QuestionKind
from conference.core.files import FORMATS
from conference.core.translations import clean_translations
from conference.errors import (
    AlreadyExists,
    DomainError,
    InvalidState,
    ValidationFailed,
)
from conference.events.models import Event, Track
from conference.extensions import db

_ORGANISERS_ONLY = _l("Only the event's organisers can set up the call for papers.")

COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_PAGE_LIMIT = 2000
# The longest texts of the call's setup (their translations have the same limits).
NAME_MAX = 100
DESCRIPTION_MAX = 5000
INTRO_MAX = 20000


def _translations(event: Event, values: Mapping[str, str] | None, *, field: str, max_length: int,
                  errors: dict[str, str], one_line: bool = False) -> dict[str, str] | None:
    """A text's translations into the event's other languages, cleaned; None (leave them as they
    are) when none were given. A problem is added to ``errors`` under ``field``."""
    if values is None:
        return None
    try:
        return clean_translations(dict(values), field=field, languages=event.other_languages,
                                  max_length=max_length, one_line=one_line)
    except DomainError as error:
        errors[field] = error.message
        return None


def call_date_problems(*, opens_at: dt.datetime | None, deadline: dt.datetime | None,
                       edit_until: dt.datetime | None) -> dict[str, str]:
    """What is wrong with the call's dates, by field: it opens before its deadline, and editing
    ends no earlier than the deadline. A date the form could not read (None) waits."""
    errors: dict[str, str] = {}
    if opens_at is not None and deadline is not None and deadline <= opens_at:
        errors["deadline"] = _("The deadline must be after the opening.")
    if edit_until is not None and deadline is not None and edit_until < deadline:
        errors["edit_until"] = _("Editing can only end on or after the deadline.")
    return errors


def configure_call(event: Event, *, actor, opens_at: dt.datetime, deadline: dt.datetime,
                   edit_until: dt.datetime | None = None, intro: str = "",
                   intro_translations: Mapping[str, str] | None = None,
                   track_required: bool = False) -> CallForPapers:
    """Create or change the call's dates and text (its introduction also in the event's other
    languages). Times are aware datetimes (UTC in storage)."""
    event.require_manager(actor, _ORGANISERS_ONLY)
    errors: dict[str, str] = {}
    translated = _translations(event, intro_translations, field="intro_translations", max_length=INTRO_MAX,
                               errors=errors)
    errors.update(call_date_problems(opens_at=opens_at, deadline=deadline, edit_until=edit_until))
    if errors:
        raise ValidationFailed(errors)
    call = event.call
    action = "cfp.updated"
    if call is None:
        call = CallForPapers(event=event, opens_at=opens_at, deadline=deadline)
        db.session.add(call)
        action = "cfp.created"
    call.opens_at, call.deadline, call.edit_until = opens_at, deadline, edit_until
    call.intro = intro or ""
    if translated is not None:
        call.intro_translations = translated
    call.track_required = track_required
    db.session.flush()
    record(action, actor=actor, obj=call, event=event,
           opens_at=opens_at.isoformat(), deadline=deadline.isoformat(),
           edit_until=edit_until.isoformat() if edit_until else None)
    return call


def _next_position(model, event: Event) -> int:
    return (db.session.scalar(sa.select(sa.func.max(model.position)).where(model.event_id == event.id)) or 0) + 1


def _unique_name(model, event: Event, name: str, exclude_id: int | None, message: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Give a name."), field="name")
    if len(name) > NAME_MAX:
        raise DomainError(_("Keep the name under 100 characters."), field="name")
    stmt = sa.select(model.id).where(model.event_id == event.id, sa.func.lower(model.name) == name.lower())
    if exclude_id is not None:
        stmt = stmt.where(model.id != exclude_id)
    if db.session.scalar(stmt) is not None:
        raise AlreadyExists(message, field="name")
    return name


def save_submission_type(event: Event, *, actor, submission_type: SubmissionType | None = None, name: str,
                         description: str = "", default_duration: int = 20, abstract_word_limit: int | None = None,
                         file_required: bool = False, accepted_file_types: list[str] | None = None,
                         max_file_size_mb: int = 10, max_pages: int | None = None,
                         deadline: dt.datetime | None = None, name_translations: Mapping[str, str] | None = None,
                         description_translations: Mapping[str, str] | None = None) -> SubmissionType:
    """Create or change a submission type. ``max_pages`` limits the pages of a PDF paper (None:
    no limit); it is checked when a paper is uploaded, so papers already stored keep theirs. Its
    name and description may be given in the event's other languages too (None: unchanged)."""
    event.require_manager(actor, _ORGANISERS_ONLY)
    name = _unique_name(SubmissionType, event, name, submission_type.id if submission_type else None,
                        _("There is already a submission type with this name."))
    accepted = [key for key in (accepted_file_types or []) if key in FORMATS]
    errors: dict[str, str] = {}
    names = _translations(event, name_translations, field="name_translations", max_length=NAME_MAX,
                          errors=errors, one_line=True)
    descriptions = _translations(event, description_translations, field="description_translations",
                                 max_length=DESCRIPTION_MAX, errors=errors)
    if file_required and not accepted:
        errors["accepted_file_types"] = _("Choose at least one accepted file type, or do not require a file.")
    if not 1 <= int(max_file_size_mb) <= 100:
        errors["max_file_size_mb"] = _("Choose a size limit between 1 and 100 MB.")
    if not 5 <= int(default_duration) <= 24 * 60:
        errors["default_duration"] = _("Choose a duration between 5 minutes and 24 hours.")
    if abstract_word_limit is not None and abstract_word_limit < 10:
        errors["abstract_word_limit"] = _("A word limit under 10 words leaves no room for an abstract.")
    if max_pages is not None and not 1 <= max_pages <= MAX_PAGE_LIMIT:
        errors["max_pages"] = _("Choose a page limit between 1 and %(most)d pages, or leave the field empty.",
                                most=MAX_PAGE_LIMIT)
    if errors:
        raise ValidationFailed(errors)
    action = "cfp.type_updated"
    if submission_type is None:
        submission_type = SubmissionType(event_id=event.id, position=_next_position(SubmissionType, event))
        db.session.add(submission_type)
        action = "cfp.type_created"
    submission_type.name = name
    submission_type.description = description or ""
    submission_type.default_duration = int(default_duration)
    submission_type.abstract_word_limit = abstract_word_limit
    submission_type.file_required = file_required
    submission_type.accepted_file_types = accepted or ["pdf"]
    submission_type.max_file_size_mb = int(max_file_size_mb)
    submission_type.max_pages = max_pages
    submission_type.deadline = deadline
    _set_translations(submission_type, name=names, description=descriptions)
    db.session.flush()
    record(action, actor=actor, obj=submission_type, event=event, name=name)
    return submission_type


def _set_translations(obj: SubmissionType | Track, *, name: dict[str, str] | None,
                      description: dict[str, str] | None) -> None:
    if name is not None:
        obj.name_translations = name
    if description is not None:
        obj.description_translations = description


def delete_submission_type(submission_type: SubmissionType, *, actor, event: Event) -> None:
    event.require_manager(actor, _ORGANISERS_ONLY)
    used = db.session.scalar(sa.select(sa.func.count(Submission.id)).where(Submission.type_id == submission_type.id))
    if used:
        raise InvalidState(ngettext("%(num)d submission uses this type; it cannot be deleted.",
                                    "%(num)d submissions use this type; it cannot be deleted.", used))
    record("cfp.type_deleted", actor=actor, obj=submission_type, event=event, name=submission_type.name)
    db.session.delete(submission_type)
    db.session.flush()


def save_track(event: Event, *, actor, track: Track | None = None, name: str, description: str = "",
               colour: str = "#0b5cab", name_translations: Mapping[str, str] | None = None,
               description_translations: Mapping[str, str] | None = None) -> Track:
    """Create or change a track; its name and description may be given in the event's other
    languages too (None: unchanged)."""
    event.require_manager(actor, _ORGANISERS_ONLY)
    name = _unique_name(Track, event, name, track.id if track else None, _("There is already a track with this name."))
    if not COLOUR_RE.match(colour or ""):
        raise DomainError(_("Give the colour as # and six hexadecimal digits, e.g. #0b5cab."), field="colour")
    errors: dict[str, str] = {}
    names = _translations(event, name_translations, field="name_translations", max_length=NAME_MAX,
                          errors=errors, one_line=True)
    descriptions = _translations(event, description_translations, field="description_translations",
                                 max_length=DESCRIPTION_MAX, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    action = "cfp.track_updated"
    if track is None:
        track = Track(event_id=event.id, position=_next_position(Track, event))
        db.session.add(track)
        action = "cfp.track_created"
    track.name, track.description, track.colour = name, description or "", colour.lower()
    _set_translations(track, name=names, description=descriptions)
    db.session.flush()
    record(action, actor=actor, obj=track, event=event, name=name)
    return track


def delete_track(track: Track, *, actor, event: Event) -> None:
    event.require_manager(actor, _ORGANISERS_ONLY)
    used = db.session.scalar(sa.select(sa.func.count(Submission.id)).where(Submission.track_id == track.id))
    if used:
        raise InvalidState(ngettext("%(num)d submission is in this track; it cannot be deleted.",
                                    "%(num)d submissions are in this track; it cannot be deleted.", used))
    record("cfp.track_deleted", actor=actor, obj=track, event=event, name=track.name)
    db.session.delete(track)
    db.session.flush()


def _owned(model, event: Event, ids, field: str) -> list:
    ids = {int(i) for i in ids or []}
    if not ids:
        return []
    found = list(db.session.scalars(sa.select(model).where(model.event_id == event.id, model.id.in_(ids))))
    if len(found) != len(ids):
        raise DomainError(_("Choose among the listed options."), field=field)
    return found


def _owned_or_error(model, event: Event, ids, field: str, errors: dict[str, str]) -> list:
    try:
        return _owned(model, event, ids, field)
    except DomainError as error:
        errors[field] = error.message
        return []


def _asked_of(target: QuestionTarget | str, errors: dict[str, str]) -> QuestionTarget:
    try:
        return QuestionTarget(target)
    except ValueError:
        errors["target"] = _("Choose one of the options listed.")
        return QuestionTarget.SUBMISSION  # never stored: the error refuses the question


def _is_answered(question: Question) -> bool:
    """File answers are stored as files, not Answer rows: both count."""
    answered = db.session.scalar(sa.select(sa.func.count(Answer.id)).where(Answer.question_id == question.id))
    return bool(answered or db.session.scalar(
        sa.select(sa.func.count(SubmissionFile.id)).where(SubmissionFile.question_id == question.id)))


def save_question(event: Event, *, actor, question: Question | None = None, label: str, kind: QuestionKind | str,
                  target: QuestionTarget | str = QuestionTarget.SUBMISSION, help_text: str = "",
                  required: bool = False, options: list[str] | None = None, type_ids=(), track_ids=(),
                  visible_to_reviewers: bool = True,
                  translations: Mapping[str, Mapping[str, str]] | None = None) -> Question:
    """Create or change a question of the call, optionally asked only in some types and tracks.
    A file is asked of the submission, not of each author. Once answered, neither its kind nor
    whom it is asked of can change."""
    event.require_manager(actor, _ORGANISERS_ONLY)
    errors: dict[str, str] = {}
    asked_of = _asked_of(target, errors)
    if asked_of == QuestionTarget.AUTHOR and kind == QuestionKind.FILE:
        errors["kind"] = _("Files can be asked of the submission, not of each author.")
    answered_as = None
    changes = question is not None and (question.kind != kind or question.target != asked_of)
    if question is not None and changes and _is_answered(question):
        answered_as = question.kind
        if asked_of != question.target:
            errors["target"] = _("This question already has answers; whom it is asked of cannot change.")
    types = _owned_or_error(SubmissionType, event, type_ids, "type_ids", errors)
    tracks = _owned_or_error(Track, event, track_ids, "track_ids", errors)
    setup = Question.check_setup(label=label, kind=kind, help_text=help_text, required=required,
                                 options=options or (), answered_as=answered_as, errors=errors,
                                 translations=translations, languages=event.other_languages)
    action = "cfp.question_updated"
    if question is None:
        question = Question(event_id=event.id, position=_next_position(Question, event))
        db.session.add(question)
        action = "cfp.question_created"
    question.set_up(setup)
    question.target, question.visible_to_reviewers = asked_of, visible_to_reviewers
    question.types, question.tracks = types, tracks
    db.session.flush()
    record(action, actor=actor, obj=question, event=event, label=setup.label)
    return question


def delete_question(question: Question, *, actor, event: Event) -> None:
    event.require_manager(actor, _ORGANISERS_ONLY)
    record("cfp.question_deleted", actor=actor, obj=question, event=event, label=question.label)
    db.session.delete(question)
    db.session.flush()


def create_access_code(event: Event, *, actor, code: str = "", note: str = "", valid_until: dt.datetime | None = None,
                       max_uses: int | None = None, type_ids=(), track_ids=()) -> AccessCode:
    """A code that lets someone submit after the deadline, within its limits."""
    event.require_manager(actor, _ORGANISERS_ONLY)
    code = (code or "").strip() or secrets.token_urlsafe(9)
    if not re.fullmatch(r"[A-Za-z0-9_-]{4,40}", code):
        raise DomainError(_("Use 4 to 40 letters, digits, hyphens or underscores."), field="code")
    if db.session.scalar(sa.select(AccessCode.id).where(AccessCode.event_id == event.id, AccessCode.code == code)):
        raise AlreadyExists(_("This code already exists."), field="code")
    if max_uses is not None and max_uses < 1:
        raise DomainError(_("Allow at least one use, or leave the field empty for no limit."), field="max_uses")
    if len((note or "").strip()) > 200:
        raise DomainError(_("Keep the note under 200 characters."), field="note")
    access_code = AccessCode(event_id=event.id, code=code, note=(note or "").strip(), valid_until=valid_until,
                             max_uses=max_uses, types=_owned(SubmissionType, event, type_ids, "type_ids"),
                             tracks=_owned(Track, event, track_ids, "track_ids"))
    db.session.add(access_code)
    db.session.flush()
    record("cfp.access_code_created", actor=actor, obj=access_code, event=event, code=code)
    return access_code


def delete_access_code(access_code: AccessCode, *, actor, event: Event) -> None:
    event.require_manager(actor, _ORGANISERS_ONLY)
    record("cfp.access_code_deleted", actor=actor, obj=access_code, event=event, code=access_code.code)
    db.session.delete(access_code)
    db.session.flush()
