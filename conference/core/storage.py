"""Where uploaded files' bytes live: one small interface, two back-ends chosen by STORAGE_BACKEND.

* ``local`` (the default): files under UPLOAD_FOLDER, as ``ab/abcdef…`` (the first two hex digits
  of the name, then the name), the layout instances have always used.
* ``s3``: objects in an S3-compatible bucket (AWS S3, MinIO, Ceph, or Azure through a gateway),
  under S3_PREFIX with the same keys, through boto3. Several servers then share the files.

Keys are the caller's (``conference.core.files`` names them by content); this module only moves
bytes. Uploads are spooled and checked on local disk first, then ``put`` here, so a refused file
never reaches the store. Every method raises :class:`StorageUnavailable` when the store does not
answer, so that a caller can tell a person to try again instead of failing with a 500.
"""

from __future__ import annotations

import abc
import dataclasses
import datetime as dt
import os
import shutil
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from flask import current_app
from werkzeug.datastructures import Headers

CHUNK = 64 * 1024
BACKENDS = ("local", "s3")
# The settings a store is built from: when one changes (tests switch back-ends), a new store is made.
SETTINGS = ("STORAGE_BACKEND", "UPLOAD_FOLDER", "S3_BUCKET", "S3_PREFIX", "S3_ENDPOINT_URL", "S3_REGION",
            "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_PRESIGNED_DOWNLOADS", "S3_PRESIGNED_SECONDS")


class StorageUnavailable(Exception):
    """The store did not answer, or refused us (credentials, a missing bucket)."""


@dataclasses.dataclass(frozen=True)
class StoredObject:
    key: str
    modified: dt.datetime  # aware UTC
    size: int


class Storage(abc.ABC):
    """What the app asks of a store. Keys are relative paths of ``/``-separated safe names."""

    @abc.abstractmethod
    def put(self, key: str, source: Path) -> None:
        """Store the local file ``source`` under ``key`` (replacing what was there); ``source``
        may be moved away (the local store renames it into place)."""
        raise NotImplementedError

    @abc.abstractmethod
    def exists(self, key: str) -> bool:
        raise NotImplementedError

    @abc.abstractmethod
    def size(self, key: str) -> int | None:
        """The stored object's size in bytes, None if there is none."""
        raise NotImplementedError

    @abc.abstractmethod
    def open(self, key: str) -> IO[bytes]:
        """A stream of the object's bytes, read in chunks; FileNotFoundError if there is none."""
        raise NotImplementedError

    @abc.abstractmethod
    def touch(self, key: str) -> None:
        """Make the object count as new again, so that collection leaves it alone for a grace period
        (an upload whose content was already stored refers to it again)."""
        raise NotImplementedError

    @abc.abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; nothing happens if there is none."""
        raise NotImplementedError

    @abc.abstractmethod
    def objects(self) -> Iterator[StoredObject]:
        """Every stored object, with its age, in no particular order."""
        raise NotImplementedError

    def local_path(self, key: str) -> Path | None:
        """The object as a file on this server's disk, when the store has one (downloads are then
        served by the web server's own file sending, with ETag and Range)."""
        return None

    def presigned_url(self, key: str, *, filename: str, content_type: str) -> str | None:
        """A short-lived address that serves the object directly, when configured; None otherwise."""
        return None

    def fetch(self, key: str, target: Path) -> None:
        """Copy the object into the local file ``target``."""
        with self.open(key) as source, target.open("wb") as out:
            shutil.copyfileobj(source, out, CHUNK)


class LocalStorage(Storage):
    """Files in a folder of this server's disk."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)

    def path(self, key: str) -> Path:
        if not key or key.startswith("/") or any(part in ("", ".", "..") for part in key.split("/")):
            raise ValueError(f"not a storage key: {key!r}")
        return self.folder / key

    def put(self, key: str, source: Path) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)  # atomic: the spool folder is on the same disk

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def size(self, key: str) -> int | None:
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError:
            return None

    def open(self, key: str) -> IO[bytes]:
        return self.path(key).open("rb")

    def touch(self, key: str) -> None:
        os.utime(self.path(key))

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def objects(self) -> Iterator[StoredObject]:
        if not self.folder.is_dir():
            return
        for shard in self.folder.iterdir():
            if not shard.is_dir():
                continue  # the spool's .part files lie at the top
            for entry in shard.iterdir():
                try:
                    stat = entry.stat()
                except FileNotFoundError:  # deleted meanwhile
                    continue
                modified = dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC)
                yield StoredObject(f"{shard.name}/{entry.name}", modified, stat.st_size)

    def local_path(self, key: str) -> Path | None:
        path = self.path(key)
        return path if path.is_file() else None


class S3Storage(Storage):
    """Objects in a bucket of an S3-compatible service, under a prefix."""

    def __init__(self, *, bucket: str, prefix: str = "", endpoint_url: str | None = None, region: str | None = None,
                 access_key_id: str | None = None, secret_access_key: str | None = None,
                 presigned_seconds: int | None = None):
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.presigned_seconds = presigned_seconds
        # boto3 takes a quarter of a second to import: only deployments that store in S3 pay it.
        import boto3  # noqa: PLC0415  (a slow optional import, see above)
        import boto3.exceptions  # noqa: PLC0415  (the same)
        import botocore.config  # noqa: PLC0415  (the same)
        import botocore.exceptions  # noqa: PLC0415  (the same)

        self.client_error = botocore.exceptions.ClientError
        # Whatever boto3 raises when the service cannot be reached or refuses a request.
        self.failures: tuple[type[Exception], ...] = (
            botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError, boto3.exceptions.S3UploadFailedError)
        # Without keys, boto3's own chain: AWS_* variables, ~/.aws, an instance or container role.
        self.client = boto3.client(
            "s3", endpoint_url=endpoint_url or None, region_name=region or None,
            aws_access_key_id=access_key_id or None, aws_secret_access_key=secret_access_key or None,
            config=botocore.config.Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 3}),
        )

    def _key(self, key: str) -> str:
        return self.prefix + key

    def _call(self, method: str, **kwargs: Any) -> Any:
        try:
            return getattr(self.client, method)(Bucket=self.bucket, **kwargs)
        except self.failures as error:
            if isinstance(error, self.client_error) and \
                    error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                raise FileNotFoundError(kwargs.get("Key")) from error
            raise StorageUnavailable(f"S3 {method} in bucket {self.bucket}: {error}") from error

    def put(self, key: str, source: Path) -> None:
        try:  # upload_file sends large files in parts, several at once
            self.client.upload_file(str(source), self.bucket, self._key(key))
        except self.failures as error:
            raise StorageUnavailable(f"S3 upload to bucket {self.bucket}: {error}") from error

    def size(self, key: str) -> int | None:
        try:
            return int(self._call("head_object", Key=self._key(key))["ContentLength"])
        except FileNotFoundError:
            return None

    def exists(self, key: str) -> bool:
        return self.size(key) is not None

    def open(self, key: str) -> IO[bytes]:
        return self._call("get_object", Key=self._key(key))["Body"]

    def touch(self, key: str) -> None:
        # A copy onto itself, done by the service, gives the object a new modification time.
        self._call("copy_object", Key=self._key(key), CopySource={"Bucket": self.bucket, "Key": self._key(key)},
                   MetadataDirective="REPLACE")

    def delete(self, key: str) -> None:
        self._call("delete_object", Key=self._key(key))

    def objects(self) -> Iterator[StoredObject]:
        paginator = self.client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
                for item in page.get("Contents", []):
                    modified = item["LastModified"].astimezone(dt.UTC)
                    yield StoredObject(item["Key"][len(self.prefix):], modified, int(item["Size"]))
        except self.failures as error:
            raise StorageUnavailable(f"S3 listing of bucket {self.bucket}: {error}") from error

    def abandoned_uploads(self, before: dt.datetime) -> int:
        """Abort the multipart uploads under our prefix begun before ``before``: the parts of an
        upload whose process died, which the service keeps (and bills) until they are aborted."""
        aborted = 0
        try:
            paginator = self.client.get_paginator("list_multipart_uploads")
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
                for upload in page.get("Uploads", []):
                    if upload["Initiated"].astimezone(dt.UTC) < before:
                        self._call("abort_multipart_upload", Key=upload["Key"], UploadId=upload["UploadId"])
                        aborted += 1
        except self.failures as error:
            raise StorageUnavailable(f"S3 multipart uploads of bucket {self.bucket}: {error}") from error
        return aborted

    def presigned_url(self, key: str, *, filename: str, content_type: str) -> str | None:
        if not self.presigned_seconds:
            return None
        return self.client.generate_presigned_url("get_object", ExpiresIn=self.presigned_seconds, Params={
            "Bucket": self.bucket, "Key": self._key(key), "ResponseContentType": content_type,
            "ResponseContentDisposition": content_disposition(filename), "ResponseCacheControl": "private, no-store",
        })

    def check(self) -> None:
        """Raise StorageUnavailable unless the bucket answers to our credentials."""
        try:
            self._call("head_bucket")
        except FileNotFoundError:
            raise StorageUnavailable(f"there is no bucket {self.bucket}") from None


def content_disposition(filename: str) -> str:
    """``attachment`` with the name, exactly as Werkzeug's send_file writes it (RFC 6266: an ASCII
    name, and for other names an ASCII fallback and the UTF-8 name)."""
    try:
        filename.encode("ascii")
        names = {"filename": filename}
    except UnicodeEncodeError:
        fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
        names = {"filename": fallback, "filename*": f"UTF-8''{quote(filename, safe='!#$&+-.^_`|~')}"}
    headers = Headers()
    headers.set("Content-Disposition", "attachment", **names)
    return headers["Content-Disposition"]


def build(config: dict) -> Storage:
    """The store the settings describe (config.finalise has refused incomplete S3 settings)."""
    if config.get("STORAGE_BACKEND", "local") == "s3":
        return S3Storage(bucket=config["S3_BUCKET"], prefix=config.get("S3_PREFIX") or "",
                         endpoint_url=config.get("S3_ENDPOINT_URL"), region=config.get("S3_REGION"),
                         access_key_id=config.get("S3_ACCESS_KEY_ID"),
                         secret_access_key=config.get("S3_SECRET_ACCESS_KEY"),
                         presigned_seconds=(config.get("S3_PRESIGNED_SECONDS") if config.get("S3_PRESIGNED_DOWNLOADS")
                                            else None))
    return LocalStorage(config["UPLOAD_FOLDER"])


def current() -> Storage:
    """The app's store, made once per app (and again when its settings change)."""
    config = current_app.config
    settings = tuple(config.get(name) for name in SETTINGS)
    made = current_app.extensions.get("storage")
    if made is None or made[0] != settings:
        made = (settings, build(config))
        current_app.extensions["storage"] = made
    return made[1]
