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
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class SubmissionState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


# The submission state machine, written once: state -> states it may move to.
# The review issue adds the decisions (accepted, rejected, confirmed...).
SUBMISSION_TRANSITIONS: dict[SubmissionState, frozenset[SubmissionState]] = {
    SubmissionState.DRAFT: frozenset({SubmissionState.SUBMITTED}),
    SubmissionState.SUBMITTED: frozenset({SubmissionState.WITHDRAWN}),
    SubmissionState.WITHDRAWN: frozenset(),
}


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
    FILE = "file"


class FileKind(enum.StrEnum):
    PAPER = "paper"
    SUPPLEMENT = "supplement"
    ANSWER = "answer"
