"""State and kind enumerations. A leaf module: it imports nothing of ours."""

import enum


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
