"""State and kind enumerations. A leaf module: it imports nothing of ours."""

import enum


class EventKind(enum.StrEnum):
    CONFERENCE = "conference"
    SYMPOSIUM = "symposium"


class EventFormat(enum.StrEnum):
    IN_PERSON = "in_person"
    VIRTUAL = "virtual"
    HYBRID = "hybrid"


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class TeamRole(enum.StrEnum):
    ORGANISER = "organiser"
    TRACK_CHAIR = "track_chair"
    REVIEWER = "reviewer"


class MailState(enum.StrEnum):
    HELD = "held"  # written, waiting for an organiser to look it over and send it
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class SubmissionState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"  # released to the authors, waiting for their confirmation
    REJECTED = "rejected"
    CONFIRMED = "confirmed"  # accepted and confirmed by an author
    WITHDRAWN = "withdrawn"


# The submission state machine, written once: state -> states it may move to.
# Decisions are staged on the submission (Submission.pending_decision) and only move it
# to accepted or rejected when organisers release them; a released decision may be revised.
SUBMISSION_TRANSITIONS: dict[SubmissionState, frozenset[SubmissionState]] = {
    SubmissionState.DRAFT: frozenset({SubmissionState.SUBMITTED}),
    SubmissionState.SUBMITTED: frozenset(
        {SubmissionState.WITHDRAWN, SubmissionState.ACCEPTED, SubmissionState.REJECTED}
    ),
    SubmissionState.ACCEPTED: frozenset(
        {SubmissionState.CONFIRMED, SubmissionState.WITHDRAWN, SubmissionState.REJECTED}
    ),
    SubmissionState.REJECTED: frozenset({SubmissionState.ACCEPTED}),
    SubmissionState.CONFIRMED: frozenset({SubmissionState.WITHDRAWN, SubmissionState.REJECTED}),
    SubmissionState.WITHDRAWN: frozenset(),
}
# States in which a submission is in front of the committee (it can be assigned and reviewed).
REVIEWABLE_STATES = frozenset(
    {SubmissionState.SUBMITTED, SubmissionState.ACCEPTED, SubmissionState.REJECTED, SubmissionState.CONFIRMED}
)


class QuestionTarget(enum.StrEnum):
    SUBMISSION = "submission"
    AUTHOR = "author"


class QuestionKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"
    URL = "url"
    DATE = "date"
    COUNTRY = "country"  # an ISO 3166 code, chosen from a list
    FILE = "file"


class FileKind(enum.StrEnum):
    PAPER = "paper"
    SUPPLEMENT = "supplement"
    ANSWER = "answer"


class BlindMode(enum.StrEnum):
    OPEN = "open"  # everyone sees everyone
    SINGLE_BLIND = "single_blind"  # authors never learn who reviewed them
    DOUBLE_BLIND = "double_blind"  # and reviewers never learn who the authors are


class OtherReviewsVisibility(enum.StrEnum):
    ALWAYS = "always"
    AFTER_OWN = "after_own"  # once the reviewer has submitted their own review
    NEVER = "never"


class ConflictKind(enum.StrEnum):
    COAUTHOR = "coauthor"  # co-author or collaborator
    INSTITUTION = "institution"
    ADVISOR = "advisor"  # advisor or advisee
    PERSONAL = "personal"
    OTHER = "other"


class ConflictSource(enum.StrEnum):
    AUTHOR = "author"
    REVIEWER = "reviewer"
    ORGANISER = "organiser"


class BidPreference(enum.StrEnum):
    EAGER = "eager"
    WILLING = "willing"
    NEUTRAL = "neutral"
    NOT_WILLING = "not_willing"
    CONFLICT = "conflict"  # recorded as a Conflict, never as a bid row


class ReviewState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Decision(enum.StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"


class AssignmentSource(enum.StrEnum):
    MANUAL = "manual"
    AUTOMATIC = "automatic"


class ReviewQuestionKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    YES_NO = "yes_no"
    SINGLE_CHOICE = "single_choice"


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


class SessionKind(enum.StrEnum):
    PLENARY = "plenary"
    PARALLEL = "parallel"
    WORKSHOP = "workshop"
    POSTER = "poster"  # poster sessions may share a room on purpose
    BREAK = "break"
    SOCIAL = "social"


class ItemKind(enum.StrEnum):
    TALK = "talk"  # an accepted submission
    KEYNOTE = "keynote"
    PANEL = "panel"
    OPENING = "opening"
    OTHER = "other"


class OrganisationKind(enum.StrEnum):
    MEMBER = "member"
    OBSERVER = "observer"
    PARTNER = "partner"
    OTHER = "other"
