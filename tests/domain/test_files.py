"""Uploaded files: recognised by content, refused when wrong, empty or too large, stored once
per content under UPLOAD_FOLDER (outside the package), replaced by a new file of the same kind."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conference import config as config_module
from conference.domain import files
from conference.domain import submissions as ops
from conference.domain.cfp_setup import save_question, save_submission_type
from conference.enums import FileKind, QuestionKind, SubmissionState
from conference.errors import DomainError, InvalidState, NotAllowed
from conference.models import SubmissionFile

from .. import factories
from .cfp_helpers import (AFTER_EDIT_UNTIL, DOCX, DURING, JPEG, LINUX_EXE, ODT, PDF, PNG, PPTX, SHELL_SCRIPT,
                          WINDOWS_EXE, ZIP, complete_talk, count, make_call, submitted_talk)


# Recognising content -----------------------------------------------------------------------------

@pytest.mark.parametrize("data, expected", [
    (PDF, "pdf"), (DOCX, "docx"), (ODT, "odt"), (PPTX, "pptx"), (PNG, "png"), (JPEG, "jpeg"), (ZIP, "zip"),
    (b"Just some text that claims to be a paper.", None),
    (b"PK\x03\x04 but not really a zip archive", None),
    (WINDOWS_EXE, None),
])
def test_sniff_recognises_formats_by_content(data, expected):
    assert files.sniff(data) == expected


@pytest.mark.parametrize("data", [WINDOWS_EXE, LINUX_EXE, SHELL_SCRIPT])
def test_check_upload_refuses_a_renamed_executable(data):
    with pytest.raises(DomainError) as error:
        files.check_upload("paper.pdf", data, accepted=["pdf"], max_mb=1, field="paper")
    assert error.value.field == "paper"
    assert error.value.message == "The file paper.pdf is a program, not a document. Upload PDF."


def test_check_upload_refuses_a_format_the_type_does_not_accept_even_when_named_right():
    with pytest.raises(DomainError) as error:
        files.check_upload("paper.pdf", DOCX, accepted=["pdf"], max_mb=1, field="paper")
    assert error.value.message == ("The file paper.pdf is not in an accepted format (its content was checked, "
                                   "not only its name). Upload PDF.")
    assert files.check_upload("paper.docx", DOCX, accepted=["pdf", "docx"], max_mb=1, field="paper").key == "docx"


def test_check_upload_accepts_content_whatever_the_name():
    assert files.check_upload("scan.jpg", PDF, accepted=["pdf"], max_mb=1, field="paper").key == "pdf"


def test_check_upload_refuses_an_empty_file():
    with pytest.raises(DomainError) as error:
        files.check_upload("paper.pdf", b"", accepted=["pdf"], max_mb=1, field="paper")
    assert (error.value.field, error.value.message) == ("paper", "The file paper.pdf is empty.")


def test_check_upload_refuses_a_file_over_the_limit_and_accepts_one_at_it():
    at_limit = PDF + b"0" * (1024 * 1024 - len(PDF))
    assert files.check_upload("paper.pdf", at_limit, accepted=["pdf"], max_mb=1, field="paper").key == "pdf"
    with pytest.raises(DomainError) as error:
        files.check_upload("paper.pdf", at_limit + b"0", accepted=["pdf"], max_mb=1, field="paper")
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

def test_store_writes_each_content_once_under_upload_folder(app, db):
    digest = files.store(PDF)
    assert digest == hashlib.sha256(PDF).hexdigest()
    path = Path(app.config["UPLOAD_FOLDER"]) / digest[:2] / digest
    assert files.blob_path(digest) == path
    assert path.read_bytes() == PDF
    before = path.stat().st_mtime_ns
    assert files.store(PDF) == digest
    assert path.stat().st_mtime_ns == before  # not written again
    assert [p for p in path.parent.iterdir() if p.name.startswith(digest)] == [path]  # no temporary file left


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

def test_attach_file_stores_a_paper_checked_by_content(app, db):
    call = make_call()
    author = factories.make_user()
    submission = complete_talk(call, author, type_id=call.paper.id)
    stored = ops.attach_file(submission, actor=author, kind=FileKind.PAPER, filename="Our paper.PDF", data=PDF, now=DURING)
    assert (stored.kind, stored.filename, stored.content_type, stored.size) == (FileKind.PAPER, "Our paper.PDF",
                                                                              "application/pdf", len(PDF))
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest() and stored.uploaded_by_id == author.id
    assert files.blob_path(stored.sha256).read_bytes() == PDF
    assert submission.file_of_kind(FileKind.PAPER) is stored


def test_attach_file_refuses_a_renamed_executable_and_stores_nothing(app, db):
    call = make_call()
    author = factories.make_user()
    submission = complete_talk(call, author, type_id=call.paper.id)
    with pytest.raises(DomainError) as error:
        ops.attach_file(submission, actor=author, kind=FileKind.PAPER, filename="paper.pdf", data=WINDOWS_EXE, now=DURING)
    assert error.value.field == "paper"
    assert count(SubmissionFile) == 0 and submission.files == []
    assert not files.blob_path(hashlib.sha256(WINDOWS_EXE).hexdigest()).exists()


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


def test_the_same_content_in_two_submissions_is_stored_once(app, db):
    call = make_call()
    one, other = factories.make_user(), factories.make_user()
    a = ops.attach_file(complete_talk(call, one, type_id=call.paper.id), actor=one, kind=FileKind.PAPER,
                        filename="a.pdf", data=PDF, now=DURING)
    b = ops.attach_file(complete_talk(call, other, type_id=call.paper.id), actor=other, kind=FileKind.PAPER,
                        filename="b.pdf", data=PDF, now=DURING)
    assert a.sha256 == b.sha256 and a.id != b.id
    folder = files.blob_path(a.sha256).parent
    assert [p.name for p in folder.iterdir() if p.name.startswith(a.sha256)] == [a.sha256]


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
