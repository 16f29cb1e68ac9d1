"""The mail template pages through HTTP: who may see and change them, saving with errors shown
on the field, the preview that keeps the typed text, going back to the default, CSRF, and a
fixed number of queries whatever the number of templates and of the event's own versions."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from conference.extensions import db as _db
from conference.group_mail import template_admin as admin
from conference.mail import registry
from conference.mail.models import MailTemplate
from conference.mail.registry import TemplateSpec

from .. import factories
from ..conftest import login
from ..query_counting import queries_for
from ..review.builders import make_committee, make_submission

KEY = "decision_accepted"
BASE = "/events/tmpl/mail/templates"
EDIT = f"{BASE}/{KEY}"


@pytest.fixture
def committee(db):
    return make_committee(slug="tmpl", reviewers=1)


def client_for(app, user):
    return login(app.test_client(), user)


def overrides(event) -> list[tuple[str, str, str]]:
    query = (sa.select(MailTemplate.key, MailTemplate.subject, MailTemplate.body)
             .where(MailTemplate.event_id == event.id))
    return [tuple(row) for row in _db.session.execute(query.order_by(MailTemplate.key))]


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_anonymous_visitors_are_sent_to_log_in(app, committee):
    for response in (app.test_client().get(BASE), app.test_client().get(EDIT),
                     app.test_client().post(EDIT, data={"subject": "S", "body": "B"})):
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert overrides(committee.event) == []


@pytest.mark.parametrize("who", ["reviewer", "chair", "stranger"])
def test_people_who_do_not_organise_the_event_are_refused(app, committee, who):
    person = {"reviewer": committee.reviewers[0], "chair": committee.chair, "stranger": factories.make_user()}[who]
    client = client_for(app, person)
    assert client.get(BASE).status_code == 403
    assert client.get(EDIT).status_code == 403
    assert client.post(EDIT, data={"subject": "Mine", "body": "Mine", "save": "1"}).status_code == 403
    admin.save_template(committee.event, KEY, subject="Theirs", body="Theirs", actor=committee.organiser)
    assert client.post(f"{EDIT}/reset").status_code == 403
    assert overrides(committee.event) == [(KEY, "Theirs", "Theirs")]


def test_list_groups_the_templates_and_says_which_the_event_changed(app, committee):
    admin.save_template(committee.event, KEY, subject="Ours", body="Ours", actor=committee.organiser)
    response = client_for(app, committee.organiser).get(BASE)
    assert response.status_code == 200
    page = text_of(response)
    for spec in registry.per_event():
        assert str(spec.label) in page and str(spec.when) in page and f'href="{BASE}/{spec.key}"' in page
        assert re.search(rf'<h2 id="group-\d+">{re.escape(str(spec.group))}</h2>', page)
    assert "Account: choose a new password" not in page  # an account mail: not per event
    row = re.search(rf'<tr>\s*<th scope="row"><a href="{re.escape(EDIT)}">.*?</tr>', page, re.S).group(0)
    assert "Your version" in row and "Default" not in row
    assert page.count("Your version") == 1
    assert page.count('<span class="badge text-bg-light border">Default</span>') == len(registry.per_event()) - 1


def test_unknown_and_account_templates_are_not_found(app, committee):
    client = client_for(app, committee.organiser)
    for key in ("no_such_mail", "reset_password", "verify_email"):
        assert client.get(f"{BASE}/{key}").status_code == 404
        assert client.post(f"{BASE}/{key}", data={"subject": "S", "body": "B"}).status_code == 404
        assert client.post(f"{BASE}/{key}/reset").status_code == 404


def test_edit_page_shows_the_default_text_and_the_placeholders_offered(app, committee):
    page = text_of(client_for(app, committee.organiser).get(EDIT))
    spec = registry.get(KEY)
    assert f'value="{spec.subject}"' in page
    assert str(spec.body) in page
    for placeholder in spec.placeholders.values():
        assert f"<code>{{{placeholder.name}}}</code>" in page and str(placeholder.description) in page
    assert "{registration_link}" not in page  # not offered by this template
    assert 'name="preview"' in page and 'name="save"' in page
    assert "Delete my version" not in page  # nothing to reset yet


def test_save_stores_the_version_and_goes_back_to_the_list(app, committee):
    client = client_for(app, committee.organiser)
    response = client.post(EDIT, data={"subject": "Yes, {recipient_name}!", "body": "Dear {recipient_name},\r\nyes.",
                                       "save": "1"})
    assert response.status_code == 302 and response.headers["Location"] == BASE
    assert overrides(committee.event) == [(KEY, "Yes, {recipient_name}!", "Dear {recipient_name},\nyes.")]
    page = text_of(client.get(BASE))
    assert "Your version of “Decision: accepted” is saved" in page
    edit = text_of(client.get(EDIT))
    assert 'value="Yes, {recipient_name}!"' in edit and "Delete my version and use the default" in edit


def test_save_error_is_shown_on_the_field_and_keeps_what_was_typed(app, committee):
    typed_body = "Hello {recipient_name},\n\nsee {sumbission_title} <b>now</b>"
    response = client_for(app, committee.organiser).post(
        EDIT, data={"subject": "Typed subject {event_title}", "body": typed_body, "save": "1"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    message = "Unknown placeholder {sumbission_title}: use one of the placeholders listed."
    assert re.search(rf'<p class="invalid-feedback d-block" id="error-body">.*?{re.escape(message)}</p>', page)
    assert 'id="error-summary"' in page and f'<a href="#field-body">Message: {message}</a>' in page
    assert 'aria-invalid="true"' in page
    assert 'value="Typed subject {event_title}"' in page
    assert html.escape(typed_body, quote=False) in page  # in the textarea, escaped
    assert overrides(committee.event) == []


def test_empty_subject_is_refused_on_its_field(app, committee):
    page = client_for(app, committee.organiser).post(EDIT, data={"subject": "", "body": "Kept body", "save": "1"})
    text = page.get_data(as_text=True)
    assert re.search(r'id="error-subject">.*?Write a subject\.</p>', text) and "Kept body" in text
    assert overrides(committee.event) == []


def test_preview_renders_with_a_real_record_and_keeps_the_typed_text(app, committee):
    author = factories.make_user(name="Ada Author")
    make_submission(committee, title="Data <b>bold</b> & more", author=author)
    typed_subject, typed_body = "About {submission_title}", "Dear {recipient_name},\n\n**Read** {submission_title}."
    response = client_for(app, committee.organiser).post(
        EDIT, data={"subject": typed_subject, "body": typed_body, "preview": "1"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'value="{typed_subject}"' in page and html.escape(typed_body, quote=False) in page
    assert "Preview (not saved)" in page
    assert f"Ada Author &lt;{author.email}&gt;" in page
    assert '<dd class="col-sm-9" id="preview-subject">About Data &lt;b&gt;bold&lt;/b&gt; &amp; more</dd>' in page
    text_part = re.search(r'<div class="card card-body mail-text" id="preview-text">(.*?)</div>', page, re.S).group(1)
    html_part = re.search(r'<div class="card card-body mail-html" id="preview-html">(.*?)</div>', page, re.S).group(1)
    title = "Data &lt;b&gt;bold&lt;/b&gt; &amp; more"
    assert text_part.split() == f"<p>Dear Ada Author,</p> <p>**Read** {title}.</p>".split()
    assert html_part.split() == f"<p>Dear Ada Author,</p> <p><strong>Read</strong> {title}.</p>".split()
    assert "<b>bold</b>" not in page
    assert overrides(committee.event) == []


def test_preview_without_a_record_says_so(app, committee):
    response = client_for(app, committee.organiser).post(
        EDIT, data={"subject": "Typed {event_title}", "body": "Typed body", "preview": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is no record to preview with yet" in page and 'value="Typed {event_title}"' in page
    assert 'id="preview-subject"' not in page


def test_preview_refuses_an_unknown_placeholder_on_its_field(app, committee):
    make_submission(committee)
    page = client_for(app, committee.organiser).post(
        EDIT, data={"subject": "{nope}", "body": "Body", "preview": "1"}).get_data(as_text=True)
    assert re.search(r'id="error-subject">.*?Unknown placeholder \{nope\}', page)
    assert 'id="preview-subject"' not in page


def test_reset_goes_back_to_the_default(app, committee):
    admin.save_template(committee.event, KEY, subject="Ours", body="Ours", actor=committee.organiser)
    client = client_for(app, committee.organiser)
    response = client.post(f"{EDIT}/reset", data={"confirmed": "1"})
    assert response.status_code == 302 and response.headers["Location"] == EDIT
    assert overrides(committee.event) == []
    page = text_of(client.get(EDIT))
    assert "“Decision: accepted” is back to the default text." in page
    assert f'value="{registry.get(KEY).subject}"' in page


def test_forms_need_their_csrf_token(app, committee, monkeypatch):
    client = client_for(app, committee.organiser)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    refused = client.post(EDIT, data={"subject": "No token", "body": "No token", "save": "1"})
    assert refused.status_code == 400
    assert overrides(committee.event) == []
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(EDIT).get_data(as_text=True))
    accepted = client.post(EDIT, data={"subject": "With token", "body": "With token", "save": "1",
                                       "csrf_token": token.group(1)})
    assert accepted.status_code == 302
    assert overrides(committee.event) == [(KEY, "With token", "With token")]
    assert client.post(f"{EDIT}/reset").status_code == 400
    assert overrides(committee.event) == [(KEY, "With token", "With token")]


def _more_templates(monkeypatch, count: int) -> list[str]:
    keys = []
    for n in range(count):
        spec = TemplateSpec(key=f"extra_{n}", group=f"Extra group {n % 3}", label=f"Extra {n}", when="Never",
                            subject="Subject {recipient_name}", body="Body {event_title}")
        monkeypatch.setitem(registry.TEMPLATES, spec.key, spec)
        keys.append(spec.key)
    return keys


def test_list_and_edit_pages_run_a_fixed_number_of_queries(app, db, committee, monkeypatch):
    client = client_for(app, committee.organiser)
    make_submission(committee)
    small = (queries_for(db, client, BASE), queries_for(db, client, EDIT))

    for key in _more_templates(monkeypatch, 15) + [KEY]:
        admin.save_template(committee.event, key, subject="Ours {recipient_name}", body="Ours",
                            actor=committee.organiser)
    db.session.flush()
    page = text_of(client.get(BASE))
    assert page.count("Your version") == 16 and "Extra group 2" in page

    assert (queries_for(db, client, BASE), queries_for(db, client, EDIT)) == small
