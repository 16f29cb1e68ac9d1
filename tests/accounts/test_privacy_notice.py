"""The privacy notice: the public page /privacy (a default built from the settings until the
administrators write one), its editing page, its versions and the footer link. (That every form asking
for personal data links it: tests/app/test_hostile_input.py.)"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conference.accounts import privacy_notice
from conference.accounts.models import PrivacyNotice
from conference.core.models import AuditEntry
from conference.errors import NotAllowed

from .. import factories
from ..conftest import login


def test_the_default_notice_names_the_controller_and_contact_from_the_settings(app, client, db, monkeypatch):
    plain = client.get("/privacy").get_data(as_text=True)
    monkeypatch.setitem(app.config, "PRIVACY_CONTROLLER", "The Secretariat of the Symposium")
    monkeypatch.setitem(app.config, "SITE_CONTACT_EMAIL", "privacy@un.example")
    named = client.get("/privacy").get_data(as_text=True)

    assert "<h1>Privacy notice</h1>" in plain
    assert f"{app.config['SITE_NAME']} runs this site and is responsible for your data." in plain
    assert "Write to the organisers of your event about your data." in plain and "mailto:" not in plain
    assert "The Secretariat of the Symposium runs this site and is responsible for your data." in named
    assert named.count('<a href="mailto:privacy@un.example">privacy@un.example</a>') == 2
    assert "This is the default notice" not in named  # that hint is for administrators


def test_admin_writes_the_notice_and_each_version_is_kept(admin_client, client, db):
    page = admin_client.get("/privacy").get_data(as_text=True)
    assert "This is the default notice" in page and 'href="/admin/privacy-notice"' in page

    response = admin_client.post("/admin/privacy-notice", data={"body": "## Who we are\n\nWe are <b>UN</b>."},
                                 follow_redirects=True)
    admin_client.post("/admin/privacy-notice", data={"body": "## Who we are\n\nThe second version."})

    assert "The privacy notice is saved." in response.get_data(as_text=True)
    shown = client.get("/privacy").get_data(as_text=True)
    assert "<h2>Who we are</h2>" in shown and "<p>The second version.</p>" in shown
    assert "responsible for your data" not in shown  # the default is gone
    versions = db.session.scalars(sa.select(PrivacyNotice).order_by(PrivacyNotice.id)).all()
    assert [v.body for v in versions] == ["## Who we are\n\nWe are <b>UN</b>.", "## Who we are\n\nThe second version."]
    assert {v.author_id for v in versions} == {admin_client.user.id}
    assert db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.object_type == "PrivacyNotice")).all() == ["privacy_notice.saved"] * 2
    edit = admin_client.get("/admin/privacy-notice").get_data(as_text=True)
    assert "The second version.</textarea>" in edit


def test_raw_html_in_the_notice_is_not_rendered(admin_client, client, db):
    admin_client.post("/admin/privacy-notice", data={"body": "Hi <script>alert(1)</script> [x](javascript:alert(1))"})

    shown = client.get("/privacy").get_data(as_text=True)

    assert "<script>alert(1)" not in shown and 'href="javascript' not in shown
    assert "Hi &lt;script&gt;alert(1)&lt;/script&gt;" in shown


def test_a_blank_notice_brings_back_the_default(admin_client, client, db):
    admin_client.post("/admin/privacy-notice", data={"body": "Ours."})
    admin_client.post("/admin/privacy-notice", data={"body": "   "})

    assert "responsible for your data" in client.get("/privacy").get_data(as_text=True)
    assert privacy_notice.written_notice() == ""


def test_a_notice_too_long_is_refused_next_to_the_field_and_kept(admin_client, db):
    text = "x" * 50_001

    response = admin_client.post("/admin/privacy-notice", data={"body": text})

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<p class="invalid-feedback d-block" id="error-body">' in html and "50000" in html
    assert text + "</textarea>" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PrivacyNotice)) == 0


def test_only_administrators_write_the_notice(app, db):
    organiser = factories.make_user(may_create_events=True)
    client = login(app.test_client(), organiser)

    assert client.get("/admin/privacy-notice").status_code == 403
    assert client.post("/admin/privacy-notice", data={"body": "Mine"}).status_code == 403
    with pytest.raises(NotAllowed):
        privacy_notice.save_notice(body="Mine", actor=organiser)
    assert privacy_notice.current_notice() is None


def test_every_page_links_the_notice_in_its_footer(client, db):
    for path in ("/", "/auth/login", "/privacy"):
        html = client.get(path).get_data(as_text=True)
        footer = html[html.index('<footer class="site-footer'):]
        assert '<a href="/privacy">Privacy notice</a>' in footer
