"""Taking sessions, items and speakers out of the programme, through the editor's buttons:
organisers only; a deleted session's items wait unscheduled; a speaker who still speaks or
chairs is kept, with the reason; the next release lists what was removed as cancelled."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conference.agenda.models import AgendaItem, AgendaSession, Speaker
from conference.core.models import AuditEntry
from conference.events.enums import TeamRole
from conference.extensions import db

from .. import factories
from ..conftest import login
from .builders import make_programme, release
from .test_editor_pages import base, page


@pytest.fixture
def p(db):
    return make_programme()


@pytest.mark.parametrize("what", ["sessions/{p.standards.id}", "items/{p.talk_one.id}", "speakers/{p.ada.id}"])
def test_only_organisers_delete(app, p, what):
    reviewer = factories.make_user()
    factories.add_role(p.event, reviewer, TeamRole.REVIEWER)
    url = f"{base(p)}/{what.format(p=p)}/delete"
    slug = p.event.slug
    assert login(app.test_client(), reviewer).post(url).status_code == 403
    assert app.test_client().post(url).status_code == 302  # to the log-in page
    other = make_programme()
    assert login(app.test_client(), other.organiser).post(url.replace(slug, other.event.slug)).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action.like("agenda.%deleted"))) == 0


def test_deleting_a_session_keeps_its_items_unscheduled(app, p):
    client = login(app.test_client(), p.organiser)
    session_id, talk_ids = p.standards.id, [p.talk_one.id, p.talk_two.id]
    response = client.post(f"{base(p)}/sessions/{session_id}/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(AgendaSession, session_id) is None
    talks = db.session.scalars(sa.select(AgendaItem).where(AgendaItem.id.in_(talk_ids))).all()
    assert [(t.session_id, t.starts_at) for t in talks] == [(None, None), (None, None)]
    text = page(client, base(p))
    assert "The session Data standards is deleted; its items wait in the unscheduled list." in text


def test_a_speaker_who_still_speaks_is_kept_with_the_reason(app, p):
    client = login(app.test_client(), p.organiser)
    client.post(f"{base(p)}/speakers/{p.ada.id}/delete")
    assert "Ada Lovelace still speaks in 1 item(s) and chairs 1 session(s)" in page(client, base(p))
    db.session.expire_all()
    assert db.session.get(Speaker, p.ada.id) is not None
    lonely = Speaker(event_id=p.event.id, name="Nobody Yet")
    db.session.add(lonely)
    db.session.flush()
    lonely_id = lonely.id
    client.post(f"{base(p)}/speakers/{lonely_id}/delete")
    db.session.expire_all()
    assert db.session.get(Speaker, lonely_id) is None


def test_an_item_taken_out_is_cancelled_in_the_next_release(app, p):
    release(p, "First")
    client = login(app.test_client(), p.organiser)
    talk_id = p.talk_one.id
    client.post(f"{base(p)}/items/{talk_id}/delete")
    db.session.expire_all()
    second = release(p, "Second")
    [gone] = [i for i in second.snapshot["items"] if i["uid"] == f"item-{talk_id}"]
    assert gone["cancelled"] is True and gone["sequence"] == 1
    assert db.session.scalar(sa.select(AuditEntry.details).where(AuditEntry.action == "agenda.item_deleted"))[
        "title"] == "Talk one"


def test_the_edit_pages_offer_the_delete_buttons(app, p):
    client = login(app.test_client(), p.organiser)
    assert "Delete the session Data standards" in page(client, f"{base(p)}/sessions/{p.standards.id}")
    assert "Take Talk one out of the programme" in page(client, f"{base(p)}/items/{p.talk_one.id}")
    assert "Delete the speaker Ada Lovelace" in page(client, f"{base(p)}/speakers/{p.ada.id}")
