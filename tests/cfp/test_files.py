"""Uploaded files: recognised by content, refused when wrong, empty or too large, stored once
per content under UPLOAD_FOLDER (outside the package), replaced by a new file of the same kind."""

from __future__ import annotations

import hashlib
import io
import os
import struct
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader

from conference import config as config_module
from conference.cfp import anonymised, authoring
from conference.cfp import submissions as ops
from conference.cfp.enums import FileKind, SubmissionState
from conference.cfp.models import SubmissionFile
from conference.cfp.setup import save_question, save_submission_type
from conference.core import files
from conference.core.enums import QuestionKind
from conference.errors import DomainError, InvalidState, NotAllowed, ValidationFailed
from conference.review.common import ensure_review_settings
from conference.review.enums import BlindMode

from .. import factories
from ..core.builders import count
from ..pdfs import encrypted_pdf, make_pdf, xmp_packet
from .builders import (
    AFTER_EDIT_UNTIL,
    DOCX,
    DURING,
    JPEG,
    LINUX_EXE,
    ODT,
    PDF,
    PNG,
    PPTX,
    SHELL_SCRIPT,
    WINDOWS_EXE,
    ZIP,
    complete_talk,
    make_call,
    submitted_talk,
)

MB = 1024 * 1024


# Recognising content -----------------------------------------------------------------------------

@pytest.mark.parametrize("data, expected", [
    (PDF, "pdf"), (DOCX, "docx"), (ODT, "odt"), (PPTX, "pptx"), (PNG, "png"), (JPEG, "jpeg"), (ZIP, "zip"),
    (b"Just some text that claims to be a paper.", None),
    (b"PK\x03\x04 but not really a zip archive", None),
    (WINDOWS_EXE, None),
])
def test_sniff_recognises_formats_by_content(data, expected):
    assert files.sniff(io.BytesIO(data)) == expected


@pytest.mark.parametrize("data", [WINDOWS_EXE, LINUX_EXE, SHELL_SCRIPT])
def test_receive_refuses_a_renamed_executable(app, db, data):
    with pytest.raises(DomainError) as error:
        files.receive("paper.pdf", data, accepted=["pdf"], max_mb=1, field="paper")
    assert error.value.field == "paper"
    assert error.value.message == "The file paper.pdf is a program, not a document. Upload PDF."


def test_receive_refuses_a_format_the_type_does_not_accept_even_when_named_right(app, db):
    with pytest.raises(DomainError) as error:
        files.receive("paper.pdf", DOCX, accepted=["pdf"], max_mb=1, field="paper")
    assert error.value.message == ("The file paper.pdf is not in an accepted format (its content was checked, "
                                   "not only its name). Upload PDF.")
    assert files.receive("paper.docx", DOCX, accepted=["pdf", "docx"], max_mb=1, field="paper").format.key == "docx"


def test_receive_accepts_content_whatever_the_name(app, db):
    received = files.receive("scan.jpg", PDF, accepted=["pdf"], max_mb=1, field="paper")
    assert (received.format.key, received.filename, received.pdf.pages) == ("pdf", "scan.pdf", 1)


def test_receive_refuses_an_empty_file(app, db):
    with pytest.raises(DomainError) as error:
        files.receive("paper.pdf", b"", accepted=["pdf"], max_mb=1, field="paper")
    assert (error.value.field, error.value.message) == ("paper", "The file paper.pdf is empty.")


def test_receive_refuses_a_file_over_the_limit_and_accepts_one_at_it(app, db):
    at_limit = PDF + b"0" * (1024 * 1024 - len(PDF))
    assert files.receive("paper.pdf", at_limit, accepted=["pdf"], max_mb=1, field="paper").size == 1024 * 1024
    with pytest.raises(DomainError) as error:
        files.receive("paper.pdf", at_limit + b"0", accepted=["pdf"], max_mb=1, field="paper")
    assert error.value.message == "The file paper.pdf is larger than 1 MB. Make it smaller and upload it again."


@pytest.mark.parametrize("given, fmt, expected", [
    ("paper.pdf", "pdf", "paper.pdf"),
    ("Paper.PDF", "pdf", "Paper.PDF"),
    ("../../etc/passwd.pdf", "pdf", "passwd.pdf"),
    ("C:\\Users\\kwame\\draft.pdf", "pdf", "draft.pdf"),
    ("paper.exe", "pdf", "paper.pdf"),
    ("paper", "pdf", "paper.pdf"),
    ("", "pdf", "file.pdf"),
    ('my "best" paper.pdf', "pdf", "my best paper.pdf"),
    ("photo.jpeg", "jpeg", "photo.jpeg"),
    ("photo.png", "jpeg", "photo.jpg"),
])
def test_safe_filename_keeps_the_name_with_the_extension_of_the_content(given, fmt, expected):
    assert files.safe_filename(given, files.FORMATS[fmt]) == expected


# Storing -----------------------------------------------------------------------------------------

@pytest.fixture
def empty_upload_folder(app, tmp_path, monkeypatch):
    """An upload folder of the test's own: other tests store the same content (and copies of it
    without metadata) in the session's folder."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))


def test_receive_writes_each_content_once_under_upload_folder(app, db, empty_upload_folder):
    digest = files.receive("a.pdf", PDF, accepted=["pdf"], max_mb=1, field="paper").sha256
    assert digest == hashlib.sha256(PDF).hexdigest()
    path = Path(app.config["UPLOAD_FOLDER"]) / digest[:2] / digest
    assert files.blob_path(digest) == path
    assert path.read_bytes() == PDF
    before = path.stat()
    os.utime(path, (before.st_atime - 7200, before.st_mtime - 7200))
    assert files.receive("b.pdf", io.BytesIO(PDF), accepted=["pdf"], max_mb=1, field="paper").sha256 == digest
    again = path.stat()
    assert again.st_ino == before.st_ino  # not written again (a rename would make another file)
    assert again.st_mtime > before.st_mtime - 7200  # touched: the collection of unreferenced files waits again
    assert [p for p in path.parent.iterdir() if p.name.startswith(digest)] == [path]  # no temporary file left
    assert list(Path(app.config["UPLOAD_FOLDER"]).glob("*.part")) == []


def test_receive_puts_each_content_once_into_the_store(app, db, store):
    digest = files.receive("a.pdf", PDF, accepted=["pdf"], max_mb=1, field="paper").sha256
    assert store.keys() == [f"{digest[:2]}/{digest}"] == [files.blob_key(digest)]
    assert store.read(files.blob_key(digest)) == PDF
    assert files.receive("b.pdf", io.BytesIO(PDF), accepted=["pdf"], max_mb=1, field="paper").sha256 == digest
    assert store.keys() == [files.blob_key(digest)]
    assert list(Path(app.config["UPLOAD_FOLDER"]).glob("*.part")) == []  # the spool is empty again


def test_upload_folder_is_outside_the_package_and_the_web_root(app):
    package = Path(app.root_path).resolve()
    default = Path(config_module.defaults(app.instance_path)["UPLOAD_FOLDER"]).resolve()
    for folder in (default, Path(app.config["UPLOAD_FOLDER"]).resolve()):
        assert not folder.is_relative_to(package)
        assert not folder.is_relative_to(Path(app.static_folder).resolve())


@pytest.mark.parametrize("digest", ["../../conference/__init__.py", "a" * 63, "A" * 64, "g" * 64])
def test_blob_path_refuses_anything_but_a_digest(app, db, digest):
    with pytest.raises(ValueError):
        files.blob_path(digest)


# Attaching to a submission ----------------------------------------------------------------------

def test_attach_file_stores_a_paper_checked_by_content(app, db, store):
    call = make_call()
    author = factories.make_user()
    submission = complete_talk(call, author, type_id=call.paper.id)
    stored = ops.attach_file(submission, actor=author, kind=FileKind.PAPER, filename="Our paper.PDF", data=PDF, now=DURING)
    assert (stored.kind, stored.filename, stored.content_type, stored.size) == (FileKind.PAPER, "Our paper.PDF",
                                                                              "application/pdf", len(PDF))
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest() and stored.uploaded_by_id == author.id
    assert store.keys() == [files.blob_key(stored.sha256)] and store.read(files.blob_key(stored.sha256)) == PDF
    assert submission.file_of_kind(FileKind.PAPER) is stored


def test_attach_file_refuses_a_renamed_executable_and_stores_nothing(app, db, store):
    call = make_call()
    author = factories.make_user()
    submission = complete_talk(call, author, type_id=call.paper.id)
    with pytest.raises(DomainError) as error:
        ops.attach_file(submission, actor=author, kind=FileKind.PAPER, filename="paper.pdf", data=WINDOWS_EXE, now=DURING)
    assert error.value.field == "paper"
    assert count(SubmissionFile) == 0 and submission.files == []
    assert store.keys() == []
    assert list(Path(app.config["UPLOAD_FOLDER"]).glob("*.part")) == []


def test_attach_file_applies_the_types_size_limit(app, db):
    call = make_call()
    author = factories.make_user()
    submission = complete_talk(call, author, type_id=call.paper.id)  # the paper type allows 1 MB
    with pytest.raises(DomainError, match="larger than 1 MB"):
        ops.attach_file(submission, actor=author, kind=FileKind.PAPER, filename="big.pdf",
                        data=PDF + b"0" * (1024 * 1024), now=DURING)
    with pytest.raises(DomainError, match="is empty"):
        ops.attach_file(submission, actor=author, kind=FileKind.PAPER, filename="empty.pdf", data=b"", now=DURING)
    assert count(SubmissionFile) == 0


def test_attach_file_needs_the_type_first(app, db):
    call = make_call()
    author = factories.make_user()
    submission = complete_talk(call, author, type_id=None)
    with pytest.raises(DomainError) as error:
        ops.attach_file(submission, actor=author, kind=FileKind.PAPER, filename="paper.pdf", data=PDF, now=DURING)
    assert error.value.field == "paper"
    assert error.value.message == "Choose the submission type first: it decides which files are accepted."


def test_a_new_file_replaces_the_previous_one_of_the_same_kind_only(app, db):
    call = make_call()
    save_submission_type(call.event, actor=call.organiser, submission_type=call.paper, name="Full paper",
                         abstract_word_limit=20, file_required=True, accepted_file_types=["pdf", "zip"], max_file_size_mb=1)
    author = factories.make_user()
    submission = complete_talk(call, author, type_id=call.paper.id)
    first = ops.attach_file(submission, actor=author, kind=FileKind.PAPER, filename="v1.pdf", data=PDF, now=DURING)
    data = ops.attach_file(submission, actor=author, kind=FileKind.SUPPLEMENT, filename="data.zip", data=ZIP, now=DURING)
    second_pdf = PDF + b"% second version\n"
    second = ops.attach_file(submission, actor=author, kind=FileKind.PAPER, filename="v2.pdf", data=second_pdf, now=DURING)
    assert submission.files == [data, second]
    assert submission.file_of_kind(FileKind.PAPER) is second and submission.file_of_kind(FileKind.SUPPLEMENT) is data
    assert count(SubmissionFile) == 2
    assert first not in db.session  # the replaced row is gone, not just unlinked
    # The old bytes stay on disk: another submission may hold the same content.
    assert files.blob_path(first.sha256).exists()


def test_the_same_content_in_two_submissions_is_stored_once(app, db, store):
    call = make_call()
    one, other = factories.make_user(), factories.make_user()
    a = ops.attach_file(complete_talk(call, one, type_id=call.paper.id), actor=one, kind=FileKind.PAPER,
                        filename="a.pdf", data=PDF, now=DURING)
    b = ops.attach_file(complete_talk(call, other, type_id=call.paper.id), actor=other, kind=FileKind.PAPER,
                        filename="b.pdf", data=PDF, now=DURING)
    assert a.sha256 == b.sha256 and a.id != b.id
    assert store.keys() == [files.blob_key(a.sha256)]


def test_a_file_question_takes_its_own_formats_and_is_stored_as_an_answer(app, db):
    call = make_call()
    question = save_question(call.event, actor=call.organiser, label="Consent form", kind=QuestionKind.FILE, required=True)
    author = factories.make_user()
    submission = complete_talk(call, author)
    assert f"q_{question.id}" in ops.completeness_errors(submission)
    stored = ops.attach_file(submission, actor=author, kind=FileKind.PAPER, filename="consent.png", data=PNG,
                             question=question, now=DURING)
    assert (stored.kind, stored.question_id, stored.filename) == (FileKind.ANSWER, question.id, "consent.png")
    assert submission.file_of_kind(FileKind.PAPER) is None  # an answer is not the paper
    assert ops.completeness_errors(submission) == {}
    with pytest.raises(DomainError, match="not in an accepted format"):
        ops.attach_file(submission, actor=author, kind=FileKind.ANSWER, filename="data.zip", data=ZIP,
                        question=question, now=DURING)


def test_only_a_file_question_takes_a_file(app, db):
    call = make_call()
    question = save_question(call.event, actor=call.organiser, label="Dataset URL", kind=QuestionKind.URL)
    author = factories.make_user()
    submission = complete_talk(call, author)
    with pytest.raises(DomainError) as error:
        ops.attach_file(submission, actor=author, kind=FileKind.ANSWER, filename="x.pdf", data=PDF,
                        question=question, now=DURING)
    assert (error.value.field, error.value.message) == (f"q_{question.id}", "This question does not take a file.")


def test_files_follow_the_edit_rules(app, db):
    call = make_call()
    author, stranger = factories.make_user(), factories.make_user()
    submission = submitted_talk(call, author)
    with pytest.raises(NotAllowed):
        ops.attach_file(submission, actor=stranger, kind=FileKind.SUPPLEMENT, filename="x.pdf", data=PDF, now=DURING)
    with pytest.raises(DomainError, match="can no longer be edited"):
        ops.attach_file(submission, actor=author, kind=FileKind.SUPPLEMENT, filename="x.pdf", data=PDF,
                        now=AFTER_EDIT_UNTIL)
    ops.withdraw(submission, actor=author, now=DURING)
    assert submission.state == SubmissionState.WITHDRAWN
    with pytest.raises(InvalidState):
        ops.attach_file(submission, actor=call.organiser, kind=FileKind.SUPPLEMENT, filename="x.pdf", data=PDF,
                        now=DURING)
    assert count(SubmissionFile) == 0


# Hostile files: checked by content for real, within bounds ------------------------------------------

UNREADABLE = ("The file paper.pdf is not a readable PDF: it may be damaged, or only named like one. Export it again "
              "as PDF from the program that made it and upload it again.")


def paper_draft(call=None, **type_changes):
    """A draft full paper of a new author; ``type_changes`` change the paper type first."""
    call = call or make_call()
    if type_changes:
        values = {"name": "Full paper", "abstract_word_limit": 20, "file_required": True,
                  "accepted_file_types": ["pdf"], "max_file_size_mb": 1} | type_changes
        save_submission_type(call.event, actor=call.organiser, submission_type=call.paper, **values)
    author = factories.make_user(name="Zebulon Quintavalle", email="zq@quintavalle.example")
    return complete_talk(call, author, type_id=call.paper.id), author


def refusal(submission, author, data, *, filename="paper.pdf", kind=FileKind.PAPER) -> DomainError:
    with pytest.raises(DomainError) as error:
        ops.attach_file(submission, actor=author, kind=kind, filename=filename, data=data, now=DURING)
    assert count(SubmissionFile) == 0
    assert not files.blob_path(hashlib.sha256(data).hexdigest()).exists()
    return error.value


def test_a_text_file_that_starts_like_a_pdf_is_refused(app, db):
    submission, author = paper_draft()
    error = refusal(submission, author, b"%PDF-1.7\nNot a PDF at all, only text that starts like one.\n%%EOF\n")
    assert (error.field, error.message) == ("paper", UNREADABLE)


def test_a_pdf_without_pages_is_refused(app, db):
    submission, author = paper_draft()
    empty = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
             b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    assert refusal(submission, author, empty).message == UNREADABLE


def test_an_encrypted_pdf_is_refused_with_its_own_message(app, db):
    submission, author = paper_draft()
    error = refusal(submission, author, encrypted_pdf())
    assert (error.field, error.message) == ("paper", "The file paper.pdf is encrypted or protected by a password, so "
                                            "it cannot be checked or read by everyone who needs to. Save it without "
                                            "protection and upload it again.")


def flate_bomb_pdf(unpacked_mb: int) -> bytes:
    """A one-page PDF whose page content is ``unpacked_mb`` MB of spaces, Flate-compressed."""
    compressor, compressed = zlib.compressobj(9), []
    spaces = b" " * MB
    for _ in range(unpacked_mb):
        compressed.append(compressor.compress(spaces))
    content = b"".join(compressed) + compressor.flush()
    pdf = make_pdf("PLACEHOLDER")
    stream = b"BT /F1 12 Tf 72 770 Td (PLACEHOLDER) Tj ET"
    pdf = pdf.replace(b"<< /Length %d >>\nstream\n%s" % (len(stream), stream),
                      b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s" % (len(content), content))
    # The objects after the page content moved: let the reader find them again (it rebuilds the
    # cross-reference table of a damaged file, as viewers do).
    return pdf


def test_a_pdf_that_makes_the_library_fail_is_refused_quickly_not_a_server_error(app, db):
    submission, author = paper_draft(max_file_size_mb=10)
    started = time.perf_counter()
    error = refusal(submission, author, flate_bomb_pdf(64))  # 64 MB of page content from about 64 KB
    assert time.perf_counter() - started < 10
    assert (error.field, error.message) == ("paper", UNREADABLE)


def test_the_page_count_is_stored_and_the_types_page_limit_enforced(app, db):
    submission, author = paper_draft(max_pages=2)
    assert submission.type.max_pages == 2
    three = make_pdf("One", "Two", "Three")
    error = refusal(submission, author, three)
    assert (error.field, error.message) == ("paper", "The file paper.pdf has 3 pages; at most 2 are allowed. "
                                            "Shorten it and upload it again.")
    # The limit is the paper's: a supplement may be longer.
    supplement = ops.attach_file(submission, actor=author, kind=FileKind.SUPPLEMENT, filename="appendix.pdf",
                                 data=three, now=DURING)
    paper = ops.attach_file(submission, actor=author, kind=FileKind.PAPER, filename="paper.pdf",
                            data=make_pdf("One", "Two"), now=DURING)
    assert (paper.page_count, supplement.page_count) == (2, 3)
    db.session.expire_all()
    assert db.session.get(SubmissionFile, paper.id).page_count == 2


def test_a_page_limit_must_be_a_positive_number_of_pages(app, db):
    call = make_call()
    with pytest.raises(ValidationFailed) as error:
        save_submission_type(call.event, actor=call.organiser, name="Short paper", max_pages=0)
    assert error.value.errors == {
        "max_pages": "Choose a page limit between 1 and 2,000 pages, or leave the field empty."}


def test_other_formats_have_no_page_count(app, db):
    submission, author = paper_draft(accepted_file_types=["pdf", "docx"])
    assert ops.attach_file(submission, actor=author, kind=FileKind.PAPER, filename="p.docx", data=DOCX,
                           now=DURING).page_count is None


# Zip bombs -------------------------------------------------------------------------------------------

def raw_zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A ZIP archive from members already packed: (name, packed data, CRC-32, unpacked size, method)."""
    out, directory = bytearray(), bytearray()
    for name, data, crc, unpacked, method in members:
        encoded = name.encode()
        directory += struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, method, 0, 0, crc, len(data), unpacked,
                                 len(encoded), 0, 0, 0, 0, 0, len(out)) + encoded
        out += struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, method, 0, 0, crc, len(data), unpacked, len(encoded), 0)
        out += encoded + data
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), len(out), 0)
    return bytes(out + directory + end)


def deflated(data: bytes) -> tuple[bytes, int, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data), zipfile.ZIP_DEFLATED


def stored(data: bytes) -> tuple[bytes, int, int, int]:
    return data, zlib.crc32(data), len(data), zipfile.ZIP_STORED


def zeros_deflated(mib: int) -> tuple[bytes, int, int, int]:
    """``mib`` MiB of zeros, deflated, built in a fraction of a second: a full flush makes each
    MiB compress to the same bytes, so one compressed MiB is repeated."""
    block = bytes(MB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(block, crc)
    return one * mib + zlib.compressobj(9, zlib.DEFLATED, -15).flush(), crc, mib * MB, zipfile.ZIP_DEFLATED


def odt_bomb() -> bytes:
    """An OpenDocument-looking archive of about 1 MB whose "mimetype" member unpacks to 1 GiB."""
    return raw_zip([("mimetype", *zeros_deflated(1024)), ("content.xml", *deflated(b"<office:document-content/>"))])


def test_the_zip_bomb_is_what_it_claims():
    bomb = odt_bomb()
    assert len(bomb) < 1.1 * MB
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert archive.getinfo("mimetype").file_size == 1024 * MB
        with archive.open("mimetype") as member:
            assert member.read(MB) == bytes(MB)


def test_a_zip_bomb_is_refused_quickly_with_bounded_memory(app, db):
    submission, author = paper_draft(accepted_file_types=["odt", "docx"], max_file_size_mb=10)
    bomb = odt_bomb()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        error = refusal(submission, author, bomb, filename="paper.odt")
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 2
    assert peak < 16 * MB  # the bomb itself is 1 MB; unpacking it would take 1 GiB
    assert (error.field, error.message) == ("paper", "The file paper.odt is a ZIP archive that would unpack to far "
                                            "more than any document needs. Upload OpenDocument text (.odt) or Word "
                                            "(.docx) of a normal size.")


def test_a_plain_zip_that_would_unpack_absurdly_is_refused_and_a_normal_one_accepted(app, db):
    submission, author = paper_draft(accepted_file_types=["pdf", "zip"], max_file_size_mb=10)
    bomb = raw_zip([("data/readme.txt", *deflated(b"Survey microdata.")), ("data/zeros.bin", *zeros_deflated(200))])
    assert "would unpack to far more" in refusal(submission, author, bomb, filename="data.zip",
                                                 kind=FileKind.SUPPLEMENT).message
    stored = ops.attach_file(submission, actor=author, kind=FileKind.SUPPLEMENT, filename="data.zip",
                             data=raw_zip([("data.csv", *deflated(b"district,rate\n" * 1000))]), now=DURING)
    assert stored.content_type == "application/zip"


def test_a_bomb_padded_to_a_plausible_ratio_is_still_never_unpacked(app, db):
    """10 MB of incompressible padding make the archive's declared size plausible; only the
    first bytes of its 1 GiB "mimetype" are read, and it is taken for a plain ZIP."""
    padded = raw_zip([("mimetype", *zeros_deflated(1024)), ("Pictures/noise.bin", *stored(os.urandom(10 * MB)))])
    submission, author = paper_draft(accepted_file_types=["odt"], max_file_size_mb=20)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        error = refusal(submission, author, padded, filename="paper.odt")
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 2 and peak < 16 * MB
    assert error.message == ("The file paper.odt is not in an accepted format (its content was checked, not only "
                             "its name). Upload OpenDocument text (.odt).")


# Streaming -------------------------------------------------------------------------------------------

class ChunkCounter(io.BytesIO):
    """An upload's stream that remembers how much it was asked for at a time."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.asked: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.asked.append(-1 if size is None else size)
        return super().read(size)


def test_an_upload_is_read_in_chunks_never_whole(app, db):
    submission, author = paper_draft(max_file_size_mb=2)
    data = PDF + b"%" + b"x" * (MB + 10) + b"\n"
    stream = ChunkCounter(data)
    stored = ops.attach_file(submission, actor=author, kind=FileKind.PAPER, filename="paper.pdf", data=stream,
                             now=DURING)
    assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.size == len(data)
    assert files.blob_path(stored.sha256).read_bytes() == data
    assert len(stream.asked) > 10 and all(0 < size <= 64 * 1024 for size in stream.asked)


def test_an_oversized_upload_stops_being_read_at_the_limit(app, db):
    submission, author = paper_draft()  # 1 MB
    stream = ChunkCounter(PDF + b"0" * (5 * MB))
    with pytest.raises(DomainError, match="larger than 1 MB"):
        ops.attach_file(submission, actor=author, kind=FileKind.PAPER, filename="paper.pdf", data=stream, now=DURING)
    assert stream.tell() <= MB + 64 * 1024
    assert list(Path(app.config["UPLOAD_FOLDER"]).glob("*.part")) == []


# Double-blind: metadata and names -----------------------------------------------------------------

REVEALING = make_pdf("Tidal statistics, by Zebulon Quintavalle", "Page two",
                     info={"Author": "Zebulon Quintavalle", "Title": "Tides (zq@quintavalle.example)"},
                     xmp=xmp_packet("Zebulon Quintavalle", "Tides"))


def double_blind_call():
    call = make_call()
    ensure_review_settings(call.event).blind_mode = BlindMode.DOUBLE_BLIND
    return call


def test_in_a_double_blind_event_a_pdf_naming_an_author_is_kept_and_the_authors_warned(app, db):
    submission, author = paper_draft(double_blind_call())
    stored = ops.attach_file(submission, actor=author, kind=FileKind.PAPER, filename="tides.pdf", data=REVEALING,
                             now=DURING)
    assert (stored.names_in_metadata, stored.names_on_first_page) == (True, True)
    assert authoring.file_warnings(submission) == [
        "The first page of tides.pdf seems to name an author. Reviewers of this double-blind event see the pages as "
        "they are: upload a version without the authors' names.",
        "The document properties of tides.pdf (author, title or other metadata) name an author. Reviewers get a copy "
        "without them, but remove them from your file too before you share it elsewhere.",
    ]
    clean = ops.attach_file(submission, actor=author, kind=FileKind.PAPER, filename="tides.pdf",
                            data=make_pdf("Tidal statistics", info={"Title": "Tides"}), now=DURING)
    assert (clean.names_in_metadata, clean.names_on_first_page) == (False, False)
    assert authoring.file_warnings(submission) == []


def test_no_warning_when_the_organisers_gave_reviewers_an_anonymised_copy(app, db):
    call = double_blind_call()
    submission, author = paper_draft(call)
    ops.attach_file(submission, actor=author, kind=FileKind.PAPER, filename="tides.pdf", data=REVEALING, now=DURING)
    ops.submit(submission, actor=author, now=DURING)
    assert len(authoring.file_warnings(submission)) == 2
    anonymised.attach_anonymised_copy(submission, actor=call.organiser, kind=FileKind.PAPER, filename="anon.pdf",
                                      data=make_pdf("Tidal statistics"))
    assert authoring.file_warnings(submission) == []


def test_a_family_name_alone_is_found_and_nothing_is_said_outside_double_blind(app, db):
    submission, author = paper_draft()
    stored = ops.attach_file(submission, actor=author, kind=FileKind.PAPER, filename="tides.pdf",
                             data=make_pdf("Z. Quintavalle and others"), now=DURING)
    assert (stored.names_in_metadata, stored.names_on_first_page) == (False, True)
    assert authoring.file_warnings(submission) == []  # single-blind: reviewers see the authors anyway


def pdf_metadata(data: bytes) -> tuple[dict | None, object, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    return reader.metadata, reader.root_object.get("/Metadata"), [p.extract_text() for p in reader.pages]


def test_the_reviewers_copy_has_no_metadata_and_is_made_at_upload_in_a_double_blind_event(app, db, store):
    submission, author = paper_draft(double_blind_call())
    stored = ops.attach_file(submission, actor=author, kind=FileKind.PAPER, filename="tides.pdf", data=REVEALING,
                             now=DURING)
    key = f"{stored.sha256[:2]}/{stored.sha256}"
    copy = key + ".without-metadata"
    assert store.keys() == [key, copy]  # made at upload: a reviewer's download costs nothing
    assert files.download_key(stored.sha256, without_metadata=True) == copy
    data = store.read(copy)
    assert b"Quintavalle" not in data.replace(b"Tidal statistics, by Zebulon Quintavalle", b"")
    info, xmp, texts = pdf_metadata(data)
    assert (info, xmp) == (None, None)
    assert texts == ["Tidal statistics, by Zebulon Quintavalle", "Page two"]  # the pages are the authors'
    assert files.download_key(stored.sha256) == key  # the original stays
    assert store.read(key) == REVEALING


def test_a_copy_without_metadata_is_made_on_demand_for_files_stored_before(app, db, store):
    submission, author = paper_draft()  # single-blind at upload: no copy made
    data = make_pdf("Made before", info={"Author": "Zebulon Quintavalle"},
                    xmp=xmp_packet("Zebulon Quintavalle"), compress_xmp=True)
    stored = ops.attach_file(submission, actor=author, kind=FileKind.PAPER, filename="p.pdf", data=data, now=DURING)
    key = f"{stored.sha256[:2]}/{stored.sha256}"
    assert store.keys() == [key]
    assert files.download_key(stored.sha256, without_metadata=True) == key + ".without-metadata"
    assert store.keys() == [key, key + ".without-metadata"]
    assert pdf_metadata(store.read(key + ".without-metadata"))[:2] == (None, None)
    assert list(Path(app.config["UPLOAD_FOLDER"]).glob("*.part")) == []
