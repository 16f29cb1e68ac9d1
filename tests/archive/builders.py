"""Builders of the archive's tests: a record's details, a record of an event, an external resource."""

from __future__ import annotations

import dataclasses
import datetime as dt

from conference.archive import records, resources
from conference.archive.enums import RecordKind
from conference.archive.models import ArchiveRecord
from conference.archive.records import RecordDetails

AUTHORS = [{"name": "Ada Lovelace", "affiliation": "University of London"},
           {"name": "Alan Turing", "affiliation": "Bletchley Park"}]


def details(**overrides) -> RecordDetails:
    fields = {"kind": RecordKind.PAPER, "title": "Water & sanitation: 50% of $costs_{rural}", "authors": AUTHORS,
              "language": "en", "licence": "CC-BY-4.0", "year": 2026, "abstract": "We measure access to water.",
              "keywords": ["water", "SDG 6"], "published_on": dt.date(2026, 5, 4)}
    fields.update(overrides)
    return RecordDetails(**fields)


def make_record(event, actor, **overrides) -> ArchiveRecord:
    return records.add_record(details=details(event=event, **overrides), actor=actor)


def make_resource(actor, **overrides) -> ArchiveRecord:
    overrides.setdefault("kind", RecordKind.REPORT)
    overrides.setdefault("doi", "10.5555/report.2026")
    return resources.add_resource(details=details(**overrides), actor=actor)


def with_authors(base: RecordDetails, count: int) -> RecordDetails:
    people = [{"name": f"Author Number{i}", "affiliation": f"Institute {i}"} for i in range(count)]
    return dataclasses.replace(base, authors=people)
