"""Web addresses people type: every form that takes one (a room's join link, a URL answer to a
call's or a registration form's question) accepts only absolute http and https addresses, with
the message next to the field and the text kept; the domain refuses the others whoever calls
it; and an address stored before (javascript: and the like) is never rendered as a link."""

from __future__ import annotations

from dataclasses import dataclass
from html import unescape

import pytest
import sqlalchemy as sa

from conference.agenda.models import Room
from conference.cfp import setup as cfp_setup
from conference.cfp.models import Answer
from conference.core.enums import QuestionKind
from conference.registration.enums import RegistrationState
from conference.registration.models import Registration

from .. import factories
from ..agenda.builders import make_programme, small_programme, store_release
from ..cfp.builders import make_open_call
from ..conftest import login
from ..registration.builders import add_category, add_question, open_form, register_now

MESSAGE = "Enter a full web address, starting with https://"

BAD = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "javascript://example.org/%0Aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://files.example.org/data",
    "//evil.example/path",
    "/relative/path",
    "meet.example.org/room",
    "https://",
    "https:///path-without-host",
    "https:meet.example.org",
    "https://meet.example.org/a room",
    "https://meet.example.org/\x00",
    "https://evil.example\\@meet.example.org/",
    "https://meet.example.org:99999/",
    "https://meet.example.org/\u202egnp.exe",
]
GOOD = ["https://meet.example.org/room?id=42&pwd=x#start", "http://intranet.example:8080/", "HTTPS://Example.ORG",
        "https://[2001:db8::1]/room", "https://bücher.example/räume"]


@dataclass
class Case:
    client: object
    path: str
    data: dict
    field: str
    stored: object  # () -> list of what is stored


def room_form(app, db) -> Case:
    p = make_programme()
    return Case(login(app.test_client(), p.organiser), f"/events/{p.event.slug}/manage/agenda/rooms/new",
                {"name": "Online stage", "is_virtual": "y"}, "join_link",
                lambda: list(db.session.scalars(sa.select(Room.join_link).where(Room.name == "Online stage"))))


def submission_form(app, db) -> Case:
    call = make_open_call()
    question = cfp_setup.save_question(call.event, actor=call.organiser, label="Dataset", kind=QuestionKind.URL)
    data = {"title": "Flood warnings that work", "abstract": "Warnings that reach people.", "type_id": str(call.talk.id),
            "track_id": str(call.track.id), "keywords": "floods", "form_nonce": "nonce-1", "action": "save"}
    return Case(login(app.test_client(), factories.make_user()), "/events/ews/submissions/new", data,
                f"q_{question.id}", lambda: list(db.session.scalars(sa.select(Answer.value))))


def registration_form(app, db) -> Case:
    form = open_form(slug="symp")
    category = add_category(form)
    question = add_question(form, "Your organisation's page", QuestionKind.URL)
    data = {"name": "Rita Registrant", "email": "rita@example.org", "affiliation": "Met Office",
            "category_id": str(category.id), "privacy_consent": "y"}
    return Case(app.test_client(), "/events/symp/register", data, f"q_{question.id}",
                lambda: [r.answers for r in db.session.scalars(sa.select(Registration))])


FORMS = {"room join link": room_form, "call for papers URL answer": submission_form,
         "registration URL answer": registration_form}


def error_of(html: str, field: str) -> str:
    start = html.index(f'<p class="invalid-feedback d-block" id="error-{field}">')
    return html[start:html.index("</p>", start)]


@pytest.mark.parametrize("value", BAD)
@pytest.mark.parametrize("form", FORMS)
def test_every_form_refuses_an_address_that_is_not_http_or_https(app, db, form, value):
    case = FORMS[form](app, db)

    response = case.client.post(case.path, data=case.data | {case.field: value})

    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True))
    assert MESSAGE in error_of(html, case.field)
    assert f'aria-describedby="error-{case.field}"' in html or f'hint-{case.field} error-{case.field}"' in html
    if value.isprintable():
        assert f'value="{value}"' in html  # kept as typed
    db.session.expire_all()
    assert case.stored() == []


@pytest.mark.parametrize("form", FORMS)
def test_every_form_accepts_a_web_address(app, db, form):
    case = FORMS[form](app, db)

    response = case.client.post(case.path, data=case.data | {case.field: "  https://meet.example.org/r?a=1&b=2 "})

    assert response.status_code == 302
    db.session.expire_all()
    stored = case.stored()
    assert len(stored) == 1 and "https://meet.example.org/r?a=1&b=2" in str(stored[0])


@pytest.mark.parametrize("value", BAD[:6])
def test_the_domain_refuses_them_whoever_calls_it(db, value):
    """The CLI, an import or the demo go through the same operations as the forms."""
    from conference.agenda import programme
    from conference.errors import DomainError, ValidationFailed

    p = make_programme()
    with pytest.raises(DomainError) as room_error:
        programme.save_room(p.event, actor=p.organiser, name="Online stage", is_virtual=True, join_link=value)
    assert (room_error.value.field, room_error.value.message) == ("join_link", MESSAGE)

    form = open_form(slug="symp")
    category = add_category(form)
    question = add_question(form, "Page", QuestionKind.URL)
    with pytest.raises(ValidationFailed) as answer_error:
        register_now(form, category, answers={question.id: value})
    assert answer_error.value.errors == {f"q_{question.id}": MESSAGE}


@pytest.mark.parametrize("value", GOOD)
def test_web_addresses_pass_as_typed(db, value):
    from conference.core.links import check_web_address, is_web_address

    assert is_web_address(value) and check_web_address(f" {value}\n", field="x") == value


@pytest.mark.parametrize("value", BAD)
def test_bad_addresses_are_not_web_addresses(db, value):
    from conference.core.links import is_web_address, web_link

    assert not is_web_address(value) and web_link(value) is None


@pytest.mark.parametrize("stored", ["javascript:alert(document.cookie)", "meet.example.org/room",
                                    "data:text/html,<b>x</b>"])
def test_a_join_link_stored_before_is_shown_as_text_not_as_a_link(app, db, stored):
    form = open_form(slug="joinable")
    programme = small_programme(form.event)
    programme["online"].join_link = stored  # as an older version, an import or the database let it be
    store_release(form.event)
    participant = factories.make_user(email="part@example.org")
    registration = register_now(form, add_category(form), email="part@example.org", user=participant)
    assert registration.state == RegistrationState.CONFIRMED

    page = login(app.test_client(), participant).get(
        f"/events/joinable/agenda/sessions/{programme['evening'].id}").get_data(as_text=True)

    assert "Join online: Online room" in page
    assert 'class="btn btn-primary" href=' not in page and f'href="{stored}' not in page
    assert f"<code>{stored.replace('<', '&lt;').replace('>', '&gt;')}</code>" in page


def test_a_good_join_link_is_still_a_link(app, db):
    form = open_form(slug="joinable")
    programme = small_programme(form.event)
    store_release(form.event)
    participant = factories.make_user(email="part@example.org")
    register_now(form, add_category(form), email="part@example.org", user=participant)

    page = login(app.test_client(), participant).get(
        f"/events/joinable/agenda/sessions/{programme['evening'].id}").get_data(as_text=True)

    assert ('<a class="btn btn-primary" href="https://meet.example.org/secret-room" rel="noopener">Join online: Online room</a>'
            in page)

