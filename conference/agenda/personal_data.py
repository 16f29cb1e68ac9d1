"""What the agenda holds about a person: their speaker profiles, the sessions they starred and
their personal feeds; for the export and for erasure (see conference.core.personal_data).

Erasure keeps the talks in the programme, their speaker naming no one, and takes the person's
name and address out of the released versions of the programme they appear in."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.agenda.exports import forget_cached_exports
from conference.agenda.models import AgendaStar, PersonalFeed, ScheduleRelease, Speaker
from conference.core.personal_data import Person, iso, not_over_since, scrub
from conference.events.models import Event
from conference.extensions import db

TABLES = ("speaker", "agenda_star", "personal_feed", "schedule_release")


def _speakers(user, email: str | None) -> list[Speaker]:
    match = Speaker.user_id == user.id
    if email:
        match = sa.or_(match, Speaker.email == email)
    return list(db.session.scalars(sa.select(Speaker).where(match).order_by(Speaker.id)))


def _slugs(event_ids) -> dict[int, str]:
    rows = db.session.execute(sa.select(Event.id, Event.slug).where(Event.id.in_(set(event_ids))))
    return {ident: slug for ident, slug in rows}


def export(user) -> dict:
    speakers = _speakers(user, user.email if user.is_verified else None)
    stars = list(db.session.scalars(sa.select(AgendaStar).where(AgendaStar.user_id == user.id).order_by(AgendaStar.id)))
    feeds = list(db.session.scalars(sa.select(PersonalFeed).where(PersonalFeed.user_id == user.id)
                                    .order_by(PersonalFeed.id)))
    slugs = _slugs([s.event_id for s in speakers] + [s.event_id for s in stars] + [f.event_id for f in feeds])
    return {
        "speaker_profiles": [{"event": slugs[s.event_id], "name": s.name, "email": s.email,
                              "affiliation": s.affiliation, "bio": s.bio, "timezone": s.timezone,
                              "availability": list(s.availability or [])} for s in speakers],
        "starred": [{"event": slugs[s.event_id], "uid": s.uid, "created_at": iso(s.created_at)} for s in stars],
        # The feeds' secret addresses are keys, not data about the person: their existence only.
        "personal_feeds": [{"event": slugs[f.event_id], "created_at": iso(f.created_at)} for f in feeds],
    }


def erase(user, *, person: Person, actor, now: dt.datetime) -> None:
    speakers = _speakers(user, person.owned_email)
    names = {person} | {Person(id=person.id, email=s.email, name=s.name, verified=False) for s in speakers}
    for speaker in speakers:
        speaker.name, speaker.email = person.label, ""
        speaker.affiliation = speaker.bio = ""
        speaker.availability = []
    releases = db.session.scalars(sa.select(ScheduleRelease).where(
        ScheduleRelease.event_id.in_({s.event_id for s in speakers})))
    for release in releases:
        snapshot = release.snapshot
        for each in names:
            snapshot = scrub(snapshot, each)
        if snapshot != release.snapshot:
            release.snapshot = snapshot
            # Its exports are cached per release tag in every process (agenda.exports): a new
            # revision is a new tag, so each process builds them again at its next request.
            release.revision += 1
    if speakers:
        forget_cached_exports()  # this process's copies go at once
    db.session.execute(sa.delete(AgendaStar).where(AgendaStar.user_id == user.id))
    db.session.execute(sa.delete(PersonalFeed).where(PersonalFeed.user_id == user.id))


def binds(user, *, now: dt.datetime) -> list[str]:
    titles = db.session.scalars(
        sa.select(Event.title).join(Speaker, Speaker.event_id == Event.id)
        .where(Speaker.user_id == user.id, Event.end_date >= not_over_since(now)).distinct().order_by(Event.title))
    return [_("You are a speaker at %(event)s until it is over.", event=title) for title in titles]
