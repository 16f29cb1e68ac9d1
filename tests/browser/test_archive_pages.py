"""The archive in Chromium, every page checked by axe-core and for CSP violations (the record
page's JSON-LD block included): an organiser adds an external report (a mistyped DOI is refused
next to its field first), a visitor finds it in the archive, opens it and downloads its BibTeX,
which bibtexparser reads back."""

from __future__ import annotations

import json
import pathlib
import re

import bibtexparser

from .. import factories
from .test_account_and_event_journey import expect, log_in


def test_organiser_adds_external_report_and_visitor_downloads_its_bibtex(page, new_page, live_server, committed_db):
    db = committed_db
    organiser = factories.make_user(name="Olga Organiser", email="olga@example.org", may_create_events=True)
    event = factories.make_event(organiser=organiser, slug="water-forum", title="Water Forum 2026", published=True)
    db.session.commit()

    log_in(page, organiser.email, factories.DEFAULT_PASSWORD)
    page.goto("/archive/manage")
    page.follow(page.get_by_role("link", name="Add an external resource"))
    page.get_by_label("Kind").select_option(label="Report")
    page.get_by_label("Title").fill("Water & sanitation for all: progress report")
    page.get_by_label("Authors").fill("Ada Lovelace; University of London\nAlan Turing; Bletchley Park")
    page.get_by_label("Keywords").fill("water, SDG 6")
    page.get_by_label("Event", exact=True).select_option(label=event.title)
    page.get_by_label("DOI").fill("not a doi")
    page.get_by_label("Source or publisher").fill("UN Water")
    page.get_by_label("Year published").fill("2025")
    page.submit(page.get_by_role("button", name="Add to the archive"))
    expect(page.locator("#error-doi")).to_contain_text("Give a DOI such as 10.1234/abcd")
    expect(page.get_by_label("DOI")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("DOI").fill("https://doi.org/10.5555/Water.2025")
    page.submit(page.get_by_role("button", name="Add to the archive"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Water & sanitation for all: progress report")
    record_id = int(page.url.rstrip("/").rsplit("/", 1)[-1])
    # The managers' other forms, each audited: a new record, this one's edit and withdraw pages.
    for path in ("/archive/manage/new", f"/archive/manage/{record_id}/edit", f"/archive/manage/{record_id}/withdraw"):
        page.goto(path)
        expect(page.locator("main form[method=post]").first).to_be_visible()

    visitor = new_page()
    visitor.goto("/archive")
    visitor.follow(visitor.get_by_role("link", name="Water & sanitation for all: progress report"))
    expect(visitor.get_by_role("link", name="https://doi.org/10.5555/water.2025")).to_be_visible()
    expect(visitor.locator('meta[name="citation_doi"]')).to_have_attribute("content", "10.5555/water.2025")
    data = json.loads(visitor.locator('script[type="application/ld+json"]').text_content())
    assert (data["@type"], data["identifier"]["value"]) == ("ScholarlyArticle", "10.5555/water.2025")
    expect(visitor.locator("#how-to-cite + p")).to_contain_text("Lovelace, A. and Turing, A. (2025).")
    with visitor.expect_download() as download_info:
        visitor.get_by_role("link", name="BibTeX").click()
    text = pathlib.Path(download_info.value.path()).read_text(encoding="utf-8")
    [entry] = bibtexparser.parse_string(text).entries
    assert entry.entry_type == "techreport"
    assert entry.fields_dict["title"].value == r"Water \& sanitation for all: progress report"
    assert entry.fields_dict["institution"].value == "UN Water"
    visitor.audit()


def test_the_site_administrator_manages_the_archives_themes(page, committed_db):
    admin = factories.make_user(name="Amina Admin", email="amina@example.org", is_admin=True)
    committed_db.session.commit()
    log_in(page, admin.email, factories.DEFAULT_PASSWORD)
    page.goto("/archive/manage/themes")
    page.get_by_label(re.compile("^Name")).fill("SDG 6: Clean water and sanitation")
    page.submit(page.get_by_role("button", name="Add the theme"))
    expect(page.get_by_text("SDG 6: Clean water and sanitation").first).to_be_visible()
