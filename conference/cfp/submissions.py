"""Submissions: drafts, submitting, editing until the deadline, withdrawing, co-authors,
answers to custom questions and files."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from conference.accounts.models import User
from conference.accounts.users import normalise_email
from conference.cfp.enums import (
    SUBMISSION_TRANSITIONS,
    FileKind,
    QuestionTarget,
    SubmissionState,
)
from conference.cfp.languages import TITLE_MAX, check_texts, word_count
from conference.cfp.models import (
    AccessCode,
    Answer,
    Question,
    Submission,
    SubmissionAuthor,
    SubmissionFile,
    SubmissionType,
)
from conference.core import files, pdfs
from conference.core.audit import record
from conference.core.bounds import id_or_none
from conference.core.enums import QuestionKind
from conference.core.keywords import parse_keywords
from conference.core.links import external_url
from conference.core.lists import format_list
from conference.core.questions import clean_answers, is_empty
from conference.core.rows import affected_rows
from conference.core.tokens import make_token, read_token
from conference.core.types import utcnow
from conference.errors import (
    AlreadyExists,
    DeadlinePassed,
    DomainError,
    InvalidState,
    InvalidToken,
    NotAllowed,
    ValidationFailed,
)
from conference.events.enums import TeamRole
from conference.events.models import Event, Track
from conference.extensions import db
from conference.i18n import format_datetime
from conference.mail.mailer import queue_mail

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed
CODE_LENGTH = 6
QUESTION_FILE_FORMATS = ["pdf", "docx", "odt", "png", "jpeg"]
QUESTION_FILE_MAX_MB = 10


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if db.session.scalar(sa.select(Submission.id).where(Submission.code == code)) is None:
            return code


def _move(submission: Submission, target: SubmissionState) -> None:
    """The one place a submission changes state."""
    if target not in SUBMISSION_TRANSITIONS[submission.state]:
        raise InvalidState(_("A submission that is %(state)s cannot become %(target)s.",
                             state=_state_label(submission.state), target=_state_label(target)))
    submission.state = target


def move_state(submission: Submission, target: SubmissionState) -> None:
    """``_move`` for the other domain modules (decisions): the same single transition."""
    _move(submission, target)


def _state_label(state: SubmissionState) -> str:
    return {
        SubmissionState.DRAFT: _("a draft"),
        SubmissionState.SUBMITTED: _("submitted"),
        SubmissionState.ACCEPTED: _("accepted"),
        SubmissionState.REJECTED: _("rejected"),
        SubmissionState.CONFIRMED: _("confirmed"),
        SubmissionState.WITHDRAWN: _("withdrawn"),
    }[state]


# The call's window and late access codes -----------------------------------------------------

def find_access_code(event: Event, text: str | None) -> AccessCode | None:
    if not text or not text.strip():
        return None
    code = db.session.scalar(
        sa.select(AccessCode).where(AccessCode.event_id == event.id, AccessCode.code == text.strip())
    )
    if code is None:
        raise DomainError(_("This access code is not valid for this event. Check it with the organisers."),
                          field="access_code")
    return code


def _check_access_code(code: AccessCode, *, type_id: int | None, track_id: int | None, now: dt.datetime) -> None:
    if code.valid_until is not None and now >= code.valid_until:
        raise DomainError(_("This access code expired on %(when)s.", when=format_datetime(code.valid_until)),
                          field="access_code")
    if code.max_uses is not None and code.uses >= code.max_uses:
        raise DomainError(_("This access code has been used as often as it allows."), field="access_code")
    if code.types and type_id not in {t.id for t in code.types}:
        raise DomainError(_("This access code is for other submission types: %(names)s.",
                            names=format_list(t.tr("name") for t in code.types)), field="access_code")
    if code.tracks and track_id not in {t.id for t in code.tracks}:
        raise DomainError(_("This access code is for other tracks: %(names)s.",
                            names=format_list(t.tr("name") for t in code.tracks)), field="access_code")


def _check_window(event: Event, *, type_: SubmissionType | None, track_id: int | None, now: dt.datetime,
                  access_code: AccessCode | None) -> dt.datetime:
    """The call must be open for this type, or a valid access code must let the author in.
    Returns the deadline that applies (the type's own, else the call's)."""
    call = event.call
    if call is None:
        raise DomainError(_("This event has no call for papers."))
    if now < call.opens_at:
        raise DeadlinePassed(_("The call for papers opens on %(when)s.", when=format_datetime(call.opens_at)))
    deadline = type_.deadline if type_ is not None and type_.deadline is not None else call.deadline
    if now < deadline:
        return deadline
    if access_code is None:
        raise DeadlinePassed(_("The call for papers closed on %(when)s. "
                               "With an access code from the organisers you can still submit.",
                               when=format_datetime(deadline)), field="access_code")
    _check_access_code(access_code, type_id=type_.id if type_ else None, track_id=track_id, now=now)
    return deadline


# Content --------------------------------------------------------------------------------------

def _as_id(value) -> int | None:
    """An id from a form or a caller; None for anything that is not one (a tampered field)."""
    return id_or_none(value)


def _load_choice(model, event: Event, ident, field: str, message: str):
    if ident in (None, "", 0):
        return None
    obj = db.session.get(model, _as_id(ident)) if _as_id(ident) is not None else None
    if obj is None or obj.event_id != event.id:
        raise DomainError(message, field=field)
    return obj


def submission_questions(event: Event, *, target: QuestionTarget | None = None) -> list[Question]:
    """The call's custom questions (of one target, when given), in their order."""
    stmt = sa.select(Question).where(Question.event_id == event.id).order_by(Question.position, Question.id)
    if target is not None:
        stmt = stmt.where(Question.target == target)
    return list(db.session.scalars(stmt))


def _author_field(author_id: int) -> Callable[[Question], str]:
    return lambda question: f"q_{question.id}_a{author_id}"


def _clean_answers(submission: Submission, answers: dict, author_answers: dict,
                   errors: dict[str, str]) -> dict[tuple[int, int | None], object]:
    """The answers given, cleaned, by (question id, author id or None); only the questions given
    (the others keep their answers). File questions are answered by upload, not here."""
    questions = submission_questions(submission.event)
    given = {_as_id(key): raw for key, raw in answers.items()}
    asked = [q for q in questions if q.target == QuestionTarget.SUBMISSION and q.kind != QuestionKind.FILE
             and q.id in given]
    found = clean_answers(asked, given, field_of=lambda q: f"q_{q.id}", errors=errors, complete=False)
    cleaned: dict[tuple[int, int | None], object] = {(question_id, None): v for question_id, v in found.items()}
    author_ids = {a.id for a in submission.authors}
    by_author: dict[int, dict] = {}
    for (author_id, question_id), raw in author_answers.items():
        author = _as_id(author_id)
        if author is not None and author in author_ids:
            by_author.setdefault(author, {})[_as_id(question_id)] = raw
    for author_id, raw_answers in by_author.items():
        asked = [q for q in questions if q.target == QuestionTarget.AUTHOR and q.id in raw_answers]
        found = clean_answers(asked, raw_answers, field_of=_author_field(author_id), errors=errors, complete=False)
        cleaned.update({(question_id, author_id): v for question_id, v in found.items()})
    return cleaned


def _apply_content(submission: Submission, *, title, abstract, type_id, track_id, keywords,
                   answers: dict | None, author_answers: dict | None, language: str | None = None,
                   title_translations: dict | None = None, abstract_translations: dict | None = None) -> None:
    """Set what the author typed; check what must hold even in a draft (limits, formats, the
    language among the event's, the translations within the limits of the texts they translate)."""
    event = submission.event
    errors: dict[str, str] = {}
    type_ = track = None
    try:
        type_ = _load_choice(SubmissionType, event, type_id, "type_id", _("Choose one of the submission types listed."))
    except DomainError as error:
        errors["type_id"] = error.message
    try:
        track = _load_choice(Track, event, track_id, "track_id", _("Choose one of the tracks listed."))
    except DomainError as error:
        errors["track_id"] = error.message
    title = " ".join((title or "").split())
    if len(title) > TITLE_MAX:
        errors["title"] = _("Keep the title under 300 characters.")
    abstract = (abstract or "").strip()
    if type_ is not None and type_.abstract_word_limit and word_count(abstract) > type_.abstract_word_limit:
        errors["abstract"] = _("The abstract has %(n)d words; a %(type)s allows at most %(limit)d. Shorten it.",
                               n=word_count(abstract), type=type_.tr("name"), limit=type_.abstract_word_limit)
    texts = check_texts(submission, event, language=language, title_translations=title_translations,
                        abstract_translations=abstract_translations, type_=type_, errors=errors)
    cleaned = _clean_answers(submission, answers or {}, author_answers or {}, errors)
    if errors:
        raise ValidationFailed(errors)
    submission.title = title
    submission.abstract = abstract
    texts.apply(submission)
    submission.type = type_
    submission.track = track
    submission.keywords = keywords if isinstance(keywords, list) else parse_keywords(keywords)
    existing = {(a.question_id, a.author_id): a for a in submission.answers}
    for key, value in cleaned.items():
        answer = existing.get(key)
        if value is None:
            if answer is not None and answer.question.kind != QuestionKind.FILE:
                submission.answers.remove(answer)
        elif answer is None:
            submission.answers.append(Answer(question_id=key[0], author_id=key[1], value=value))
        else:
            answer.value = value


def completeness_errors(submission: Submission) -> dict[str, str]:
    """What is still missing before the submission can be submitted (empty when complete)."""
    errors: dict[str, str] = {}
    call = submission.event.call
    if not submission.title:
        errors["title"] = _("Give the title.")
    if not submission.abstract:
        errors["abstract"] = _("Write the abstract.")
    if submission.type is None:
        errors["type_id"] = _("Choose the submission type.")
    has_tracks = db.session.scalar(sa.select(sa.func.count(Track.id)).where(Track.event_id == submission.event_id))
    if call is not None and call.track_required and has_tracks and submission.track is None:
        errors["track_id"] = _("Choose a track.")
    type_ = submission.type
    if type_ is not None and type_.file_required and submission.file_of_kind(FileKind.PAPER) is None:
        errors["paper"] = _("Upload the file: a %(type)s needs one.", type=type_.tr("name"))
    answered = {(a.question_id, a.author_id) for a in submission.answers if not is_empty(a.value)}
    answered |= {(f.question_id, None) for f in submission.files if f.question_id is not None}
    type_id = submission.type.id if submission.type else None
    track_id = submission.track.id if submission.track else None
    for question in submission_questions(submission.event):
        if not question.required or not question.applies_to(type_id, track_id):
            continue
        if question.target == QuestionTarget.SUBMISSION:
            if (question.id, None) not in answered:
                errors[f"q_{question.id}"] = _("Answer this question.")
        else:
            for author in submission.authors:
                if (question.id, author.id) not in answered:
                    errors[f"q_{question.id}_a{author.id}"] = _("Answer this question for %(name)s.", name=author.name)
    return errors


# Author operations ----------------------------------------------------------------------------

def create_draft(event: Event, *, actor: User, form_nonce: str | None = None, title: str = "", abstract: str = "",
                 type_id=None, track_id=None, keywords="", answers=None, access_code: str | None = None,
                 language: str | None = None, title_translations: dict | None = None,
                 abstract_translations: dict | None = None, now: dt.datetime | None = None,
                 then_submit: bool = False) -> Submission:
    """Start a submission as a draft, in ``language`` (by default the event's). The same form
    sent twice (a double click) gives the same draft. When the call's window refuses it (a
    missing or wrong access code), every other problem of what was typed comes with that refusal,
    and, for a draft to be submitted at once (``then_submit``), what it still lacks."""
    now = now or utcnow()
    if not actor.is_verified:
        raise NotAllowed(_("Confirm your email address before submitting: use the link we sent you."))
    if form_nonce:
        existing = db.session.scalar(
            sa.select(Submission).where(Submission.submitter_id == actor.id, Submission.form_nonce == form_nonce)
        )
        if existing is not None:
            return existing
    code = find_access_code(event, access_code)
    type_ = db.session.get(SubmissionType, _as_id(type_id)) if _as_id(type_id) is not None else None
    content = {"title": title, "abstract": abstract, "type_id": type_id, "track_id": track_id, "keywords": keywords,
               "answers": answers, "language": language, "title_translations": title_translations,
               "abstract_translations": abstract_translations}
    try:
        _check_window(event, type_=type_ if type_ and type_.event_id == event.id else None,
                      track_id=_as_id(track_id), now=now, access_code=code)
    except DomainError as error:
        others = _problems_of_unsaved(event, actor, content, then_submit=then_submit) if error.field else {}
        if error.field is None or not others:
            raise
        raise ValidationFailed({error.field: error.message, **others}) from error
    submission = _new_draft(event, actor, code=_new_code(), form_nonce=form_nonce, access_code=code)
    _apply_content(submission, author_answers=None, **content)
    try:
        with db.session.begin_nested():  # add inside: begin_nested() flushes pending rows before its SAVEPOINT
            db.session.add(submission)
            db.session.flush()
    except sa.exc.IntegrityError:
        # A second request with the same form won the race: hand back its draft.
        existing = db.session.scalar(
            sa.select(Submission).where(Submission.submitter_id == actor.id, Submission.form_nonce == form_nonce)
        )
        if existing is None:
            raise
        return existing
    record("submission.created", actor=actor, obj=submission, event=event, code=submission.code)
    return submission


def _require_edit(submission: Submission, actor, now: dt.datetime) -> None:
    if not submission.can_view(actor):
        raise NotAllowed(_("This is not your submission."))
    if not submission.can_edit(actor, now):
        if submission.state == SubmissionState.WITHDRAWN:
            raise InvalidState(_("This submission was withdrawn and can no longer be changed."))
        if not submission.is_submitter(actor):
            raise NotAllowed(_("Only the person who submitted this can change it."))
        raise DeadlinePassed(_("Changes were possible until %(when)s. The submission can no longer be edited.",
                               when=format_datetime(submission.edit_deadline())))


def update_submission(submission: Submission, *, actor, title: str, abstract: str, type_id=None, track_id=None,
                      keywords="", answers=None, author_answers=None, language: str | None = None,
                      title_translations: dict | None = None, abstract_translations: dict | None = None,
                      now: dt.datetime | None = None) -> None:
    """Save changes. A submitted submission must stay complete; a draft need not be. A language or
    translations not given (None) are left as they are."""
    now = now or utcnow()
    _require_edit(submission, actor, now)
    # An incomplete row (a submitted one without its type) would hit the DB's CHECK at any query's
    # autoflush before we can say what is missing.
    with db.session.no_autoflush:
        _apply_content(submission, title=title, abstract=abstract, type_id=type_id, track_id=track_id,
                       keywords=keywords, answers=answers, author_answers=author_answers, language=language,
                       title_translations=title_translations, abstract_translations=abstract_translations)
        missing = completeness_errors(submission) if submission.state == SubmissionState.SUBMITTED else {}
        if submission.state != SubmissionState.DRAFT and submission.type is None:  # past the draft, a type is a must
            missing.setdefault("type_id", _("Choose the submission type."))
    if missing:
        raise ValidationFailed(missing)
    db.session.flush()
    record("submission.updated", actor=actor, obj=submission, event=submission.event, code=submission.code,
           by_organiser=True if not submission.is_author(actor) else None)


def _submit_window(submission: Submission, access_code: str | None,
                   now: dt.datetime) -> tuple[AccessCode | None, dt.datetime]:
    """The access code that lets the draft in (the one given, else the one it was started with)
    and the deadline that applies; refused when the call's window and the code do not allow it."""
    code = find_access_code(submission.event, access_code) or submission.access_code
    return code, _check_window(submission.event, type_=submission.type, track_id=submission.track_id, now=now,
                               access_code=code)


def _new_draft(event: Event, actor: User, **columns) -> Submission:
    """A draft with its submitter as first author, not yet in the session."""
    submission = Submission(submitter_id=actor.id, state=SubmissionState.DRAFT, **columns)
    set_committed_value(submission, "event", event)  # not through the backref: nothing joins the session
    submission.event_id = event.id
    submission.authors.append(SubmissionAuthor(
        position=0, user_id=actor.id, name=actor.name, email=actor.email, affiliation=actor.affiliation,
        is_presenter=True, is_corresponding=True,
    ))
    return submission


def _problems_of_unsaved(event: Event, actor: User, content: dict, *, then_submit: bool) -> dict[str, str]:
    """What else is wrong with a draft that cannot be created, by field: the content's problems,
    and what a submission would still lack; the draft is only checked, never stored."""
    probe = _new_draft(event, actor)
    try:
        _apply_content(probe, author_answers=None, **content)
    except ValidationFailed as error:
        return dict(error.errors)
    finally:
        if probe in db.session:
            db.session.expunge(probe)
    return completeness_errors(probe) if then_submit else {}


def window_problems(submission: Submission, *, access_code: str | None, now: dt.datetime) -> dict[str, str]:
    """Why the call's window or the access code stops the draft from being submitted now, by
    field, for a form that shows every problem at once; a reason that names no field (the call
    not open yet) is left to submit, which refuses with it."""
    try:
        _submit_window(submission, access_code, now)
    except DomainError as error:
        return {error.field: error.message} if error.field else {}
    return {}


def submit(submission: Submission, *, actor, access_code: str | None = None, now: dt.datetime | None = None) -> None:
    """Submit a complete draft while the call is open (or with a valid access code)."""
    now = now or utcnow()
    if not submission.is_submitter(actor):
        raise NotAllowed(_("Only the person who created this submission can submit it."))
    if submission.state != SubmissionState.DRAFT:
        raise InvalidState(_("This submission has already been submitted."))
    try:
        code, deadline = _submit_window(submission, access_code, now)
    except DomainError as error:
        # A refused access code or a closed call, and what is still missing, after one submit.
        missing = completeness_errors(submission)
        if error.field is None or not missing:
            raise
        raise ValidationFailed({error.field: error.message, **missing}) from error
    missing = completeness_errors(submission)
    if missing:
        raise ValidationFailed(missing)
    if code is not None and now >= deadline:
        # Count the use atomically, so two authors cannot both take the last use.
        used = affected_rows(db.session.execute(
            sa.update(AccessCode)
            .where(AccessCode.id == code.id,
                   sa.or_(AccessCode.max_uses.is_(None), AccessCode.uses < AccessCode.max_uses))
            .values(uses=AccessCode.uses + 1)
            .execution_options(synchronize_session=False)
        ))
        if not used:
            raise DomainError(_("This access code has been used as often as it allows."), field="access_code")
        submission.access_code = code
    _move(submission, SubmissionState.SUBMITTED)
    submission.submitted_at = now
    db.session.flush()
    record("submission.submitted", actor=actor, obj=submission, event=submission.event, code=submission.code,
           access_code=code.code if code is not None and now >= deadline else None)
    for author in submission.authors:
        queue_mail(
            "submission_received",
            to=author.email, to_name=author.name, event=submission.event, user=author.user,
            context={"submission": submission, "author": author,
                     "edit_until": submission.edit_deadline()},
        )


def withdraw(submission: Submission, *, actor, reason: str = "", now: dt.datetime | None = None) -> None:
    """Withdraw a submission under review (its submitter) or an accepted one (any of its authors);
    a staged decision is dropped and the organisers are told."""
    now = now or utcnow()
    if not submission.can_withdraw(actor):
        if submission.state not in (SubmissionState.SUBMITTED, SubmissionState.ACCEPTED, SubmissionState.CONFIRMED):
            raise InvalidState(_("A submission that is %(state)s cannot be withdrawn.",
                                 state=_state_label(submission.state)))
        raise NotAllowed(_("Only the person who submitted this can withdraw it."))
    _move(submission, SubmissionState.WITHDRAWN)
    submission.withdrawn_at = now
    submission.pending_decision = None
    submission.pending_type_id = None
    submission.decision_staged_at = None
    db.session.flush()
    record("submission.withdrawn", actor=actor, obj=submission, event=submission.event, code=submission.code,
           reason=reason.strip() or None)
    organisers = [r.user for r in submission.event.roles if r.role == TeamRole.ORGANISER]
    for organiser in organisers:
        queue_mail(
            "submission_withdrawn",
            to=organiser.email, to_name=organiser.name, event=submission.event, user=organiser,
            context={"submission": submission, "actor": actor, "reason": reason.strip(),
                     "link": external_url("cfp_manage.show_submission", slug=submission.event.slug,
                                          code=submission.code)},
        )


def delete_draft(submission: Submission, *, actor) -> None:
    if not submission.is_submitter(actor) or submission.state != SubmissionState.DRAFT:
        raise NotAllowed(_("Only the author's own drafts can be deleted."))
    record("submission.draft_deleted", actor=actor, obj=None, event=submission.event, code=submission.code)
    db.session.delete(submission)
    db.session.flush()


# Co-authors -----------------------------------------------------------------------------------

def _require_author_edit(submission: Submission, actor, now: dt.datetime) -> None:
    _require_edit(submission, actor, now)


def coauthor_token(author: SubmissionAuthor) -> str:
    return make_token("coauthor", {"id": author.id, "email": author.email})


def add_author(submission: Submission, *, actor, name: str, email: str, affiliation: str = "",
               is_presenter: bool = False, is_corresponding: bool = False,
               now: dt.datetime | None = None) -> SubmissionAuthor:
    """Add a co-author at the end of the list. People with an account see the submission at once;
    everyone gets a mail with a link to it (to sign up first, if they have no account)."""
    now = now or utcnow()
    _require_author_edit(submission, actor, now)
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Give the co-author's name."), field="name")
    address = normalise_email(email)
    if any(a.email == address for a in submission.authors):
        raise AlreadyExists(_("This person is already an author of this submission."), field="email")
    account = db.session.scalar(sa.select(User).where(User.email == address))
    author = SubmissionAuthor(
        position=max((a.position for a in submission.authors), default=-1) + 1,
        user_id=account.id if account is not None else None,
        name=name, email=address, affiliation=(affiliation or "").strip(),
        is_presenter=is_presenter, is_corresponding=is_corresponding, invited_at=now,
    )
    submission.authors.append(author)
    db.session.flush()
    record("submission.author_added", actor=actor, obj=submission, event=submission.event, code=submission.code,
           email=address)
    queue_mail(
        "coauthor_invitation",
        to=address, to_name=name, event=submission.event, user=account,
        context={"submission": submission, "author": author, "inviter": actor, "has_account": account is not None,
                 "link": external_url("cfp.accept_coauthorship", token=coauthor_token(author))},
    )
    return author


def update_author(author: SubmissionAuthor, *, actor, name: str, affiliation: str, is_presenter: bool,
                  is_corresponding: bool, now: dt.datetime | None = None) -> None:
    now = now or utcnow()
    _require_author_edit(author.submission, actor, now)
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Give the author's name."), field="name")
    author.name = name
    author.affiliation = (affiliation or "").strip()
    author.is_presenter = is_presenter
    author.is_corresponding = is_corresponding
    db.session.flush()


def remove_author(author: SubmissionAuthor, *, actor, now: dt.datetime | None = None) -> None:
    now = now or utcnow()
    submission = author.submission
    _require_author_edit(submission, actor, now)
    if author.user_id == submission.submitter_id:
        raise InvalidState(_("The person who submitted cannot be removed from the authors."))
    submission.authors.remove(author)
    for position, remaining in enumerate(sorted(submission.authors, key=lambda a: a.position)):
        remaining.position = position
    db.session.flush()
    record("submission.author_removed", actor=actor, obj=submission, event=submission.event, code=submission.code,
           email=author.email)


def move_author(author: SubmissionAuthor, *, actor, offset: int, now: dt.datetime | None = None) -> None:
    """Move an author up (offset -1) or down (+1) the ordered list."""
    now = now or utcnow()
    submission = author.submission
    _require_author_edit(submission, actor, now)
    ordered = sorted(submission.authors, key=lambda a: a.position)
    index = ordered.index(author)
    target = index + offset
    if not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, each in enumerate(ordered):
        each.position = position
    db.session.flush()


def author_from_token(token: str) -> SubmissionAuthor:
    payload = read_token("coauthor", token, max_age=current_app.config["INVITATION_MAX_AGE"])
    author = db.session.get(SubmissionAuthor, payload.get("id"))
    if author is None or author.email != payload.get("email"):
        raise InvalidToken(_("You are no longer listed as an author of this submission."))
    return author


def accept_coauthorship(author: SubmissionAuthor, *, user: User) -> None:
    """Link the listed co-author to the signed-in account, so the submission shows on their dashboard."""
    if not user.is_verified:
        raise NotAllowed(_("Confirm your email address first: use the link we sent you."))
    if author.user_id == user.id:
        return
    if author.user_id is not None:
        raise InvalidState(_("Another account has already accepted this place in the author list."))
    if any(a.user_id == user.id for a in author.submission.authors):
        raise AlreadyExists(_("You are already an author of this submission."))
    author.user_id = user.id
    db.session.flush()
    record("submission.coauthor_accepted", actor=user, obj=author.submission, event=author.submission.event,
           code=author.submission.code)


# Files ----------------------------------------------------------------------------------------

def attach_file(submission: Submission, *, actor, kind: FileKind, filename: str, data: bytes | BinaryIO,
                question: Question | None = None, now: dt.datetime | None = None) -> SubmissionFile:
    """Store an uploaded file after checking its content against what the type (or question) accepts;
    a paper in PDF is held to the type's page limit. A new file of the same kind replaces the
    previous one. ``data`` is read in chunks (a stream, or bytes)."""
    now = now or utcnow()
    _require_edit(submission, actor, now)
    max_pages = None
    if question is not None:
        field = f"q_{question.id}"
        if question.event_id != submission.event_id or question.kind != QuestionKind.FILE:
            raise DomainError(_("This question does not take a file."), field=field)
        accepted, max_mb = QUESTION_FILE_FORMATS, QUESTION_FILE_MAX_MB
        kind = FileKind.ANSWER
    else:
        field = kind.value
        if submission.type is None:
            raise DomainError(_("Choose the submission type first: it decides which files are accepted."), field=field)
        accepted, max_mb = submission.type.accepted_file_types, submission.type.max_file_size_mb
        max_pages = submission.type.max_pages if kind == FileKind.PAPER else None
    received = files.receive(filename, data, accepted=accepted, max_mb=max_mb, field=field, max_pages=max_pages,
                             copy_without_metadata=is_double_blind(submission.event))
    for old in [f for f in submission.files if f.kind == kind and f.question_id == (question.id if question else None)]:
        submission.files.remove(old)
    stored = stored_file(submission, received, kind=kind, question_id=question.id if question else None,
                         uploaded_by=actor)
    submission.files.append(stored)
    db.session.flush()
    record("submission.file_uploaded", actor=actor, obj=submission, event=submission.event, code=submission.code,
           kind=kind.value, filename=stored.filename, sha256=received.sha256)
    return stored


def is_double_blind(event: Event) -> bool:
    settings = event.review_settings
    return settings is not None and settings.is_double_blind


def stored_file(submission: Submission, received: files.Received, *, kind: FileKind, question_id: int | None,
                uploaded_by: User, for_reviewers: bool = False) -> SubmissionFile:
    """The row of a received file, with what its PDF check found: its pages, and whether its
    metadata or first page names one of the submission's authors."""
    people = [(a.name, a.email) for a in submission.authors]
    pdf = received.pdf
    return SubmissionFile(kind=kind, question_id=question_id, filename=received.filename,
                          content_type=received.format.content_type, size=received.size, sha256=received.sha256,
                          uploaded_by_id=uploaded_by.id, for_reviewers=for_reviewers,
                          page_count=pdf.pages if pdf else None,
                          names_in_metadata=pdf is not None and pdfs.names_someone(pdf.metadata_text, people),
                          names_on_first_page=pdf is not None and pdfs.names_someone(pdf.first_page_text, people))


# Reading ----------------------------------------------------------------------------------------

def submissions_of(user: User) -> list[Submission]:
    """Every submission of ``user``, as submitter or as a linked co-author, newest first."""
    as_author = sa.select(SubmissionAuthor.submission_id).where(SubmissionAuthor.user_id == user.id)
    return list(
        db.session.scalars(
            sa.select(Submission)
            .where(sa.or_(Submission.submitter_id == user.id, Submission.id.in_(as_author)))
            .options(joinedload(Submission.event).selectinload(Event.call), joinedload(Submission.type),
                     joinedload(Submission.track), selectinload(Submission.authors))
            .order_by(Submission.created_at.desc())
        ).unique()
    )


def load_submission(event: Event, code: str) -> Submission | None:
    submission = db.session.scalar(
        sa.select(Submission)
        .where(Submission.event_id == event.id, Submission.code == code.upper())
        .options(selectinload(Submission.authors), selectinload(Submission.answers).joinedload(Answer.question),
                 selectinload(Submission.files), joinedload(Submission.type), joinedload(Submission.track))
    )
    if submission is not None:
        # Hand over the caller's event: the session holds it only weakly, so once the caller
        # drops it, submission.event would load it (and its team) a second time.
        set_committed_value(submission, "event", event)
    return submission


def confirm(submission: Submission, *, actor, now: dt.datetime | None = None) -> None:
    """An author of an accepted submission confirms it will be presented."""
    now = now or utcnow()
    if not submission.can_confirm(actor):
        if submission.state == SubmissionState.CONFIRMED:
            raise InvalidState(_("This submission is already confirmed."))
        if submission.state != SubmissionState.ACCEPTED:
            raise InvalidState(_("Only an accepted submission can be confirmed."))
        raise NotAllowed(_("Only the authors can confirm this submission."))
    move_state(submission, SubmissionState.CONFIRMED)
    submission.confirmed_at = now
    db.session.flush()
    record("submission.confirmed", actor=actor, obj=submission, event=submission.event, code=submission.code)
