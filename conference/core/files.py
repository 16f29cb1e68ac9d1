"""Uploaded files: streamed to disk, recognised by their content (not their name), and stored
outside the web root in the store (:mod:`.storage`: UPLOAD_FOLDER or an S3 bucket), named by the
SHA-256 of their bytes.

An upload is copied in chunks to a temporary ``.part`` file in UPLOAD_FOLDER on this server's disk
while it is hashed and measured, checked there, then put into its content-addressed place in the
store (a rename, for the local store); a refused file leaves nothing behind. Checks read only
what they need: the first bytes for the magic numbers, a ZIP's central directory and a few bytes
of one member (capped, so a "zip bomb" is never unpacked), a PDF through :mod:`.pdfs`.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import struct
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _

from conference.core import pdfs, storage
from conference.core.lists import format_list
from conference.errors import DomainError

MB = 1024 * 1024
CHUNK = 64 * 1024
MAX_ZIP_ENTRIES = 10_000
MAX_ZIP_DIRECTORY = 16 * MB
MAX_ZIP_RATIO = 100  # declared unpacked size over the archive's size; office files stay far below
MAX_ZIP_UNPACKED = 2048 * MB
MIMETYPE_MAX_BYTES = 200  # an OpenDocument "mimetype" member is about 40 bytes
WITHOUT_METADATA = ".without-metadata"  # the suffix of a PDF's copy for double-blind reviewers

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileFormat:
    key: str
    label: str
    extensions: tuple[str, ...]
    content_type: str


FORMATS: dict[str, FileFormat] = {
    f.key: f
    for f in (
        FileFormat("pdf", "PDF", (".pdf",), "application/pdf"),
        FileFormat("docx", "Word (.docx)", (".docx",),
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        FileFormat("odt", "OpenDocument text (.odt)", (".odt",), "application/vnd.oasis.opendocument.text"),
        FileFormat("pptx", "PowerPoint (.pptx)", (".pptx",),
                   "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        FileFormat("odp", "OpenDocument presentation (.odp)", (".odp",),
                   "application/vnd.oasis.opendocument.presentation"),
        FileFormat("png", "PNG image", (".png",), "image/png"),
        FileFormat("jpeg", "JPEG image", (".jpg", ".jpeg"), "image/jpeg"),
        FileFormat("zip", "ZIP archive", (".zip",), "application/zip"),
    )
}

_EXECUTABLE_MAGIC = (
    b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe", b"#!",
)


@dataclass(frozen=True)
class Upload:
    """A file as someone sent it: the name their computer gave it, and a stream of its bytes
    (read in chunks, never whole)."""

    filename: str
    stream: BinaryIO


@dataclass(frozen=True)
class Received:
    """An accepted file, stored under its digest."""

    format: FileFormat
    sha256: str
    size: int
    filename: str  # the sender's name, made safe, with the extension of the content
    pdf: pdfs.PdfFacts | None  # for a PDF: its pages, metadata and first page's text


# Recognising content ---------------------------------------------------------------------------

class ZipTooLarge(Exception):
    """The archive declares an absurd number of members or unpacked size."""


def _zip_directory(handle: BinaryIO, size: int) -> tuple[int, int]:
    """The number of members and the central directory's size that the end of central directory
    record declares (ZIP64 too), read before zipfile loads the directory and builds one object
    per member."""
    tail_size = min(size, 22 + 65535)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        raise zipfile.BadZipFile("no end of central directory")
    count, directory_size = struct.unpack("<HI", tail[at + 10:at + 16])
    locator = tail[at - 20:at] if at >= 20 else b""
    if locator.startswith(b"PK\x06\x07"):
        handle.seek(struct.unpack("<Q", locator[8:16])[0])
        record = handle.read(56)
        if not record.startswith(b"PK\x06\x06"):
            raise zipfile.BadZipFile("no ZIP64 end of central directory")
        count, directory_size = struct.unpack("<QQ", record[32:48])
    return count, directory_size


def _zip_kind(handle: BinaryIO, size: int) -> str | None:
    """docx, pptx, odt, odp or zip; None if it is not a readable ZIP archive."""
    try:
        count, directory_size = _zip_directory(handle, size)
        if count > MAX_ZIP_ENTRIES or directory_size > MAX_ZIP_DIRECTORY:
            raise ZipTooLarge(f"{count} members in a directory of {directory_size} bytes")
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            if unpacked > MAX_ZIP_UNPACKED or unpacked > MAX_ZIP_RATIO * size + MB:
                raise ZipTooLarge(f"{unpacked} bytes unpacked from {size}")
            names = {member.filename for member in members}
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return "docx"
                if any(n.startswith("ppt/") for n in names):
                    return "pptx"
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    # read(n) decompresses at most n bytes, whatever the member claims to hold.
                    mimetype = member.read(MIMETYPE_MAX_BYTES).decode("ascii", "replace").strip()
                if mimetype == FORMATS["odt"].content_type:
                    return "odt"
                if mimetype == FORMATS["odp"].content_type:
                    return "odp"
            return "zip"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError,
            ValueError, struct.error, OSError):
        return None


def sniff(handle: BinaryIO, size: int | None = None) -> str | None:
    """The format key of the file's content, judged by content alone, or None. ``handle`` must
    be seekable. Raises ZipTooLarge for an archive that declares an absurd unpacked size."""
    if size is None:
        size = handle.seek(0, io.SEEK_END)
    handle.seek(0)
    head = handle.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(handle, size)
    return None


def is_executable(head: bytes) -> bool:
    return head.startswith(_EXECUTABLE_MAGIC)


# Receiving an upload ----------------------------------------------------------------------------

def receive(filename: str, source: bytes | BinaryIO, *, accepted: list[str], max_mb: int, field: str,
            max_pages: int | None = None, copy_without_metadata: bool = False) -> Received:
    """Store the upload if its content is one of the ``accepted`` formats and it is small enough:
    not empty, not a program, a ZIP with sane sizes, a PDF that opens, is not encrypted and has
    at most ``max_pages`` pages. With ``copy_without_metadata``, a PDF's copy for double-blind
    reviewers is made now (see :func:`download_key`), so a file the library cannot rewrite is
    refused here rather than at a reviewer's download. Errors name ``field``."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    part, digest, size = _spool(stream, spool_folder(), filename=filename, max_mb=max_mb, field=field)
    try:
        with part.open("rb") as handle:
            fmt = _check_format(handle, size, filename=filename, accepted=accepted, field=field)
        facts = None
        if fmt.key == "pdf":
            facts = _check_pdf(part, filename=filename, max_pages=max_pages, field=field)
        _store(part, digest, fmt=fmt, copy_without_metadata=copy_without_metadata, filename=filename, field=field)
    finally:
        part.unlink(missing_ok=True)
    return Received(format=fmt, sha256=digest, size=size, filename=safe_filename(filename, fmt), pdf=facts)


def _store(part: Path, digest: str, *, fmt: FileFormat, copy_without_metadata: bool, filename: str,
           field: str) -> None:
    """Put the checked file into the store, unless the same content is there already; then it is
    touched, so that the collection of unreferenced files leaves it to the row about to refer to it."""
    store = storage.current()
    try:
        if fmt.key == "pdf" and copy_without_metadata and not store.exists(without_metadata_key(digest)):
            _write_without_metadata(part, digest, filename=filename, field=field)
        key = blob_key(digest)
        if store.exists(key):
            store.touch(key)
        else:
            store.put(key, part)
    except storage.StorageUnavailable:
        log.exception("The file %s could not be stored", filename)
        raise DomainError(_("The file %(name)s could not be stored just now. Upload it again in a moment.",
                            name=filename), field=field) from None


def _spool(stream: BinaryIO, folder: Path, *, filename: str, max_mb: int, field: str) -> tuple[Path, str, int]:
    """Copy the stream to a temporary file in ``folder`` in chunks, hashing it; stop as soon as
    it is over the limit."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=folder, suffix=".part")
    path = Path(name)
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_mb * MB:
                    raise DomainError(_("The file %(name)s is larger than %(mb)d MB. Make it smaller and upload it "
                                        "again.", name=filename, mb=max_mb), field=field)
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise DomainError(_("The file %(name)s is empty.", name=filename), field=field)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, digest.hexdigest(), size


def _check_format(handle: BinaryIO, size: int, *, filename: str, accepted: list[str], field: str) -> FileFormat:
    allowed = format_list((FORMATS[key].label for key in accepted if key in FORMATS), style="or")
    if is_executable(handle.read(8)):
        raise DomainError(_("The file %(name)s is a program, not a document. Upload %(allowed)s.", name=filename,
                            allowed=allowed), field=field)
    try:
        kind = sniff(handle, size)
    except ZipTooLarge:
        raise DomainError(_("The file %(name)s is a ZIP archive that would unpack to far more than any document "
                            "needs. Upload %(allowed)s of a normal size.", name=filename, allowed=allowed),
                          field=field) from None
    if kind is None or kind not in accepted:
        raise DomainError(
            _("The file %(name)s is not in an accepted format (its content was checked, not only its name). "
              "Upload %(allowed)s.", name=filename, allowed=allowed),
            field=field,
        )
    return FORMATS[kind]


def _unreadable(filename: str, field: str) -> DomainError:
    return DomainError(_("The file %(name)s is not a readable PDF: it may be damaged, or only named like one. "
                         "Export it again as PDF from the program that made it and upload it again.", name=filename),
                       field=field)


def _check_pdf(path: Path, *, filename: str, max_pages: int | None, field: str) -> pdfs.PdfFacts:
    try:
        facts = pdfs.inspect(path)
    except pdfs.EncryptedPdf:
        raise DomainError(_("The file %(name)s is encrypted or protected by a password, so it cannot be checked or "
                            "read by everyone who needs to. Save it without protection and upload it again.",
                            name=filename), field=field) from None
    except pdfs.UnreadablePdf:
        raise _unreadable(filename, field) from None
    if max_pages is not None and facts.pages > max_pages:
        raise DomainError(_("The file %(name)s has %(pages)d pages; at most %(limit)d are allowed. Shorten it and "
                            "upload it again.", name=filename, pages=facts.pages, limit=max_pages), field=field)
    return facts


# Storing and serving ----------------------------------------------------------------------------

def safe_filename(filename: str, fmt: FileFormat) -> str:
    """Keep the author's name for the download, with the extension that matches the content."""
    base = os.path.basename(filename.replace("\\", "/")).strip() or "file"
    stem, ext = os.path.splitext(base)
    if ext.lower() not in fmt.extensions:
        base = (stem or "file") + fmt.extensions[0]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"/\\')
    return cleaned[:200]


def spool_folder() -> Path:
    """Where uploads are spooled and checked: UPLOAD_FOLDER on this server's disk, whatever the
    store (with the local store, the same disk as the files, so putting one is a rename)."""
    return Path(current_app.config["UPLOAD_FOLDER"])


def blob_key(digest: str) -> str:
    """The stored file's key: ``ab/abcdef…``, the first two hex digits of its SHA-256, then all of it."""
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError("not a SHA-256 digest")
    return f"{digest[:2]}/{digest}"


def without_metadata_key(digest: str) -> str:
    return blob_key(digest) + WITHOUT_METADATA


def blob_path(digest: str) -> Path:
    """Where the local store (STORAGE_BACKEND=local) keeps the file."""
    return Path(current_app.config["UPLOAD_FOLDER"]) / blob_key(digest)


def _write_without_metadata(source: Path, digest: str, *, filename: str, field: str) -> None:
    try:
        _put_without_metadata(source, digest)
    except (pdfs.UnreadablePdf, pdfs.EncryptedPdf):
        raise _unreadable(filename, field) from None


def _put_without_metadata(source: Path, digest: str) -> None:
    """Write the copy without document metadata into the spool, then put it into the store."""
    spool = spool_folder()
    spool.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=spool, suffix=".part")
    os.close(handle)
    copy = Path(name)
    try:
        pdfs.write_without_metadata(source, copy)
        storage.current().put(without_metadata_key(digest), copy)
    finally:
        copy.unlink(missing_ok=True)


def download_key(digest: str, *, without_metadata: bool = False) -> str | None:
    """The key of the stored file, or of its copy without document metadata (made once per content
    and kept beside it, for files stored before or in an event that became double-blind later);
    None when the file is missing or the copy cannot be made."""
    store = storage.current()
    key = blob_key(digest)
    if not store.exists(key):
        return None
    copy = without_metadata_key(digest)
    if not without_metadata or store.exists(copy):
        return copy if without_metadata else key
    source = store.local_path(key)
    fetched = None
    if source is None:  # from the bucket into the spool, to be read by pypdf
        spool = spool_folder()
        spool.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=spool, suffix=".part")
        os.close(handle)
        source = fetched = Path(name)
    try:
        if fetched is not None:
            store.fetch(key, fetched)
        _put_without_metadata(source, digest)
    except (pdfs.UnreadablePdf, pdfs.EncryptedPdf):
        return None
    finally:
        if fetched is not None:
            fetched.unlink(missing_ok=True)
    return copy


def read_bytes(key: str) -> bytes:
    """A stored file's bytes, whole: for small files and tests; downloads stream."""
    with storage.current().open(key) as handle:
        return handle.read()

