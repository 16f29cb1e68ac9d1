"""Erasing an account: nothing names the person afterwards, anywhere in the database, while
counts, review scores and the audit trail stay as they were."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conference.accounts.models import LoginSession, User
from conference.cfp.models import Submission, SubmissionAuthor
from conference.core.models import AuditEntry
from conference.errors import DomainError, NotAllowed
from conference.extensions import db
from conference.mail.enums import MailState
from conference.mail.models import OutboxMessage
from conference.privacy import erasure
from conference.registration.enums import RegistrationState
from conference.registration.models import Registration
from conference.review.models import Review

from .. import factories
from .builders import COAUTHOR, EMAIL, NAME, person_everywhere, review_figures, text_of_every_row


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_erasure_leaves_neither_name_nor_address_anywhere(db):
    world = person_everywhere()
    admin = factories.make_user(is_admin=True)
    text = text_of_every_row()
    assert NAME.lower() in text and EMAIL in text  # the search finds them before
    before = {model: count(model) for model in (User, Submission, SubmissionAuthor, Review, Registration, AuditEntry)}
    scores_before = review_figures(world.review.submission.id)

    erasure.erase_account(world.person, actor=admin)
    db.session.commit()

    text = text_of_every_row()
    assert NAME.lower() not in text and EMAIL not in text and "erasable" not in text.replace("erasable results", "")
    assert COAUTHOR[0].lower() in text  # the co-author is still named
    # Counts and scores as they were; the draft nobody saw is gone (with its one author line).
    after = {model: count(model) for model in before}
    assert after == {**before, Submission: before[Submission] - 1, SubmissionAuthor: before[SubmissionAuthor] - 1,
                     AuditEntry: after[AuditEntry]}
    assert after[AuditEntry] == before[AuditEntry] + 2  # the registration's cancellation and the erasure
    assert review_figures(world.review.submission.id) == scores_before == (4, [2, 2, 2, 5])


def test_erased_account_names_no_one_and_logs_no_one_in(db):
    world = person_everywhere()
    person_id = world.person.id
    erasure.erase_account(world.person, actor=factories.make_user(is_admin=True))
    db.session.commit()

    user = db.session.get(User, person_id)
    assert (user.name, user.email, user.password_hash, user.bio, user.disabled) == (
        f"Deleted user #{person_id}", f"deleted-{person_id}@erased.invalid", None, "", True)
    assert user.display_name == f"Deleted user #{person_id}"
    assert not user.check_password(factories.DEFAULT_PASSWORD)
    assert count(LoginSession) == 0
    # Their registration for an event not over is cancelled, and kept, naming no one.
    registration = db.session.get(Registration, world.registration.id)
    assert (registration.state, registration.answers, registration.name) == (
        RegistrationState.CANCELLED, {}, f"Deleted user #{person_id}")
    # Mail waiting for them is dropped; what was sent stays, without address or body.
    messages = list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.user_id == person_id)))
    assert [(m.state, m.to_address, m.body_text) for m in messages] == [
        (MailState.SENT, f"deleted-{person_id}@erased.invalid", "")]
    # Their authorship of a submitted paper stays, naming no one; the audit trail knows who erased.
    authors = [(a.name, a.email) for a in db.session.get(Submission, world.own_submission.id).authors]
    assert authors == [(f"Deleted user #{person_id}", f"deleted-{person_id}@erased.invalid"),
                       (COAUTHOR[0], COAUTHOR[1])]
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "account.erased")).one()
    assert (entry.object_id, entry.details) == (person_id, {"via": "web"})


def test_a_person_bound_to_an_event_cannot_erase_their_own_account(db):
    world = person_everywhere()
    reasons = erasure.what_binds(world.person)
    event = world.review.event.title
    assert f"You are on the team of {event} until it is over." in reasons
    assert any("You are registered for" in reason for reason in reasons)
    assert any("You are a focal point of Erasure Agency" in reason for reason in reasons)
    assert f"You are a speaker at {event} until it is over." in reasons
    with pytest.raises(NotAllowed) as refused:
        erasure.erase_account(world.person, actor=world.person, password=factories.DEFAULT_PASSWORD)
    assert f"You are on the team of {event}" in refused.value.message
    assert db.session.get(User, world.person.id).erased_at is None


def test_a_person_bound_to_nothing_erases_their_own_account(db):
    person = factories.make_user(name="Free Person")
    assert erasure.what_binds(person) == []
    with pytest.raises(DomainError, match="This is not your password."):
        erasure.erase_account(person, actor=person, password="a guess")
    assert person.erased_at is None
    erasure.erase_account(person, actor=person, password=factories.DEFAULT_PASSWORD)
    assert person.erased_at is not None and person.email == f"deleted-{person.id}@erased.invalid"


def test_only_an_administrator_erases_someone_else(db):
    person, other = factories.make_user(), factories.make_user()
    with pytest.raises(NotAllowed):
        erasure.erase_account(person, actor=other)
    admin = factories.make_user(is_admin=True)
    assert erasure.what_binds(admin) == [
        "You are a site administrator: another administrator can erase your account once your rights are removed."]
    with pytest.raises(NotAllowed):
        erasure.erase_account(admin, actor=admin)
    assert person.erased_at is None and admin.erased_at is None


def test_an_unconfirmed_address_does_not_reach_what_others_gave_under_it(db):
    """Someone signed up with an address they never confirmed: erasing that account leaves the
    registration its real owner made under it."""
    from ..registration.builders import add_category, make_form, register

    form = make_form()
    owner_registration = register(form, add_category(form, in_person=5), name="Real Owner", email="owner@example.org")
    squatter = factories.make_user(name="Squatter", email="owner@example.org", verified=False)
    erasure.erase_account(squatter, actor=factories.make_user(is_admin=True))
    assert (owner_registration.name, owner_registration.email, owner_registration.state) == (
        "Real Owner", "owner@example.org", RegistrationState.CONFIRMED)
    assert squatter.email == f"deleted-{squatter.id}@erased.invalid"
