"""Downloads of stored files on both back-ends, after the view's permission checks: streamed
through the app with the same headers as the local store's (ETag, Range, not-modified), or, with
S3_PRESIGNED_DOWNLOADS, a redirect to a short-lived address of the S3 server that serves the file
itself; a store that does not answer is told to the uploader next to the field."""

from __future__ import annotations

import urllib.request

import pytest

from conference.cfp import submissions as ops
from conference.cfp.enums import FileKind
from conference.core import files
from conference.errors import DomainError

from .. import factories
from ..conftest import free_port, login
from ..pdfs import make_pdf
from .builders import DURING, complete_talk, make_call

PAPER = make_pdf("Storm surges", "Page two", "Page three")


def stored_paper(name: str = "Storm surgés.pdf"):
    call = make_call()
    author = factories.make_user(name="Ada Author")
    submission = complete_talk(call, author, type_id=call.paper.id)
    stored = ops.attach_file(submission, actor=author, kind=FileKind.PAPER, filename=name, data=PAPER, now=DURING)
    url = f"/events/{call.event.slug}/submissions/{submission.code}/files/{stored.id}"
    return stored, author, url, call


def test_a_download_has_the_same_headers_from_either_store(app, db, store):
    stored, author, url, call = stored_paper()
    db.session.commit()
    client = login(app.test_client(), author)
    with client.get(url) as response:
        body = response.data
    assert response.status_code == 200 and body == PAPER
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Storm surges.pdf\"; filename*=UTF-8''Storm%20surg%C3%A9s.pdf")
    assert response.headers["Content-Length"] == str(len(PAPER))
    assert "private" in response.headers["Cache-Control"] and "no-store" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]

    with client.get(url, headers={"Range": "bytes=10-19"}) as part:
        assert part.status_code == 206 and part.data == PAPER[10:20]
        assert part.headers["Content-Range"] == f"bytes 10-19/{len(PAPER)}"
    with client.get(url, headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304 and again.data == b""
    # Someone else gets nothing, whichever the store.
    stranger = login(app.test_client(), factories.make_user())
    assert stranger.get(url).status_code in (403, 404)
    with login(app.test_client(), call.organiser).get(url) as organisers:
        assert organisers.data == PAPER


def test_from_s3_the_etag_is_the_contents_digest(app, db, store):
    if store.backend != "s3":
        pytest.skip("the local store's ETag is Werkzeug's")
    stored, author, url, _call = stored_paper("paper.pdf")
    db.session.commit()
    with login(app.test_client(), author).get(url) as response:
        assert response.headers["ETag"] == f'"{stored.sha256}"'
        assert response.headers["Content-Disposition"] == "attachment; filename=paper.pdf"


def test_presigned_downloads_redirect_after_the_check_to_an_address_that_expires(app, db, store, monkeypatch):
    if store.backend != "s3":
        pytest.skip("presigned addresses are S3's")
    monkeypatch.setitem(app.config, "S3_PRESIGNED_DOWNLOADS", True)
    monkeypatch.setitem(app.config, "S3_PRESIGNED_SECONDS", 30)
    stored, author, url, _call = stored_paper()
    db.session.commit()
    stranger = login(app.test_client(), factories.make_user())
    assert stranger.get(url).status_code in (403, 404)  # no address for whoever may not have the file

    response = login(app.test_client(), author).get(url)
    assert response.status_code == 303
    assert "no-store" in response.headers["Cache-Control"]
    address = response.headers["Location"]
    assert address.startswith(f"{store.server.endpoint_url}/conference-uploads/{store.prefix}{files.blob_key(stored.sha256)}?")
    assert "Expires=" in address or "X-Amz-Expires=30" in address
    with urllib.request.urlopen(address) as served:  # the S3 server itself, no app session
        assert served.read() == PAPER
        assert served.headers["Content-Type"] == "application/pdf"
        assert served.headers["Content-Disposition"] == (
            "attachment; filename=\"Storm surges.pdf\"; filename*=UTF-8''Storm%20surg%C3%A9s.pdf")


def test_a_store_that_does_not_answer_is_told_next_to_the_field_and_nothing_is_kept(app, db, store, monkeypatch):
    if store.backend != "s3":
        pytest.skip("a local folder always answers")
    monkeypatch.setitem(app.config, "S3_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    call = make_call()
    author = factories.make_user()
    submission = complete_talk(call, author, type_id=call.paper.id)
    with pytest.raises(DomainError) as refused:
        ops.attach_file(submission, actor=author, kind=FileKind.PAPER, filename="p.pdf", data=PAPER, now=DURING)
    assert refused.value.field == "paper"
    assert refused.value.message == "The file p.pdf could not be stored just now. Upload it again in a moment."
    assert submission.files == []
    assert list(store.folder.glob("*.part")) == []


def test_a_store_that_does_not_answer_a_download_says_so_with_a_503_not_a_500(app, db, store, monkeypatch):
    if store.backend != "s3":
        pytest.skip("a local folder always answers")
    _stored, author, url, _call = stored_paper()
    db.session.commit()
    client = login(app.test_client(), author)
    monkeypatch.setitem(app.config, "S3_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")  # the S3 service is down
    response = client.get(url)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert "The store that keeps the uploaded files does not answer. Nothing was lost" in response.get_data(as_text=True)
    monkeypatch.setitem(app.config, "S3_ENDPOINT_URL", store.server.endpoint_url)  # back
    with client.get(url) as again:
        assert again.status_code == 200 and again.data == PAPER
