"""What search engines and Google Scholar read on a record's page: Highwire Press ``citation_*``
meta tags and a schema.org ScholarlyArticle in JSON-LD."""

from __future__ import annotations

from conference.archive.citations import container_title
from conference.archive.enums import LICENCE_URLS
from conference.archive.identifiers import doi_url
from conference.archive.models import ArchiveRecord


def publication_date(record: ArchiveRecord) -> str:
    return record.published_on.isoformat() if record.published_on else str(record.year)


def highwire_tags(record: ArchiveRecord, *, pdf_url: str | None) -> list[tuple[str, str]]:
    """(name, content) pairs in Highwire's order: each author followed by their institution."""
    tags = [("citation_title", record.title)]
    for author in record.authors:
        tags.append(("citation_author", author["name"]))
        if author.get("affiliation"):
            tags.append(("citation_author_institution", author["affiliation"]))
    tags.append(("citation_publication_date", publication_date(record).replace("-", "/")))
    if container := container_title(record):
        tags.append(("citation_conference_title", container))
    if record.publisher:
        tags.append(("citation_publisher", record.publisher))
    if pdf_url:
        tags.append(("citation_pdf_url", pdf_url))
    if record.doi:
        tags.append(("citation_doi", record.doi))
    tags.append(("citation_language", record.language))
    if record.keywords:
        tags.append(("citation_keywords", "; ".join(record.keywords)))
    return tags


def json_ld(record: ArchiveRecord, *, page_url: str, pdf_url: str | None) -> dict:
    """A schema.org ScholarlyArticle (for templates' ``tojson``, which escapes ``<`` and ``&``)."""
    data: dict = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "@id": page_url,
        "url": page_url,
        "headline": record.title[:110],
        "name": record.title,
        "author": [
            {"@type": "Person", "name": author["name"],
             **({"affiliation": {"@type": "Organization", "name": author["affiliation"]}}
                if author.get("affiliation") else {})}
            for author in record.authors
        ],
        "datePublished": publication_date(record),
        "inLanguage": record.language,
    }
    if record.abstract:
        data["abstract"] = record.abstract
    if record.keywords:
        data["keywords"] = record.keywords
    if record.themes:
        data["about"] = [{"@type": "Thing", "name": theme.name} for theme in record.themes]
    if record.licence in LICENCE_URLS:
        data["license"] = LICENCE_URLS[record.licence]
    if record.doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": record.doi}
        data["sameAs"] = doi_url(record.doi)
    if record.publisher:
        data["publisher"] = {"@type": "Organization", "name": record.publisher}
    if container := container_title(record):
        data["isPartOf"] = {"@type": "Event", "name": container}
    if pdf_url:
        data["encoding"] = {"@type": "MediaObject", "contentUrl": pdf_url, "encodingFormat": "application/pdf"}
    return data
