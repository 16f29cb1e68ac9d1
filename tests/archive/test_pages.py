"""The archive's pages: public record pages with what Google Scholar reads, tombstones, exports,
the organisers' pages and their permissions, bad input, and fixed query counts."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from html.parser import HTMLParser

import pytest

from conference.archive import records, themes, withdrawal
from conference.archive.enums import RecordSource
from conference.archive.models import ArchiveRecord
from conference.core.files import Upload

from .. import factories
from ..conftest import login, reader
from ..pdfs import make_pdf
from ..query_counting import grow, queries_for
from .builders import details, make_record, make_resource, with_authors

NOW = dt.datetime(2027, 1, 15, 10, 0, tzinfo=dt.UTC)


class HeadReader(HTMLParser):
    """The meta tags (in order) and JSON-LD data blocks of a page."""

    def __init__(self):
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.json_ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "meta" and attributes.get("name", "").startswith("citation_"):
            self.meta.append((attributes["name"], attributes["content"]))
        self._in_ld = tag == "script" and attributes.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld.append(data)

    def handle_endtag(self, tag):
        self._in_ld = False


def read_head(html: str) -> HeadReader:
    reader = HeadReader()
    reader.feed(html)
    return reader


@pytest.fixture
def paper(db, event, organiser, store):
    record = make_record(event, organiser, doi="10.1234/page")
    records.attach_file(record, upload=Upload("paper.pdf", io.BytesIO(make_pdf("Water"))), actor=organiser)
    db.session.flush()
    return record


def test_record_page_highwire_tags_in_order_and_json_ld(client, paper, event):
    response = client.get(f"/archive/{paper.id}")
    assert response.status_code == 200
    head = read_head(response.get_data(as_text=True))
    pdf_url = f"http://conference.test/archive/{paper.id}/files/{paper.files[0].id}/paper.pdf"
    assert head.meta == [
        ("citation_title", paper.title),
        ("citation_author", "Ada Lovelace"), ("citation_author_institution", "University of London"),
        ("citation_author", "Alan Turing"), ("citation_author_institution", "Bletchley Park"),
        ("citation_publication_date", "2026/05/04"),
        ("citation_conference_title", event.title),
        ("citation_pdf_url", pdf_url),
        ("citation_doi", "10.1234/page"),
        ("citation_language", "en"),
        ("citation_keywords", "water; SDG 6"),
    ]
    [block] = head.json_ld
    data = json.loads(block)
    assert (data["@type"], data["name"], data["datePublished"]) == ("ScholarlyArticle", paper.title, "2026-05-04")
    assert [a["name"] for a in data["author"]] == ["Ada Lovelace", "Alan Turing"]
    assert data["identifier"]["value"] == "10.1234/page"
    assert data["encoding"]["contentUrl"] == pdf_url
    assert "<" not in block and "&" not in block  # escaped: the title's "&" cannot close the block


def test_record_page_shows_how_to_cite_and_export_links(client, paper):
    page = client.get(f"/archive/{paper.id}").get_data(as_text=True)
    assert "Lovelace, A. and Turing, A. (2026). Water &amp; sanitation" in page
    for fmt in ("bibtex", "ris", "csl-json", "datacite"):
        assert f'href="/archive/{paper.id}/export/{fmt}"' in page
    assert '<a href="https://doi.org/10.1234/page">https://doi.org/10.1234/page</a>' in page


def test_record_page_in_french_joins_authors_in_french(app, paper):
    client = app.test_client()
    client.set_cookie("language", "fr")
    assert "Lovelace, A. et Turing, A. (2026)" in client.get(f"/archive/{paper.id}").get_data(as_text=True)


def test_exports_served_as_attachments(client, paper):
    response = client.get(f"/archive/{paper.id}/export/bibtex")
    assert response.status_code == 200
    assert response.content_type == "application/x-bibtex; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="archive-{paper.id}.bib"'
    assert response.get_data(as_text=True).startswith(f"@inproceedings{{archive{paper.id},")
    assert client.get(f"/archive/{paper.id}/export/endnote").status_code == 404


def test_file_download_and_wrong_file_404(client, paper):
    stored = paper.files[0]
    response = client.get(f"/archive/{paper.id}/files/{stored.id}/paper.pdf")
    assert (response.status_code, response.content_type) == (200, "application/pdf")
    assert response.get_data().startswith(b"%PDF")
    response.close()
    assert client.get(f"/archive/{paper.id}/files/{stored.id + 1}/paper.pdf").status_code == 404


def test_withdrawn_record_answers_410_tombstone_files_and_exports_too(client, paper, organiser):
    file_id = paper.files[0].id
    withdrawal.withdraw(paper, reason="Consent was withdrawn.", actor=organiser, now=NOW)
    response = client.get(f"/archive/{paper.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 410
    assert "Withdrawn: Water &amp; sanitation" in page
    assert "Ada Lovelace and Alan Turing" in page
    assert "Reason: Consent was withdrawn." in page
    assert "withdrawn from the archive on Jan 15, 2027" in page
    assert "paper.pdf" not in page and "citation_title" not in page
    assert client.get(f"/archive/{paper.id}/files/{file_id}/paper.pdf").status_code == 410
    assert client.get(f"/archive/{paper.id}/export/ris").status_code == 410
    assert f"/archive/{paper.id}\"" not in client.get("/archive").get_data(as_text=True)


def test_missing_record_404(client, db):
    assert client.get("/archive/999999").status_code == 404
    assert client.get("/archive/99999999999").status_code == 404


def test_index_lists_latest_first_and_pages(client, db, event, organiser):
    older = make_record(event, organiser, title="Older", year=2020)
    newer = make_record(event, organiser, title="Newer", year=2027)
    page = client.get("/archive").get_data(as_text=True)
    assert page.index(f"/archive/{newer.id}\"") < page.index(f"/archive/{older.id}\"")
    assert client.get("/archive?page=abc").status_code == 200
    assert "Nothing has been added" in client.get("/archive?page=9").get_data(as_text=True)


def test_index_query_count_fixed_whatever_the_number_of_records(client, db, event, organiser, store, admin_client):
    theme = themes.add_theme(name="SDG 6", name_translations={}, actor=admin_client.user)
    pdf = make_pdf("Water")

    def add_one(i):
        record = make_record(event, organiser, title=f"Paper {i}", doi=f"10.1234/n{i}",
                             authors=with_authors(details(), 5).authors, theme_ids=[theme.id])
        records.attach_file(record, upload=Upload(f"paper-{i}.pdf", io.BytesIO(pdf)), actor=organiser)

    small, large = grow(db, client, "/archive", add_one)
    assert small == large
    page = client.get("/archive").get_data(as_text=True)
    assert page.count("SDG 6</span>") == 20 and "paper-19.pdf" in page


def test_record_page_query_count_fixed_whatever_the_number_of_authors(client, db, event, organiser):
    few = records.add_record(details=with_authors(details(event=event, doi="10.1234/few"), 2), actor=organiser)
    many = records.add_record(details=with_authors(details(event=event, doi="10.1234/many"), 40), actor=organiser)
    assert queries_for(db, client, f"/archive/{few.id}") == queries_for(db, client, f"/archive/{many.id}")


# The organisers' pages --------------------------------------------------------------------------

def test_manage_pages_need_login(client, db):
    response = client.get("/archive/manage")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_manage_pages_refused_to_someone_who_manages_nothing(user_client, paper):
    for path in ("/archive/manage", "/archive/manage/new", "/archive/manage/new-resource",
                 f"/archive/manage/{paper.id}/edit", f"/archive/manage/{paper.id}/withdraw", "/archive/manage/themes"):
        assert user_client.get(path).status_code == 403, path
    assert user_client.post(f"/archive/manage/{paper.id}/withdraw", data={"reason": "x"}).status_code == 403


def test_organiser_of_another_event_may_not_edit(app, paper):
    stranger = factories.make_user(may_create_events=True)
    factories.make_event(organiser=stranger, slug="other-event")
    client = login(app.test_client(), stranger)
    assert client.get("/archive/manage").status_code == 200
    assert client.get(f"/archive/manage/{paper.id}/edit").status_code == 403
    assert paper.title not in client.get("/archive/manage").get_data(as_text=True)


def test_organiser_lists_and_edits_their_records(organiser_client, db, paper, event):
    assert paper.title.replace("&", "&amp;") in organiser_client.get("/archive/manage").get_data(as_text=True)
    form = organiser_client.get(f"/archive/manage/{paper.id}/edit").get_data(as_text=True)
    assert "Ada Lovelace; University of London\nAlan Turing; Bletchley Park" in form
    response = organiser_client.post(f"/archive/manage/{paper.id}/edit", data={
        "kind": "paper", "title": "Renamed", "authors": "Grace Hopper; Navy", "language": "fr", "licence": "CC0-1.0",
        "year": "2025", "event_id": str(event.id), "doi": "10.1234/PAGE"})
    assert (response.status_code, response.headers["Location"]) == (302, f"/archive/{paper.id}")
    db.session.expire_all()
    assert (paper.title, paper.authors, paper.language, paper.doi) == (
        "Renamed", [{"name": "Grace Hopper", "affiliation": "Navy"}], "fr", "10.1234/page")


def _resource_form(event, **overrides) -> dict:
    data = {"kind": "report", "title": "Water report", "authors": "UN Water; United Nations", "language": "en",
            "licence": "CC-BY-4.0", "year": "2024", "event_id": str(event.id), "doi": "",
            "url": "https://example.org/water-report", "publisher": "UN Water"}
    data.update(overrides)
    return data


def test_organiser_adds_external_resource(organiser_client, event):
    response = organiser_client.post("/archive/manage/new-resource", data=_resource_form(event))
    assert response.status_code == 302
    page = organiser_client.get(response.headers["Location"])
    assert page.status_code == 200 and "Water report" in page.get_data(as_text=True)


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"doi": "not a doi"}, "doi", "Give a DOI such as 10.1234/abcd"),
    ({"doi": "", "url": ""}, "doi", "Give the resource&#39;s DOI or its web address."),
    ({"url": "javascript:alert(1)"}, "url", "Enter a full web address"),
    ({"year": "twenty"}, "year", "Not a valid integer value."),
    ({"year": "99999999999"}, "year", ""),
    ({"licence": "WTFPL"}, "licence", "Not a valid choice."),
    ({"language": "xx-\u0000"}, "language", ""),
    ({"title": ""}, "title", "Give the title."),
    ({"authors": " \n "}, "authors", "Give at least one author"),
    ({"event_id": "abc"}, "event_id", "Choose the event the record belongs to."),
    ({"themes": "abc"}, "themes", "Choose among the options listed."),
    ({"published_on": "2024-13-45"}, "published_on", ""),
])
def test_bad_input_shown_next_to_the_field(organiser_client, event, overrides, field, message):
    response = organiser_client.post("/archive/manage/new-resource", data=_resource_form(event, **overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    error = re.search(rf'<p class="invalid-feedback d-block" id="error-{field}">(.*?)</p>', page, re.S)
    assert error is not None, page[-3000:]
    assert message in error.group(1)


def test_duplicate_resource_refused_on_the_page(organiser_client, event, organiser):
    first = make_resource(organiser, event=event, doi="10.5555/dup")
    response = organiser_client.post("/archive/manage/new-resource",
                                     data=_resource_form(event, doi="https://doi.org/10.5555/DUP", url=""))
    assert response.status_code == 200
    assert f"This DOI is already in the archive, as “{first.title}” (record {first.id})." in response.get_data(
        as_text=True).replace("&amp;", "&").replace("&#34;", '"')


def test_withdraw_page(organiser_client, paper):
    response = organiser_client.post(f"/archive/manage/{paper.id}/withdraw", data={"reason": " "})
    assert response.status_code == 200 and 'id="error-reason"' in response.get_data(as_text=True)
    response = organiser_client.post(f"/archive/manage/{paper.id}/withdraw", data={"reason": "Duplicate."})
    assert response.status_code == 302
    assert organiser_client.get(f"/archive/{paper.id}").status_code == 410
    assert organiser_client.get(f"/archive/manage/{paper.id}/edit").status_code == 403


def test_themes_kept_by_admins(admin_client, organiser_client, db):
    assert organiser_client.get("/archive/manage/themes").status_code == 403
    response = admin_client.post("/archive/manage/themes", data={"name": "SDG 6: Clean water",
                                                                  "name_translations-fr": "ODD 6 : Eau propre"})
    assert response.status_code == 302
    page = admin_client.get("/archive/manage/themes").get_data(as_text=True)
    assert "SDG 6: Clean water" in page
    response = admin_client.post("/archive/manage/themes", data={"name": "sdg 6: clean WATER"})
    assert "There is already a theme with this name." in response.get_data(as_text=True)
    assert admin_client.get("/archive/manage/themes/99999").status_code == 404


def test_organiser_adds_record_with_file_and_theme_through_the_form(organiser_client, db, event, store, organiser):
    admin = factories.make_user(is_admin=True)
    theme = themes.add_theme(name="SDG 6", name_translations={"fr": "ODD 6"}, actor=admin)
    db.session.flush()
    form = organiser_client.get("/archive/manage/new").get_data(as_text=True)
    assert f'value="{theme.id}"' in form and "None (a resource of the whole site)" not in form
    data = _resource_form(event, kind="paper", doi="10.1234/form", url="", themes=str(theme.id),
                          file=(io.BytesIO(make_pdf("Water")), "My Paper.pdf"))
    response = organiser_client.post("/archive/manage/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    record = db.session.get(ArchiveRecord, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert ([t.name for t in record.themes], [f.filename for f in record.files], record.source) == (
        ["SDG 6"], ["My Paper.pdf"], RecordSource.EVENT)
    french = reader(organiser_client.application, "fr").get(response.headers["Location"]).get_data(as_text=True)
    assert "ODD 6" in french


def test_the_header_links_everyone_to_the_archive_current_on_its_public_pages(client, organiser_client, paper):
    link = '<a href="/archive">Archive</a>'
    current = '<a href="/archive" aria-current="page">Archive</a>'
    assert link in client.get("/").text and current not in client.get("/").text
    assert current in client.get("/archive").text
    assert current in client.get(f"/archive/{paper.id}").text
    managing = organiser_client.get("/archive/manage").text
    assert link in managing and current not in managing


def test_the_home_links_to_the_archives_management_for_those_who_may_manage_it(organiser_client, user_client):
    manage = '<a href="/archive/manage">Manage the archive</a>'
    assert manage in organiser_client.get("/dashboard").text
    assert manage not in user_client.get("/dashboard").text
