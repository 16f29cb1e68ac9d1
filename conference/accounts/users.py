"""Accounts: sign-up with email verification, log-in, password reset and change, profile."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import generate_password_hash

from conference.accounts import login_sessions
from conference.accounts.models import LoginSession, User
from conference.core.audit import record
from conference.core.links import external_url
from conference.core.timezones import is_valid_timezone
from conference.core.tokens import fingerprint, fingerprint_matches, make_token, read_token
from conference.core.types import utcnow
from conference.errors import AlreadyExists, DomainError, InvalidToken, NotAllowed
from conference.extensions import db
from conference.i18n import supported
from conference.mail.mailer import queue_mail
from conference.mail.models import OutboxMessage

MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str) -> str:
    """The form an address is stored and compared in (lower case, IDNA-normalised domain)."""
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise DomainError(_("Enter a valid email address."), field="email") from exc
    return result.normalized.lower()


def find_user_by_email(email: str) -> User | None:
    try:
        address = normalise_email(email)
    except DomainError:
        return None
    return db.session.scalar(sa.select(User).where(User.email == address))


def check_password_rules(password: str, *, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            _("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH), field=field
        )


def create_user(*, email: str, name: str, password: str | None, verified: bool = False, **profile) -> User:
    """Create an account; the address must be free. Used by sign-up, the CLI and the demo."""
    address = normalise_email(email)
    if db.session.scalar(sa.select(User.id).where(User.email == address)) is not None:
        raise AlreadyExists(
            _("An account with this email address already exists. Log in, or reset your password if you forgot it."),
            field="email",
        )
    user = User(email=address, name=name.strip(), **profile)
    if password is not None:
        check_password_rules(password)
        user.set_password(password)
    if verified:
        user.email_verified_at = utcnow()
    db.session.add(user)
    db.session.flush()
    return user


def sign_up(*, email: str, name: str, password: str, timezone: str = "UTC",
            verified: bool = False, language: str | None = None) -> User | None:
    """Create an unverified account and mail it a verification link; ``verified`` is for
    sign-ups that already proved the address (an invitation link). ``language`` is that of the
    page signed up on: the account's pages and mail come in it until its owner changes it.

    An address that already has an account gets no second one, and the answer must not tell
    the person signing up (it would reveal who has an account here): the owner is mailed
    instead, and None is returned for the caller to answer exactly as for a new account. The
    password is hashed either way, so the two answers take as long.
    """
    address = normalise_email(email)
    check_password_rules(password)
    owner = find_user_by_email(address)
    if owner is not None:
        User(email="", name="").set_password(password)  # as much work as a new account's hash
        _tell_owner_of_signup_attempt(owner)
        return None
    if not is_valid_timezone(timezone):
        timezone = "UTC"
    user = create_user(email=address, name=name, password=password, verified=verified, timezone=timezone,
                       language=supported(language))
    record("account.signed_up", actor=user, obj=user)
    if not verified:
        send_verification(user)
    return user


# Someone typing another's address again and again must not flood that mailbox.
SIGNUP_ATTEMPT_MAIL_EVERY = dt.timedelta(minutes=15)


def _tell_owner_of_signup_attempt(owner: User) -> None:
    record("account.signup_attempted", actor=None, obj=owner)
    if owner.disabled:
        return
    recent = db.session.scalar(sa.select(OutboxMessage.id).where(
        OutboxMessage.to_address == owner.email, OutboxMessage.template == "account_exists",
        OutboxMessage.created_at > utcnow() - SIGNUP_ATTEMPT_MAIL_EVERY).limit(1))
    if recent is not None:
        return
    queue_mail(
        "account_exists",
        to=owner.email,
        to_name=owner.name,
        user=owner,
        context={"user": owner, "login_link": external_url("auth.login"),
                 "reset_link": external_url("auth.request_reset")},
    )


def send_verification(user: User) -> None:
    token = make_token("verify-email", {"id": user.id, "email": user.email})
    queue_mail(
        "verify_email",
        to=user.email,
        to_name=user.name,
        user=user,
        context={"user": user, "link": external_url("auth.verify_email", token=token)},
    )


def verify_email(token: str) -> User:
    """Mark the address in the token as verified. The link stops working if the address changed."""
    payload = read_token("verify-email", token, max_age=current_app.config["EMAIL_TOKEN_MAX_AGE"])
    user = db.session.get(User, payload.get("id"))
    if user is None or user.email != payload.get("email"):
        raise InvalidToken(_("This link is not valid. Check that you copied all of it."))
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        record("account.verified", actor=user, obj=user)
    db.session.flush()
    return user


# A real hash to check against when the address is unknown, so the answer takes as long.
_DUMMY_HASH_CACHE: dict[str, str] = {}


def authenticate(*, email: str, password: str) -> User | None:
    """The user for these credentials, or None. Unknown addresses cost as much as wrong
    passwords. A disabled account with the right password raises AccountDisabled: only someone
    who knows the password learns that the account exists and is disabled. Logging in is then
    ``login_sessions.open_session``."""
    user = find_user_by_email(email)
    if user is None or not user.password_hash:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        if method not in _DUMMY_HASH_CACHE:  # made as User.set_password makes one
            _DUMMY_HASH_CACHE[method] = generate_password_hash("not a real password", method=method)
        User(email="", name="", password_hash=_DUMMY_HASH_CACHE[method]).check_password(password)
        return None
    if not user.check_password(password):
        return None
    if user.disabled:
        raise AccountDisabled(disabled_message())
    return user


class AccountDisabled(NotAllowed):
    """The right password, for an account an administrator disabled."""


def disabled_message() -> str:
    contact = current_app.config.get("SITE_CONTACT_EMAIL")
    if contact:
        return _("This account is disabled. If you think this is a mistake, write to %(contact)s.", contact=contact)
    return _("This account is disabled. If you think this is a mistake, write to the organisers of your event "
             "or to this site's administrators.")


def _reset_fingerprint(user: User) -> str:
    # Ties a reset link to the password it replaces: once used (or the password changes), it dies.
    # Keyed with SECRET_KEY, and accepted under SECRET_KEY_FALLBACKS too (fingerprint_matches).
    return fingerprint(user.password_hash or "")


def request_password_reset(*, email: str) -> None:
    """Mail a reset link if the address has an account; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or user.disabled:
        return
    token = make_token("reset-password", {"id": user.id, "fp": _reset_fingerprint(user)})
    queue_mail(
        "reset_password",
        to=user.email,
        to_name=user.name,
        user=user,
        context={"user": user, "link": external_url("auth.reset_password", token=token)},
    )
    record("account.reset_requested", actor=None, obj=user)


def user_for_reset_token(token: str) -> User:
    payload = read_token("reset-password", token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = db.session.get(User, payload.get("id"))
    if user is None or not fingerprint_matches(str(payload.get("fp", "")), user.password_hash or ""):
        raise InvalidToken(_("This link has already been used or is no longer valid. Ask for a new one."))
    return user


def reset_password(*, token: str, new_password: str) -> User:
    """Set a new password from a reset link. Every session of the account ends: whoever knew
    the old password is logged out everywhere."""
    user = user_for_reset_token(token)
    check_password_rules(new_password)
    user.set_password(new_password)
    login_sessions.end_other_sessions(user, actor=user, keep=None)
    # Following the link proves the address too.
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    record("account.password_reset", actor=user, obj=user)
    db.session.flush()
    return user


def change_password(user: User, *, current_password: str, new_password: str,
                    keep_session: LoginSession | None) -> None:
    """Change one's password; every other session ends (``keep_session``, the one used to
    change it, continues)."""
    if not user.check_password(current_password):
        raise DomainError(_("This is not your current password."), field="current_password")
    check_password_rules(new_password, field="new_password")
    user.set_password(new_password)
    login_sessions.end_other_sessions(user, actor=user, keep=keep_session)
    record("account.password_changed", actor=user, obj=user)
    db.session.flush()


MAX_EXPERTISE = 10  # as many as a submission's keywords


def set_language(user: User, *, actor: User, language: str) -> None:
    """The language one chose with the switcher on any page: one of the site's languages."""
    if actor.id != user.id:
        raise DomainError(_("You may only change your own profile."))
    if not supported(language):
        raise DomainError(_("Choose one of the languages offered."), field="language")
    user.language = language
    db.session.flush()


def update_profile(user: User, *, actor: User, name: str, affiliation: str, country: str, timezone: str, bio: str,
                   language: str | None, expertise: list[str] | None = None) -> None:
    """Change one's own profile. ``expertise`` is the list of keywords (None: left as it is),
    kept once each whatever their case, in the order given. ``language`` None: pages follow the
    browser."""
    if actor.id != user.id and not actor.can_administer():
        raise DomainError(_("You may only change your own profile."))
    if not is_valid_timezone(timezone):
        raise DomainError(_("Choose a time zone from the list, e.g. Europe/Zurich."), field="timezone")
    if language and not supported(language):
        raise DomainError(_("Choose one of the languages offered."), field="language")
    user.language = language or None
    user.name = name.strip()
    user.affiliation = affiliation.strip()
    user.country = (country or "").upper()
    user.timezone = timezone
    user.bio = bio.strip()
    if expertise is not None:
        keywords: list[str] = []
        for keyword in expertise:
            word = " ".join(str(keyword).split())[:60]
            if word and word.casefold() not in {k.casefold() for k in keywords}:
                keywords.append(word)
        if len(keywords) > MAX_EXPERTISE:
            raise DomainError(_("List at most %(max)d keywords.", max=MAX_EXPERTISE), field="expertise")
        user.expertise = keywords
    record("account.profile_updated", actor=actor, obj=user)
    db.session.flush()
