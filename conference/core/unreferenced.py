"""Collecting stored files that nothing refers to.

Files are stored by content before the row that refers to them is committed, and rows go away
(a draft deleted, a file replaced, a registration erased) without knowing whether another row
has the same content. So a periodic job deletes stored files that no row refers to once they are
older than UPLOAD_COLLECT_AFTER_HOURS (an upload between its put and its commit is seconds old;
storing content that is already there touches it), and ``.part`` files left by a process that died.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Iterable

from flask import current_app

from conference.core import storage
from conference.core.files import WITHOUT_METADATA, blob_key, spool_folder

log = logging.getLogger(__name__)

# The areas that keep files say where: each gives a function listing the digests its rows refer to.
REFERENCES: dict[str, Callable[[], Iterable[str]]] = {}


def refer_from(name: str, digests: Callable[[], Iterable[str]]) -> None:
    """Register ``digests()``, the SHA-256 of every file the area's rows refer to (called again
    by every app the process creates: a no-op)."""
    REFERENCES[name] = digests


def _digest_of(key: str) -> str | None:
    """The digest a stored key belongs to (the file or its copy without metadata); None for a key
    this app did not write, which is left alone."""
    shard, _slash, name = key.partition("/")
    digest = name.removesuffix(WITHOUT_METADATA)
    try:
        return digest if blob_key(digest) == f"{shard}/{digest}" else None
    except ValueError:
        return None


def collect(*, now: dt.datetime) -> dict[str, int]:
    """Delete the stored files no row refers to and the ``.part`` leftovers, if older than the
    grace period. The store is listed before the rows are read, so a row committed meanwhile
    keeps its file."""
    before = now - dt.timedelta(hours=current_app.config["UPLOAD_COLLECT_AFTER_HOURS"])
    store = storage.current()
    candidates = [(item.key, digest) for item in store.objects()
                  if item.modified < before and (digest := _digest_of(item.key))]
    referenced: set[str] = set()
    if candidates:
        for digests in REFERENCES.values():
            referenced.update(digests())
    deleted = 0
    for key, digest in candidates:
        if digest not in referenced:
            store.delete(key)
            deleted += 1
    leftovers = 0
    folder = spool_folder()
    if folder.is_dir():
        for part in folder.glob("*.part"):
            with contextlib.suppress(FileNotFoundError):  # finished meanwhile
                if dt.datetime.fromtimestamp(part.stat().st_mtime, dt.UTC) < before:
                    part.unlink()
                    leftovers += 1
    if isinstance(store, storage.S3Storage):
        leftovers += store.abandoned_uploads(before)
    if deleted or leftovers:
        log.info("Deleted %d stored file(s) nothing refers to and %d upload leftover(s)", deleted, leftovers)
    return {"files_collected": deleted, "upload_leftovers": leftovers}


def collect_unreferenced(*, now: dt.datetime) -> dict[str, int]:
    """The periodic job: :func:`collect`, at most once per UPLOAD_COLLECT_SECONDS in this process
    (each round of each worker would otherwise list the whole store)."""
    last = current_app.extensions.get("files_collected_at")
    if last is not None and now - last < dt.timedelta(seconds=current_app.config["UPLOAD_COLLECT_SECONDS"]):
        return {"files_collected": 0, "upload_leftovers": 0}
    done = collect(now=now)
    current_app.extensions["files_collected_at"] = now
    return done
