"""Erasing an account (the right to erasure): every area removes or replaces what it holds about
the person (see conference.core.personal_data), and the account stays, naming no one, so that the
reviews, registrations and audit entries that refer to it keep their counts and scores.

A site administrator erases any account but their own (from its page or ``flask users erase``).
A person erases their own account themselves where nothing binds them: no team role, review to
write, registration, accepted submission, focal point or talk in an event that is not over, and
no site rights. Otherwise they are told what binds them."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from conference.accounts.models import User
from conference.core import personal_data
from conference.core.audit import record
from conference.core.personal_data import Person
from conference.core.types import utcnow
from conference.errors import DomainError, InvalidState, NotAllowed
from conference.extensions import db


def what_binds(user: User, *, now: dt.datetime | None = None) -> list[str]:
    """Why the person may not erase their own account now, one sentence each (empty: they may)."""
    now = now or utcnow()
    return [reason for holder in personal_data.HOLDERS.values() if holder.binds is not None
            for reason in holder.binds(user, now=now)]


def can_erase(user: User, actor, *, now: dt.datetime | None = None) -> bool:
    if actor is None or user.erased_at is not None:
        return False
    if actor.can_administer() and actor.id != user.id:
        return True
    return actor.id == user.id and not what_binds(user, now=now)


def erase_account(user: User, *, actor, password: str | None = None, via: str = "web",
                  now: dt.datetime | None = None) -> None:
    """Erase ``user``'s personal data everywhere, as an administrator (``actor``; None from the
    command line) or as the person themselves where nothing binds them, confirming it with their
    ``password``; audited without naming them. The account's login sessions end: its cookies
    log no one in."""
    now = now or utcnow()
    if user.erased_at is not None:
        raise InvalidState(_("This account is already erased."))
    if actor is not None and not can_erase(user, actor, now=now):
        if actor.id == user.id and what_binds(user, now=now):
            raise NotAllowed(" ".join(what_binds(user, now=now)))
        raise NotAllowed(_("Only a site administrator may erase this account."))
    if actor is not None and actor.id == user.id and not user.check_password(password or ""):
        raise DomainError(_("This is not your password."), field="password")
    person = Person(id=user.id, email=user.email, name=user.name, verified=user.is_verified)
    for holder in personal_data.HOLDERS.values():
        holder.erase(user, person=person, actor=actor, now=now)
    db.session.flush()
    record("account.erased", actor=actor, obj=user, by="self" if actor is not None and actor.id == user.id else None,
           via=via)
    db.session.flush()
