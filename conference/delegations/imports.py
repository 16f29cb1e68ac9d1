"""The event's list of organisations in and out: the CSV export, the CSV import (all or
nothing, every wrong line reported), and the copy of an earlier event's list. Organisations and
focal points are made by :mod:`.delegations` (``save_organisation``, ``add_focal_point``), so
their rules, audit entries and mails are the same as when they are entered one by one."""

from __future__ import annotations

import csv
import dataclasses
import io
import re

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import lazyload

from conference.accounts.users import normalise_email
from conference.core import csv_files as csv_import
from conference.core.audit import record
from conference.core.csv_files import FORMULA_STARTS, safe_cell
from conference.core.lists import format_list
from conference.delegations.delegations import (
    add_focal_point,
    delegation_counts,
    organisations_of,
    require_organiser,
    save_organisation,
)
from conference.delegations.enums import OrganisationKind
from conference.delegations.models import Organisation
from conference.errors import DomainError, NotAllowed, ValidationFailed
from conference.events.enums import TeamRole
from conference.events.models import Event, EventRole
from conference.extensions import db
from conference.registration import categories
from conference.registration.models import ParticipantCategory

# The export's columns, also those the import reads (it ignores the counts).
CSV_COLUMNS = ("name", "acronym", "kind", "country", "email_domains", "quota_in_person", "quota_online", "category",
               "focal_points")
COUNT_COLUMNS = ("approved", "pending", "checked_in")


def _focal_points_text(organisation: Organisation) -> str:
    return "; ".join(f"{f.name} <{f.email}>" if f.name else f.email for f in organisation.focal_points)


# Export ---------------------------------------------------------------------------------------------

def organisations_csv(event: Event) -> str:
    """Every organisation with its focal points and its delegates approved, pending and checked
    in (all modes together), as CSV text with a byte-order mark so spreadsheets read it as
    UTF-8. Cells that a spreadsheet would run as a formula are quoted with an apostrophe."""
    counts = delegation_counts(event)
    category_names: dict[int | None, str] = dict(db.session.execute(
        sa.select(ParticipantCategory.id, ParticipantCategory.name).where(ParticipantCategory.event_id == event.id)
    ).all())
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS + COUNT_COLUMNS)
    for organisation in organisations_of(event):
        def total(counter, oid=organisation.id):
            return sum(n for (organisation_id, _mode), n in counter.items() if organisation_id == oid)

        row = [organisation.name, organisation.acronym, organisation.kind.value, organisation.country,
               " ".join(organisation.email_domains or []),
               "" if organisation.quota_in_person is None else organisation.quota_in_person,
               "" if organisation.quota_online is None else organisation.quota_online,
               category_names.get(organisation.category_id, ""), _focal_points_text(organisation),
               total(counts.approved), total(counts.pending), total(counts.checked_in)]
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


# Import ---------------------------------------------------------------------------------------------

@dataclasses.dataclass
class Imported:
    created: list[Organisation]
    updated: list[Organisation]
    focal_points: int  # added


def _cell(value: str) -> str:
    """A cell as typed: the apostrophe the export puts before what looks like a formula is
    taken off again, so an exported file imports unchanged."""
    value = (value or "").strip()
    if value.startswith("'") and value[1:2] and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _read(text: str) -> tuple[list[str], list[tuple[int, dict]], list[tuple[int, str]]]:
    """The columns found and the rows (with their line numbers) of the CSV text, or the problem
    with its first line."""
    return csv_import.read_rows(
        text, columns=CSV_COLUMNS, required=("name",), cell=_cell,
        empty_message=_("The file is empty. Its first line names the columns, e.g. %(columns)s.",
                        columns=format_list(CSV_COLUMNS)),
        missing_message=lambda _missing: _("The first line must name the columns, at least name; e.g. "
                                           "%(columns)s.", columns=format_list(CSV_COLUMNS)))


_NAMED_ADDRESS = re.compile(r"^(?P<name>.*?)\s*<(?P<email>[^<>]*)>$")


def _focal_points(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The (email, name) pairs of "Name <email>; email; ..." and the problems found."""
    found: list[tuple[str, str]] = []
    problems: list[str] = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        match = _NAMED_ADDRESS.match(part)
        name, email = (match["name"].strip().strip('"'), match["email"]) if match else ("", part)
        try:
            address = normalise_email(email)
        except DomainError:
            problems.append(_("the focal point “%(focal)s” has no valid email address", focal=part))
            continue
        if address not in [a for a, _n in found]:
            found.append((address, name))
    return found, problems


def import_organisations(event: Event, *, actor, text: str) -> tuple[Imported | None, list[tuple[int, str]]]:
    """Create or update organisations from CSV text with the export's columns (only ``name``
    is required; the count columns are ignored). An organisation of the same name (in any case)
    is updated with the columns given, a new one is created; focal points not yet there are
    added and invited. All or nothing: when any line is wrong nothing changes, and every wrong
    line is reported with its number and the reasons."""
    require_organiser(event, actor)
    columns, rows, errors = _read(text)
    if errors:
        return None, errors
    if not rows:
        return None, [(2, _("There is no organisation to import: the file has no lines after the column names."))]
    existing = {o.name.casefold(): o for o in organisations_of(event)}
    by_category = categories.categories_by_name(event)
    seen: dict[str, int] = {}
    imported = Imported([], [], 0)
    # Each line goes through the same rules as the form; a savepoint undoes them all if any fails.
    savepoint = db.session.begin_nested()
    for line, row in rows:
        problems = []
        name = " ".join(row["name"].split())
        category, problem = (categories.category_named(row["category"], by_category) if row.get("category")
                             else (None, None))
        if problem:
            problems.append(problem)
        focal_points, focal_problems = _focal_points(row.get("focal_points", ""))
        problems += focal_problems
        if name and name.casefold() in seen:
            problems.insert(0, _("%(name)s is already on line %(line)d", name=name, line=seen[name.casefold()]))
        else:
            seen[name.casefold()] = line
            organisation = existing.get(name.casefold())
            try:  # also when the line is already wrong: its other problems are reported too
                saved = save_organisation(event, actor=actor, organisation=organisation, name=name,
                                          **_fields(row, columns, organisation, category))
            except ValidationFailed as failed:
                problems += [f"{field}: {message}" if field != "name" else message
                             for field, message in failed.errors.items()]
            else:
                (imported.updated if organisation is not None else imported.created).append(saved)
                present = {f.email for f in saved.focal_points}
                for address, focal_name in focal_points:
                    if address not in present:
                        add_focal_point(saved, actor=actor, email=address, name=focal_name)
                        imported.focal_points += 1
        if problems:
            errors.append((line, "; ".join(p.rstrip(".") for p in problems) + "."))
    if errors:
        savepoint.rollback()
        return None, errors
    savepoint.commit()
    record("organisation.imported", actor=actor, obj=event, event=event, created=len(imported.created),
           updated=len(imported.updated), focal_points=imported.focal_points)
    db.session.flush()
    return imported, []


def _fields(row: dict, columns: list[str], organisation: Organisation | None, category) -> dict:
    """save_organisation's arguments from a line: a column the file lacks keeps what the
    organisation has (or the default for a new one), and so does an empty kind."""
    def given(column, current, default=""):
        if column in columns:
            return row[column]
        return current if organisation is not None else default

    return {
        "acronym": given("acronym", getattr(organisation, "acronym", "")),
        # An empty kind keeps the organisation's (a new one is a member).
        "kind": (row.get("kind") or getattr(organisation, "kind", None) or OrganisationKind.MEMBER.value).lower(),
        "country": given("country", getattr(organisation, "country", "")),
        "email_domains": given("email_domains", getattr(organisation, "email_domains", [])),
        "quota_in_person": given("quota_in_person", getattr(organisation, "quota_in_person", None), None),
        "quota_online": given("quota_online", getattr(organisation, "quota_online", None), None),
        "category": category if "category" in columns else getattr(organisation, "category", None),
    }


# Copy from an earlier event ----------------------------------------------------------------------------

def copy_sources(event: Event, user) -> list[tuple[Event, int]]:
    """The other events ``user`` organises that have organisations, with how many, newest first."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [(other, count) for other, count in db.session.execute(
        sa.select(Event, sa.func.count(Organisation.id))
        .join(Organisation, Organisation.event_id == Event.id)
        .where(Event.id != event.id, Event.id.in_(sa.select(EventRole.event_id).where(
            EventRole.user_id == user.id, EventRole.role == TeamRole.ORGANISER)))
        .group_by(Event.id).options(lazyload(Event.roles))
        .order_by(Event.start_date.desc(), Event.title)
    ).all()]


@dataclasses.dataclass
class Copied:
    created: list[Organisation]
    skipped: list[str]  # names already in the list


def copy_organisations(event: Event, *, source: Event, actor) -> Copied:
    """Copy ``source``'s organisations into ``event``: name, acronym, kind, country, email
    domains, quotas, the category of the same name when ``event`` has exactly one, and the focal
    points (invited again, for this event). Organisations whose name is already in the list
    are left as they are. The actor must organise both events."""
    require_organiser(event, actor)
    if source.id == event.id or not source.can_manage(actor):
        raise NotAllowed(_("Choose another event you organise."), field="source_event_id")
    existing = {o.name.casefold() for o in organisations_of(event)}
    by_category = categories.categories_by_name(event)
    source_categories: dict[int | None, str] = dict(db.session.execute(
        sa.select(ParticipantCategory.id, ParticipantCategory.name).where(ParticipantCategory.event_id == source.id)
    ).all())
    copied = Copied([], [])
    for original in organisations_of(source):
        if original.name.casefold() in existing:
            copied.skipped.append(original.name)
            continue
        matches = by_category.get(source_categories.get(original.category_id, "").lower(), [])
        organisation = save_organisation(
            event, actor=actor, name=original.name, acronym=original.acronym, kind=original.kind,
            country=original.country, email_domains=list(original.email_domains or []),
            quota_in_person=original.quota_in_person, quota_online=original.quota_online,
            category=matches[0] if len(matches) == 1 else None)
        for focal in original.focal_points:
            add_focal_point(organisation, actor=actor, email=focal.email, name=focal.name)
        copied.created.append(organisation)
    record("organisation.copied", actor=actor, obj=event, event=event, source=source.slug,
           created=len(copied.created), skipped=copied.skipped)
    db.session.flush()
    return copied
