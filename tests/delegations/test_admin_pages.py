"""The organisers' delegation pages through the HTTP path: who may use them, CSRF, the overview's
counts and filters, the organisation form and its focal points, the CSV export and import, the
copy from another event, the focal point deadline and the reminder button, the participant list
grouped by organisation, and fixed query counts."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import zoneinfo

import pytest
import sqlalchemy as sa

from conference.accounts.models import User
from conference.core.models import AuditEntry
from conference.core.types import utcnow
from conference.delegations import delegations
from conference.delegations.enums import OrganisationKind
from conference.delegations.models import FocalPoint, Organisation
from conference.demo import DEMO_PASSWORD
from conference.demo.registration import FOCAL_POINT_ACCOUNTS
from conference.events.enums import EventFormat, TeamRole
from conference.events.models import Event
from conference.extensions import db as _db
from conference.mail.models import OutboxMessage
from conference.registration import places
from conference.registration.enums import AttendanceMode, ListVisibility

from .. import factories
from ..conftest import login
from ..mail.builders import mail_to
from ..query_counting import queries_for
from ..registration.builders import DURING, add_category, make_form, register

IN, ON = AttendanceMode.IN_PERSON, AttendanceMode.ONLINE


def base(event) -> str:
    return f"/events/{event.slug}/manage/delegations"


def page_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def post(client, url: str, data: dict | None = None, **kwargs):
    """POST, then forget what the test's session holds: the request changed the rows."""
    response = client.post(url, data=data or {}, **kwargs)
    _db.session.expire_all()
    return response


def flashes(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<p class="alert[^"]*"[^>]*>(.*?)</p>', page)]


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def overview_rows(page: str) -> list[str]:
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
    return [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)] if body else []


def total_row(page: str) -> str:
    return text_of(re.search(r"<tfoot>(.*?)</tfoot>", page, re.S).group(1))


def field_error(page: str, name: str) -> str:
    match = re.search(rf'<p class="invalid-feedback d-block" id="error-{re.escape(name)}">(.*?)</p>', page, re.S)
    return text_of(match.group(1)).removeprefix("Error: ") if match else ""


def organisation_named(event, name: str) -> Organisation | None:
    return _db.session.scalar(sa.select(Organisation).where(Organisation.event_id == event.id,
                                                            Organisation.name == name))


@pytest.fixture
def hybrid(db):
    form = make_form(format=EventFormat.HYBRID)
    members = add_category(form, "Member agency")
    organiser = form.event.roles[0].user
    return form, members, organiser


@pytest.fixture
def unep(hybrid):
    form, members, organiser = hybrid
    organisation = delegations.save_organisation(
        form.event, actor=organiser, name="UN Environment Programme", acronym="UNEP", kind="member", country="KE",
        email_domains="unep.org", quota_in_person=2, quota_online=None, category=members)
    focal = factories.make_user(name="Fatima Focal", email="fatima@unep.org")
    delegations.add_focal_point(organisation, actor=organiser, email="fatima@unep.org")
    organisation.focal_user = focal
    _db.session.flush()  # the requests' sessions see it
    return organisation


@pytest.fixture
def organiser_client(app, hybrid):
    return login(app.test_client(), hybrid[2])


# Permissions and CSRF --------------------------------------------------------------------------------------

def test_the_pages_are_for_the_events_organisers_only(app, hybrid, unep):
    form, members, organiser = hybrid
    event = form.event
    focal = unep.focal_user
    participant = factories.make_user()
    register(form, members, user=participant, email=participant.email, mode=IN)
    chair = factories.make_user()
    factories.add_role(event, chair, TeamRole.TRACK_CHAIR)
    fp = unep.focal_points[0]
    gets = [base(event), f"{base(event)}/new", f"{base(event)}/{unep.id}", f"{base(event)}.csv",
            f"{base(event)}/import"]
    posts = [f"{base(event)}/new", f"{base(event)}/{unep.id}", f"{base(event)}/{unep.id}/delete",
             f"{base(event)}/{unep.id}/focal-points", f"{base(event)}/{unep.id}/focal-points/{fp.id}/remove",
             f"{base(event)}/import", f"{base(event)}/copy", f"{base(event)}/deadline", f"{base(event)}/remind"]
    anonymous = app.test_client()
    for url in gets + posts:
        response = anonymous.get(url) if url in gets else post(anonymous, url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login"), url
    for user in (focal, participant, chair):
        client = login(app.test_client(), user)
        assert [client.get(url).status_code for url in gets] == [403] * len(gets)
        assert [post(client, url, {"name": "Taken over", "focal-email": "x@example.org"}).status_code
                for url in posts] == [403] * len(posts)
    assert (unep.name, [f.email for f in unep.focal_points]) == ("UN Environment Programme", ["fatima@unep.org"])
    owner = login(app.test_client(), organiser)
    assert [owner.get(url).status_code for url in gets] == [200] * len(gets)
    # An organisation of another event is not found through this one.
    other = make_form()
    stranger = delegations.save_organisation(other.event, actor=other.event.roles[0].user, name="Elsewhere")
    assert owner.get(f"{base(event)}/{stranger.id}").status_code == 404
    assert post(owner, f"{base(event)}/{stranger.id}/delete").status_code == 404
    assert post(owner, f"{base(event)}/{unep.id}/focal-points/{fp.id + 1000}/remove").status_code == 404
    assert organisation_named(other.event, "Elsewhere") is not None
    assert owner.get(f"/events/{other.event.slug}/manage/delegations").status_code == 403


def test_forms_need_their_csrf_token(app, organiser_client, hybrid, monkeypatch):
    form, _members, _organiser = hybrid
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    url = f"{base(form.event)}/new"
    refused = post(organiser_client, url, {"name": "World Health Organization", "kind": "member"})
    assert refused.status_code == 400 and b"Form expired" in refused.data
    assert organisation_named(form.event, "World Health Organization") is None
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page_of(organiser_client, url)).group(1)
    accepted = post(organiser_client, url, {"name": "World Health Organization", "kind": "member", "csrf_token": token})
    assert accepted.status_code == 302
    assert organisation_named(form.event, "World Health Organization") is not None


# The overview ----------------------------------------------------------------------------------------------

def test_the_overview_counts_filters_and_totals(db, organiser_client, hybrid, unep):
    form, members, organiser = hybrid
    event = form.event
    wmo = delegations.save_organisation(event, actor=organiser, name="World Meteorological Organization",
                                        acronym="WMO", kind="observer", country="Southern Africa", quota_in_person=1,
                                        quota_online=3)
    approved = register(form, members, organisation=unep, mode=IN)
    delegations.approve(approved, actor=unep.focal_user, now=DURING)
    register(form, members, organisation=unep, mode=IN)
    register(form, members, organisation=unep, mode=ON).escalated_at = DURING
    first, _second = register(form, members, organisation=wmo, mode=IN), register(form, members, organisation=wmo,
                                                                                   mode=IN)
    first.checked_in_at = DURING
    delegations.nominate(unep, actor=unep.focal_user, email="nadia@unep.org", now=DURING)
    db.session.flush()

    page = page_of(organiser_client, base(event))

    assert "2 organisations shown" in page
    assert overview_rows(page) == [
        "UN Environment Programme (UNEP) 1 past the deadline: the organisers decide Member Kenya "
        "Fatima Focal <fatima@unep.org> 2 1 1 0 0 1 no quota 0 1 0 0 no quota 1 Edit UN Environment Programme",
        "World Meteorological Organization (WMO) Observer Southern Africa None: the organisers decide "
        "1 1 0 1 1 0 (full) 3 0 0 0 0 3 0 Edit World Meteorological Organization",
    ]
    assert total_row(page) == ("Total of the organisations shown 1 past the deadline: the organisers decide "
                               "3 2 1 1 1 1 no quota 0 1 0 0 no quota 1")
    assert f'href="/events/{event.slug}/delegations/{unep.id}"' in page  # the focal point page
    for link in ("/new", "/import", ".csv", "/import#copy-title"):
        assert f'href="{base(event)}{link}"' in page
    assert f'href="/events/{event.slug}/participants?by=organisation"' in page

    def shown(query):
        return [row.split(" (")[0] for row in overview_rows(page_of(organiser_client, f"{base(event)}?{query}"))]

    assert shown("kind=observer") == ["World Meteorological Organization"]
    assert shown("pending=y") == ["UN Environment Programme"]
    assert shown("full=y") == ["World Meteorological Organization"]
    assert shown("q=unep") == ["UN Environment Programme"]
    assert shown("kind=bogus&q=") == ["UN Environment Programme", "World Meteorological Organization"]
    filtered = page_of(organiser_client, f"{base(event)}?q=nobody")
    assert "0 organisations shown (of 2)" in filtered and "No organisation matches these filters." in filtered
    assert total_row(page_of(organiser_client, f"{base(event)}?kind=observer")).startswith(
        "Total of the organisations shown 1 1 0 1 1 0 (full) 3 0 0 0 0 3 0")


def test_the_registration_navigation_leads_to_the_delegations(organiser_client, hybrid):
    form, _members, _organiser = hybrid
    page = page_of(organiser_client, f"{base(form.event)}/new")
    nav = re.search(r'<nav class="mb-3 d-print-none" aria-label="Registration">(.*?)</nav>', page, re.S).group(1)
    assert f'<a class="nav-link active" href="{base(form.event)}" aria-current="page">Delegations</a>' in nav


# One organisation ----------------------------------------------------------------------------------------------

def test_the_organisation_form_keeps_what_was_typed_with_errors_next_to_the_fields(organiser_client, hybrid, unep):
    form, members, _organiser = hybrid
    event = form.event
    url = f"{base(event)}/new"
    page = page_of(organiser_client, url)
    assert 'name="quota_in_person"' in page and 'name="quota_online"' in page
    assert f'<option value="{members.id}">Member agency</option>' in page

    response = post(organiser_client, url, {
        "name": "un environment programme", "acronym": "U2", "kind": "member", "country": "Nairobi",
        "email_domains": "unep.org, not/a/domain", "quota_in_person": "-1", "quota_online": "many",
        "category_id": str(members.id)})

    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert field_error(page, "quota_in_person") == "A quota cannot be negative."
    assert field_error(page, "quota_online") == "Enter a whole number, or leave it empty for no quota."
    assert 'value="many"' in page and 'value="unep.org, not/a/domain"' in page and 'value="Nairobi"' in page
    assert f'<option selected value="{members.id}">' in page
    # The number fields are right: now the domain's rules speak, next to their fields.
    response = post(organiser_client, url, {
        "name": "un environment programme", "kind": "member", "email_domains": "unep.org, not/a/domain",
        "quota_in_person": "3", "category_id": str(members.id)})
    page = html.unescape(response.get_data(as_text=True))
    assert field_error(page, "name") == "un environment programme is already in the list."
    assert field_error(page, "email_domains") == "not/a/domain is not an email domain: write e.g. who.int."
    assert 'value="3"' in page
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 1

    created = post(organiser_client, url, {"name": "World Health Organization", "acronym": "WHO",
                                           "kind": "observer", "email_domains": "who.int WHO.org",
                                           "quota_in_person": "2", "quota_online": "", "category_id": ""})
    who = organisation_named(event, "World Health Organization")
    assert created.headers["Location"] == f"{base(event)}/{who.id}"
    assert (who.acronym, who.kind, who.email_domains, who.quota_in_person, who.quota_online, who.category_id) == (
        "WHO", OrganisationKind.OBSERVER, ["who.int", "who.org"], 2, None, None)


def test_a_virtual_event_asks_only_for_the_online_quota_and_keeps_the_other(app, db):
    form = make_form(format=EventFormat.VIRTUAL)
    organiser = form.event.roles[0].user
    fao = delegations.save_organisation(form.event, actor=organiser, name="FAO", quota_in_person=4, quota_online=1)
    client = login(app.test_client(), organiser)
    url = f"{base(form.event)}/{fao.id}"
    page = page_of(client, url)
    assert 'name="quota_in_person"' not in page and 'name="quota_online"' in page
    assert 'value="FAO"' in page
    assert post(client, url, {"name": "FAO", "kind": "partner", "quota_online": "6",
                              "email_domains": "fao.org"}).status_code == 302
    assert (fao.kind, fao.quota_in_person, fao.quota_online, fao.email_domains) == (
        OrganisationKind.PARTNER, 4, 6, ["fao.org"])
    assert 'value="fao.org"' in page_of(client, url)


def test_focal_points_are_added_and_removed_on_the_edit_page(organiser_client, hybrid, unep):
    form, _members, _organiser = hybrid
    url = f"{base(form.event)}/{unep.id}"
    page = page_of(organiser_client, url)
    assert "fatima@unep.org" in page and "Has an account" in page

    refused = post(organiser_client, f"{url}/focal-points", {"focal-email": "FATIMA@unep.org"})
    assert refused.status_code == 200
    assert field_error(html.unescape(refused.get_data(as_text=True)), "focal-email") == (
        "fatima@unep.org is already a focal point of UN Environment Programme.")
    bad = post(organiser_client, f"{url}/focal-points", {"focal-email": "not an address", "focal-name": "Omar"})
    assert field_error(bad.get_data(as_text=True), "focal-email") == "Enter a valid email address."
    assert 'value="Omar"' in bad.get_data(as_text=True)

    added = post(organiser_client, f"{url}/focal-points", {"focal-email": "omar@unep.org", "focal-name": "Omar"})
    assert added.headers["Location"] == url
    assert [(f.email, f.name, f.user_id) for f in unep.focal_points][1] == ("omar@unep.org", "Omar", None)
    assert mail_to("focal_point_invitation") == ["fatima@unep.org", "omar@unep.org"]
    page = page_of(organiser_client, url)
    assert "omar@unep.org is a focal point of UN Environment Programme; a mail tells them." in flashes(page)
    assert "Invited on" in page

    fatima_id = unep.focal_points[0].id
    assert post(organiser_client, f"{url}/focal-points/{fatima_id}/remove").headers["Location"] == url
    assert [f.email for f in unep.focal_points] == ["omar@unep.org"]
    assert _db.session.get(FocalPoint, fatima_id) is None


def test_deleting_an_organisation_is_refused_while_people_are_registered(organiser_client, hybrid, unep):
    form, members, organiser = hybrid
    event = form.event
    person = register(form, members, organisation=unep, mode=IN)
    url = f"{base(event)}/{unep.id}"
    assert post(organiser_client, f"{url}/delete", {"confirmed": "1"}).headers["Location"] == url
    assert flashes(page_of(organiser_client, url)) == [
        "UN Environment Programme has 1 people registered: it cannot be deleted while they are."]
    delegations.decline(person, actor=organiser, now=DURING)
    assert post(organiser_client, f"{url}/delete", {"confirmed": "1"}).headers["Location"] == base(event)
    assert organisation_named(event, "UN Environment Programme") is None
    assert "UN Environment Programme is deleted from the list." in flashes(page_of(organiser_client, base(event)))


# Export and import -----------------------------------------------------------------------------------------------

def test_the_csv_export_guards_against_formulas(organiser_client, hybrid, unep):
    form, _members, organiser = hybrid
    delegations.save_organisation(form.event, actor=organiser, name="=cmd|' /C calc'!A0", acronym="@SUM(1)")
    response = organiser_client.get(f"{base(form.event)}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{form.event.slug}-organisations.csv"'
    assert "no-store" in response.headers["Cache-Control"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))
    assert [(r["name"], r["acronym"], r["kind"], r["quota_in_person"], r["quota_online"], r["category"],
             r["focal_points"], r["approved"]) for r in rows] == [
        ("'=cmd|' /C calc'!A0", "'@SUM(1)", "member", "", "", "", "", "0"),
        ("UN Environment Programme", "UNEP", "member", "2", "", "Member agency", "Fatima Focal <fatima@unep.org>",
         "0"),
    ]


def test_an_import_with_wrong_lines_changes_nothing_and_lists_them(organiser_client, hybrid, unep):
    form, _members, _organiser = hybrid
    event = form.event
    text = ("name,acronym,kind,quota_in_person,focal_points\n"
            "UN Environment Programme,UNEP,member,9,\n"
            "WHO,WHO,agency,two,\n"
            "FAO,FAO,member,1,fao focal\n")
    response = post(organiser_client, f"{base(event)}/import",
                    {"import-file": (io.BytesIO(text.encode()), "organisations.csv")},
                    content_type="multipart/form-data")
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert re.findall(r"<li>(Line \d+: .*?)</li>", page) == [
        "Line 3: kind: Choose member, observer, partner or other; quota_in_person: Enter a whole number, or leave "
        "it empty for no quota.",
        "Line 4: the focal point “fao focal” has no valid email address."]
    assert "Nothing was imported: correct the lines listed below and import the file again." in page
    assert unep.quota_in_person == 2 and organisation_named(event, "FAO") is None

    nothing = post(organiser_client, f"{base(event)}/import", {"import-text": "  "})
    assert field_error(html.unescape(nothing.get_data(as_text=True)), "import-file") == (
        "Choose a CSV file to upload, or paste its text.")


def test_an_import_updates_by_name_and_adds_the_rest(organiser_client, hybrid, unep):
    form, members, _organiser = hybrid
    event = form.event
    text = ("name;acronym;kind;country;email_domains;quota_in_person;quota_online;category;focal_points;approved\n"
            "UN ENVIRONMENT PROGRAMME;UNEP;member;KE;unep.org;5;2;Member agency;Nia <nia@unep.org>;12\n"
            "UN Office for Disaster Risk Reduction;UNDRR;member;CH;undrr.org;2;;;;\n")
    response = post(organiser_client, f"{base(event)}/import", {"import-text": text})
    assert response.headers["Location"] == base(event)
    assert flashes(page_of(organiser_client, base(event))) == [
        "Imported: 1 organisations added, 1 updated, 1 focal points added."]
    assert (unep.name, unep.quota_in_person, unep.quota_online, [f.email for f in unep.focal_points]) == (
        "UN ENVIRONMENT PROGRAMME", 5, 2, ["fatima@unep.org", "nia@unep.org"])
    undrr = organisation_named(event, "UN Office for Disaster Risk Reduction")
    assert (undrr.acronym, undrr.country, undrr.quota_in_person, undrr.category_id) == ("UNDRR", "CH", 2, None)


def test_copy_from_another_event_the_organiser_runs(organiser_client, hybrid, unep):
    form, members, organiser = hybrid
    event = form.event
    earlier = make_form(organiser=organiser, format=EventFormat.HYBRID)
    old_members = add_category(earlier, "Member agency")
    old = delegations.save_organisation(earlier.event, actor=organiser, name="IFRC", kind="observer",
                                        email_domains="ifrc.org", quota_online=4, category=old_members)
    delegations.add_focal_point(old, actor=organiser, email="ivo@ifrc.org", name="Ivo")
    delegations.save_organisation(earlier.event, actor=organiser, name="UN Environment Programme", quota_online=99)
    others = make_form()  # someone else's
    delegations.save_organisation(others.event, actor=others.event.roles[0].user, name="Not mine")

    page = page_of(organiser_client, f"{base(event)}/import")
    options = re.findall(r'<option value="(\d+)">(.*?)</option>', page)
    assert options == [(str(earlier.event.id), f"{earlier.event.title} (2 organisations)")]
    refused = post(organiser_client, f"{base(event)}/copy", {"copy-source_event_id": str(others.event.id)})
    assert refused.status_code == 200
    assert field_error(refused.get_data(as_text=True), "copy-source_event_id") == "Choose one of the events listed."
    assert organisation_named(event, "Not mine") is None

    response = post(organiser_client, f"{base(event)}/copy", {"copy-source_event_id": str(earlier.event.id)})

    assert response.headers["Location"] == base(event)
    assert flashes(page_of(organiser_client, base(event))) == [
        f"1 organisation copied from {earlier.event.title}.",
        "Already in the list, so left as they are: UN Environment Programme."]
    ifrc = organisation_named(event, "IFRC")
    assert (ifrc.kind, ifrc.email_domains, ifrc.quota_online, ifrc.category_id, [f.email for f in ifrc.focal_points]
            ) == (OrganisationKind.OBSERVER, ["ifrc.org"], 4, members.id, ["ivo@ifrc.org"])
    assert unep.quota_online is None
    assert _db.session.scalar(sa.select(AuditEntry.actor_id).where(AuditEntry.action == "organisation.copied")) == (
        organiser.id)


# The deadline and the reminder ----------------------------------------------------------------------------------

def test_the_focal_point_deadline_is_typed_in_the_events_zone(organiser_client, hybrid):
    form, _members, _organiser = hybrid
    event = form.event  # Europe/Zurich
    url = f"{base(event)}/deadline"
    settings = places.ensure_registration_settings(event)

    gap = post(organiser_client, url, {"deadline": "2031-03-30T02:30"})  # the clocks skip that hour
    assert gap.status_code == 200
    page = html.unescape(gap.get_data(as_text=True))
    assert "does not exist in Europe/Zurich" in field_error(page, "deadline")
    assert 'value="2031-03-30T02:30"' in page
    past = post(organiser_client, url, {"deadline": "2001-01-01T10:00"})
    assert field_error(html.unescape(past.get_data(as_text=True)), "deadline") == (
        "Choose a date and time in the future.")
    assert settings.focal_point_deadline is None

    local = (utcnow() + dt.timedelta(days=30)).strftime("%Y-%m-%dT10:00")
    assert post(organiser_client, url, {"deadline": local}).headers["Location"] == base(event)
    assert settings.focal_point_deadline.astimezone(zoneinfo.ZoneInfo("Europe/Zurich")).strftime(
        "%Y-%m-%dT%H:%M") == local
    page = page_of(organiser_client, base(event))
    assert "The focal point deadline is saved." in flashes(page) and f'value="{local}"' in page

    post(organiser_client, url, {"deadline": ""})
    assert settings.focal_point_deadline is None


def test_the_reminder_button_mails_focal_points_with_people_waiting(organiser_client, hybrid, unep):
    form, members, _organiser = hybrid
    url = f"{base(form.event)}/remind"
    assert post(organiser_client, url).headers["Location"] == base(form.event)
    assert flashes(page_of(organiser_client, base(form.event))) == [
        "Nobody is waiting for a focal point: no reminder was sent."]
    register(form, members, organisation=unep, mode=IN)
    post(organiser_client, url)
    assert mail_to("delegation_reminder") == ["fatima@unep.org"]
    assert flashes(page_of(organiser_client, base(form.event))) == ["1 reminder is on its way to a focal point."]


# The participant list --------------------------------------------------------------------------------------------

def test_the_participant_list_grouped_by_organisation(app, db, hybrid, unep):
    form, members, organiser = hybrid
    places.ensure_registration_settings(form.event).participant_list = ListVisibility.PUBLIC
    wmo = delegations.save_organisation(form.event, actor=organiser, name="WMO", quota_online=5)
    register(form, members, organisation=wmo, mode=ON, name="Wen Wind", affiliation="WMO", listed=True)
    register(form, members, organisation=wmo, mode=ON, name="Quiet Quinn")
    delegations.approve(register(form, members, organisation=unep, mode=IN, name="Ana Alvarez", listed=True),
                        actor=organiser, now=DURING)
    register(form, members, organisation=unep, mode=IN, name="Pending Pia", listed=True)
    register(form, members, mode=ON, name="Free Frida", affiliation="IAEA", listed=True)
    url = f"/events/{form.event.slug}/participants"
    visitor = app.test_client()

    page = page_of(visitor, f"{url}?by=organisation")

    groups = [(text_of(title), re.findall(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td></tr>', body))
              for title, body in re.findall(r"<h2 [^>]*>(.*?)</h2>.*?<tbody>(.*?)</tbody>", page, re.S)]
    assert groups == [("UN Environment Programme (UNEP) (1 participant)", [("Ana Alvarez", "")]),
                      ("WMO (1 participant)", [("Wen Wind", "WMO")]),
                      ("No organisation (1 participant)", [("Free Frida", "IAEA")])]
    assert "Quinn" not in page and "Pia" not in page
    assert f'href="{url}"' in page  # back to everyone by name
    plain = page_of(visitor, url)
    assert re.findall(r'<tr><th scope="row">(.*?)</th>', plain) == ["Ana Alvarez", "Free Frida", "Wen Wind"]
    assert f'href="{url}?by=organisation"' in plain
    places.ensure_registration_settings(form.event).participant_list = ListVisibility.HIDDEN
    db.session.flush()
    assert visitor.get(f"{url}?by=organisation").status_code == 404


# Query counts ----------------------------------------------------------------------------------------------------

def test_the_pages_run_the_same_queries_for_3_and_30_organisations(app, db, hybrid):
    form, members, organiser = hybrid
    event = form.event
    places.ensure_registration_settings(event).participant_list = ListVisibility.PUBLIC
    client = login(app.test_client(), organiser)
    added = []

    def add(n):
        for _ in range(n):
            i = len(added)
            organisation = delegations.save_organisation(
                event, actor=organiser, name=f"Agency {i}", acronym=f"A{i}", quota_in_person=2, quota_online=5,
                kind="observer" if i % 2 else "member", category=members)
            delegations.add_focal_point(organisation, actor=organiser, email=f"focal{i}@agency{i}.org",
                                        name=f"Focal {i}")
            register(form, members, organisation=organisation, mode=IN, listed=True)
            delegations.approve(register(form, members, organisation=organisation, mode=ON, listed=True),
                                actor=organiser, now=DURING)
            delegations.nominate(organisation, actor=organiser, email=f"nominee{i}@agency{i}.org", now=DURING)
            added.append(organisation)
        db.session.flush()

    pages = (base(event), f"{base(event)}?pending=y&q=agency", f"{base(event)}.csv", f"{base(event)}/import",
             f"/events/{event.slug}/participants?by=organisation")
    add(3)
    small = [queries_for(db, client, url) for url in pages]
    add(27)
    large = [queries_for(db, client, url) for url in pages]
    assert small == large
    assert "30 organisations shown" in page_of(client, base(event))


# The demo ----------------------------------------------------------------------------------------------------------

def test_the_demo_symposium_has_the_task_forces_delegations(app, db, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "7 delegations with" in result.output and FOCAL_POINT_ACCOUNTS[0] in result.output
    symposium = db.session.scalar(sa.select(Event).where(Event.slug == "iatf-symposium"))
    organiser = db.session.scalar(sa.select(User).where(User.email == "organiser@example.org"))
    page = page_of(login(app.test_client(), organiser, DEMO_PASSWORD), base(symposium))

    rows = overview_rows(page)
    assert [row.split(" (")[0] for row in rows] == [
        "Food and Agriculture Organization", "International Federation of Red Cross and Red Crescent Societies",
        "United Nations Environment Programme", "United Nations Office for Disaster Risk Reduction",
        "University Consortium for Humanitarian Data", "World Health Organization", "World Meteorological Organization"]
    who = next(row for row in rows if row.startswith("World Health"))
    # quota, approved, pending, waiting, checked in, left; open nominations
    assert "Amara Okafor <amara.okafor@who.example.org> 6 2 2 0 0 4 0" in who
    assert "Giulia Bianchi <giulia.bianchi@fao.example.org> (invited)" in rows[0]
    assert "University Consortium for Humanitarian Data (UCHD) Observer Europe None: the organisers decide" in rows[4]
    assert "The deadline is" in page
    focal_points = db.session.scalars(sa.select(User).where(User.email.in_(FOCAL_POINT_ACCOUNTS))).all()
    assert len(focal_points) == 5 and all(u.check_password(DEMO_PASSWORD) for u in focal_points)
    assert login(app.test_client(), focal_points[0], DEMO_PASSWORD).get(base(symposium)).status_code == 403
    # None of the demo's delegation mail is left to send.
    assert not db.session.scalar(sa.select(sa.func.count()).where(sa.or_(
        OutboxMessage.template.like("delegation%"), OutboxMessage.template == "focal_point_invitation")))
    # The symposium's own (its past edition in the series has copies of them).
    of_symposium = sa.select(sa.func.count()).select_from(Organisation).where(Organisation.event_id == symposium.id)
    organisations = db.session.scalar(of_symposium)
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert db.session.scalar(of_symposium) == organisations == 7
