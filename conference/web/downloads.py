"""Sending a stored upload, after the view has checked that the viewer may have it.

From the local store, Werkzeug's ``send_file`` (ETag, Last-Modified, Range). From S3, either a
redirect to a short-lived presigned address (S3_PRESIGNED_DOWNLOADS) or the object streamed
through the app in chunks, with the same headers: the ETag is the file's SHA-256 (its key), which
names its content for good, and Range requests are answered from the stream.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, redirect, request, send_file
from werkzeug.wrappers import Response as BaseResponse

from conference.core import storage

CHUNK = 64 * 1024


def _chunks(store: storage.Storage, key: str) -> Iterator[bytes]:
    """The object's bytes, opened only once the body is sent (not for a 304)."""
    with store.open(key) as stream:
        while chunk := stream.read(CHUNK):
            yield chunk


def send_stored(key: str, *, content_type: str, download_name: str) -> BaseResponse:
    """The stored file ``key`` as an attachment named ``download_name``, kept out of shared caches
    (every upload is someone's: authors, reviewers, organisers)."""
    store = storage.current()
    path = store.local_path(key)
    response: BaseResponse
    url = None if path is not None else store.presigned_url(key, filename=download_name, content_type=content_type)
    if path is not None:
        response = send_file(path, mimetype=content_type, as_attachment=True, download_name=download_name)
    elif url is not None:
        response = redirect(url, code=303)
    else:
        size = store.size(key)
        if size is None:
            raise FileNotFoundError(key)
        response = Response(_chunks(store, key), mimetype=content_type, direct_passthrough=True)
        response.headers["Content-Disposition"] = storage.content_disposition(download_name)
        response.content_length = size
        response.set_etag(key.rsplit("/", 1)[-1])
        response.make_conditional(request, accept_ranges=True, complete_length=size)
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response
