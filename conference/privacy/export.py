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
import shutil
import zipfile
from pathlib import Path
from typing import IO, Any

from flask import current_app

from conference.accounts.models import User
from conference.core import files, personal_data, storage
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


# With the files ---------------------------------------------------------------------------------

DOCUMENT_NAME = "your-data.json"


def _files_in(value: Any, found: dict[str, str]) -> None:
    """Every file the document lists (a ``sha256`` with its ``filename``), each once: the areas
    decided what is the person's, so the archive carries exactly those."""
    if isinstance(value, dict):
        digest, name = value.get("sha256"), value.get("filename")
        if isinstance(digest, str) and len(digest) == 64 and isinstance(name, str):
            found.setdefault(digest, name)
        for item in value.values():
            _files_in(item, found)
    elif isinstance(value, list):
        for item in value:
            _files_in(item, found)


def files_listed(document: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    _files_in(document["areas"], found)
    return found


def _member_name(index: int, filename: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "._- " else "_" for ch in filename).strip() or "file"
    return f"files/{index:03d}-{safe[:120]}"


def write_archive(user: User, out: IO[bytes]) -> None:
    """A ZIP of the JSON document and every file it lists (``files/NNN-name``), each file
    entered in the document's ``archive_files`` beside its digest; a file the store no longer
    has is listed there as missing rather than failing the download."""
    document = export_for(user)
    store = storage.current()
    entries = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for index, (digest, filename) in enumerate(sorted(files_listed(document).items(), key=lambda i: i[1]), 1):
            name = _member_name(index, filename)
            try:
                with store.open(files.blob_key(digest)) as stream, archive.open(name, "w", force_zip64=True) as member:
                    shutil.copyfileobj(stream, member, 1024 * 1024)
            except FileNotFoundError:
                entries.append({"sha256": digest, "filename": filename, "path": None})
                continue
            entries.append({"sha256": digest, "filename": filename, "path": name})
        document["archive_files"] = entries
        archive.writestr(DOCUMENT_NAME, json.dumps(document, ensure_ascii=False, indent=2))
