"""State and kind enumerations. A leaf module: it imports nothing of ours."""

import enum


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



class AssignmentSource(enum.StrEnum):
    MANUAL = "manual"
    AUTOMATIC = "automatic"

