"""The list of organisations in and out: the CSV export (with the formula guard), the import
(all or nothing, every wrong line reported, update by name, focal points added) and the copy
of an earlier event's list."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from conference.core.models import AuditEntry
from conference.delegations import delegations
from conference.delegations import imports as delegation_import
from conference.delegations.enums import OrganisationKind
from conference.delegations.models import Organisation
from conference.errors import NotAllowed
from conference.events.enums import EventFormat
from conference.extensions import db as _db
from conference.registration.enums import AttendanceMode

from .. import factories
from ..mail.builders import mail_to
from ..registration.builders import DURING, add_category, make_form, register
from .builders import organiser_of

HEADER = ",".join(delegation_import.CSV_COLUMNS)


@pytest.fixture
def hybrid(db):
    form = make_form(format=EventFormat.HYBRID)
    members = add_category(form, "Member agency")
    observers = add_category(form, "Observer")
    return form, members, observers, organiser_of(form.event)


def by_name(event) -> dict[str, Organisation]:
    _db.session.expire_all()
    return {o.name: o for o in delegations.organisations_of(event)}


def rows_of(text: str) -> list[dict]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


# Export -------------------------------------------------------------------------------------------------

def test_the_export_has_every_column_the_counts_and_no_formulas(hybrid):
    form, members, _observers, organiser = hybrid
    event = form.event
    who = delegations.save_organisation(event, actor=organiser, name="World Health Organization", acronym="WHO",
                                        kind="member", country="CH", email_domains="who.int who.org",
                                        quota_in_person=3, quota_online=None, category=members)
    delegations.add_focal_point(who, actor=organiser, email="fp@who.int", name="Farah Point")
    delegations.add_focal_point(who, actor=organiser, email="second@who.int")
    delegations.save_organisation(event, actor=organiser, name="=HYPERLINK(\"http://evil\")", acronym="-2+3",
                                  kind="observer")
    ana = register(form, members, organisation=who, mode=AttendanceMode.IN_PERSON)
    delegations.approve(ana, actor=organiser, now=DURING)
    register(form, members, organisation=who, mode=AttendanceMode.ONLINE)

    rows = rows_of(delegation_import.organisations_csv(event))

    assert list(rows[0]) == list(delegation_import.CSV_COLUMNS + delegation_import.COUNT_COLUMNS)
    assert rows[1] == {"name": "World Health Organization", "acronym": "WHO", "kind": "member", "country": "CH",
                       "email_domains": "who.int who.org", "quota_in_person": "3", "quota_online": "",
                       "category": "Member agency", "focal_points": "Farah Point <fp@who.int>; second@who.int",
                       "approved": "1", "pending": "1", "checked_in": "0"}
    assert (rows[0]["name"], rows[0]["acronym"], rows[0]["category"]) == ("'=HYPERLINK(\"http://evil\")", "'-2+3", "")


# Import -------------------------------------------------------------------------------------------------

def test_an_import_creates_and_updates_by_name_and_adds_focal_points(hybrid):
    form, members, observers, organiser = hybrid
    event = form.event
    unep = delegations.save_organisation(event, actor=organiser, name="UN Environment Programme", acronym="UNEP",
                                         quota_in_person=1, category=members)
    delegations.add_focal_point(unep, actor=organiser, email="old@unep.org")
    text = "\ufeff" + HEADER + ",approved\r\n" + "\r\n".join([
        'un environment programme,UNEP,member,KE,"unep.org, un.org",4,10,member AGENCY,'
        '"old@unep.org; Nia <nia@unep.org>",99',
        "",
        "International Federation of Red Cross,IFRC,Observer,,ifrc.org,,2,observer,Ivo <ivo@ifrc.org>,0",
    ])

    imported, errors = delegation_import.import_organisations(event, actor=organiser, text=text)

    assert errors == []
    assert ([o.name for o in imported.created], [o.name for o in imported.updated], imported.focal_points) == (
        ["International Federation of Red Cross"], ["un environment programme"], 2)
    found = by_name(event)
    unep = found["un environment programme"]
    assert (unep.acronym, unep.country, unep.email_domains, unep.quota_in_person, unep.quota_online,
            unep.category_id) == ("UNEP", "KE", ["unep.org", "un.org"], 4, 10, members.id)
    assert [(f.email, f.name) for f in unep.focal_points] == [("old@unep.org", ""), ("nia@unep.org", "Nia")]
    ifrc = found["International Federation of Red Cross"]
    assert (ifrc.kind, ifrc.quota_in_person, ifrc.quota_online, ifrc.category_id) == (
        OrganisationKind.OBSERVER, None, 2, observers.id)
    assert mail_to("focal_point_invitation") == ["old@unep.org", "nia@unep.org", "ivo@ifrc.org"]
    assert _db.session.scalars(sa.select(AuditEntry.details).where(
        AuditEntry.action == "organisation.imported")).one() == {"created": 1, "updated": 1, "focal_points": 2}


def test_an_exported_list_imports_unchanged(hybrid):
    form, members, _observers, organiser = hybrid
    event = form.event
    odd = delegations.save_organisation(event, actor=organiser, name="-Minus Institute", acronym="=M",
                                        email_domains="minus.org", quota_online=0, category=members)
    delegations.add_focal_point(odd, actor=organiser, email="a@minus.org", name="Ann Minus")
    before = delegation_import.organisations_csv(event)

    imported, errors = delegation_import.import_organisations(event, actor=organiser, text=before)

    assert errors == [] and [o.name for o in imported.updated] == ["-Minus Institute"] and not imported.created
    assert delegation_import.organisations_csv(event) == before


def test_a_file_with_wrong_lines_imports_nothing_and_names_every_wrong_line(hybrid):
    form, _members, _observers, organiser = hybrid
    event = form.event
    delegations.save_organisation(event, actor=organiser, name="World Meteorological Organization", acronym="WMO",
                                  quota_in_person=2)
    text = "\n".join([
        "name;acronym;kind;quota_in_person;quota_online;category;focal_points;email_domains",
        "World Meteorological Organization;WMO;member;5;;;fp@wmo.int;wmo.int",  # fine, but not applied
        "New Agency;NA;sponsor;-1;many;Nobody;not an address;",
        ";;member;;;;;",
        "Fine Agency;FA;partner;;;;;fine.org",
        "fine agency;FA;partner;;;;;",
        "Slash Agency;SA;other;;;;;bad/domain",
    ])

    imported, errors = delegation_import.import_organisations(event, actor=organiser, text=text)

    assert imported is None
    assert errors == [
        (3, "there is no category “Nobody”; the focal point “not an address” has no valid email address; "
            "kind: Choose member, observer, partner or other; quota_in_person: A quota cannot be negative; "
            "quota_online: Enter a whole number, or leave it empty for no quota."),
        (4, "Enter the organisation's name."),
        (6, "fine agency is already on line 5."),
        (7, "email_domains: bad/domain is not an email domain: write e.g. who.int."),
    ]
    found = by_name(event)
    assert list(found) == ["World Meteorological Organization"]
    assert (found["World Meteorological Organization"].quota_in_person, found["World Meteorological Organization"]
            .focal_points) == (2, [])
    assert mail_to("focal_point_invitation") == []
    assert _db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("organisation.%"))
                               ).all() == ["organisation.created"]  # WMO's, before the import


def test_columns_the_file_lacks_and_an_empty_kind_keep_what_the_organisation_has(hybrid):
    form, members, _observers, organiser = hybrid
    event = form.event
    delegations.save_organisation(event, actor=organiser, name="FAO", acronym="FAO", kind="observer", country="IT",
                                  email_domains="fao.org", quota_in_person=3, quota_online=5, category=members)

    imported, errors = delegation_import.import_organisations(event, actor=organiser,
                                                              text="Name,Kind,Quota online\nFAO,,7\nWFP,,\n")

    assert errors == [] and [o.name for o in imported.created] == ["WFP"]
    fao, wfp = by_name(event)["FAO"], by_name(event)["WFP"]
    assert (fao.acronym, fao.kind, fao.country, fao.email_domains, fao.quota_in_person, fao.quota_online,
            fao.category_id) == ("FAO", OrganisationKind.OBSERVER, "IT", ["fao.org"], 3, 7, members.id)
    assert (wfp.kind, wfp.quota_in_person, wfp.quota_online, wfp.category_id) == (
        OrganisationKind.MEMBER, None, None, None)


@pytest.mark.parametrize("text, expected", [
    ("", [(1, "The file is empty. Its first line names the columns, e.g. name, acronym, kind, country, "
              "email_domains, quota_in_person, quota_online, category, and focal_points.")]),
    ("acronym,kind\nWHO,member\n", [(1, "The first line must name the columns, at least name; e.g. name, acronym, "
                                          "kind, country, email_domains, quota_in_person, quota_online, category, "
                                          "and focal_points.")]),
    (HEADER + "\n\n", [(2, "There is no organisation to import: the file has no lines after the column names.")]),
])
def test_a_file_without_columns_or_lines_is_refused(hybrid, text, expected):
    form, _members, _observers, organiser = hybrid
    assert delegation_import.import_organisations(form.event, actor=organiser, text=text) == (None, expected)


def test_only_organisers_import(hybrid):
    form, _members, _observers, _organiser = hybrid
    with pytest.raises(NotAllowed):
        delegation_import.import_organisations(form.event, actor=factories.make_user(), text=HEADER + "\nX\n")
    assert by_name(form.event) == {}


# Copy ---------------------------------------------------------------------------------------------------

def test_copy_from_an_earlier_event_with_categories_by_name_and_focal_points(hybrid):
    form, members, _observers, organiser = hybrid
    event = form.event
    earlier = make_form(organiser=organiser, format=EventFormat.HYBRID)
    old_members = add_category(earlier, "member agency")
    old_speakers = add_category(earlier, "Speakers")
    wmo = delegations.save_organisation(earlier.event, actor=organiser, name="WMO", acronym="WMO",
                                        kind="observer", country="CH", email_domains="wmo.int", quota_in_person=2,
                                        quota_online=8, category=old_members)
    delegations.add_focal_point(wmo, actor=organiser, email="fp@wmo.int", name="Wim")
    delegations.save_organisation(earlier.event, actor=organiser, name="UNDRR", category=old_speakers)
    delegations.save_organisation(earlier.event, actor=organiser, name="Who")
    kept = delegations.save_organisation(event, actor=organiser, name="WHO", quota_in_person=1)
    other = make_form()  # an event of someone else
    delegations.save_organisation(other.event, actor=organiser_of(other.event), name="Elsewhere")

    assert delegation_import.copy_sources(event, organiser) == [(earlier.event, 3)]
    copied = delegation_import.copy_organisations(event, source=earlier.event, actor=organiser)

    assert ([o.name for o in copied.created], copied.skipped) == (["UNDRR", "WMO"], ["Who"])
    found = by_name(event)
    new = found["WMO"]
    assert (new.acronym, new.kind, new.country, new.email_domains, new.quota_in_person, new.quota_online,
            new.category_id) == ("WMO", OrganisationKind.OBSERVER, "CH", ["wmo.int"], 2, 8, members.id)
    assert [(f.email, f.name) for f in new.focal_points] == [("fp@wmo.int", "Wim")]
    assert found["UNDRR"].category_id is None  # no "Speakers" category here
    assert found["WHO"] is kept and kept.quota_in_person == 1
    assert mail_to("focal_point_invitation") == ["fp@wmo.int", "fp@wmo.int"]  # for the earlier event, and now
    entry = _db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "organisation.copied")).one()
    assert (entry.actor_id, entry.details) == (organiser.id, {"source": earlier.event.slug, "created": 2,
                                                              "skipped": ["Who"]})
    with pytest.raises(NotAllowed):
        delegation_import.copy_organisations(event, source=other.event, actor=organiser)
    with pytest.raises(NotAllowed):
        delegation_import.copy_organisations(event, source=event, actor=organiser)
