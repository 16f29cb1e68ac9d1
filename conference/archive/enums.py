"""The archive's kinds, sources and states. A leaf module: it imports nothing of ours."""

import enum


class RecordKind(enum.StrEnum):
    PAPER = "paper"
    REPORT = "report"
    POSITION_PAPER = "position_paper"
    POLICY_BRIEF = "policy_brief"
    OTHER = "other"


class RecordSource(enum.StrEnum):
    EVENT = "event"  # presented at or made for an event of this site
    EXTERNAL = "external"  # published elsewhere, kept here by DOI or address


class RecordState(enum.StrEnum):
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"  # taken down: its page is a tombstone (410), its files are gone


# The licences a record may carry: SPDX identifiers, and "all rights reserved" (no SPDX id).
ALL_RIGHTS_RESERVED = "all-rights-reserved"
LICENCES = ("CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0", "CC-BY-ND-4.0", "CC0-1.0", ALL_RIGHTS_RESERVED)
LICENCE_URLS = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC-BY-NC-4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
    "CC-BY-ND-4.0": "https://creativecommons.org/licenses/by-nd/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}
