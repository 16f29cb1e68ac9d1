"""Backup and restore: `flask backup` writes the database and every uploaded file to one archive;
`flask restore` puts it into an empty database and an empty store, and the same event comes
back: the same rows in every table, the same released programme byte for byte, the same file for
its author, the same passwords. A damaged archive, a database or store that is not empty, or a
file that is not a backup are refused with a message, and change nothing.

On PostgreSQL the archive is made by pg_dump and restored by pg_restore into a new database."""

from __future__ import annotations

import contextlib
import io
import json
import tarfile
import uuid
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from conference import create_app
from conference.cfp import submissions
from conference.cfp.enums import FileKind
from conference.extensions import db as _db

from .. import factories
from ..cfp.builders import DURING, PDF, complete_talk, make_call
from ..conftest import FreshContextClient, login, make_test_config

PAGES = ("/events/icdd/schedule.xml", "/events/icdd/schedule.json", "/events/icdd/agenda.ics", "/events/icdd/")


@pytest.fixture
def source(app, committed_db):
    """The demo's events, and a paper with its PDF, committed so that pg_dump sees them."""
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    call = make_call()
    author = factories.make_user(name="Ana Author")
    paper = complete_talk(call, author, type_id=call.paper.id, abstract="Short.")
    stored = submissions.attach_file(paper, actor=author, kind=FileKind.PAPER, filename="paper.pdf", data=PDF,
                                     now=DURING)
    committed_db.session.commit()
    url = f"/events/{call.event.slug}/submissions/{paper.code}/files/{stored.id}"
    return {"author": author.email, "file_url": url}


@contextlib.contextmanager
def empty_database(database_url: str, tmp_path: Path):
    """A new, empty database of the same kind as the suite's: a SQLite file, or a PostgreSQL
    database with the app's schema made in it (as `public` is in a new database)."""
    if database_url.startswith("sqlite"):
        yield "sqlite:///" + str(tmp_path / "restored.sqlite")
        return
    source = make_url(database_url)
    name = f"restore_{uuid.uuid4().hex[:10]}"
    admin = source.set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    schema = source.query["options"].removeprefix("-csearch_path=")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    target = source.set(database=name)
    with psycopg.connect(target.set(drivername="postgresql", query={}).render_as_string(hide_password=False),
                         autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield target.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def app_on(url: str, tmp_path: Path, **settings):
    target = create_app({**make_test_config(url, tmp_path), **settings})
    target.test_client_class = FreshContextClient
    try:
        yield target
    finally:
        with target.app_context():
            _db.engine.dispose()


def _row_counts(app) -> dict[str, int]:
    with app.app_context(), _db.engine.connect() as connection:
        names = sa.inspect(connection).get_table_names()
        return {name: connection.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one()
                for name in names}


def _invoke(app, *args: str):
    """The command in this app's context (the suite's app context, pushed by the fixtures, would
    otherwise be the one the command finds)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def _read(client, page: str) -> bytes:
    with client.get(page) as response:
        assert response.status_code == 200, page
        return response.data


def _seen(app, source) -> dict[str, bytes]:
    client = app.test_client()
    seen = {page: _read(client, page) for page in PAGES}
    login(client, SimpleNamespace(email=source["author"]))
    seen["file"] = _read(client, source["file_url"])
    return seen


def _backup(app, tmp_path) -> Path:
    archive = tmp_path / "conference.backup.tar"
    result = _invoke(app, "backup", str(archive))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Backed up")
    return archive


@pytest.mark.parametrize("target_store", ["local", "s3"])
def test_backup_restores_the_same_event_into_an_empty_database_and_store(app, source, database_url, tmp_path,
                                                                          target_store, request):
    """Into the same kind of store, or from a folder into an S3 bucket: a way to move uploads."""
    settings, server, prefix = {}, None, f"{uuid.uuid4().hex[:12]}/"
    if target_store == "s3":
        server = request.getfixturevalue("s3_server")
        settings = server.settings(prefix)
    before = _seen(app, source)
    counts = _row_counts(app)
    archive = _backup(app, tmp_path)
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
    assert manifest["database"]["rows"] == counts
    assert manifest["files"]["count"] >= 1

    with empty_database(database_url, tmp_path) as url, app_on(url, tmp_path / "restored", **settings) as restored:
        result = _invoke(restored, "restore", str(archive))
        assert result.exit_code == 0, result.output
        assert f"{manifest['files']['count']} files" in result.output
        assert _row_counts(restored) == counts
        after = _seen(restored, source)
        assert after == before
        assert before["file"] == PDF
        if server is not None:
            assert server.keys(prefix) == sorted(manifest["files"]["sha256"])
            assert not (tmp_path / "restored" / "uploads").exists() or not any(
                path.is_file() for path in (tmp_path / "restored" / "uploads").rglob("*"))


def test_restore_refuses_a_database_that_is_not_empty(app, source, tmp_path):
    archive = _backup(app, tmp_path)
    counts = _row_counts(app)
    result = _invoke(app, "restore", str(archive))
    assert result.exit_code != 0
    assert "the database is not empty" in result.output
    assert _row_counts(app) == counts


def _damaged_copy(archive: Path, tmp_path: Path) -> Path:
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as original, tarfile.open(damaged, "w") as copy:
        for member in original:
            data = original.extractfile(member).read()
            if member.name.startswith("files/"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            copy.addfile(member, io.BytesIO(data))
    return damaged


def test_restore_refuses_a_damaged_archive_before_changing_anything(app, source, database_url, tmp_path):
    damaged = _damaged_copy(_backup(app, tmp_path), tmp_path)
    with empty_database(database_url, tmp_path) as url, app_on(url, tmp_path / "restored") as restored:
        result = _invoke(restored, "restore", str(damaged))
        assert result.exit_code != 0
        assert "damaged" in result.output and "nothing was restored" in result.output
        assert _row_counts(restored) == {}


def test_restore_refuses_what_is_not_a_backup_and_backup_never_overwrites(app, committed_db, tmp_path):
    runner = app.test_cli_runner()
    not_tar = tmp_path / "notes.txt"
    not_tar.write_text("hello")
    result = runner.invoke(args=["restore", str(not_tar)])
    assert result.exit_code != 0 and "cannot read" in result.output
    other = tmp_path / "other.tar"
    with tarfile.open(other, "w") as archive:
        archive.addfile(tarfile.TarInfo("readme"), io.BytesIO(b""))
    result = runner.invoke(args=["restore", str(other)])
    assert result.exit_code != 0 and "no manifest.json" in result.output
    result = runner.invoke(args=["backup", str(not_tar)])
    assert result.exit_code != 0 and "exists" in result.output
    assert not_tar.read_text() == "hello"
