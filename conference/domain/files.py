"""Uploaded files: recognised by their content, not their name, and stored outside the web
root under ``UPLOAD_FOLDER``, named by the SHA-256 of their bytes."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from ..errors import DomainError


@dataclass(frozen=True)
class FileFormat:
    key: str
    label: str
    extensions: tuple[str, ...]
    content_type: str


def _zip_names(data: bytes) -> list[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return None


def _odf_mimetype(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.read("mimetype").decode("ascii", "replace").strip()
    except (zipfile.BadZipFile, KeyError, ValueError):
        return None


FORMATS: dict[str, FileFormat] = {
    f.key: f
    for f in (
        FileFormat("pdf", "PDF", (".pdf",), "application/pdf"),
        FileFormat("docx", "Word (.docx)", (".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        FileFormat("odt", "OpenDocument text (.odt)", (".odt",), "application/vnd.oasis.opendocument.text"),
        FileFormat("pptx", "PowerPoint (.pptx)", (".pptx",), "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        FileFormat("odp", "OpenDocument presentation (.odp)", (".odp",), "application/vnd.oasis.opendocument.presentation"),
        FileFormat("png", "PNG image", (".png",), "image/png"),
        FileFormat("jpeg", "JPEG image", (".jpg", ".jpeg"), "image/jpeg"),
        FileFormat("zip", "ZIP archive", (".zip",), "application/zip"),
    )
}

_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")


def sniff(data: bytes) -> str | None:
    """The format key of these bytes, judged by content alone, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        names = _zip_names(data)
        if names is None:
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("ppt/") for n in names):
                return "pptx"
        mimetype = _odf_mimetype(data)
        if mimetype == FORMATS["odt"].content_type:
            return "odt"
        if mimetype == FORMATS["odp"].content_type:
            return "odp"
        return "zip"
    return None


def is_executable(data: bytes) -> bool:
    return data.startswith(_EXECUTABLE_MAGIC)


def check_upload(filename: str, data: bytes, *, accepted: list[str], max_mb: int, field: str) -> FileFormat:
    """Accept the file only if its content is one of the ``accepted`` formats and small enough."""
    if not data:
        raise DomainError(_("The file %(name)s is empty.", name=filename), field=field)
    if len(data) > max_mb * 1024 * 1024:
        raise DomainError(
            _("The file %(name)s is larger than %(mb)d MB. Make it smaller and upload it again.", name=filename, mb=max_mb),
            field=field,
        )
    allowed = ", ".join(FORMATS[key].label for key in accepted if key in FORMATS)
    if is_executable(data):
        raise DomainError(_("The file %(name)s is a program, not a document. Upload %(allowed)s.", name=filename, allowed=allowed), field=field)
    kind = sniff(data)
    if kind is None or kind not in accepted:
        raise DomainError(
            _("The file %(name)s is not in an accepted format (its content was checked, not only its name). Upload %(allowed)s.",
              name=filename, allowed=allowed),
            field=field,
        )
    return FORMATS[kind]


def safe_filename(filename: str, fmt: FileFormat) -> str:
    """Keep the author's name for the download, with the extension that matches the content."""
    base = os.path.basename(filename.replace("\\", "/")).strip() or "file"
    stem, ext = os.path.splitext(base)
    if ext.lower() not in fmt.extensions:
        base = (stem or "file") + fmt.extensions[0]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"/\\')
    return cleaned[:200]


def store(data: bytes) -> str:
    """Write the bytes under UPLOAD_FOLDER (once per content) and return their SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    path = blob_path(digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        temporary.write_bytes(data)
        os.replace(temporary, path)
    return digest


def blob_path(digest: str) -> Path:
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError("not a SHA-256 digest")
    return Path(current_app.config["UPLOAD_FOLDER"]) / digest[:2] / digest
