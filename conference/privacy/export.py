"""The export of everything the app holds about a person, as one JSON document (the right of
access and to data portability). Its structure is described by ``personal-data.schema.json``
beside this module; each area fills its own part (see conference.core.personal_data).

What counts as the person's: what refers to their account, and, once they have confirmed their
address, what was given under that address without an account (registrations, invitations,
co-authorships, focal points, speaker profiles, mail). Never anyone else's data beyond what the
person could already see: co-authors by name only, reviewers' submissions without their authors,
the audit log's entries without their details."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from flask import current_app

from conference.accounts.models import User
from conference.core import personal_data
from conference.core.personal_data import iso
from conference.core.types import utcnow

FORMAT = "conference-personal-data"
VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("personal-data.schema.json")


def export_for(user: User, *, now: dt.datetime | None = None) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "site": current_app.config["SITE_NAME"],
        "generated_at": iso(now or utcnow()),
        "account_id": user.id,
        "areas": {holder.area: holder.export(user) for holder in personal_data.HOLDERS.values()},
    }


def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
