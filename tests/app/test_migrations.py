"""Migrations build exactly the models, on SQLite and PostgreSQL, and undo cleanly."""

import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from conference import create_app
from conference.extensions import db

from ..conftest import (
    make_test_config,
    postgres_url,
    scratch_schema,
    skip_or_fail_without_postgres,
)


def _schema_diff(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    base = postgres_url()
    if base is None:
        skip_or_fail_without_postgres()
    with scratch_schema(base, f"migrations_{uuid.uuid4().hex[:8]}") as url:
        yield url


def test_upgrade_from_empty_gives_exactly_the_models(empty_database_url, tmp_path):
    app = create_app(make_test_config(empty_database_url, tmp_path))
    with app.app_context():
        upgrade()
        assert _schema_diff(db.engine) == []
        tables = set(sa.inspect(db.engine).get_table_names())
        assert tables == set(db.metadata.tables) | {"alembic_version"}
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) == {"alembic_version"}
        upgrade()
        assert _schema_diff(db.engine) == []
        db.engine.dispose()


def _check_constraints(engine) -> set[tuple[str, str, str]]:
    """Every CHECK constraint as (table, name, condition), the condition as the database prints it."""
    inspector = sa.inspect(engine)
    return {(table, check["name"], " ".join(str(check["sqltext"]).split()))
            for table in inspector.get_table_names() for check in inspector.get_check_constraints(table)}


def test_upgrade_gives_the_models_check_constraints(empty_database_url, tmp_path):
    """compare_metadata leaves CHECK constraints out: compare them with a schema made from the
    models, on the same database. The review questions' step then goes down and up again."""
    app = create_app(make_test_config(empty_database_url, tmp_path))
    with app.app_context():
        db.create_all()
        from_models = _check_constraints(db.engine)
        db.drop_all()
        upgrade()
        assert _check_constraints(db.engine) == from_models
        review_kinds = {name for table, name, _condition in from_models if table == "review_question"}
        assert review_kinds == {"ck_review_question_questionkind"}
        downgrade(revision="6afd09d84ca6")
        [(name, condition)] = [(name, condition) for table, name, condition in _check_constraints(db.engine)
                               if table == "review_question"]
        assert name == "ck_review_question_reviewquestionkind"
        assert "yes_no" in condition and "number" not in condition
        upgrade()
        assert _check_constraints(db.engine) == from_models
        db.engine.dispose()
