"""Your data: the export is one machine-readable JSON document that follows its published
schema, holds what the app knows of the person, and nothing of others they could not see."""

from __future__ import annotations

import io
import json
import zipfile

import jsonschema
import pytest

from conference.cfp import submissions as cfp_ops
from conference.cfp.enums import FileKind
from conference.privacy.export import export_for, schema

from .. import factories
from ..cfp.builders import DURING, PDF
from ..conftest import login
from ..pdfs import make_pdf
from ..registration.builders import add_category, make_form, register
from ..review.builders import make_submitted
from .builders import COAUTHOR, EMAIL, NAME, person_everywhere


def validate(document: dict) -> None:
    jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER) \
        .validate(document)


def test_the_export_follows_its_schema_and_names_no_one_else(app, db):
    world = person_everywhere()
    with app.test_request_context():
        document = export_for(world.person)
    validate(document)
    areas = document["areas"]
    assert areas["accounts"]["profile"]["name"] == NAME
    assert [s["title"] for s in areas["cfp"]["submissions"]] == ["Erasable results", "Half an idea"]
    assert [(a["name"], a["is_you"]) for a in areas["cfp"]["submissions"][0]["authors"]] == [
        (NAME, True), (COAUTHOR[0], False)]
    [review] = areas["review"]["reviews"]
    assert (review["title"], [s["value"] for s in review["review"]["scores"]]) == ("Tidal statistics", [5, 2])
    assert {"question": "Would you attend this talk?", "value": True} in review["review"]["answers"]
    [registration] = areas["registration"]["registrations"]
    assert {"question": "Passport number", "value": "X1234567"} in registration["answers"]
    assert [f["organisation"] for f in areas["delegations"]["focal_points"]] == ["Erasure Agency"]
    assert areas["agenda"]["speaker_profiles"][0]["bio"] == f"{NAME} speaks."
    assert "team.invited" not in json.dumps(areas["audit"])  # others' actions are not theirs
    text = json.dumps(document, ensure_ascii=False).lower()
    # The reviewed paper's author, the other reviewer, the co-author's address, the feed's key: absent.
    for absent in ("ada author", "ada@authors.example", "sam second", COAUTHOR[1], "feed-token-of-zoe"):
        assert absent not in text


def test_registrations_under_an_address_count_once_it_is_confirmed(app, db):
    form = make_form()
    members = add_category(form, in_person=5)
    register(form, members, name="Vic Visitor", email="vic@example.org")
    unconfirmed = factories.make_user(email="vic@example.org", verified=False)
    with app.test_request_context():
        assert export_for(unconfirmed)["areas"]["registration"]["registrations"] == []
        unconfirmed.email_verified_at = form.opens_at
        assert [r["name"] for r in export_for(unconfirmed)["areas"]["registration"]["registrations"]] == [
            "Vic Visitor"]


def test_your_data_page_downloads_the_export(app, db):
    world = person_everywhere()
    client = login(app.test_client(), world.person)
    page = client.get("/account/data")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Download your data (JSON)" in html and "You cannot erase your account yet" in html
    response = client.get("/account/data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="your-data.json"'
    document = json.loads(response.get_data(as_text=True))
    validate(document)
    assert document["account_id"] == world.person.id and document["areas"]["accounts"]["profile"]["email"] == EMAIL


@pytest.mark.parametrize("path", ["/account/data", "/account/data.json"])
def test_your_data_needs_a_login(app, db, path):
    response = app.test_client().get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_export_costs_the_same_whatever_the_person_took_part_in(app, db):
    from conference.events.enums import TeamRole

    from ..cfp.builders import make_call, submitted_talk
    from ..query_counting import grow
    from ..review.builders import assign

    person = factories.make_user(name="Busy Person")
    client = login(app.test_client(), person)

    def take_part(_i: int) -> None:
        call = make_call()
        factories.add_role(call.event, person, TeamRole.REVIEWER)
        submitted_talk(call, person)
        assign(submitted_talk(call, factories.make_user()), person)
        form = make_form()
        register(form, add_category(form, in_person=5), name="Busy Person", email=person.email)

    small, large = grow(db, client, "/account/data.json", take_part, start=1, end=4)
    assert small == large
    areas = json.loads(client.get("/account/data.json").get_data(as_text=True))["areas"]
    assert [len(areas["events"]["team_roles"]), len(areas["cfp"]["submissions"]), len(areas["review"]["reviews"]),
            len(areas["registration"]["registrations"])] == [4, 4, 4, 4]


def test_the_zip_holds_the_document_and_every_file_it_lists(app, db, store):
    world = person_everywhere()
    paper = cfp_ops.attach_file(world.own_submission, actor=world.person, kind=FileKind.PAPER, filename="Erasable.pdf",
                                data=PDF, now=DURING)
    others = make_submitted(world.review.event, factories.make_user(name="Otto Other"), title="Not hers")
    cfp_ops.attach_file(others, actor=others.submitter, kind=FileKind.PAPER, filename="other.pdf",
                        data=make_pdf("Someone else's paper"), now=DURING)
    db.session.commit()
    client = login(app.test_client(), world.person)
    assert "Download your data with your files (ZIP)" in client.get("/account/data").get_data(as_text=True)
    with client.get("/account/data.zip") as response:
        assert response.status_code == 200 and response.mimetype == "application/zip"
        assert response.headers["Content-Disposition"] == "attachment; filename=your-data.zip"
        assert "no-store" in response.headers["Cache-Control"]
        archive = zipfile.ZipFile(io.BytesIO(response.data))
    document = json.loads(archive.read("your-data.json"))
    validate(document)
    listed = {entry["sha256"]: entry for entry in document["archive_files"]}
    assert set(listed) == {paper.sha256, "ab" * 32}  # her paper, and her registration's file answer
    assert archive.read(listed[paper.sha256]["path"]) == PDF
    assert listed["ab" * 32]["path"] is None  # listed, but the store no longer has it
    assert sorted(archive.namelist()) == sorted(["your-data.json", listed[paper.sha256]["path"]])
    anonymous = app.test_client().get("/account/data.zip")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
