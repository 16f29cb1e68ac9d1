"""The demo's archive: the Sustainable Development Goals the task force files its work under, an
external report kept by its DOI, a policy brief kept by its address, and the conference's
accepted papers published from its call."""

from __future__ import annotations

import datetime as dt
import io

import sqlalchemy as sa

from conference.accounts.models import User
from conference.archive import publishing, resources, themes
from conference.archive.enums import RecordKind
from conference.archive.models import ArchiveRecord, Theme
from conference.archive.records import RecordDetails
from conference.cfp.models import Submission
from conference.core.files import Upload
from conference.demo.cfp import minimal_pdf
from conference.events.models import Event
from conference.extensions import db

THEMES = [
    ("SDG 3: Good health and well-being", "ODD 3 : Bonne santé et bien-être", "ODS 3: Salud y bienestar"),
    ("SDG 6: Clean water and sanitation", "ODD 6 : Eau propre et assainissement", "ODS 6: Agua limpia y saneamiento"),
    ("SDG 17: Partnerships for the goals", "ODD 17 : Partenariats pour la réalisation des objectifs",
     "ODS 17: Alianzas para lograr los objetivos"),
]


def _resources(event: Event, theme_ids: dict[str, int]) -> list[RecordDetails]:
    return [
        RecordDetails(
            kind=RecordKind.REPORT, title="Data for water and sanitation: a progress report",
            authors=[{"name": "Ngozi Okafor", "affiliation": "Member Agency for Statistics"},
                     {"name": "Lars Eriksen", "affiliation": "University of Oslo"}],
            language="en", licence="CC-BY-4.0", year=2025, published_on=dt.date(2025, 6, 30),
            abstract="Where household surveys and administrative records agree on access to water, and where not.",
            keywords=["water", "household surveys", "administrative data"], doi="10.5555/demo.water.2025",
            publisher="Task Force Secretariat", theme_ids=[theme_ids["SDG 6: Clean water and sanitation"]],
            event=event,
        ),
        RecordDetails(
            kind=RecordKind.POLICY_BRIEF, title="Sharing health data across agencies: five principles",
            authors=[{"name": "Hiroshi Tanaka", "affiliation": "Member Agency for Health"}],
            language="en", licence="CC-BY-SA-4.0", year=2024, url="https://example.org/briefs/health-data-sharing",
            keywords=["health", "data sharing"], publisher="Member Agency for Health",
            theme_ids=[theme_ids["SDG 3: Good health and well-being"],
                       theme_ids["SDG 17: Partnerships for the goals"]],
            event=event,
        ),
    ]


def load_archive(event: Event, *, admin: User, organiser: User) -> str:
    """Adds what is missing (the demo loads again without doubling anything)."""
    known = {theme.name: theme.id for theme in db.session.scalars(sa.select(Theme))}
    for name, french, spanish in THEMES:
        if name not in known:
            known[name] = themes.add_theme(name=name, name_translations={"fr": french, "es": spanish}, actor=admin).id
    taken = {identifier for row in db.session.execute(sa.select(ArchiveRecord.doi, ArchiveRecord.url))
             for identifier in row}
    for details in _resources(event, known):
        if (details.doi or details.url) not in taken:
            pdf = minimal_pdf(details.title, details.abstract, byline=details.authors[0]["name"])
            resources.add_resource(details=details, actor=organiser, upload=Upload("report.pdf", io.BytesIO(pdf)))
    published = set(db.session.scalars(sa.select(ArchiveRecord.submission_id)))
    accepted = db.session.scalars(sa.select(Submission).where(
        Submission.event_id == event.id, Submission.state.in_(publishing.PUBLISHABLE)).order_by(Submission.id))
    for submission in accepted:
        if submission.id not in published:
            publishing.publish_from_submission(submission, actor=organiser, licence="CC-BY-4.0")
    count = db.session.scalar(sa.select(sa.func.count()).select_from(ArchiveRecord))
    return f"Archive: {count} records at /archive, {len(known)} themes."
