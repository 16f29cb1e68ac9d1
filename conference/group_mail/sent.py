"""The list of an event's group mail sent (conference/domain/group_mail.py): who sent what to
whom, its filters in words, and its messages per state."""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from conference.accounts.models import User
from conference.cfp.models import SubmissionType
from conference.core.lists import format_list
from conference.events.models import Event, Track
from conference.events.team import ROLE_LABELS
from conference.extensions import db
from conference.group_mail.mail import SUBMISSION_STATE_NAMES
from conference.group_mail.models import GroupMail
from conference.i18n import format_date
from conference.mail.enums import MailState
from conference.mail.models import OutboxMessage
from conference.registration.enums import AttendanceMode, RegistrationState
from conference.registration.models import ParticipantCategory, RegistrationForm
from conference.registration.places import mode_label, state_label


@dataclasses.dataclass
class SentGroupMail:
    mail: GroupMail
    sender: str
    filters: list[str]  # the filters, in words
    states: dict[MailState, int]  # its messages per state (discarded ones are gone)


def _names(event: Event) -> dict[str, dict]:
    """Names of what filters refer to by id, for describing them (four queries)."""
    def by_id(stmt):
        return {row.id: row.name for row in db.session.execute(stmt)}

    forms = by_id(sa.select(RegistrationForm.id, RegistrationForm.title.label("name"))
                  .where(RegistrationForm.event_id == event.id))
    return {
        "track_ids": by_id(sa.select(Track.id, Track.name).where(Track.event_id == event.id)),
        "type_ids": by_id(sa.select(SubmissionType.id, SubmissionType.name).where(SubmissionType.event_id == event.id)),
        "form_ids": forms,
        "category_ids": by_id(sa.select(ParticipantCategory.id, ParticipantCategory.name)
                              .where(ParticipantCategory.event_id == event.id)),
    }


FILTER_LABELS = {
    "states": _l("states"), "track_ids": _l("tracks"), "type_ids": _l("types"), "form_ids": _l("forms"),
    "category_ids": _l("categories"), "modes": _l("attendance"), "days": _l("days"), "roles": _l("roles"),
}


def _value_names(audience: str, names: dict[str, dict]) -> dict[str, dict]:
    found = dict(names)
    found["states"] = ({s.value: label for s, label in SUBMISSION_STATE_NAMES.items()} if audience == "authors"
                       else {s.value: state_label(s) for s in RegistrationState})
    found["modes"] = {mode.value: mode_label(mode) for mode in AttendanceMode}
    found["roles"] = {r.value: label for r, label in ROLE_LABELS.items()}
    return found


def describe_filters(audience: str, filters: dict, names: dict[str, dict]) -> list[str]:
    """The filters in words, e.g. "tracks: Data standards"; a deleted track by its number."""
    lookup = _value_names(audience, names)
    words = []
    for name, values in (filters or {}).items():
        if not values:
            continue
        if name == "days":
            shown = [format_date(dt.date.fromisoformat(v)) for v in values]
        else:
            shown = [str(lookup.get(name, {}).get(v, f"#{v}")) for v in values]
        words.append(f"{FILTER_LABELS.get(name, name)}: {format_list(shown)}")
    return words


def sent_group_mails(event: Event) -> list[SentGroupMail]:
    """The event's group mail, newest first, with its sender and its messages per state."""
    rows = db.session.execute(
        sa.select(GroupMail, User.name).outerjoin(User, User.id == GroupMail.created_by_id)
        .where(GroupMail.event_id == event.id).order_by(GroupMail.created_at.desc(), GroupMail.id.desc())
    ).all()
    if not rows:
        return []
    states: dict[int | None, dict[MailState, int]] = {}  # by group mail (the query keeps group mails' only)
    for group_id, state, count in db.session.execute(
            sa.select(OutboxMessage.group_mail_id, OutboxMessage.state, sa.func.count())
            .where(OutboxMessage.group_mail_id.in_([mail.id for mail, _name in rows]))
            .group_by(OutboxMessage.group_mail_id, OutboxMessage.state)):
        states.setdefault(group_id, {})[state] = count
    names = _names(event)
    return [SentGroupMail(mail=mail, sender=name or "", filters=describe_filters(mail.audience, mail.filters, names),
                          states=states.get(mail.id, {})) for mail, name in rows]
