"""The citation exports, each read back by a well-kept parser: BibTeX by bibtexparser (v2), RIS by
rispy, CSL-JSON rendered by citeproc-py with its bundled Harvard style, DataCite XML by ElementTree."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET

import bibtexparser
import citeproc
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from flask_babel import force_locale

from conference.archive import citations
from conference.archive.enums import RecordKind

from .. import factories
from .builders import make_record, make_resource

PAGE = "https://events.example.org/archive/7"
NS = {"d": "http://datacite.org/schema/kernel-4"}


def test_bibtex_of_conference_paper_read_back_escaped(db, event, organiser):
    record = make_record(event, organiser, doi="10.1234/w_1")
    text = citations.bibtex(record, page_url=PAGE, site_name="Site")
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    [entry] = library.entries
    assert (entry.entry_type, entry.key) == ("inproceedings", f"archive{record.id}")
    fields = entry.fields_dict
    assert fields["title"].value == r"Water \& sanitation: 50\% of \$costs\_\{rural\}"
    assert fields["author"].value == "Ada Lovelace and Alan Turing"
    assert fields["booktitle"].value == event.title
    assert (fields["year"].value, fields["month"].value, fields["doi"].value) == ("2026", "5", "10.1234/w_1")
    decoded = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()]).entries[0]
    assert decoded.fields_dict["title"].value == record.title


def test_bibtex_types_techreport_and_misc(db, event, organiser):
    admin = factories.make_user(is_admin=True)
    report = make_resource(admin, publisher="UNEP", title="Report {draft}")
    brief = make_resource(admin, kind=RecordKind.POLICY_BRIEF, doi="10.5555/brief")
    outside_paper = make_resource(admin, kind=RecordKind.PAPER, doi="10.5555/paper")
    entries = [bibtexparser.parse_string(citations.bibtex(r, page_url=PAGE, site_name="Site")).entries[0]
               for r in (report, brief, outside_paper)]
    assert [e.entry_type for e in entries] == ["techreport", "misc", "misc"]
    assert entries[0].fields_dict["institution"].value == "UNEP"
    assert entries[0].fields_dict["title"].value == r"Report \{draft\}"


def test_ris_read_back_by_rispy(db, event, organiser):
    record = make_record(event, organiser, doi="10.1234/ris", abstract="Line one.\nLine two.")
    [entry] = rispy.loads(citations.ris(record, page_url=PAGE))
    assert entry["type_of_reference"] == "CPAPER"
    assert entry["title"] == record.title
    assert entry["authors"] == ["Lovelace, Ada", "Turing, Alan"]
    assert (entry["year"], entry["date"], entry["doi"]) == ("2026", "2026/05/04", "10.1234/ris")
    assert entry["secondary_title"] == event.title
    assert entry["keywords"] == ["water", "SDG 6"]
    assert entry["abstract"] == "Line one. Line two."
    assert entry["urls"] == [PAGE]


def _harvard_bibliography(text: str) -> list[str]:
    source = CiteProcJSON(json.loads(text))
    style_path = os.path.join(os.path.dirname(citeproc.__file__), "data", "styles", "harvard-cite-them-right.csl")
    bibliography = CitationStylesBibliography(CitationStylesStyle(style_path, validate=False), source, formatter.plain)
    for item in json.loads(text):
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]


def test_csl_json_rendered_by_citeproc(db, event, organiser):
    record = make_record(event, organiser, doi="10.1234/csl", title="Clean water")
    text = citations.csl_json(record, page_url=PAGE)
    [item] = json.loads(text)
    assert item["author"] == [{"family": "Lovelace", "given": "Ada"}, {"family": "Turing", "given": "Alan"}]
    assert (item["type"], item["issued"], item["DOI"]) == ("paper-conference", {"date-parts": [[2026, 5, 4]]},
                                                          "10.1234/csl")
    [rendered] = _harvard_bibliography(text)
    assert rendered.startswith("Lovelace, A. and Turing, A. (2026)")
    assert "Clean water" in rendered
    assert "10.1234/csl" in rendered


def test_datacite_xml_kernel_4_elements(db, event, organiser):
    record = make_record(event, organiser, doi="10.1234/dc", licence="CC-BY-SA-4.0")
    root = ET.fromstring(citations.datacite_xml(record, page_url=PAGE, site_name="Site"))
    assert root.tag == "{http://datacite.org/schema/kernel-4}resource"
    identifier = root.find("d:identifier", NS)
    assert (identifier.get("identifierType"), identifier.text) == ("DOI", "10.1234/DC")
    creators = root.findall("d:creators/d:creator", NS)
    assert [c.find("d:creatorName", NS).text for c in creators] == ["Lovelace, Ada", "Turing, Alan"]
    assert [c.find("d:affiliation", NS).text for c in creators] == ["University of London", "Bletchley Park"]
    assert root.find("d:titles/d:title", NS).text == record.title
    assert root.find("d:publisher", NS).text == event.title
    assert root.find("d:publicationYear", NS).text == "2026"
    assert root.find("d:resourceType", NS).get("resourceTypeGeneral") == "ConferencePaper"
    assert [s.text for s in root.findall("d:subjects/d:subject", NS)] == ["water", "SDG 6"]
    rights = root.find("d:rightsList/d:rights", NS)
    assert (rights.get("rightsIdentifier"), rights.get("rightsURI")) == (
        "CC-BY-SA-4.0", "https://creativecommons.org/licenses/by-sa/4.0/")
    assert root.find("d:descriptions/d:description", NS).text == record.abstract
    assert root.find("d:alternateIdentifiers/d:alternateIdentifier", NS).text == PAGE


def test_datacite_without_doi_leaves_identifier_to_the_minter(db, event, organiser):
    record = make_record(event, organiser, licence="all-rights-reserved")
    root = ET.fromstring(citations.datacite_xml(record, page_url=PAGE, site_name="Site"))
    assert root.find("d:identifier", NS) is None
    assert root.find("d:rightsList/d:rights", NS).text == "All rights reserved"


def test_formatted_citation_in_reader_language(app, db, event, organiser):
    record = make_record(event, organiser, doi="10.1234/how")
    with app.test_request_context(), force_locale("fr"):
        text = citations.formatted_citation(record, page_url=PAGE)
    assert text.startswith("Lovelace, A. et Turing, A. (2026). Water & sanitation: 50% of $costs_{rural}.")
    assert text.endswith("https://doi.org/10.1234/how")
