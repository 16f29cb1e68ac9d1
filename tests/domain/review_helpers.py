"""Plain factories for review tests: committee members and submitted submissions.

``make_submitted`` needs an event with a call (see ``cfp_helpers.make_call``); it submits
during the call (``cfp_helpers.DURING``) unless told otherwise.
"""

from __future__ import annotations

import sqlalchemy as sa

from conference.accounts.models import User
from conference.cfp import submissions as ops
from conference.cfp.models import SubmissionType
from conference.events.enums import TeamRole
from conference.events.models import EventRole
from conference.extensions import db

from .. import factories
from .cfp_helpers import DURING


def make_member(event, *, role: TeamRole, tracks=(), expertise=(), max_load: int | None = None, **user_fields) -> User:
    """A new person holding ``role`` in ``event``, limited to ``tracks`` (none: all)."""
    user = factories.make_user(**user_fields)
    user.expertise = list(expertise)
    event.roles.append(EventRole(user_id=user.id, role=role, tracks=list(tracks), max_load=max_load))
    db.session.flush()
    return user


def make_reviewer(event, *, tracks=(), expertise=(), **user_fields) -> User:
    return make_member(event, role=TeamRole.REVIEWER, tracks=tracks, expertise=expertise, **user_fields)


def make_track_chair(event, *, tracks=(), **user_fields) -> User:
    return make_member(event, role=TeamRole.TRACK_CHAIR, tracks=tracks, **user_fields)


def make_submitted(event, author: User, *, coauthors=(), now=DURING, **fields):
    """A submitted talk by ``author`` (and ``coauthors``: (name, email, affiliation) triples)
    with the event's first type that needs no file unless ``type_id`` is given."""
    content = {"title": "Open data standards in practice", "abstract": "How agencies share data.",
               "keywords": "standards, SDMX"}
    content.update(fields)
    if "type_id" not in content:
        content["type_id"] = db.session.scalar(
            sa.select(SubmissionType.id).where(SubmissionType.event_id == event.id,
                                               SubmissionType.file_required.is_(False))
            .order_by(SubmissionType.position, SubmissionType.id).limit(1))
    submission = ops.create_draft(event, actor=author, now=now, **content)
    for name, email, affiliation in coauthors:
        ops.add_author(submission, actor=author, name=name, email=email, affiliation=affiliation, now=now)
    ops.submit(submission, actor=author, now=now)
    return submission
