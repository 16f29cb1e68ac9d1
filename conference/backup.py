"""Backup and restore: the whole app in one archive, ``flask backup`` and ``flask restore``.

An archive is a tar file holding

- ``manifest.json``: the format, when it was made, the app's version, the database's kind,
  migration revision and the number of rows of every table, and the number and size of files;
- the database: ``database.pgdump`` (``pg_dump``'s custom format, of the schema the app uses) or
  ``database.sqlite3`` (a consistent copy made with SQLite's online backup);
- ``files/<key>``: every uploaded file in the store, under its key.

The database is dumped first, then the files: a file uploaded while the backup runs may be in
the archive without a row that refers to it (harmless: the collection job removes it after a
restore), and no file a dumped row refers to is missing, because the store never deletes a file
that a row refers to. ``restore`` refuses a database or store that is not empty, checks every
file against its digest and every table's rows against the manifest, and says what it restored.
PostgreSQL needs ``pg_dump`` and ``pg_restore`` of the server's major version or newer on the
machine that runs the command (Debian: ``postgresql-client``).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO

import click
import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy.engine import URL

from conference.core import storage
from conference.extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
PG_MEMBER = "database.pgdump"
SQLITE_MEMBER = "database.sqlite3"
FILES = "files/"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Why a backup or a restore cannot go on, in words for the operator."""


@dataclass
class Summary:
    tables: int = 0
    rows: int = 0
    files: int = 0
    bytes: int = 0
    revision: str | None = None
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return (f"{self.tables} tables, {self.rows} rows, {self.files} files ({self.bytes} bytes), "
                f"migration revision {self.revision or 'none'}")


# The database ----------------------------------------------------------------------------------

def _kind(url: URL) -> str:
    backend = url.get_backend_name()
    if backend not in ("postgresql", "sqlite"):
        raise BackupError(f"cannot back up a {backend} database (PostgreSQL and SQLite are supported)")
    return backend


def _row_counts(connection: sa.Connection) -> dict[str, int]:
    names = sorted(sa.inspect(connection).get_table_names())
    return {name: connection.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one()
            for name in names}


def _revision(connection: sa.Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _pg_environment(url: URL, connection: sa.Connection) -> tuple[dict[str, str], str]:
    """libpq's environment for pg_dump and pg_restore from the app's database address, and the
    schema the app's tables live in (``public`` unless the address sets a search path)."""
    env = dict(os.environ)
    for variable, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                            ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            env[variable] = str(value)
    options = url.query.get("options")
    if options:
        env["PGOPTIONS"] = options if isinstance(options, str) else " ".join(options)
    for key, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        setting = url.query.get(key)
        if isinstance(setting, str):
            env[variable] = setting
    schema = connection.execute(sa.text("SELECT current_schema()")).scalar_one()
    if schema is None:
        raise BackupError("the database's search path names no schema that exists: create the app's schema first")
    return env, schema


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed here; install PostgreSQL's client programs "
                          "(Debian: apt-get install postgresql-client) of the server's version or newer") from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.returncode}")


def _dump_database(url: URL, into: Path) -> Path:
    kind = _kind(url)
    if kind == "sqlite":
        target = into / SQLITE_MEMBER
        source = sqlite3.connect(url.database or "")
        try:
            with contextlib.closing(sqlite3.connect(target)) as copy:
                source.backup(copy)
        finally:
            source.close()
        return target
    target = into / PG_MEMBER
    with db.engine.connect() as connection:
        env, schema = _pg_environment(url, connection)
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--schema={schema}",
          f"--file={target}"], env)
    return target


def _require_empty_database() -> None:
    with db.engine.connect() as connection:
        tables = sa.inspect(connection).get_table_names()
    if tables:
        raise BackupError(f"the database is not empty ({len(tables)} tables, e.g. {sorted(tables)[0]}): restore "
                          "into a new, empty database, so nothing in it is mixed with the backup")


def _restore_postgresql(dump: Path, url: URL) -> None:
    with db.engine.connect() as connection:
        env, schema = _pg_environment(url, connection)
        schema_exists = connection.execute(
            sa.text("SELECT count(*) FROM pg_namespace WHERE nspname = :name"), {"name": schema}).scalar_one()
    listing = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True, text=True, env=env,
                             check=False)
    if listing.returncode != 0:
        raise BackupError(f"pg_restore cannot read the archive's database: {listing.stderr.strip()}")
    # The schema itself already exists in a new database (public) or was made for the app: keep
    # what is inside it, skip creating it again.
    lines = [line for line in listing.stdout.splitlines()
             if not (schema_exists and (" SCHEMA - " in line))]
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as handle:
        handle.write("\n".join(lines) + "\n")
    try:
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
              f"--use-list={handle.name}", f"--dbname={env.get('PGDATABASE', '')}", str(dump)], env)
    finally:
        os.unlink(handle.name)


def _restore_sqlite(copy: Path, url: URL) -> None:
    db.engine.dispose()
    source = sqlite3.connect(copy)
    try:
        with contextlib.closing(sqlite3.connect(url.database or "")) as target:
            source.backup(target)
    finally:
        source.close()
    db.engine.dispose()


# The archive -----------------------------------------------------------------------------------

def _app_version() -> str:
    try:
        return version("conference")
    except PackageNotFoundError:
        return "unknown"


def _add_stream(archive: tarfile.TarFile, name: str, stream: IO[bytes] | io.RawIOBase, size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(time.time())
    info.mode = 0o600
    archive.addfile(info, stream)


def create_backup(path: Path) -> Summary:
    """Write the archive to ``path`` (made next to it under a temporary name, then renamed, so
    an interrupted backup never leaves a file that looks whole)."""
    url = db.engine.url
    kind = _kind(url)
    summary = Summary()
    with db.engine.connect() as connection:
        rows = _row_counts(connection)
        summary.revision = _revision(connection)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    with tempfile.TemporaryDirectory(prefix="conference-backup-") as scratch:
        dump = _dump_database(url, Path(scratch))
        store = storage.current()
        with tarfile.open(partial, "w") as archive:
            archive.add(dump, arcname=dump.name)
            file_digests: dict[str, str] = {}
            for blob in sorted(store.objects(), key=lambda stored: stored.key):
                digest = hashlib.sha256()
                try:
                    with store.open(blob.key) as stream:
                        _add_stream(archive, FILES + blob.key, _Hashing(stream, digest), blob.size)
                except FileNotFoundError:  # collected since it was listed: no row refers to it
                    continue
                file_digests[blob.key] = digest.hexdigest()
                summary.files += 1
                summary.bytes += blob.size
            manifest = {
                "format": FORMAT, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "app_version": _app_version(),
                "database": {"kind": kind, "member": dump.name, "revision": summary.revision, "rows": rows},
                "files": {"count": summary.files, "bytes": summary.bytes, "sha256": file_digests},
            }
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            _add_stream(archive, MANIFEST, io.BytesIO(data), len(data))
    os.replace(partial, path)
    summary.tables, summary.rows = len(rows), sum(rows.values())
    return summary


class _Hashing(io.RawIOBase):
    """A reader that hashes what passes through it."""

    def __init__(self, stream: IO[bytes], digest) -> None:
        self.stream, self.digest = stream, digest

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        return data


def _manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.extractfile(MANIFEST)
    except KeyError:
        raise BackupError("this is not a backup of this app: it has no manifest.json") from None
    if member is None:
        raise BackupError("the archive's manifest.json is not a file")
    manifest = json.load(member)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"the archive's format {manifest.get('format')!r} is not one this version reads ({FORMAT})")
    return manifest


def _file_members(archive: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    for member in archive:
        if member.name.startswith(FILES) and member.isfile():
            yield member


def _check_files(archive: tarfile.TarFile, expected: dict[str, str]) -> None:
    """Every file the manifest lists is in the archive with the bytes it had: checked before
    anything is restored, so a damaged archive changes nothing."""
    found = set()
    for info in _file_members(archive):
        key = info.name[len(FILES):]
        stream = archive.extractfile(info)
        digest = hashlib.sha256()
        if stream is not None:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
        if expected.get(key) != digest.hexdigest():
            raise BackupError(f"the file {key} in the archive is damaged or unknown to its manifest; nothing was "
                              "restored")
        found.add(key)
    missing = set(expected) - found
    if missing:
        raise BackupError(f"the archive lacks {len(missing)} of the files its manifest lists (e.g. {min(missing)}); "
                          "nothing was restored")


def _restore_files(archive: tarfile.TarFile, store: storage.Storage, scratch: Path, summary: Summary) -> None:
    for info in _file_members(archive):
        stream = archive.extractfile(info)
        if stream is None:
            continue
        copy = scratch / "file"
        with copy.open("wb") as out:
            shutil.copyfileobj(stream, out, CHUNK)
        store.put(info.name[len(FILES):], copy)
        copy.unlink(missing_ok=True)
        summary.files += 1
        summary.bytes += info.size


@contextlib.contextmanager
def _open_archive(path: Path) -> Iterator[tarfile.TarFile]:
    try:
        archive = tarfile.open(path, "r")  # noqa: SIM115  (closed below; opening is what may fail)
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"cannot read {path}: {error}") from None
    with archive:
        yield archive


def restore_backup(path: Path) -> Summary:
    """Restore the archive at ``path`` into this app's (empty) database and (empty) store."""
    url = db.engine.url
    kind = _kind(url)
    summary = Summary()
    with _open_archive(path) as archive:
        manifest = _manifest(archive)
        database = manifest["database"]
        if database["kind"] != kind:
            raise BackupError(f"the backup holds a {database['kind']} database and this app uses {kind}: "
                              f"restore it into {database['kind']}")
        _require_empty_database()
        store = storage.current()
        if next(iter(store.objects()), None) is not None:
            raise BackupError("the file store is not empty: restore into a new, empty store")
        _check_files(archive, manifest["files"]["sha256"])
        with tempfile.TemporaryDirectory(prefix="conference-restore-") as scratch:
            member = archive.extractfile(database["member"])
            if member is None:
                raise BackupError(f"the archive has no {database['member']}")
            dump = Path(scratch) / database["member"]
            with dump.open("wb") as out:
                shutil.copyfileobj(member, out, CHUNK)
            if kind == "postgresql":
                _restore_postgresql(dump, url)
            else:
                _restore_sqlite(dump, url)
            _restore_files(archive, store, Path(scratch), summary)
    with db.engine.connect() as connection:
        rows = _row_counts(connection)
        summary.revision = _revision(connection)
    if rows != database["rows"]:
        differing = sorted(name for name in set(rows) | set(database["rows"])
                           if rows.get(name) != database["rows"].get(name))
        raise BackupError(f"the restored tables differ from the backup's: {', '.join(differing)}")
    summary.tables, summary.rows = len(rows), sum(rows.values())
    if summary.revision not in _code_heads():
        summary.notes.append(f"the backup's database is at migration {summary.revision}, older than this code: "
                             "run flask db upgrade before starting the app")
    return summary


def _code_heads() -> set[str]:
    migrations = current_app.extensions["migrate"]
    config = migrations.migrate.get_config(migrations.directory)
    return set(ScriptDirectory.from_config(config).get_heads())


# Commands --------------------------------------------------------------------------------------

@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Write the database and every uploaded file to one archive at PATH (a tar file)."""
    if path.exists():
        raise click.ClickException(f"{path} exists; give a new file name (backups are never overwritten)")
    try:
        summary = create_backup(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up {summary.describe()} to {path}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(path: Path) -> None:
    """Restore an archive made by `flask backup` into an empty database and an empty file store."""
    try:
        summary = restore_backup(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {summary.describe()} from {path}")
    for note in summary.notes:
        click.echo(f"  note: {note}")
