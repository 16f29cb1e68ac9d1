"""The periodic collection of stored files no row refers to, and of upload leftovers, on both
back-ends: files are stored before the row that refers to them is committed, so only files older
than UPLOAD_COLLECT_AFTER_HOURS go, and whatever a submission or a registration answer refers to
stays, with its copy without metadata."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from conference.cfp import submissions as ops
from conference.cfp.enums import FileKind
from conference.core import files, jobs, unreferenced
from conference.core.types import utcnow
from conference.review.common import ensure_review_settings
from conference.review.enums import BlindMode

from .. import factories
from ..cfp.builders import DURING, JPEG, PDF, PNG, complete_talk, make_call
from ..cfp.test_files import paper_draft
from ..pdfs import make_pdf
from ..registration.builders import add_category, make_form, register
from ..s3 import BUCKET

HOUR = dt.timedelta(hours=1)
GRACE = 24 * HOUR  # UPLOAD_COLLECT_AFTER_HOURS, the default


def orphan(data: bytes, **options) -> str:
    """Store a file no row will refer to, as an upload whose request failed after the put."""
    return files.receive("orphan", data, accepted=["pdf", "png", "jpeg"], max_mb=1, field="file", **options).sha256


def key(digest: str) -> str:
    return f"{digest[:2]}/{digest}"


def answered_with_a_file(digest: str):
    form = make_form()
    registration = register(form, add_category(form))
    registration.answers = {**registration.answers, "99": {"sha256": digest, "filename": "letter.png", "size": 1,
                                                           "content_type": "image/png"}}
    return registration


def test_old_files_no_row_refers_to_are_deleted_with_their_copies_and_the_rest_kept(app, db, store):
    call = make_call()
    ensure_review_settings(call.event).blind_mode = BlindMode.DOUBLE_BLIND
    submission, author = paper_draft(call)
    paper = ops.attach_file(submission, actor=author, kind=FileKind.PAPER, filename="p.pdf", data=PDF, now=DURING)
    letter = files.receive("letter.png", PNG, accepted=["png"], max_mb=1, field="q").sha256
    answered_with_a_file(letter)
    lost_pdf = orphan(make_pdf("Nobody's paper"), copy_without_metadata=True)
    lost_jpeg = orphan(JPEG)
    db.session.flush()
    kept = sorted([key(paper.sha256), key(paper.sha256) + ".without-metadata", key(letter)])
    assert store.keys() == sorted([*kept, key(lost_pdf), key(lost_pdf) + ".without-metadata", key(lost_jpeg)])

    # Young: an upload between its put and its commit looks exactly like this, and is left alone.
    assert unreferenced.collect(now=utcnow()) == {"files_collected": 0, "upload_leftovers": 0}
    assert len(store.keys()) == 6

    assert unreferenced.collect(now=utcnow() + GRACE + HOUR) == {"files_collected": 3, "upload_leftovers": 0}
    assert store.keys() == kept
    assert store.read(key(paper.sha256)) == PDF and store.read(key(letter)) == PNG
    assert unreferenced.collect(now=utcnow() + GRACE + HOUR) == {"files_collected": 0, "upload_leftovers": 0}


def test_a_file_whose_row_is_gone_is_collected_but_content_another_row_shares_is_not(app, db, store):
    call = make_call()
    first, one = paper_draft(call)
    a = ops.attach_file(first, actor=one, kind=FileKind.PAPER, filename="v1.pdf", data=PDF, now=DURING)
    replaced = ops.attach_file(first, actor=one, kind=FileKind.PAPER, filename="v2.pdf", data=PDF + b"% v2\n",
                               now=DURING)
    replaced_again = ops.attach_file(first, actor=one, kind=FileKind.PAPER, filename="v3.pdf", data=PDF + b"% v3\n",
                                     now=DURING)
    db.session.flush()
    assert replaced.sha256 != replaced_again.sha256
    # v1's content is a paper of another submission too.
    two = factories.make_user()
    ops.attach_file(complete_talk(call, two, type_id=call.paper.id), actor=two, kind=FileKind.PAPER,
                    filename="same.pdf", data=PDF, now=DURING)
    db.session.flush()
    assert unreferenced.collect(now=utcnow() + GRACE + HOUR)["files_collected"] == 1  # v2's
    assert store.keys() == sorted([key(a.sha256), key(replaced_again.sha256)])


def test_part_leftovers_are_deleted_once_old_and_keys_the_app_did_not_write_are_left_alone(app, db, store):
    spool = Path(app.config["UPLOAD_FOLDER"])
    spool.mkdir(parents=True, exist_ok=True)
    old, young = spool / "tmpold.part", spool / "tmpyoung.part"
    old.write_bytes(b"half an upload")
    young.write_bytes(b"an upload being checked")
    later = (utcnow() + GRACE + 2 * HOUR).timestamp()
    os.utime(young, (later, later))  # still young at the collection's "now"
    foreign = "notes/readme.txt"
    if store.server is not None:
        store.server.client().put_object(Bucket=BUCKET, Key=store.prefix + foreign, Body=b"not ours")
    else:
        (store.folder / "notes").mkdir(parents=True)
        (store.folder / foreign).write_bytes(b"not ours")

    assert unreferenced.collect(now=utcnow() + GRACE + HOUR) == {"files_collected": 0, "upload_leftovers": 1}
    assert sorted(p.name for p in spool.glob("*.part")) == ["tmpyoung.part"]
    assert store.keys() == [foreign]


def test_content_uploaded_again_is_touched_so_the_collection_waits_for_its_row(app, db, store):
    if store.backend != "local":
        pytest.skip("the age of an S3 object cannot be set back; S3's touch is a copy onto itself, run here on local")
    digest = orphan(PNG)
    path = store.folder / key(digest)
    long_ago = (utcnow() - GRACE - HOUR).timestamp()
    os.utime(path, (long_ago, long_ago))
    assert files.receive("again.png", PNG, accepted=["png"], max_mb=1, field="q").sha256 == digest
    assert unreferenced.collect(now=utcnow())["files_collected"] == 0
    assert store.keys() == [key(digest)]


def test_abandoned_multipart_uploads_are_aborted_on_s3(app, db, store):
    if store.backend != "s3":
        pytest.skip("multipart uploads are S3's")
    client = store.server.client()
    client.create_multipart_upload(Bucket=BUCKET, Key=store.prefix + "ab/" + "a" * 64)
    elsewhere = client.create_multipart_upload(Bucket=BUCKET, Key="another-deployment/ab/" + "a" * 64)
    assert unreferenced.collect(now=utcnow() + GRACE + HOUR) == {"files_collected": 0, "upload_leftovers": 1}
    left = client.list_multipart_uploads(Bucket=BUCKET).get("Uploads", [])
    assert [upload["UploadId"] for upload in left] == [elsewhere["UploadId"]]  # another prefix is not ours
    client.abort_multipart_upload(Bucket=BUCKET, Key="another-deployment/ab/" + "a" * 64,
                                  UploadId=elsewhere["UploadId"])


def test_the_periodic_job_looks_at_most_once_per_upload_collect_seconds(app, db, store, monkeypatch):
    assert jobs.JOBS["unreferenced_files"] is unreferenced.collect_unreferenced
    monkeypatch.delitem(app.extensions, "files_collected_at", raising=False)
    lost = orphan(PNG)
    now = utcnow() + GRACE + HOUR
    monkeypatch.setitem(app.config, "UPLOAD_COLLECT_SECONDS", 600)
    assert unreferenced.collect_unreferenced(now=now) == {"files_collected": 1, "upload_leftovers": 0}
    again = orphan(JPEG)
    assert unreferenced.collect_unreferenced(now=now + dt.timedelta(seconds=599))["files_collected"] == 0
    assert store.keys() == [key(again)]
    assert unreferenced.collect_unreferenced(now=now + dt.timedelta(seconds=600))["files_collected"] == 1
    assert store.keys() == [] and lost != again
