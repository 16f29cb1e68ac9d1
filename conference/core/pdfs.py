"""PDFs opened with pypdf: is the file a readable, unencrypted PDF, how many pages has it, does
its document metadata or its first page name someone, and a copy without the metadata.

pypdf is pure Python: a hostile file can make it raise, never crash the process, and its
configuration caps what it decompresses and parses (set tighter below than its defaults, which
are made for desktop use). Every call on the library is guarded: a file that makes it fail in
any way is "not a readable PDF", never a server error.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pypdf import PdfReader, PdfWriter, apply_configuration
from pypdf.generic import DictionaryObject, NameObject

MB = 1024 * 1024
# Generous for papers and slides (a scanned page is a few MB at most), small for a server.
LIMITS = {
    "maximum_declared_stream_length": 50 * MB,
    "array_based_stream_maximum_output_length": 50 * MB,
    "zlib_maximum_output_length": 50 * MB,
    "lzw_maximum_output_length": 50 * MB,
    "run_length_maximum_output_length": 50 * MB,
    "jbig2_maximum_output_length": 50 * MB,
    "brotli_maximum_output_length": 50 * MB,
    "image_maximum_buffer_size": 50 * MB,
    "stream_decoding_work_maximum_length": 100 * MB,
    "stream_parsing_work_maximum_count": 1_000_000,
    "xmp_maximum_input_length": 1 * MB,
    "page_tree_maximum_entries": 20_000,
    "page_tree_maximum_page_entries": 200_000,
    "xform_maximum_invocations_per_extraction": 500,
    "jbig2dec_binary": None,  # never run an external program on an uploaded file
    "disable_legacy_handling": True,
}
FIRST_PAGE_TEXT_CHARS = 20_000  # a title page's text; more is not needed to find a byline


class UnreadablePdf(Exception):
    """The library could not open the file as a PDF, or found no page in it."""


class EncryptedPdf(Exception):
    """The PDF is encrypted (a password to open it, or restrictions on what readers may do)."""


@dataclass(frozen=True)
class PdfFacts:
    pages: int
    metadata_text: str  # the document information dictionary's values and the XMP packet, as text
    first_page_text: str


@contextmanager
def _guarded() -> Iterator[None]:
    """pypdf with the limits above; any failure of the library on the file becomes UnreadablePdf."""
    try:
        with apply_configuration(None, **LIMITS):  # None: on top of the current configuration
            yield
    except (UnreadablePdf, EncryptedPdf):
        raise
    except Exception as error:  # a hostile file may make the parser fail in any way
        raise UnreadablePdf(str(error)) from error


def _open(handle: BinaryIO) -> PdfReader:
    # Given an open file (not a path, which it would read whole into memory), pypdf reads only
    # the objects it needs.
    reader = PdfReader(handle, strict=False)
    if reader.is_encrypted:
        raise EncryptedPdf()
    if len(reader.pages) == 0:
        raise UnreadablePdf("no pages")
    return reader


def _metadata_text(reader: PdfReader) -> str:
    parts = [str(value) for value in (reader.metadata or {}).values()]
    xmp = reader.root_object.get("/Metadata")
    if xmp is not None:
        parts.append(xmp.get_object().get_data().decode("utf-8", "replace"))
    return "\n".join(parts)


def inspect(path: Path) -> PdfFacts:
    """Open the PDF at ``path``: its page count, metadata and first page's text."""
    with _guarded(), path.open("rb") as handle:
        reader = _open(handle)
        return PdfFacts(pages=len(reader.pages), metadata_text=_metadata_text(reader),
                        first_page_text=reader.pages[0].extract_text()[:FIRST_PAGE_TEXT_CHARS])


def write_without_metadata(source: Path, target: Path) -> None:
    """Write a copy of the PDF without its document metadata: the information dictionary (author,
    title, creator...), the XMP packet of the document and of each page, and the private data
    of the programs that made it. Objects no longer referenced (earlier revisions) are left out."""
    with _guarded(), source.open("rb") as handle:
        writer = PdfWriter(clone_from=_open(handle))
        writer.metadata = None
        _drop_keys(writer.root_object, ("/Metadata", "/PieceInfo"))
        for page in writer.pages:
            _drop_keys(page, ("/Metadata", "/PieceInfo"))
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                writer.write(out)
            os.replace(temporary, target)
        finally:
            Path(temporary).unlink(missing_ok=True)


def _drop_keys(obj: DictionaryObject, keys: Iterable[str]) -> None:
    for key in keys:
        obj.pop(NameObject(key), None)


# Finding the authors in a file's text -----------------------------------------------------------

def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def names_someone(text: str, people: Iterable[tuple[str, str]]) -> bool:
    """Does ``text`` hold one of these people's full name or email address (in any case), or
    their family name (the last word of the name, when it has four letters or more) as a whole
    word with a capital letter, as in "Z. Quintavalle"? A hint for a warning, not a proof: a
    common family name can match by chance."""
    text = _normal(text)
    folded = text.casefold()
    if not text:
        return False
    for name, email in people:
        name, email = _normal(name), _normal(email)
        if (name and name.casefold() in folded) or (email and email.casefold() in folded):
            return True
        family = name.split()[-1] if name else ""
        if len(family) >= 4 and re.search(rf"(?<!\w){re.escape(family[0].upper() + family[1:])}(?!\w)", text):
            return True
    return False
