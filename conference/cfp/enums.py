"""State and kind enumerations. A leaf module: it imports nothing of ours."""

import enum


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


class FileKind(enum.StrEnum):
    PAPER = "paper"
    SUPPLEMENT = "supplement"
    ANSWER = "answer"


class Decision(enum.StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
