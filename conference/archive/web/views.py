"""The archive's public pages: the index, each record at its stable address (or its tombstone),
its files and its citation exports."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from conference.archive import citations, scholar
from conference.archive.models import ArchiveFile, ArchiveRecord
from conference.archive.queries import PAGE_SIZE, published_records
from conference.archive.web.forms import page_labels
from conference.core import files
from conference.core.links import external_url
from conference.extensions import db
from conference.web.common import paginate
from conference.web.downloads import send_stored

bp = Blueprint("archive", __name__, url_prefix="/archive")
bp.context_processor(page_labels)

EXPORTS = {  # format: (media type, file name's suffix)
    "bibtex": ("application/x-bibtex", "bib"),
    "ris": ("application/x-research-info-systems", "ris"),
    "csl-json": ("application/vnd.citationstyles.csl+json", "json"),
    "datacite": ("application/xml", "xml"),
}


@bp.get("")
def index():
    page = paginate(published_records(), per_page=PAGE_SIZE)
    return render_template("archive/index.html", page=page)


def _load(record_id: int) -> ArchiveRecord:
    return db.get_or_404(ArchiveRecord, record_id)


def _tombstone(record: ArchiveRecord) -> ResponseReturnValue:
    """A withdrawn record's address, and its files' and exports': 410 Gone, saying what was here."""
    return render_template("archive/tombstone.html", record=record), 410


def _pdf_url(record: ArchiveRecord) -> str | None:
    pdf = next((stored for stored in record.files if stored.is_pdf), None)
    return None if pdf is None else external_url("archive.download", record_id=record.id, file_id=pdf.id,
                                                 filename=pdf.filename)


@bp.get("/<int:record_id>")
def show(record_id: int):
    record = _load(record_id)
    if not record.can_view(current_user):
        return _tombstone(record)
    page_url, pdf_url = external_url("archive.show", record_id=record.id), _pdf_url(record)
    return render_template(
        "archive/record.html", record=record, page_url=page_url, exports=list(EXPORTS),
        citation=citations.formatted_citation(record, page_url=page_url),
        highwire=scholar.highwire_tags(record, pdf_url=pdf_url),
        json_ld=scholar.json_ld(record, page_url=page_url, pdf_url=pdf_url),
        can_manage=record.can_manage(current_user),
    )


@bp.get("/<int:record_id>/files/<int:file_id>/<filename>")
def download(record_id: int, file_id: int, filename: str):
    record = _load(record_id)
    if not record.can_view(current_user):
        return _tombstone(record)
    stored = db.first_or_404(db.select(ArchiveFile).where(ArchiveFile.id == file_id,
                                                          ArchiveFile.record_id == record.id))
    return send_stored(files.blob_key(stored.sha256), content_type=stored.content_type,
                       download_name=stored.filename)


@bp.get("/<int:record_id>/export/<fmt>")
def export(record_id: int, fmt: str):
    record = _load(record_id)
    if fmt not in EXPORTS:
        abort(404)
    if not record.can_view(current_user):
        return _tombstone(record)
    page_url, site = external_url("archive.show", record_id=record.id), current_app.config["SITE_NAME"]
    body = {
        "bibtex": lambda: citations.bibtex(record, page_url=page_url, site_name=site),
        "ris": lambda: citations.ris(record, page_url=page_url),
        "csl-json": lambda: citations.csl_json(record, page_url=page_url),
        "datacite": lambda: citations.datacite_xml(record, page_url=page_url, site_name=site),
    }[fmt]()
    media_type, suffix = EXPORTS[fmt]
    name = f"datacite-{record.id}.xml" if fmt == "datacite" else f"archive-{record.id}.{suffix}"
    return Response(body, content_type=f"{media_type}; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
