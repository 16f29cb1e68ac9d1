"""The README's screenshots (docs/screenshots/take.py) are taken of pages that exist: each
page of the script's list answers 200, for the demo person the script logs in as, without a
redirect. The shots themselves are not taken here (the script takes them, with Chromium)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from conference.demo import DEMO_PASSWORD, DEMO_USERS, load_demo

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "take.py"


def _script():
    spec = importlib.util.spec_from_file_location("take_screenshots", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


def test_the_script_knows_the_demo_password_and_names_each_file_once():
    take = _script()
    assert take.PASSWORD == DEMO_PASSWORD
    names = [take.file_name(shot, size) for shot in take.SHOTS for size in take.SIZES]
    assert len(names) == len(set(names)) == 12
    demo_people = {row[0] for row in DEMO_USERS}
    assert {shot.user for shot in take.SHOTS} - {None} <= demo_people


def test_every_screenshot_page_answers_for_its_person(app, db):
    take = _script()
    load_demo()
    db.session.commit()
    for shot in take.SHOTS:
        client = app.test_client()
        if shot.user:  # a visitor would not see it: the log-in is needed
            assert client.get(shot.path).status_code in (302, 403, 404), shot.path
            response = client.post("/auth/login", data={"email": shot.user, "password": DEMO_PASSWORD})
            assert response.status_code == 302, f"{shot.user} could not log in"
        response = client.get(shot.path)
        assert response.status_code == 200, (shot.name, shot.path, shot.user, response.status_code)
        assert b"<main" in response.data, shot.path

