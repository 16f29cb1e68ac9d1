"""A record's citation: formatted for readers (How to cite), and exported as BibTeX, RIS,
CSL-JSON and DataCite XML (kernel 4) for reference managers and organisations that mint DOIs."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from flask_babel import gettext as _

from conference.archive.enums import LICENCE_URLS, RecordKind, RecordSource
from conference.archive.identifiers import doi_url
from conference.archive.models import ArchiveRecord
from conference.core.lists import format_list

DATACITE = "http://datacite.org/schema/kernel-4"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def split_name(name: str) -> tuple[str, str]:
    """(family, given) of a name typed in the usual order: the family name is the last word
    (a name of one word, or an organisation written so, is all family)."""
    given, _space, family = name.strip().rpartition(" ")
    return family, given


def container_title(record: ArchiveRecord) -> str:
    """The event a record belongs to, as a citation names it (conference title)."""
    return record.event.title if record.event is not None and record.source == RecordSource.EVENT else ""


def link_of(record: ArchiveRecord, page_url: str) -> str:
    """Where a citation points: the DOI when there is one, else the resource's own address, else
    its page here."""
    return doi_url(record.doi) if record.doi else (record.url or page_url)


# How to cite (for people) --------------------------------------------------------------------------

def formatted_citation(record: ArchiveRecord, *, page_url: str) -> str:
    """Author-date, as APA writes it, with the list of names joined in the reader's language:
    "Lovelace, A., and Turing, A. (2026). Title. In Conference. Publisher. https://doi.org/…"."""
    names = []
    for author in record.author_names:
        family, given = split_name(author)
        initials = " ".join(f"{part[0]}." for part in given.split())
        names.append(f"{family}, {initials}" if initials else family)
    parts = [f"{format_list(names)} ({record.year}).", f"{record.title.rstrip('.')}."]
    if container := container_title(record):
        parts.append(_("In %(conference)s.", conference=container))
    if record.publisher:
        parts.append(f"{record.publisher}.")
    parts.append(link_of(record, page_url))
    return " ".join(parts)


# BibTeX -----------------------------------------------------------------------------------------

_LATEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
          "^": r"\^{}", "_": r"\_", "%": r"\%", "~": r"\~{}"}
_LATEX_SPECIAL = re.compile(r"[\\{}$&#^_%~]")
BIBTEX_TYPES = {RecordKind.PAPER: "inproceedings", RecordKind.REPORT: "techreport"}


def latex_escape(text: str) -> str:
    return _LATEX_SPECIAL.sub(lambda match: _LATEX[match.group()], " ".join(text.split()))


def _verbatim(text: str) -> str:
    """A DOI or address, as BibTeX's verbatim fields take them: only braces would break the entry."""
    return text.replace("{", "%7B").replace("}", "%7D")


def bibtex_type(record: ArchiveRecord) -> str:
    """@inproceedings for a paper of a conference (one of ours), @techreport for a report, @misc
    for the rest (a paper published elsewhere has no proceedings we know of)."""
    if record.kind == RecordKind.PAPER and not container_title(record):
        return "misc"
    return BIBTEX_TYPES.get(record.kind, "misc")


def bibtex(record: ArchiveRecord, *, page_url: str, site_name: str) -> str:
    kind = bibtex_type(record)
    authors = " and ".join(
        "{" + latex_escape(name) + "}" if " and " in f" {name} " else latex_escape(name) for name in record.author_names
    )
    fields = [("author", authors), ("title", latex_escape(record.title)), ("year", str(record.year))]
    if kind == "inproceedings":
        fields.append(("booktitle", latex_escape(container_title(record))))
    if kind == "techreport":
        fields.append(("institution", latex_escape(record.publisher or site_name)))
    elif record.publisher:
        fields.append(("publisher", latex_escape(record.publisher)))
    if record.published_on is not None:
        fields.append(("month", str(record.published_on.month)))
    if record.abstract:
        fields.append(("abstract", latex_escape(record.abstract)))
    if record.keywords:
        fields.append(("keywords", latex_escape(", ".join(record.keywords))))
    fields.append(("language", latex_escape(record.language)))
    if record.doi:
        fields.append(("doi", _verbatim(record.doi)))
    fields.append(("url", _verbatim(record.url or page_url)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{archive{record.id},\n{body}\n}}\n"


# RIS --------------------------------------------------------------------------------------------

RIS_TYPES = {RecordKind.PAPER: "CPAPER", RecordKind.REPORT: "RPRT", RecordKind.POLICY_BRIEF: "RPRT"}


def ris(record: ArchiveRecord, *, page_url: str) -> str:
    """One RIS record; each value on one line, as the format requires."""
    kind = RIS_TYPES.get(record.kind, "GEN") if record.kind != RecordKind.PAPER or container_title(record) else "GEN"
    lines = [("TY", kind), ("TI", record.title)]
    for name in record.author_names:
        family, given = split_name(name)
        lines.append(("AU", f"{family}, {given}" if given else family))
    lines.append(("PY", str(record.year)))
    if record.published_on is not None:
        lines.append(("DA", record.published_on.strftime("%Y/%m/%d")))
    if container := container_title(record):
        lines.append(("T2", container))
    if record.publisher:
        lines.append(("PB", record.publisher))
    if record.abstract:
        lines.append(("AB", record.abstract))
    lines += [("KW", keyword) for keyword in record.keywords]
    lines.append(("LA", record.language))
    if record.doi:
        lines.append(("DO", record.doi))
    lines.append(("UR", record.url or page_url))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {' '.join(value.split())}\r\n" for tag, value in lines)


# CSL-JSON ----------------------------------------------------------------------------------------

CSL_TYPES = {RecordKind.PAPER: "paper-conference", RecordKind.REPORT: "report", RecordKind.POLICY_BRIEF: "report"}


def csl_item(record: ArchiveRecord, *, page_url: str) -> dict:
    kind = CSL_TYPES.get(record.kind, "document")
    if kind == "paper-conference" and not container_title(record):
        kind = "article"
    authors = []
    for name in record.author_names:
        family, given = split_name(name)
        authors.append({"family": family, "given": given} if given else {"literal": family})
    issued = [record.year] + ([record.published_on.month, record.published_on.day] if record.published_on else [])
    item: dict = {"id": f"archive{record.id}", "type": kind, "title": record.title, "author": authors,
                  "issued": {"date-parts": [issued]}, "language": record.language, "URL": record.url or page_url}
    if container := container_title(record):
        item["container-title"] = item["event"] = container  # "event": CSL 1.0.1's name, which readers know
    optional = {"publisher": record.publisher, "abstract": record.abstract, "DOI": record.doi or "",
                "keyword": ", ".join(record.keywords)}
    item.update({key: value for key, value in optional.items() if value})
    return item


def csl_json(record: ArchiveRecord, *, page_url: str) -> str:
    return json.dumps([csl_item(record, page_url=page_url)], ensure_ascii=False, indent=2)


# DataCite XML (kernel 4) ---------------------------------------------------------------------------

DATACITE_TYPES = {RecordKind.PAPER: "ConferencePaper", RecordKind.REPORT: "Report"}


def datacite_xml(record: ArchiveRecord, *, page_url: str, site_name: str) -> str:
    """The record's metadata as DataCite's kernel-4 XML, for an organisation that mints its DOI.
    Without a DOI yet, the identifier is left out (the minting organisation gives it) and the
    record's page is given as an alternate identifier."""
    ET.register_namespace("", DATACITE)
    ET.register_namespace("xsi", XSI)

    def add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{DATACITE}}}{tag}", attributes)
        element.text = text
        return element

    root = ET.Element(f"{{{DATACITE}}}resource", {
        f"{{{XSI}}}schemaLocation": f"{DATACITE} https://schema.datacite.org/meta/kernel-4/metadata.xsd"})
    if record.doi:
        add(root, "identifier", record.doi.upper(), identifierType="DOI")
    creators = add(root, "creators")
    for author in record.authors:
        family, given = split_name(author["name"])
        creator = add(creators, "creator")
        add(creator, "creatorName", f"{family}, {given}" if given else family, nameType="Personal")
        if given:
            add(creator, "givenName", given)
        add(creator, "familyName", family)
        if author.get("affiliation"):
            add(creator, "affiliation", author["affiliation"])
    titles = add(root, "titles")
    add(titles, "title", record.title, **{XML_LANG: record.language})
    add(root, "publisher", record.publisher or container_title(record) or site_name)
    add(root, "publicationYear", str(record.year))
    kind_label = record.kind.value.replace("_", " ").capitalize()
    add(root, "resourceType", kind_label, resourceTypeGeneral=DATACITE_TYPES.get(record.kind, "Text"))
    subjects = record.keywords + [theme.name for theme in record.themes]
    if subjects:
        element = add(root, "subjects")
        for subject in subjects:
            add(element, "subject", subject)
    if record.published_on is not None:
        add(add(root, "dates"), "date", record.published_on.isoformat(), dateType="Issued")
    add(root, "language", record.language)
    alternates = add(root, "alternateIdentifiers")
    add(alternates, "alternateIdentifier", page_url, alternateIdentifierType="URL")
    rights = add(root, "rightsList")
    if record.licence in LICENCE_URLS:
        add(rights, "rights", record.licence, rightsURI=LICENCE_URLS[record.licence], rightsIdentifier=record.licence,
            rightsIdentifierScheme="SPDX", schemeURI="https://spdx.org/licenses/")
    else:
        add(rights, "rights", "All rights reserved")
    if record.abstract:
        add(add(root, "descriptions"), "description", record.abstract, descriptionType="Abstract")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
