"""Destructive actions ask first: the button carries data-confirm (app.js asks in a dialog and sends
confirmed=1); a deletion that cannot be undone is refused by the server until it is confirmed, and
without script the server asks on a page of its own that sends the same form again, confirmed."""

from __future__ import annotations

import re

import sqlalchemy as sa

from conference.registration.models import RegistrationQuestion

from .. import factories
from ..conftest import login
from ..registration.builders import add_question, make_form


def _question(db, organiser):
    form = make_form(organiser=organiser, slug="confirm-event")
    question = add_question(form, "Diet")
    db.session.flush()
    return form, question


def _exists(db, question_id: int) -> bool:
    db.session.expire_all()
    return db.session.scalar(sa.select(RegistrationQuestion.id).where(RegistrationQuestion.id == question_id)) is not None


def test_the_delete_button_asks_in_a_dialog(client, db, organiser):
    _form, question = _question(db, organiser)
    login(client, organiser)
    page = client.get(f"/events/confirm-event/manage/registration/questions/{question.id}").get_data(as_text=True)
    assert re.search(r'<button type="submit" class="btn btn-danger" '
                     r'data-confirm="This cannot be undone. Do you want to go on\?">Delete the question</button>', page)
    # The dialog app.js fills in: closed, with a way out.
    assert '<dialog id="confirm-dialog"' in page and 'id="confirm-dialog-cancel">Cancel</button>' in page


def test_an_unconfirmed_deletion_asks_on_a_page_and_its_form_deletes(client, db, organiser):
    _form, question = _question(db, organiser)
    question_id = question.id
    login(client, organiser)
    edit = f"/events/confirm-event/manage/registration/questions/{question_id}"
    url = f"{edit}/delete"

    response = client.post(url, headers={"Referer": f"http://localhost{edit}"})

    assert response.status_code == 200 and _exists(db, question_id)
    page = response.get_data(as_text=True)
    assert "<title>Delete the question · " in page and "<h1>Delete the question</h1>" in page
    assert "This cannot be undone. Do you want to go on?" in page
    assert f'<a href="{edit}">Cancel</a>' in page
    form = page[page.index(f'<form method="post" action="{url}">'):]
    form = form[:form.index("</form>")]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))
    assert fields["confirmed"] == "1" and "csrf_token" in fields
    response = client.post(url, data=fields)
    assert response.status_code == 302 and not _exists(db, question_id)


def test_someone_not_allowed_is_refused_before_being_asked(client, db, organiser):
    _form, question = _question(db, organiser)
    login(client, factories.make_user())
    url = f"/events/confirm-event/manage/registration/questions/{question.id}/delete"
    assert client.post(url).status_code == 403
    assert client.post(url, data={"confirmed": "1"}).status_code == 403
    assert _exists(db, question.id)
