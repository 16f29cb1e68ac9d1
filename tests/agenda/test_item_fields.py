"""What frab carries, kept by the programme: an item's subtitle (translatable), description and
links, and a talk's submission type's name. Typed in the editor's item form (bad input refused
next to its field), carried by the snapshot (old snapshots still render), shown on the talk's
public page and written to frab XML and JSON, which still validate and are read back by two
independent frab readers."""

from __future__ import annotations

import html
import json
import re
from xml.etree import ElementTree as ET

import jsonschema
import pytest
import xmlschema

from conference.agenda import frab as agenda_frab
from conference.agenda import programme
from conference.agenda import snapshot as agenda_snapshot
from conference.agenda.enums import ItemKind
from conference.agenda.models import AgendaItem
from conference.cfp.enums import SubmissionState
from conference.errors import DomainError
from conference.extensions import db

from ..cfp.builders import make_call, submitted_talk
from ..conftest import login, reader
from ..query_counting import queries_for
from .builders import (
    add_item,
    add_room,
    add_session,
    add_speaker,
    in_languages,
    multilingual_programme,
    on_day,
    schema_path,
    store_release,
)
from .frab_readers import read_json_with_down_frab_videos, read_xml_with_schedule_convert

SLIDES = "https://slides.example.org/early-warnings.pdf"
STREAM = "https://live.example.org/hall"
OPTIONS = {"base_url": "http://conference.test/events/sym/", "release_name": "Version 1",
           "schedule_url": "http://conference.test/events/sym/schedule.xml",
           "url_for_entry": lambda e: f"http://conference.test/{e['uid']}", "default_language": "en"}


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# The editor's form --------------------------------------------------------------------------------

@pytest.fixture
def p(db):
    return multilingual_programme()


@pytest.fixture
def organiser(app, p):
    return login(app.test_client(), p.organiser)


def item_form(p, **changes) -> dict:
    data = {"title": "Keynote", "kind": "keynote", "duration": "60", "speaker_ids": [str(p.ada.id)],
            "version": str(p.keynote.version), "subtitle": "Engines that think",
            "subtitle_translations-fr": "Des machines qui pensent", "description": "A long description.",
            "description_translations-fr": "Une longue description.",
            "link_1_kind": "slides", "link_1_title": "Slides", "link_1_url": SLIDES,
            "link_2_kind": "slides", "link_2_title": "", "link_2_url": "",
            "link_3_kind": "live_stream", "link_3_title": "", "link_3_url": STREAM}
    data.update(changes)
    return data


def test_item_form_saves_subtitle_description_and_links_and_shows_them_again(organiser, p):
    url = f"/events/{p.event.slug}/manage/agenda/items/{p.keynote.id}"
    response = organiser.post(url, data=item_form(p))
    assert response.status_code == 302
    db.session.expire_all()
    item = db.session.get(AgendaItem, p.keynote.id)
    assert (item.subtitle, item.description) == ("Engines that think", "A long description.")
    assert item.subtitle_translations == {"fr": "Des machines qui pensent"}
    assert item.description_translations == {"fr": "Une longue description."}
    # The empty row is dropped; a link without a title keeps its place and its kind.
    assert item.links == [{"kind": "slides", "title": "Slides", "url": SLIDES},
                          {"kind": "live_stream", "title": "", "url": STREAM}]
    page = text_of(organiser.get(url))
    assert 'value="Engines that think"' in page and 'value="Des machines qui pensent"' in page
    assert "A long description." in page and "Une longue description." in page
    assert f'value="{SLIDES}"' in page and f'value="{STREAM}"' in page
    # Shown again in their order, the empty row last.
    kinds = {name: re.search(r'<option selected value="(\w+)">', select).group(1) for name, select in
             re.findall(r'<select[^>]*name="(link_\d_kind)"[^>]*>(.*?)</select>', page, re.S)}
    assert kinds == {"link_1_kind": "slides", "link_2_kind": "live_stream", "link_3_kind": "slides"}
    assert re.search(r'name="link_2_url"[^>]*value="([^"]*)"', page).group(1) == STREAM
    assert re.search(r'<input[^>]*name="link_3_url"[^>]*>', page).group(0).count('value=""') + \
        ('value=' not in re.search(r'<input[^>]*name="link_3_url"[^>]*>', page).group(0)) == 1


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"link_1_url": "javascript:alert(1)"}, "link_1_url", "Enter a full web address, starting with https://"),
    ({"link_1_url": "slides.example.org/a.pdf"}, "link_1_url", "Enter a full web address, starting with https://"),
    ({"link_2_title": "Recording", "link_2_url": ""}, "link_2_url", "Give the link's web address."),
    ({"link_3_kind": "podcast"}, "link_3_kind", "Not a valid choice"),
    ({"subtitle": "x" * 301}, "subtitle", "Field cannot be longer than 300 characters."),
])
def test_item_form_refuses_bad_input_next_to_the_field(organiser, p, changes, field, message):
    url = f"/events/{p.event.slug}/manage/agenda/items/{p.keynote.id}"
    response = organiser.post(url, data=item_form(p, title="Kept title", **changes))
    page = text_of(response)
    assert response.status_code == 200
    error = re.search(rf'<p class="invalid-feedback d-block" id="error-{field}">(.*?)</p>', page, re.S)
    assert error is not None and message in error.group(1)
    assert f'id="field-{field}"' in page and 'aria-invalid="true"' in page
    assert 'value="Kept title"' in page and "A long description." in page  # what was typed is kept
    db.session.expire_all()
    item = db.session.get(AgendaItem, p.keynote.id)
    assert (item.title, item.subtitle, item.links) == ("Keynote", "", [])


def test_save_item_checks_links_whoever_calls_it(p):
    def save(links):
        programme.save_item(p.event, actor=p.organiser, item=p.keynote, title="Keynote", kind=ItemKind.KEYNOTE,
                            duration=60, links=links)
    for links, field in (([{"kind": "podcast", "title": "", "url": SLIDES}], "link_1_kind"),
                         ([{}, {"kind": "slides", "title": "Slides", "url": "ftp://example.org/a"}], "link_2_url"),
                         ([{"kind": "other", "title": "No address", "url": " "}], "link_1_url")):
        with pytest.raises(DomainError) as caught:
            save(links)
        assert caught.value.field == field
    save([{"kind": "recording", "title": " Video ", "url": " https://video.example.org/1 "}])
    assert p.keynote.links == [{"kind": "recording", "title": "Video", "url": "https://video.example.org/1"}]
    # A caller that does not give them (None) changes none of them.
    programme.save_item(p.event, actor=p.organiser, item=p.keynote, title="Keynote", kind=ItemKind.KEYNOTE,
                        duration=60)
    assert p.keynote.links == [{"kind": "recording", "title": "Video", "url": "https://video.example.org/1"}]


# A released talk -----------------------------------------------------------------------------------

@pytest.fixture
def talk(db):
    """An accepted talk of type "Talk" (in French: "Exposé") scheduled in a session and released,
    with a subtitle (translated into French), a description and two links."""
    call = make_call(slug="call-frab")
    in_languages(call.event, call.organiser, "fr")
    call.talk.name_translations = {"fr": "Exposé"}
    submission = submitted_talk(call, call.organiser, title="Early warnings", abstract="Short summary.")
    submission.state = SubmissionState.ACCEPTED
    db.session.flush()
    [item] = programme.add_submissions(call.event, actor=call.organiser)
    hall = add_room(call.event, "Main hall")
    session = add_session(call.event, "Morning", on_day(call.event, 0, 8), on_day(call.event, 0, 10), room=hall)
    programme.place_item(item, actor=call.organiser, session=session, starts_at=on_day(call.event, 0, 8))
    programme.save_item(call.event, actor=call.organiser, item=item, title="Early warnings", kind=ItemKind.TALK,
                        duration=30, abstract="Short summary.", subtitle="Seeing floods coming",
                        subtitle_translations={"fr": "Voir venir les crues"},
                        description="A **longer** description.",
                        description_translations={"fr": "Une description **plus longue**."},
                        links=[{"kind": "slides", "title": "Slides", "url": SLIDES},
                               {"kind": "live_stream", "title": "", "url": STREAM}])
    return call, item, store_release(call.event)


def test_snapshot_carries_subtitle_description_links_and_type_name(talk):
    _call, item, release = talk
    [entry] = release.snapshot["items"]
    assert (entry["subtitle"], entry["description"], entry["type_name"]) == (
        "Seeing floods coming", "A **longer** description.", "Talk")
    assert entry["links"] == [{"kind": "slides", "title": "Slides", "url": SLIDES},
                              {"kind": "live_stream", "title": "", "url": STREAM}]
    assert entry["translations"]["subtitle"] == {"fr": "Voir venir les crues"}
    assert entry["translations"]["type_name"] == {"fr": "Exposé"}
    assert entry["translations"]["description"] == {"fr": "Une description **plus longue**."}


def test_free_items_have_no_type_name_and_a_change_of_links_is_a_change(talk):
    call, item, release = talk
    speaker = add_speaker(call.event, "Ada Lovelace")
    session = item.session
    free = add_item(session, "Opening words", on_day(call.event, 0, 9), 10, speakers=[speaker],
                    kind=ItemKind.OPENING)
    item.links = [{"kind": "recording", "title": "Video", "url": "https://video.example.org/1"}]
    second = store_release(call.event).snapshot
    entries = {e["title"]: e for e in second["items"]}
    assert "type_name" not in entries["Opening words"] and entries["Opening words"]["links"] == []
    assert free.id == entries["Opening words"]["id"]
    assert entries["Early warnings"]["sequence"] == release.snapshot["items"][0]["sequence"] + 1


def test_talk_page_shows_subtitle_type_description_and_links(client, talk):
    call, item, _release = talk
    page = client.get(f"/events/{call.event.slug}/agenda/items/{item.id}").get_data(as_text=True)
    assert '<p class="lead">Seeing floods coming</p>' in page
    assert "<dt>Type</dt><dd>Talk</dd>" in page
    assert "<h2>Description</h2>" in page and "<strong>longer</strong>" in page
    links = re.search(r'<ul aria-labelledby="links-title">(.*?)</ul>', page, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", links) == [f'Slides: <a href="{SLIDES}">Slides</a>',
                                                   f'Live stream: <a href="{STREAM}">{STREAM}</a>']


def test_talk_page_in_french_shows_the_translations(app, talk):
    call, item, _release = talk
    page = text_of(reader(app, "fr").get(f"/events/{call.event.slug}/agenda/items/{item.id}"))
    assert '<p class="lead">Voir venir les crues</p>' in page
    assert "<dd>Exposé</dd>" in page
    assert '<div class="prose"><p>Une description <strong>plus longue</strong>.</p>' in page
    # Untranslated (into Spanish), it is marked as written in the talk's own language.
    spanish = text_of(reader(app, "es").get(f"/events/{call.event.slug}/agenda/items/{item.id}"))
    assert '<div class="prose" lang="en" dir="ltr"><p>A <strong>longer</strong> description.</p>' in spanish


def test_an_older_snapshot_without_the_new_keys_still_renders(client, talk):
    call, item, release = talk
    snapshot = json.loads(json.dumps(release.snapshot))
    for key in ("subtitle", "description", "links", "type_name"):
        snapshot["items"][0].pop(key)
    snapshot["items"][0]["translations"].pop("subtitle")
    snapshot["items"][0]["translations"].pop("type_name")
    snapshot["items"][0]["translations"].pop("description")
    release.snapshot = snapshot
    db.session.flush()
    response = client.get(f"/events/{call.event.slug}/agenda/items/{item.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Early warnings" in page
    assert 'class="lead"' not in page and "item-links" not in page and "<h2>Description</h2>" not in page
    assert "<dt>Type</dt>" not in page
    document = agenda_frab.frab_json(snapshot, **OPTIONS)
    [event] = [e for day in document["schedule"]["conference"]["days"] for es in day["rooms"].values() for e in es]
    assert (event["subtitle"], event["description"], event["links"], event["type"]) == ("", "", [], "talk")


def test_talk_page_runs_a_fixed_number_of_queries(client, talk):
    call, item, _release = talk
    url = f"/events/{call.event.slug}/agenda/items/{item.id}"
    small = queries_for(db, client, url)
    speaker = add_speaker(call.event, "Someone Else")
    for i in range(20):
        session = add_session(call.event, f"Session {i}", on_day(call.event, 1, 8), on_day(call.event, 1, 9))
        extra = add_item(session, f"Talk {i}", on_day(call.event, 1, 8), 20, speakers=[speaker])
        extra.links = [{"kind": "slides", "title": f"Slides {i}", "url": f"https://slides.example.org/{i}"}]
    store_release(call.event)
    assert "Talk 19" in client.get(f"/events/{call.event.slug}/agenda").get_data(as_text=True)
    assert queries_for(db, client, url) == small


# frab ---------------------------------------------------------------------------------------------

def test_frab_xml_writes_subtitle_description_type_and_links_and_validates(talk):
    _call, item, release = talk
    data = agenda_frab.frab_xml(release.snapshot, **OPTIONS)
    xmlschema.XMLSchema(schema_path("frab-schedule.xml.xsd")).validate(data.decode())
    [event] = ET.fromstring(data).iter("event")
    assert (event.findtext("subtitle"), event.findtext("description"), event.findtext("type")) == (
        "Seeing floods coming", "A **longer** description.", "Talk")
    assert [(link.get("href"), link.text) for link in event.find("links")] == [(SLIDES, "Slides"), (STREAM, STREAM)]
    conference = read_xml_with_schedule_convert(data)
    [read] = conference.events
    assert (read.subtitle, read.description, read.abstract) == (
        "Seeing floods coming", "A **longer** description.", "Short summary.")


def test_frab_json_writes_subtitle_description_type_and_links_and_validates(talk, tmp_path):
    _call, item, release = talk
    document = agenda_frab.frab_json(release.snapshot, **OPTIONS)
    schema = json.loads(schema_path("frab-schedule.schema.json").read_text())
    validator = jsonschema.Draft6Validator(schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(document)] == []
    [event] = [e for day in document["schedule"]["conference"]["days"] for es in day["rooms"].values() for e in es]
    assert (event["subtitle"], event["description"], event["type"]) == (
        "Seeing floods coming", "A **longer** description.", "Talk")
    assert event["links"] == [{"url": SLIDES, "title": "Slides"}, {"url": STREAM, "title": STREAM}]
    page = read_json_with_down_frab_videos(document, tmp_path)[item.id]
    assert page.startswith("Early warnings\nSeeing floods coming\n\n")
    assert "#--    Description   --#\n########################\n\nA **longer** description.\n\n" in page
    links = page.split("#--       Links      --#\n########################\n\n")[1]
    assert [line.split() for line in links.splitlines()] == [["-", "Slides", SLIDES], ["-", STREAM, STREAM]]


def test_the_first_release_after_an_older_snapshot_changes_nothing_that_did_not_change(talk):
    call, item, release = talk
    snapshot = json.loads(json.dumps(release.snapshot))
    entry = snapshot["items"][0]
    for key in ("subtitle", "description", "links", "type_name"):
        entry.pop(key)
    entry.pop("translations")  # it had none other: a release leaves the key out
    release.snapshot = snapshot
    item.subtitle, item.description, item.links = "", "", []
    item.subtitle_translations, item.description_translations = {"fr": ""}, {"fr": ""}
    item.submission_id = None  # a free item now: no type name, as in the older release
    [again] = agenda_snapshot.build(call.event, snapshot)["items"]
    assert again["sequence"] == entry["sequence"]
    assert agenda_snapshot.changelog(snapshot, {"items": [again], "sessions": []})["changed"] == []
    item.links = [{"kind": "slides", "title": "", "url": SLIDES}]
    [changed] = agenda_snapshot.build(call.event, snapshot)["items"]
    assert changed["sequence"] == entry["sequence"] + 1
