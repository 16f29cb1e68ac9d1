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
    DESK = "desk"  # check-in desk staff: the event's check-in, nothing else


class SeriesFrequency(enum.StrEnum):
    """How often a series' editions come round (what its page says, not a schedule)."""

    YEARLY = "yearly"
    EVERY_TWO_YEARS = "every_two_years"
    IRREGULAR = "irregular"
