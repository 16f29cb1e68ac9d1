"""Suggested conflicts of interest: pairs of a committee member and a submission the app finds
likely (the same mail domain, the same affiliation, an earlier co-authorship in the event), for
organisers and track chairs to confirm or dismiss.

The suggestions rest on the authors' details: they name the authors only to those who may see
them (``Submission.can_see_authors``); a track chair of a double-blind event reads neutral
wording that gives no author's name, address or affiliation."""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from conference.accounts.models import User
from conference.cfp.enums import REVIEWABLE_STATES
from conference.cfp.models import Submission
from conference.core.audit import record
from conference.core.lists import format_list
from conference.errors import NotAllowed
from conference.events.enums import TeamRole
from conference.events.models import Event
from conference.extensions import db
from conference.review.conflicts import declare_conflict
from conference.review.enums import ConflictKind, ConflictSource
from conference.review.models import SUGGESTED_NOTE, Conflict, DismissedConflictSuggestion

# Mail providers anyone can use: sharing one says nothing about an institution.
PUBLIC_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "live.com", "msn.com", "icloud.com", "me.com", "mac.com",
    "proton.me", "protonmail.com", "pm.me", "aol.com", "mail.ru", "inbox.ru", "bk.ru", "list.ru", "qq.com",
    "163.com", "126.com", "yeah.net", "sina.com", "sohu.com", "naver.com", "daum.net", "hanmail.net",
    "zoho.com", "tutanota.com", "tuta.io", "fastmail.com", "hey.com", "mail.com", "email.com", "web.de",
    "t-online.de", "freenet.de", "orange.fr", "wanadoo.fr", "free.fr", "laposte.net", "libero.it",
    "rediffmail.com", "rocketmail.com", "ymail.com", "seznam.cz", "wp.pl", "o2.pl", "interia.pl", "rambler.ru",
})
# Providers present under many country domains: yahoo.co.uk, hotmail.fr, gmx.de...
PUBLIC_MAIL_PREFIXES = ("yahoo.", "hotmail.", "live.", "outlook.", "gmx.", "yandex.", "aol.", "msn.")


def is_public_mail_domain(domain: str) -> bool:
    domain = domain.casefold().strip(".")
    return domain in PUBLIC_MAIL_DOMAINS or domain.startswith(PUBLIC_MAIL_PREFIXES)


def mail_domain(address: str) -> str:
    return (address or "").rpartition("@")[2].casefold().strip()


def normalised_affiliation(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


class Basis(enum.StrEnum):
    DOMAIN = "domain"
    AFFILIATION = "affiliation"
    COAUTHOR = "coauthor"


@dataclass(frozen=True)
class Reason:
    """Why a pair is suggested, with the author details it rests on."""

    basis: Basis
    detail: str  # the shared mail domain or affiliation, or the code of the earlier submission
    authors: tuple[str, ...]  # the names of the authors concerned


def reason_text(reason: Reason, *, names_authors: bool) -> str:
    """The reason in words: with the authors' names and details for those who may see them,
    else without any (an author's domain or affiliation would point to them as well)."""
    if not names_authors:
        return {
            Basis.DOMAIN: _("An author has the same mail domain as this member."),
            Basis.AFFILIATION: _("An author has the same affiliation as this member."),
            Basis.COAUTHOR: _("An author wrote another submission to this event with this member."),
        }[reason.basis]
    names = format_list(reason.authors)
    if reason.basis == Basis.DOMAIN:
        return _("Same mail domain (%(domain)s) as %(names)s.", domain=reason.detail, names=names)
    if reason.basis == Basis.AFFILIATION:
        return _("Same affiliation (%(affiliation)s) as %(names)s.", affiliation=reason.detail, names=names)
    return _("Co-author of %(names)s on submission %(code)s.", names=names, code=reason.detail)


@dataclass
class Suggestion:
    submission: Submission
    user: User
    reasons: list[str] = field(default_factory=list)  # worded for the viewer (see reason_text)
    kind: ConflictKind = ConflictKind.INSTITUTION  # the likeliest kind, preselected for confirming


def suggest_conflicts(event: Event, *, viewer) -> list[Suggestion]:
    """Likely conflicts between the event's reviewers and track chairs and its submissions under
    review that ``viewer`` manages, for them to confirm or dismiss: the same mail domain (other
    than public mail providers), the same affiliation, or an earlier co-authorship within the
    event. Pairs already declared, dismissed, or where the member is an author are left out.
    The reasons name authors only to a viewer who may see them. Five queries, whatever the size
    of the event."""
    members: dict[int, User] = {}
    for role in event.roles:
        if role.role in (TeamRole.REVIEWER, TeamRole.TRACK_CHAIR):
            members[role.user_id] = role.user
    if not members:
        return []
    submissions = list(db.session.scalars(
        sa.select(Submission).where(Submission.event_id == event.id)
        .options(selectinload(Submission.authors), selectinload(Submission.conflicts)).order_by(Submission.code)
    ))
    taken = {tuple(row) for row in db.session.execute(
        sa.select(Conflict.submission_id, Conflict.user_id).where(Conflict.event_id == event.id)
    ).all()}
    taken |= {tuple(row) for row in db.session.execute(
        sa.select(DismissedConflictSuggestion.submission_id, DismissedConflictSuggestion.user_id)
        .join(Submission, Submission.id == DismissedConflictSuggestion.submission_id)
        .where(Submission.event_id == event.id)
    ).all()}

    def authored_by(submission: Submission, user: User) -> bool:
        return submission.submitter_id == user.id or any(
            a.user_id == user.id or a.email.casefold() == user.email.casefold() for a in submission.authors
        )

    # Who wrote what, by address: the basis of the co-authorship rule.
    emails_of = {s.id: {a.email.casefold() for a in s.authors} for s in submissions}
    papers_of: dict[int, list[Submission]] = defaultdict(list)
    for submission in submissions:
        for user in members.values():
            if authored_by(submission, user):
                papers_of[user.id].append(submission)

    suggestions = []
    for submission in submissions:
        if submission.state not in REVIEWABLE_STATES or not submission.can_manage_review(viewer):
            continue
        names_authors = submission.can_see_authors(viewer)
        for user in members.values():
            if (submission.id, user.id) in taken or authored_by(submission, user):
                continue
            reasons, kind = _reasons(submission, user, papers_of[user.id], emails_of)
            if reasons:
                suggestions.append(Suggestion(submission=submission, user=user, kind=kind,
                                              reasons=[reason_text(r, names_authors=names_authors) for r in reasons]))
    suggestions.sort(key=lambda s: (s.submission.code, s.user.name.casefold(), s.user.id))
    return suggestions


def _reasons(submission: Submission, user: User, own_papers: list[Submission],
             emails_of: dict[int, set[str]]) -> tuple[list[Reason], ConflictKind]:
    reasons, kind = [], ConflictKind.INSTITUTION
    domain = mail_domain(user.email)
    if domain and not is_public_mail_domain(domain):
        sharing = tuple(a.name for a in submission.authors if mail_domain(a.email) == domain)
        if sharing:
            reasons.append(Reason(Basis.DOMAIN, domain, sharing))
    affiliation = normalised_affiliation(user.affiliation)
    if affiliation:
        sharing = tuple(a.name for a in submission.authors if normalised_affiliation(a.affiliation) == affiliation)
        if sharing:
            reasons.append(Reason(Basis.AFFILIATION, " ".join(user.affiliation.split()), sharing))
    for paper in own_papers:
        if paper.id == submission.id:
            continue
        shared = emails_of[paper.id] & emails_of[submission.id]
        names = tuple(a.name for a in submission.authors if a.email.casefold() in shared)
        if names:
            reasons.append(Reason(Basis.COAUTHOR, paper.code, names))
            kind = ConflictKind.COAUTHOR
    return reasons, kind


def confirm_suggestion(submission: Submission, user: User, *, kind: ConflictKind, actor) -> Conflict:
    """An organiser (or the track's chair) turns a suggestion into a conflict."""
    if not submission.can_manage_review(actor):
        raise NotAllowed(_("Only the event's organisers and the track's chairs can confirm conflicts."))
    return declare_conflict(submission, user, kind=kind, source=ConflictSource.ORGANISER, actor=actor,
                            note=SUGGESTED_NOTE)


def dismiss_suggestion(submission: Submission, user: User, *, actor) -> DismissedConflictSuggestion:
    """Judge a suggested conflict not to be one: it is not suggested again."""
    if not submission.can_manage_review(actor):
        raise NotAllowed(_("Only the event's organisers and the track's chairs can dismiss suggestions."))
    existing = db.session.scalar(sa.select(DismissedConflictSuggestion).where(
        DismissedConflictSuggestion.submission_id == submission.id, DismissedConflictSuggestion.user_id == user.id))
    if existing is not None:
        return existing
    dismissed = DismissedConflictSuggestion(submission_id=submission.id, user_id=user.id, dismissed_by_id=actor.id)
    db.session.add(dismissed)
    db.session.flush()
    record("conflict.suggestion_dismissed", actor=actor, obj=submission, event=submission.event,
           code=submission.code, user_id=user.id)
    return dismissed
