"""State and kind enumerations. A leaf module: it imports nothing of ours."""

import enum


class OrganisationKind(enum.StrEnum):
    MEMBER = "member"
    OBSERVER = "observer"
    PARTNER = "partner"
    OTHER = "other"
