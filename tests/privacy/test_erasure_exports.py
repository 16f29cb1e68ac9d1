"""An erasure reaches the programme's exports that every web process keeps: another process
(another app on the same database, with its own cache) serves the released programme without the
name at its next request, under a new ETag."""

from __future__ import annotations

import pytest

from conference import create_app
from conference.extensions import db as _db
from conference.privacy import erasure

from .. import factories
from ..conftest import make_test_config
from .builders import NAME, person_everywhere


@pytest.mark.parametrize("export", ["schedule.xml", "schedule.json", "agenda.ics"])
def test_an_erasure_reaches_every_process_cached_exports(app, committed_db, database_url, tmp_path, export):
    world = person_everywhere()
    world.release.event.published = True
    admin = factories.make_user(is_admin=True)
    committed_db.session.commit()
    path = f"/events/{world.release.event.slug}/{export}"
    other = create_app(make_test_config(database_url, tmp_path))  # another web process, its own cache
    try:
        before = other.test_client().get(path)
        assert before.status_code == 200 and NAME in before.get_data(as_text=True)
        assert other.test_client().get(path, headers={"If-None-Match": before.headers["ETag"]}).status_code == 304

        erasure.erase_account(world.person, actor=admin)
        committed_db.session.commit()

        after = other.test_client().get(path, headers={"If-None-Match": before.headers["ETag"]})
        assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
        assert NAME not in after.get_data(as_text=True)
    finally:
        with other.app_context():
            _db.engine.dispose()
