"""Conflicts of interest between committee members and submissions: declared by authors,
by reviewers for themselves, or by organisers and track chairs.

A conflicted member is never assigned: declaring a conflict removes an existing assignment
(and its review). A member declares their own conflict only with a confirmation, and may
withdraw it again; nothing removed comes back.

The app's suggestions are in ``conflict_suggestions``."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from conference.accounts.models import User
from conference.cfp.models import Submission
from conference.core.audit import record
from conference.core.types import utcnow
from conference.errors import DeadlinePassed, DomainError, NotAllowed
from conference.events.models import Event
from conference.extensions import db
from conference.review.enums import ConflictKind, ConflictSource
from conference.review.models import Bid, Conflict

KIND_LABELS = {
    ConflictKind.COAUTHOR: _l("Co-author or collaborator"),
    ConflictKind.INSTITUTION: _l("Same institution"),
    ConflictKind.ADVISOR: _l("Advisor or advisee"),
    ConflictKind.PERSONAL: _l("Personal relationship"),
    ConflictKind.OTHER: _l("Other"),
}
SOURCE_LABELS = {
    ConflictSource.AUTHOR: _l("Declared by an author"),
    ConflictSource.REVIEWER: _l("Declared by the member"),
    ConflictSource.ORGANISER: _l("Added by the organisers"),
}

# Declaring and removing ---------------------------------------------------------------------

def _is_member(event: Event, user: User) -> bool:
    return any(r.user_id == user.id for r in event.roles)


def _may_declare(submission: Submission, user: User, actor) -> bool:
    """Organisers and the submission's track chairs for anyone; a member for themself; an
    author for their own submission."""
    if submission.can_manage_review(actor):
        return True
    if getattr(actor, "id", None) == user.id and _is_member(submission.event, actor):
        return True
    return submission.is_author(actor)


def declare_conflict(submission: Submission, user: User, *, kind: ConflictKind, source: ConflictSource,
                     actor, note: str = "") -> Conflict:
    """Record that ``user`` (a member of the event's committee) has a conflict with
    ``submission``. Declaring an existing pair again returns the row as it is. An assignment of
    ``user`` to the submission is removed with its review: a conflicted member never reviews."""
    event = submission.event
    if not _may_declare(submission, user, actor):
        raise NotAllowed(_("You may declare conflicts only for yourself, for your own submission, "
                           "or as an organiser or the track's chair."))
    if not _is_member(event, user):
        raise DomainError(_("%(name)s is not on this event's committee.", name=user.name), field="user_id")
    existing = next((c for c in submission.conflicts if c.user_id == user.id), None)
    if existing is not None:
        return existing
    if submission.is_author(user):
        if not submission.can_see_authors(actor):  # a chair of a double-blind event: no author named
            raise DomainError(_("%(name)s already has a conflict with %(code)s.", name=user.name, code=submission.code),
                              field="user_id")
        raise DomainError(_("%(name)s is an author of this submission: they never see it as a reviewer anyway.",
                            name=user.name), field="user_id")
    conflict = Conflict(submission=submission, event_id=event.id, user_id=user.id, kind=ConflictKind(kind),
                        source=ConflictSource(source), note=(note or "").strip()[:300],
                        created_by_id=getattr(actor, "id", None))
    db.session.add(conflict)
    _drop_assignment(submission, user, actor)
    db.session.execute(sa.delete(Bid).where(Bid.submission_id == submission.id, Bid.user_id == user.id))
    db.session.flush()
    record("conflict.declared", actor=actor, obj=conflict, event=event, code=submission.code, user_id=user.id,
           kind=conflict.kind.value, source=conflict.source.value)
    return conflict


def declare_own_conflict(submission: Submission, *, actor, kind: ConflictKind, note: str = "",
                         confirmed: bool) -> Conflict:
    """A committee member declares their own conflict with a submission (from its page, or by
    bidding "conflict"). It deletes their assignment with its review, and withdrawing the
    conflict later brings neither back: so it is recorded only once they confirm."""
    if not confirmed:
        raise DomainError(_("Tick the box to confirm the conflict: your assignment and your review of this "
                            "submission, if any, are deleted."), field="confirm")
    return declare_conflict(submission, actor, kind=kind, source=ConflictSource.REVIEWER, actor=actor, note=note)


def withdraw_own_conflict(conflict: Conflict, *, actor) -> None:
    """A member withdraws a conflict they declared themselves (``Conflict.can_withdraw``).
    Nothing comes back: an assignment and review the conflict removed stay removed; the member
    may bid on the submission again and be assigned again. Conflicts the authors or the
    organisers declared stay (the organisers remove those)."""
    if not conflict.can_withdraw(actor):
        raise NotAllowed(_("You can withdraw only the conflicts you declared yourself."))
    _delete(conflict, actor=actor, action="conflict.withdrawn")


def what_declaring_removes(submission: Submission, member: User) -> str | None:
    """What declaring a conflict would delete for ``member``, said before they confirm."""
    assignment = submission.assignment_of(member)
    if assignment is None:
        return None
    if assignment.review is None:
        return _("You are assigned to review this submission: the assignment is deleted.")
    if assignment.review.is_submitted:
        return _("You are assigned to review this submission: the assignment and your submitted review are deleted.")
    return _("You are assigned to review this submission: the assignment and your draft review are deleted.")


def _drop_assignment(submission: Submission, user: User, actor) -> None:
    assignment = submission.assignment_of(user)
    if assignment is None:
        return
    record("review.unassigned", actor=actor, obj=submission, event=submission.event, code=submission.code,
           reviewer_id=user.id, reason="conflict",
           review_state=assignment.review.state.value if assignment.review is not None else None)
    submission.review_assignments.remove(assignment)
    db.session.delete(assignment)


def _author_may_edit(submission: Submission, actor, now: dt.datetime) -> bool:
    return submission.is_author(actor) and submission.is_editable(now)


def remove_conflict(conflict: Conflict, *, actor, now: dt.datetime | None = None) -> None:
    """Organisers and the track's chairs remove any conflict; an author removes the ones authors
    declared on their own submission while it can still be edited."""
    submission = conflict.submission
    now = now or utcnow()
    allowed = submission.can_manage_review(actor) or (
        conflict.source == ConflictSource.AUTHOR and _author_may_edit(submission, actor, now)
    )
    if not allowed:
        raise NotAllowed(_("Only the event's organisers and the track's chairs can remove this conflict."))
    _delete(conflict, actor=actor, action="conflict.removed")


def _delete(conflict: Conflict, *, actor, action: str) -> None:
    submission = conflict.submission
    record(action, actor=actor, obj=conflict, event=submission.event, code=submission.code,
           user_id=conflict.user_id, kind=conflict.kind.value, source=conflict.source.value)
    submission.conflicts.remove(conflict)
    db.session.delete(conflict)
    db.session.flush()


def committee_users(event: Event) -> list[User]:
    """Everyone on the event's committee, once each, by name (the roles are loaded already)."""
    users = {r.user_id: r.user for r in event.roles}
    return sorted(users.values(), key=lambda u: (u.name.casefold(), u.id))


def declare_author_conflicts(submission: Submission, *, actor, kinds: dict[int, ConflictKind | None],
                             now: dt.datetime) -> None:
    """The authors' whole list at once: ``kinds`` maps committee members' user ids to a kind,
    or None for no conflict. Authors' conflicts are added, changed or removed to match; those
    added by organisers or members themselves stay. Closed once the submission can no longer be
    edited, except for organisers and the track's chairs."""
    manages = submission.can_manage_review(actor)
    if not manages:
        if not submission.is_author(actor):
            raise NotAllowed(_("Only the submission's authors can declare its conflicts."))
        if not submission.is_editable(now):
            raise DeadlinePassed(_("The submission can no longer be edited, so its conflicts cannot change. "
                                   "Write to the organisers if a conflict is missing."))
    members = {u.id: u for u in committee_users(submission.event)}
    unknown = [uid for uid in kinds if uid not in members]
    if unknown:
        raise DomainError(_("Choose members of this event's committee."))
    current = {c.user_id: c for c in submission.conflicts}
    for user_id, kind in kinds.items():
        conflict = current.get(user_id)
        if kind is None:
            if conflict is not None and conflict.source == ConflictSource.AUTHOR:
                remove_conflict(conflict, actor=actor, now=now)
            continue
        kind = ConflictKind(kind)
        if conflict is None:
            declare_conflict(submission, members[user_id], kind=kind, source=ConflictSource.AUTHOR, actor=actor)
        elif conflict.source == ConflictSource.AUTHOR and conflict.kind != kind:
            record("conflict.changed", actor=actor, obj=conflict, event=submission.event, code=submission.code,
                   user_id=user_id, kind=kind.value, previous=conflict.kind.value)
            conflict.kind = kind
    db.session.flush()


def add_conflict(event: Event, *, code: str, user_id: int, kind: ConflictKind, note: str = "", actor) -> Conflict:
    """An organiser or track chair records a conflict for a submission given by its code."""
    submission = find_submission(event, code)
    if submission is None or not submission.can_manage_review(actor):
        raise DomainError(_("No submission of yours to manage has this code."), field="code")
    user = next((u for u in committee_users(event) if u.id == user_id), None)
    if user is None:
        raise DomainError(_("Choose a member of this event's committee."), field="user_id")
    if any(c.user_id == user.id for c in submission.conflicts):
        raise DomainError(_("%(name)s already has a conflict with %(code)s.", name=user.name, code=submission.code),
                          field="user_id")
    return declare_conflict(submission, user, kind=kind, source=ConflictSource.ORGANISER, actor=actor, note=note)


# Reading ----------------------------------------------------------------------------------------

def conflicts_for(event: Event, actor, *, user_id: int | None = None, code: str | None = None) -> list[Conflict]:
    """The event's conflicts that ``actor`` manages (a track chair: their tracks only), by
    submission and member, optionally for one member or one submission. Two queries."""
    query = (
        sa.select(Conflict).join(Submission, Submission.id == Conflict.submission_id)
        .join(User, User.id == Conflict.user_id)
        .where(Conflict.event_id == event.id)
        .options(joinedload(Conflict.user), joinedload(Conflict.submission).selectinload(Submission.conflicts),
                 joinedload(Conflict.submission).selectinload(Submission.authors))
        .order_by(Submission.code, User.name, User.id)
    )
    if user_id is not None:
        query = query.where(Conflict.user_id == user_id)
    if code:
        query = query.where(Submission.code == code.strip().upper())
    return [c for c in db.session.scalars(query).unique() if c.submission.can_manage_review(actor)]


def own_declarations(event: Event, member: User) -> list[Conflict]:
    """The conflicts ``member`` declared themselves in ``event`` (the ones they may withdraw), by
    submission code. Those the authors or organisers declared are not listed: the member is
    simply never shown those submissions. One query."""
    return list(db.session.scalars(
        sa.select(Conflict).join(Submission, Submission.id == Conflict.submission_id)
        .where(Conflict.event_id == event.id, Conflict.user_id == member.id,
               Conflict.source == ConflictSource.REVIEWER)
        .options(joinedload(Conflict.submission)).order_by(Submission.code)
    ))


def find_submission(event: Event, code: str) -> Submission | None:
    return db.session.scalar(
        sa.select(Submission).where(Submission.event_id == event.id, Submission.code == (code or "").strip().upper())
        .options(selectinload(Submission.conflicts), selectinload(Submission.review_assignments),
                 selectinload(Submission.authors))
    )
