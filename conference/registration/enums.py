"""State and kind enumerations. A leaf module: it imports nothing of ours."""

import enum


class RegistrationState(enum.StrEnum):
    PENDING = "pending"  # holds a place, waiting for an organiser's approval
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"  # a place is held for them until offer_expires_at
    REJECTED = "rejected"
    CANCELLED = "cancelled"


# States that count as "this person's registration" (one per person and event) ...
ACTIVE_REGISTRATION_STATES = frozenset(
    {RegistrationState.PENDING, RegistrationState.CONFIRMED, RegistrationState.WAITLISTED, RegistrationState.OFFERED}
)
# ... and those that take a place.
PLACE_HOLDING_STATES = frozenset({RegistrationState.PENDING, RegistrationState.CONFIRMED, RegistrationState.OFFERED})

REGISTRATION_TRANSITIONS: dict[RegistrationState, frozenset[RegistrationState]] = {
    RegistrationState.PENDING: frozenset(
        # waitlisted: a focal point approves someone the delegation's quota has no room for yet
        {RegistrationState.CONFIRMED, RegistrationState.REJECTED, RegistrationState.CANCELLED,
         RegistrationState.WAITLISTED}
    ),
    RegistrationState.CONFIRMED: frozenset({RegistrationState.CANCELLED}),
    RegistrationState.WAITLISTED: frozenset(
        {RegistrationState.OFFERED, RegistrationState.REJECTED, RegistrationState.CANCELLED}
    ),
    RegistrationState.OFFERED: frozenset(
        # waitlisted: the offer is withdrawn because the organisers lowered the capacity
        {RegistrationState.CONFIRMED, RegistrationState.PENDING, RegistrationState.CANCELLED,
         RegistrationState.WAITLISTED}
    ),
    RegistrationState.REJECTED: frozenset(),
    RegistrationState.CANCELLED: frozenset(),
}


class AttendanceMode(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"


class CancelReason(enum.StrEnum):
    BY_PARTICIPANT = "by_participant"
    BY_ORGANISER = "by_organiser"
    OFFER_DECLINED = "offer_declined"
    OFFER_EXPIRED = "offer_expired"
    NOT_RECONFIRMED = "not_reconfirmed"
    SUBSTITUTED = "substituted"  # a focal point gave the place to a colleague


class ListVisibility(enum.StrEnum):
    HIDDEN = "hidden"
    PARTICIPANTS = "participants"  # confirmed participants and the team
    PUBLIC = "public"
