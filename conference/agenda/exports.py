"""The agenda exports' data: the latest release, a per-release cache of built exports, and the
secret personal feeds.

A release never changes (but for an erasure, which raises its revision), so an export built
from it can be kept for as long as it is the latest: the cache is keyed by the release (id,
release time, as an id alone may be reused by a database that rolls back, and revision) and a
new release, or a rewritten one, simply misses it in every process. The latest release is first
loaded without its snapshot, which is only read when the export is built.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import defer

from conference.accounts.models import User
from conference.agenda.models import PersonalFeed, ScheduleRelease
from conference.core import audit
from conference.errors import NotAllowed
from conference.events.models import Event
from conference.extensions import db

CACHE_SIZE = 128
_lock = threading.Lock()


def latest_release_without_snapshot(event) -> ScheduleRelease | None:
    """The event's latest release, its snapshot not yet loaded."""
    return db.session.scalars(
        sa.select(ScheduleRelease).where(ScheduleRelease.event_id == event.id)
        .options(defer(ScheduleRelease.snapshot)).order_by(ScheduleRelease.number.desc()).limit(1)
    ).first()


def release_tag(release: ScheduleRelease) -> str:
    return f"{release.id}-{release.released_at.timestamp():.6f}-{release.revision}"


def cached_export(release: ScheduleRelease, kind: str, key, build: Callable[[], object]):
    """``build()``'s result for (release, kind, key), built once and kept in a small
    least-recently-used cache of this app."""
    cache: OrderedDict = current_app.extensions.setdefault("agenda_exports_cache", OrderedDict())
    cache_key = (release_tag(release), kind, key)
    with _lock:
        if cache_key in cache:
            cache.move_to_end(cache_key)
            return cache[cache_key]
    value = build()
    with _lock:
        cache[cache_key] = value
        while len(cache) > CACHE_SIZE:
            cache.popitem(last=False)
    return value


def forget_cached_exports() -> None:
    """Empty this app's cache of exports (after a release's snapshot was changed in place)."""
    with _lock:
        current_app.extensions.pop("agenda_exports_cache", None)


def personal_feed_token(event, user) -> str:
    """The user's secret feed token for the event, made on first use."""
    feed = db.session.scalars(
        sa.select(PersonalFeed).where(PersonalFeed.event_id == event.id, PersonalFeed.user_id == user.id)
    ).first()
    if feed is None:
        feed = PersonalFeed(event_id=event.id, user_id=user.id, token=secrets.token_urlsafe(24))
        db.session.add(feed)
        db.session.flush()
    return feed.token


def reset_personal_feed(event, *, user, actor) -> str:
    """Give the user's feed a new secret address; the old one stops working at once. Only the
    owner may reset it."""
    if getattr(actor, "id", None) != user.id:
        raise NotAllowed(_("Only its owner can reset a personal feed."))
    feed = db.session.scalars(
        sa.select(PersonalFeed).where(PersonalFeed.event_id == event.id, PersonalFeed.user_id == user.id)
    ).first()
    if feed is None:
        feed = PersonalFeed(event_id=event.id, user_id=user.id, token="")
        db.session.add(feed)
    feed.token = secrets.token_urlsafe(24)
    audit.record("agenda.feed_reset", actor=actor, obj=feed, event=event)
    db.session.flush()
    return feed.token


def feed_owner(token: str) -> tuple[User, Event] | None:
    """Whose feed this token opens, and of which event; None for an unknown or reset token."""
    if not token:
        return None
    row = db.session.execute(
        sa.select(User, Event).join(PersonalFeed, PersonalFeed.user_id == User.id)
        .join(Event, Event.id == PersonalFeed.event_id).where(PersonalFeed.token == token)
    ).first()
    return (row[0], row[1]) if row else None
