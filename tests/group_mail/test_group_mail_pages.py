"""Mail to groups and the unsubscribe pages through HTTP: who may use them, the CSRF token,
a preview that keeps what was typed, sending and holding; unsubscribing from a link, by the
page's form or by a mail client's one-click POST, and changing one's mind."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from conference.core.models import AuditEntry
from conference.events.enums import TeamRole
from conference.extensions import db as _db
from conference.group_mail import template_admin as mail_template_admin
from conference.group_mail.models import GroupMail
from conference.mail import opt_outs
from conference.mail.enums import MailState
from conference.mail.models import MailOptOut, OutboxMessage

from .. import factories
from ..conftest import login
from ..query_counting import counting
from ..review.builders import add_member, make_committee, make_submission

BASE = "/events/grouped/mail"


@pytest.fixture
def committee(db):
    """Three authors of submitted talks (Ada, Ben, Carl) in an event with a committee."""
    c = make_committee(slug="grouped", reviewers=1)
    for name in ("Ada", "Ben", "Carl"):
        author = factories.make_user(name=f"{name} Author", email=f"{name.lower()}@example.org")
        make_submission(c, title=f"{name}'s talk", author=author)
    return c


def client_for(app, user):
    return login(app.test_client(), user)


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def group_messages() -> list[OutboxMessage]:
    return list(_db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.group_mail_id.is_not(None))
                                    .order_by(OutboxMessage.to_address)))


def opted_out(event) -> list[str]:
    return sorted(_db.session.scalars(sa.select(MailOptOut.email).filter_by(event_id=event.id)))


FORM = {"audience": "authors", "author_states": ["submitted"], "subject": "About {submission_code}",
        "body": "Hello {recipient_name},\n\nThe programme is out.", "announcement": "y"}
CONFIRMATION = re.compile(r'<input type="hidden" name="confirmation" value="([^"]+)" form="group-mail-form">')


def confirmed(client, data: dict) -> dict:
    """The form as its confirmation button sends it: previewed first, with the preview's confirmation."""
    page = client.post(f"{BASE}/group?audience=authors", data={**data, "preview": "1"}).get_data(as_text=True)
    return {**data, "send": "1", "confirmation": CONFIRMATION.search(page).group(1)}


# Permissions ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("who, status", [("organiser", 200), ("chair", 403), ("reviewer", 403), ("author", 403),
                                         ("admin", 200)])
def test_only_organisers_reach_the_group_pages(app, committee, who, status):
    user = {"organiser": committee.organiser, "chair": committee.chair, "reviewer": committee.reviewers[0],
            "author": factories.make_user(), "admin": factories.make_user(is_admin=True)}[who]
    client = client_for(app, user)
    for path in (f"{BASE}/group", f"{BASE}/group?audience=authors", f"{BASE}/groups"):
        assert client.get(path).status_code == status, path
    data = confirmed(client, FORM) if status == 200 else {**FORM, "send": "1", "confirmation": "3:0"}
    response = client.post(f"{BASE}/group?audience=authors", data=data)
    assert response.status_code == (302 if status == 200 else 403)
    assert len(group_messages()) == (3 if status == 200 else 0)


def test_visitors_are_sent_to_log_in(app, committee):
    response = app.test_client().get(f"{BASE}/group")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_draft_event_is_hidden_from_strangers(app, db):
    factories.make_event(slug="secret-draft")
    client = client_for(app, factories.make_user())
    assert client.get("/events/secret-draft/mail/group").status_code == 404


# Composing -----------------------------------------------------------------------------------------

def test_the_page_offers_the_audiences_then_the_chosen_one_empty_with_its_placeholders(app, committee):
    client = client_for(app, committee.organiser)
    first = text_of(client.get(f"{BASE}/group"))
    assert "Who receives the mail?" in first and "Reviewers with missing reviews" in first
    assert 'name="subject"' not in first
    page = client.get(f"{BASE}/group?audience=reviewers")
    text = text_of(page)
    # Nothing written for the organiser: no stub to send by mistake, and no way to send before a preview.
    assert re.search(r'<input [^>]*id="field-subject" [^>]*name="subject"[^>]* type="text" value="">', text)
    assert re.search(r'<textarea [^>]*name="body"[^>]*>\s*</textarea>', text)
    assert "reviews still missing" not in text and "Start from the text" not in text
    assert 'name="send"' not in text and ">Preview</button>" in text
    assert "{reviews_to_do}" in text and "{review_deadline}" in text
    assert "{submission_title}" not in text  # an authors' placeholder
    assert re.search(r'<input[^>]* checked [^>]*id="field-announcement"', text)  # announcement by default
    assert "Recipients may unsubscribe" in text


def test_preview_shows_the_count_and_one_mail_and_keeps_the_text(app, committee):
    opt_outs.opt_out(committee.event, "ben@example.org", "announcements")
    _db.session.flush()
    client = client_for(app, committee.organiser)
    typed = {**FORM, "body": "Hello {recipient_name},\n\nSee **{submission_title}** <b>now</b>.", "preview": "1"}
    response = client.post(f"{BASE}/group?audience=authors", data=typed)
    assert response.status_code == 200
    page = text_of(response)
    assert "This mail reaches 2 people." in page
    assert "1 more chosen opted out of announcements and is skipped." in page
    assert "Ada Author <ada@example.org>" in page  # the first person reached
    assert "See **{submission_title}** <b>now</b>." in page  # the textarea keeps what was typed
    assert re.search(r"<strong>Ada&#(39|x27);s talk</strong>", response.get_data(as_text=True))  # the HTML part
    assert "&lt;b&gt;now&lt;/b&gt;" in response.get_data(as_text=True)
    assert 'value="About {submission_code}"' in page
    assert group_messages() == []


def test_an_unknown_placeholder_is_shown_next_to_the_field(app, committee):
    client = client_for(app, committee.organiser)
    response = client.post(f"{BASE}/group?audience=authors",
                           data={**FORM, "body": "Dear {recipient_name}, your {talk}", "send": "1"})
    assert response.status_code == 200
    page = text_of(response)
    assert 'id="error-body"' in page and "There is no placeholder {talk} for this group" in page
    assert "Dear {recipient_name}, your {talk}" in page
    assert group_messages() == [] and _db.session.scalar(sa.select(sa.func.count()).select_from(GroupMail)) == 0


def test_send_queues_one_mail_per_person_and_lists_it(app, committee):
    client = client_for(app, committee.organiser)
    response = client.post(f"{BASE}/group?audience=authors", data=confirmed(client, FORM))
    assert response.status_code == 302 and response.headers["Location"] == f"{BASE}/groups"
    sent = group_messages()
    assert [m.to_address for m in sent] == ["ada@example.org", "ben@example.org", "carl@example.org"]
    assert all(m.state == MailState.QUEUED and "List-Unsubscribe" in m.headers for m in sent)
    listing = text_of(client.get(response.headers["Location"]))
    assert "The mail is queued for 3 people" in listing
    assert "About {submission_code}" in listing and "Olga Organiser" in listing
    assert "states: submitted" in listing and "Queued: 3" in listing
    assert _db.session.scalars(sa.select(AuditEntry.action).filter_by(action="mail.group_sent")).all() == [
        "mail.group_sent"]


def test_hold_leaves_the_mail_in_the_outbox_and_no_announcement_has_no_unsubscribe_headers(app, committee):
    client = client_for(app, committee.organiser)
    data = {key: value for key, value in FORM.items() if key != "announcement"}
    preview = text_of(client.post(f"{BASE}/group?audience=authors", data={**data, "hold": "y", "preview": "1"}))
    assert "Hold 3 messages in the outbox" in preview and "Send to" not in preview
    response = client.post(f"{BASE}/group?audience=authors", data=confirmed(client, {**data, "hold": "y"}))
    assert response.status_code == 302 and response.headers["Location"] == f"{BASE}/outbox"
    sent = group_messages()
    assert len(sent) == 3 and all(m.state == MailState.HELD for m in sent)
    assert all(m.headers == {"List-Id": f"{committee.event.title} <grouped.events.conference.test>",
                             "Precedence": "bulk"} for m in sent)
    group = _db.session.scalars(sa.select(GroupMail)).one()
    assert group.held and not group.announcement


def test_the_form_requires_a_subject_and_a_body_next_to_the_fields(app, committee):
    client = client_for(app, committee.organiser)
    for action in ("preview", "send"):
        response = client.post(f"{BASE}/group?audience=authors",
                               data={**FORM, "subject": " ", "body": "", action: "1"})
        assert response.status_code == 200
        page = text_of(response)
        assert re.search(r'<p class="invalid-feedback d-block" id="error-subject">.*Write the subject of the mail\.</p>', page)
        assert re.search(r'<p class="invalid-feedback d-block" id="error-body">.*Write the message\.</p>', page)
        assert 'id="preview-title"' not in page
    assert group_messages() == []


def test_preview_offers_to_send_to_the_exact_number_and_keeps_the_form(app, committee):
    client = client_for(app, committee.organiser)
    response = client.post(f"{BASE}/group?audience=authors", data={**FORM, "preview": "1"})
    page = response.get_data(as_text=True)
    assert re.search(r'<button type="submit" class="btn btn-primary" name="send" value="1" form="group-mail-form"[^>]*>'
                     r'Send to 3 people</button>', page)
    assert CONFIRMATION.search(page).group(1).startswith("3:")
    assert '<form method="post" id="group-mail-form"' in page
    assert group_messages() == []


def test_a_send_without_confirmation_is_refused_and_shows_the_preview_to_confirm(app, committee):
    client = client_for(app, committee.organiser)
    response = client.post(f"{BASE}/group?audience=authors", data={**FORM, "send": "1"})
    assert response.status_code == 200
    page = text_of(response)
    assert "Preview the mail first: it is sent once you confirm the number of people it reaches." in page
    assert "Send to 3 people" in page and 'value="About {submission_code}"' in page
    assert group_messages() == [] and _db.session.scalar(sa.select(sa.func.count()).select_from(GroupMail)) == 0


def test_a_send_after_the_group_changed_is_refused_with_the_new_number_to_confirm(app, committee):
    client = client_for(app, committee.organiser)
    data = confirmed(client, FORM)
    opt_outs.opt_out(committee.event, "ben@example.org", "announcements")
    _db.session.flush()
    response = client.post(f"{BASE}/group?audience=authors", data=data)
    assert response.status_code == 200
    page = text_of(response)
    assert "the number of people this mail reaches changed to 2" in page
    assert "Send to 2 people" in page and "Send to 3 people" not in page
    assert group_messages() == []
    changed = client.post(f"{BASE}/group?audience=authors", data={**data, "subject": "Other"})
    assert "The mail or its choices changed since the preview" in text_of(changed) and group_messages() == []
    again = client.post(f"{BASE}/group?audience=authors", data={**data, "confirmation": CONFIRMATION.search(
        response.get_data(as_text=True)).group(1)})
    assert again.status_code == 302
    assert [m.to_address for m in group_messages()] == ["ada@example.org", "carl@example.org"]


def test_the_text_the_event_saved_for_the_group_is_offered_as_a_start(app, committee):
    mail_template_admin.save_template(committee.event, "group_authors", subject="Our news",
                                      body="Dear {recipient_name}", actor=committee.organiser)
    _db.session.flush()
    client = client_for(app, committee.organiser)
    page = text_of(client.get(f"{BASE}/group?audience=authors"))
    assert f'href="{BASE}/group?audience=authors&start=saved"' in page and 'value="Our news"' not in page
    started = text_of(client.get(f"{BASE}/group?audience=authors&start=saved"))
    assert 'value="Our news"' in started and "Dear {recipient_name}</textarea>" in started


def test_filters_nobody_matches_are_refused_on_the_form(app, committee):
    client = client_for(app, committee.organiser)
    response = client.post(f"{BASE}/group?audience=authors",
                           data={**FORM, "author_states": ["confirmed"], "send": "1"})
    assert response.status_code == 200
    assert "Nobody matches these filters" in text_of(response)
    assert group_messages() == []


def test_forms_need_their_csrf_token(app, committee, monkeypatch):
    client = client_for(app, committee.organiser)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    refused = client.post(f"{BASE}/group?audience=authors", data={**FORM, "send": "1"})
    assert refused.status_code == 400 and group_messages() == []
    page = client.get(f"{BASE}/group?audience=authors").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    accepted = client.post(f"{BASE}/group?audience=authors", data=confirmed(client, {**FORM, "csrf_token": token}))
    assert accepted.status_code == 302 and len(group_messages()) == 3


def test_preview_runs_a_fixed_number_of_queries(app, db, committee):
    client = client_for(app, committee.organiser)

    def statements() -> int:
        data = {**FORM, "body": "{recipient_name} {submissions} {submission_track}", "preview": "1"}
        assert client.post(f"{BASE}/group?audience=authors", data=data).status_code == 200
        db.session.expire_all()
        with counting(db) as seen:
            assert client.post(f"{BASE}/group?audience=authors", data=data).status_code == 200
        return len(seen)

    small = statements()
    for n in range(10):
        make_submission(committee, title=f"More {n}", author=factories.make_user())
    db.session.flush()
    assert statements() == small


# Unsubscribing -------------------------------------------------------------------------------------

def unsubscribe_path(event, email="ada@example.org", kind="announcements") -> str:
    return urlsplit(opt_outs.unsubscribe_url(event, email, kind)).path


def test_the_unsubscribe_page_asks_first(app, committee):
    path = unsubscribe_path(committee.event)
    assert path.startswith(f"{BASE}/unsubscribe/")
    response = app.test_client().get(path)
    assert response.status_code == 200
    page = text_of(response)
    assert committee.event.title in page and "ada@example.org" in page
    assert "Announcements from the organisers" in page
    assert "Unsubscribe from announcements from the organisers" in page
    assert app.test_client().head(path).status_code == 200
    assert opted_out(committee.event) == []  # opening the link (a scanner may) changes nothing


def test_confirming_opts_out_and_changing_ones_mind_opts_back_in(app, committee):
    client = app.test_client()
    path = unsubscribe_path(committee.event, kind="agenda_updates")
    done = client.post(path)
    assert done.status_code == 200
    page = text_of(done)
    assert "You are unsubscribed" in page and "Changed your mind?" in page
    assert f'action="{path}/undo"' in page
    assert opted_out(committee.event) == ["ada@example.org"]
    assert "already unsubscribed" in text_of(client.get(path))
    back = client.post(f"{path}/undo")
    assert back.status_code == 200 and "You are subscribed again" in text_of(back)
    assert opted_out(committee.event) == []


def test_one_click_unsubscribe_needs_no_csrf_token(app, committee, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = app.test_client()
    path = unsubscribe_path(committee.event, "Ben@Example.org")
    refused = client.post(path, data={"something": "else"})
    assert refused.status_code == 400 and "Form expired" in refused.get_data(as_text=True)
    assert opted_out(committee.event) == []
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert opted_out(committee.event) == ["ben@example.org"]
    # The form on the page carries its token.
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(f"{path}/undo").status_code == 400
    assert client.post(f"{path}/undo", data={"csrf_token": token}).status_code == 200
    assert opted_out(committee.event) == []


def test_the_header_of_a_sent_announcement_unsubscribes_and_the_next_mail_skips_them(app, committee):
    client = client_for(app, committee.organiser)
    client.post(f"{BASE}/group?audience=authors", data=confirmed(client, FORM))
    ada = group_messages()[0]
    url = ada.headers["List-Unsubscribe"].strip("<>")
    assert ada.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in ada.body_text
    assert app.test_client().post(urlsplit(url).path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    client.post(f"{BASE}/group?audience=authors", data=confirmed(client, {**FORM, "subject": "Again"}))
    again = [m.to_address for m in group_messages() if m.subject == "Again"]
    assert again == ["ben@example.org", "carl@example.org"]


@pytest.mark.parametrize("how", ["garbled", "other event", "no such event"])
def test_a_bad_link_shows_the_invalid_link_page(app, committee, how):
    other = factories.make_event(slug="other-event")
    path = {
        "garbled": unsubscribe_path(committee.event)[:-4] + "abcd",
        "other event": unsubscribe_path(other),  # a real token, for another event than the URL's
        "no such event": unsubscribe_path(committee.event).replace("/grouped/", "/nowhere/"),
    }[how]
    if how == "other event":
        path = path.replace("/other-event/", "/grouped/")
    client = app.test_client()
    for response in (client.get(path), client.post(path), client.post(path, data={"List-Unsubscribe": "One-Click"}),
                     client.post(f"{path}/undo")):
        assert response.status_code == 400
        assert "This link does not work" in text_of(response)
    assert opted_out(committee.event) == [] and opted_out(other) == []


def test_the_team_can_be_narrowed_to_the_check_in_desk(app, committee):
    desk = add_member(committee.event, role=TeamRole.DESK, name="Dee Desk", email="dee@example.org")
    client = client_for(app, committee.organiser)
    chooser = text_of(client.get(f"{BASE}/group"))
    assert "Organisers, track chairs, reviewers and check-in desk staff." in chooser
    page = client.get(f"{BASE}/group?audience=team").get_data(as_text=True)
    assert re.search(r'<input [^>]*name="team_roles" [^>]*value="desk"', page)
    data = {"audience": "team", "team_roles": ["desk"], "subject": "Badges", "body": "Hello {recipient_name}",
            "preview": "1"}
    preview = text_of(client.post(f"{BASE}/group?audience=team", data=data))
    assert "This mail reaches 1 person." in preview
    assert f"Dee Desk <{desk.email}>" in preview
