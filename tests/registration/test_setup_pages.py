"""The organisers' registration set-up through the HTTP path: who may see and change it, the
settings (raising a capacity offers places to the waiting list), forms with their dates in the
event's time zone, categories, questions, invitations one by one and from a CSV file."""

from __future__ import annotations

import datetime as dt
import html
import io
import re

import pytest
import sqlalchemy as sa

from conference.core.models import AuditEntry
from conference.events.enums import EventFormat, TeamRole
from conference.registration import registrations as ops
from conference.registration import setup
from conference.registration.enums import AttendanceMode, RegistrationState
from conference.registration.models import (
    ParticipantCategory,
    RegistrationForm,
    RegistrationInvitation,
    RegistrationQuestion,
)

from .. import factories
from ..conftest import login
from ..mail.builders import outbox
from ..query_counting import grow
from .builders import add_category, make_form, register

UTC = dt.UTC


def base(event) -> str:
    return f"/events/{event.slug}/manage/registration"


def page_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def error_of(page: str, field: str) -> str:
    start = page.index(f'id="error-{field}"')
    return html.unescape(re.sub(r"<[^>]+>", "", page[start:page.index("</p>", start)]))


def value_of(page: str, field: str) -> str:
    tag = re.search(rf'<(?:input|textarea)[^>]*\bname="{field}"[^>]*>', page).group(0)
    match = re.search(r'value="([^"]*)"', tag)
    return html.unescape(match.group(1)) if match else ""


def flashes(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<p class="alert[^"]*"[^>]*>(.*?)</p>', page)]


@pytest.fixture
def form(db, organiser):
    registration_form = make_form(organiser=organiser, format=EventFormat.HYBRID)
    db.session.flush()
    return registration_form


@pytest.fixture
def client_of(app, db):
    def make(user):
        return login(app.test_client(), user)
    return make


# Who may see and change the set-up ----------------------------------------------------------------------

@pytest.fixture
def objects(db, form, organiser):
    category = add_category(form, "Members")
    question = setup.save_question(form, actor=organiser, label="Diet", kind="short_text")
    invitation = setup.invite(form.event, actor=organiser, category=category, email="ann@example.org")
    db.session.flush()
    return {"form_id": form.id, "category_id": category.id, "question_id": question.id,
            "invitation_id": invitation.id}


PAGES = ["", "/forms/new", "/forms/{form_id}", "/forms/{form_id}/categories/new", "/categories/{category_id}",
         "/forms/{form_id}/questions/new", "/questions/{question_id}"]
ACTIONS = ["", "/forms/new", "/forms/{form_id}", "/forms/{form_id}/delete", "/forms/{form_id}/categories/new",
           "/categories/{category_id}", "/categories/{category_id}/delete", "/forms/{form_id}/questions/new",
           "/questions/{question_id}", "/questions/{question_id}/delete", "/invitations", "/invitations/csv",
           "/invitations/{invitation_id}/revoke"]


def _person(kind, event, form):
    user = factories.make_user()
    if kind in ("track_chair", "reviewer"):
        factories.add_role(event, user, TeamRole(kind))
    if kind == "participant":
        register(form, form.categories[0], email=user.email, user=user, mode=AttendanceMode.ONLINE)
    return user


@pytest.mark.parametrize("who", ["track_chair", "reviewer", "participant"])
def test_only_organisers_see_and_change_the_set_up(app, db, form, objects, client_of, who):
    client = client_of(_person(who, form.event, form))
    for path in PAGES:
        assert client.get(base(form.event) + path.format(**objects)).status_code == 403, path
    before = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
    for path in ACTIONS:
        assert client.post(base(form.event) + path.format(**objects), data={"title": "X"}).status_code == 403, path
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == before
    assert db.session.get(RegistrationInvitation, objects["invitation_id"]).is_open


def test_visitors_are_sent_to_log_in(app, db, form, objects):
    client = app.test_client()
    for path in PAGES:
        response = client.get(base(form.event) + path.format(**objects))
        assert response.status_code == 302 and response.location.startswith("/auth/login"), path
    for path in ACTIONS:
        response = client.post(base(form.event) + path.format(**objects))
        assert response.status_code == 302 and response.location.startswith("/auth/login"), path


def test_organisers_see_every_page(app, db, form, objects, client_of, organiser):
    client = client_of(organiser)
    for path in PAGES:
        page_of(client, base(form.event) + path.format(**objects))


def test_objects_of_another_event_are_not_found(app, db, form, objects, client_of):
    other_organiser = factories.make_user(may_create_events=True)
    other = make_form(organiser=other_organiser)
    client = client_of(other_organiser)
    for path in PAGES[2:]:
        assert client.get(base(other.event) + path.format(**objects)).status_code == 404, path
    assert client.post(base(other.event) + "/invitations/{invitation_id}/revoke".format(**objects)).status_code == 404


# The overview and the settings -------------------------------------------------------------------------------

def test_the_overview_shows_forms_categories_places_questions_and_invitations(app, db, form, organiser, client_of):
    members = add_category(form, "Members", in_person=2, online=None, approval=True)
    add_category(form, "Speakers", invitation_only=True)
    setup.save_question(form, actor=organiser, label="Dietary needs", kind="long_text",
                        category_ids=[members.id])
    for _ in range(3):
        register(form, members, mode=AttendanceMode.IN_PERSON)
    members.capacity_in_person = 1  # lowered before capacities kept the places that belong to someone
    invitation = setup.invite(form.event, actor=organiser, category=members, email="ann@example.org", name="Ann")
    setup.revoke_invitation(invitation, actor=organiser)
    db.session.flush()
    page = page_of(client_of(organiser), base(form.event))
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))
    assert "Members and observers" in text
    assert "Members 2 taken of 1 (over the limit: nobody was removed, newcomers wait) 0 taken (no limit) Needed No" in text
    assert "Speakers 0 taken (no limit) 0 taken (no limit) Not needed Yes" in text
    assert "Dietary needs Long text No Members" in text
    assert "Ann <ann@example.org> Members" in text and "Withdrawn on" in text
    assert 'aria-label="Registration"' in page and '>Set-up</a>' in page
    assert f'href="/events/{form.event.slug}/manage/registration" aria-current="page">Set-up' in page


def test_the_overview_runs_the_same_queries_whatever_the_set_up_size(app, db, form, organiser, client_of):
    client = client_of(organiser)

    def add_one(i):
        extra = setup.save_form(form.event, actor=organiser, title=f"Form {i}", opens_at=form.opens_at,
                                closes_at=form.closes_at)
        category = setup.save_category(extra, actor=organiser, name=f"Category {i}", capacity_in_person=5)
        setup.save_question(extra, actor=organiser, label=f"Question {i}", kind="yes_no", category_ids=[category.id])
        setup.invite(form.event, actor=organiser, category=category, email=f"person{i}@example.org")
        register(extra, category, mode=AttendanceMode.ONLINE)

    small, large = grow(db, client, base(form.event), add_one, start=2, end=12)
    assert small == large


def test_raising_a_capacity_offers_the_places_to_the_waiting_list(app, db, organiser, client_of):
    form = make_form(organiser=organiser, capacity_in_person=1, hold_hours=48)
    public = add_category(form, "Public")
    register(form, public)
    second = register(form, public)
    assert second.state == RegistrationState.WAITLISTED
    db.session.flush()
    client = client_of(organiser)
    response = client.post(base(form.event), data={"capacity_in_person": "2", "offer_hold_hours": "24",
                                                   "participant_list": "public"})
    assert response.status_code == 302 and response.location == base(form.event)
    db.session.expire_all()
    assert second.state == RegistrationState.OFFERED
    [offer] = outbox("registration_offer")
    assert offer.to_address == second.email
    link = re.search(r"http://conference\.test/registrations/(\S+)", offer.body_text)
    assert ops.registration_from_token(link.group(1)).id == second.id  # (signed with the time: not recomputable)
    settings = form.event.registration_settings
    assert (settings.capacity_in_person, settings.offer_hold_hours, settings.participant_list.value) == (2, 24, "public")
    assert flashes(page_of(client, base(form.event))) == ["The registration settings are saved."]


def test_settings_errors_keep_what_was_typed(app, db, form, organiser, client_of):
    client = client_of(organiser)
    page = client.post(base(form.event), data={"capacity_in_person": "-3", "capacity_online": "many",
                                               "offer_hold_hours": "1000", "participant_list": "hidden"}
                       ).get_data(as_text=True)
    assert "Enter 0 or more places." in error_of(page, "capacity_in_person")
    assert "Enter a whole number of places" in error_of(page, "capacity_online")
    assert "Hold an offered place for 1 to 720 hours (30 days)." in error_of(page, "offer_hold_hours")
    assert (value_of(page, "capacity_in_person"), value_of(page, "capacity_online"),
            value_of(page, "offer_hold_hours")) == ("-3", "many", "1000")
    db.session.expire_all()
    assert form.event.registration_settings.offer_hold_hours == 48


def test_an_in_person_event_has_no_online_capacity_fields(app, db, organiser, client_of):
    form = make_form(organiser=organiser, format=EventFormat.IN_PERSON)
    db.session.flush()
    page = page_of(client_of(organiser), base(form.event))
    assert 'name="capacity_in_person"' in page and 'name="capacity_online"' not in page
    page = page_of(client_of(organiser), f"{base(form.event)}/forms/{form.id}/categories/new")
    assert 'name="capacity_in_person"' in page and 'name="capacity_online"' not in page


# Forms ---------------------------------------------------------------------------------------------------------

def form_data(**overrides) -> dict:
    return {"title": "Public", "intro": "Open to *all*.", "opens_at": "2030-01-10T10:00",
            "closes_at": "2030-03-01T13:00", "modification_deadline": "", "requires_account": "y", **overrides}


def test_a_form_is_created_with_times_in_the_event_zone(app, db, form, organiser, client_of):
    client = client_of(organiser)
    response = client.post(f"{base(form.event)}/forms/new", data=form_data(modification_deadline="2030-07-01T12:00"))
    assert response.status_code == 302 and response.location == base(form.event)
    db.session.expire_all()
    public = db.session.scalars(sa.select(RegistrationForm).where(RegistrationForm.title == "Public")).one()
    # Zurich is UTC+1 in winter, UTC+2 in summer.
    assert (public.opens_at, public.closes_at, public.modification_deadline, public.intro, public.requires_account) == (
        dt.datetime(2030, 1, 10, 9, 0, tzinfo=UTC), dt.datetime(2030, 3, 1, 12, 0, tzinfo=UTC),
        dt.datetime(2030, 7, 1, 10, 0, tzinfo=UTC), "Open to *all*.", True)
    page = page_of(client, f"{base(form.event)}/forms/{public.id}")
    assert (value_of(page, "opens_at"), value_of(page, "closes_at")) == ("2030-01-10T10:00", "2030-03-01T13:00")


@pytest.mark.parametrize("changes, field, message", [
    ({"closes_at": "2030-01-01T10:00"}, "closes_at", "Registration must close after it opens."),
    ({"title": "members and observers"}, "title", "There is already a registration form with this title."),
    ({"opens_at": ""}, "opens_at", "Give the date and time registration opens."),
    ({"closes_at": "2030-03-31T02:30"}, "closes_at", "does not exist in Europe/Zurich"),
])
def test_form_errors_are_shown_next_to_the_field_and_keep_the_input(app, db, form, organiser, client_of, changes,
                                                                    field, message):
    data = form_data(**changes)
    page = client_of(organiser).post(f"{base(form.event)}/forms/new", data=data).get_data(as_text=True)
    assert message in error_of(page, field)
    for name in ("title", "opens_at", "closes_at"):
        assert value_of(page, name) == data[name]
    assert "Open to *all*." in page
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(RegistrationForm.id))) == 1


def test_a_used_form_is_not_deleted_and_says_why(app, db, form, organiser, client_of):
    register(form, add_category(form, "Members"), mode=AttendanceMode.IN_PERSON)
    db.session.flush()
    client = client_of(organiser)
    response = client.post(f"{base(form.event)}/forms/{form.id}/delete", data={"confirmed": "1"})
    assert response.status_code == 302
    assert flashes(page_of(client, base(form.event))) == [
        "1 registration was made with this form; it cannot be deleted."]
    db.session.expire_all()
    assert db.session.get(RegistrationForm, form.id) is not None


# Categories and questions -----------------------------------------------------------------------------------

def test_a_category_is_created_then_changed(app, db, form, organiser, client_of):
    client = client_of(organiser)
    data = {"name": "Observer organisation", "description": "Observers", "capacity_in_person": "10",
            "capacity_online": "", "requires_approval": "y"}
    assert client.post(f"{base(form.event)}/forms/{form.id}/categories/new", data=data).status_code == 302
    db.session.expire_all()
    category = db.session.scalars(sa.select(ParticipantCategory)).one()
    assert (category.name, category.capacity_in_person, category.capacity_online, category.requires_approval,
            category.invitation_only) == ("Observer organisation", 10, None, True, False)
    page = page_of(client, f"{base(form.event)}/categories/{category.id}")
    assert value_of(page, "capacity_in_person") == "10"
    assert "Now: 0 confirmed or awaiting approval, 0 offered from the waiting list." in page
    assert "withdraws the offers of those last in line" in page
    assert 'id="field-reconfirmation_exempt"' in page
    data.update(capacity_online="0", invitation_only="y")
    assert client.post(f"{base(form.event)}/categories/{category.id}", data=data).status_code == 302
    db.session.expire_all()
    assert (category.capacity_online, category.invitation_only) == (0, True)


def test_category_errors_keep_the_input(app, db, form, organiser, client_of):
    add_category(form, "Members")
    db.session.flush()
    url = f"{base(form.event)}/forms/{form.id}/categories/new"
    data = {"name": "members", "description": "Typed text", "capacity_in_person": "12", "capacity_online": "-1"}
    page = client_of(organiser).post(url, data=data).get_data(as_text=True)
    assert "Enter 0 or more places." in error_of(page, "capacity_online")
    assert (value_of(page, "name"), value_of(page, "capacity_in_person"), value_of(page, "capacity_online")) == (
        "members", "12", "-1")
    assert "Typed text" in page
    page = client_of(organiser).post(url, data={**data, "capacity_online": ""}).get_data(as_text=True)
    assert "This form already has a category with this name." in error_of(page, "name")
    assert (value_of(page, "name"), value_of(page, "capacity_in_person")) == ("members", "12")
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(ParticipantCategory.id))) == 1


def test_a_question_limited_to_a_category(app, db, form, organiser, client_of):
    add_category(form, "Members")
    public = add_category(form, "Public")
    db.session.flush()
    client = client_of(organiser)
    url = f"{base(form.event)}/forms/{form.id}/questions/new"
    data = {"label": "Meal", "kind": "single_choice", "options": "Fish", "required": "y",
            "category_ids": [str(public.id)]}
    page = client.post(url, data=data).get_data(as_text=True)
    assert "Give at least two options, one per line." in error_of(page, "options")
    assert value_of(page, "label") == "Meal" and f'<input checked class="form-check-input" id="category_ids-1" name="category_ids" type="checkbox" value="{public.id}">' in page
    data["options"] = "Fish\nVegetarian\n"
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    question = db.session.scalars(sa.select(RegistrationQuestion)).one()
    assert (question.options, question.required, [c.name for c in question.categories]) == (
        ["Fish", "Vegetarian"], True, ["Public"])
    assert client.post(f"{base(form.event)}/questions/{question.id}/delete", data={"confirmed": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(RegistrationQuestion.id))) == 0


# Invitations ------------------------------------------------------------------------------------------------

def test_an_invitation_mail_carries_a_working_link(app, db, form, organiser, client_of):
    speakers = add_category(form, "Speakers", invitation_only=True, approval=True)
    db.session.flush()
    client = client_of(organiser)
    response = client.post(f"{base(form.event)}/invitations", data={
        "invite-category": str(speakers.id), "invite-email": "Ann@Example.org", "invite-name": "Ann Lee",
        "invite-skip_approval": "y", "invite-message": "Please come."})
    assert response.status_code == 302 and response.location == base(form.event)
    db.session.expire_all()
    invitation = db.session.scalars(sa.select(RegistrationInvitation)).one()
    [mail] = outbox("registration_invitation")
    link = re.search(r"http://conference\.test/registration-invitations/(\S+)", mail.body_text)
    assert ops.invitation_from_token(link.group(1)).id == invitation.id  # (signed with the time: not recomputable)
    assert (mail.to_address, mail.to_name) == ("ann@example.org", "Ann Lee")
    assert "Please come." in mail.body_text and f'href="{link.group(0)}"' in mail.body_html
    visitor = app.test_client()
    assert visitor.get(link.group(0).removeprefix("http://conference.test")).status_code == 200
    page = page_of(client, base(form.event))
    assert flashes(page) == ["An invitation is on its way to ann@example.org."]


def test_inviting_someone_already_invited_shows_the_reason_and_keeps_the_input(app, db, form, organiser, client_of):
    speakers = add_category(form, "Speakers")
    setup.invite(form.event, actor=organiser, category=speakers, email="ann@example.org")
    db.session.flush()
    data = {"invite-category": str(speakers.id), "invite-email": "ann@example.org", "invite-name": "Ann",
            "invite-message": "Typed message"}
    page = client_of(organiser).post(f"{base(form.event)}/invitations", data=data).get_data(as_text=True)
    assert "ann@example.org already has an open invitation to this event." in error_of(page, "invite-email")
    assert (value_of(page, "invite-email"), value_of(page, "invite-name")) == ("ann@example.org", "Ann")
    assert "Typed message" in page
    assert len(outbox("registration_invitation")) == 1


def test_a_csv_with_wrong_lines_3_and_5_invites_nobody_and_lists_both(app, db, form, organiser, client_of):
    add_category(form, "Speakers")
    add_category(form, "Public")
    db.session.flush()
    text = ("name,email,category\n"
            "Ann,ann@example.org,Speakers\n"
            "Bob,not-an-address,Speakers\n"
            "Cleo,cleo@example.org,public\n"
            "Dora,dora@example.org,Journalists\n")
    page = client_of(organiser).post(f"{base(form.event)}/invitations/csv", content_type="multipart/form-data", data={
        "csv-file": (io.BytesIO(text.encode()), "people.csv"), "csv-skip_approval": "y"}).get_data(as_text=True)
    assert "Nobody was invited: correct the lines listed below and upload the file again." in error_of(page, "csv-file")
    lines = [html.unescape(m) for m in re.findall(r"<li>(Line \d+: .*?)</li>", page)]
    assert lines == ["Line 3: “not-an-address” is not a valid email address.",
                     "Line 5: there is no category “Journalists”."]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(RegistrationInvitation.id))) == 0
    assert outbox("registration_invitation") == []


def test_a_good_csv_invites_everyone(app, db, form, organiser, client_of):
    add_category(form, "Speakers")
    db.session.flush()
    text = "\ufeffname;email;category\nAnn;ann@example.org;Speakers\nBob;bob@example.org;SPEAKERS\n"
    client = client_of(organiser)
    response = client.post(f"{base(form.event)}/invitations/csv", content_type="multipart/form-data", data={
        "csv-file": (io.BytesIO(text.encode()), "people.csv")})
    assert response.status_code == 302
    db.session.expire_all()
    assert [(i.email, i.skip_approval) for i in db.session.scalars(
        sa.select(RegistrationInvitation).order_by(RegistrationInvitation.id))] == [
        ("ann@example.org", False), ("bob@example.org", False)]
    assert flashes(page_of(client, base(form.event))) == ["2 invitations are on their way."]


def test_a_csv_not_in_utf8_is_refused(app, db, form, organiser, client_of):
    add_category(form, "Speakers")
    db.session.flush()
    page = client_of(organiser).post(f"{base(form.event)}/invitations/csv", content_type="multipart/form-data", data={
        "csv-file": (io.BytesIO("name,email,category\nZoë,zoe@example.org,Speakers\n".encode("latin-1")),
                     "people.csv")}).get_data(as_text=True)
    assert "The file is not in UTF-8." in error_of(page, "csv-file")
    assert db.session.scalar(sa.select(sa.func.count(RegistrationInvitation.id))) == 0


def test_an_invitation_is_withdrawn(app, db, form, organiser, client_of):
    invitation = setup.invite(form.event, actor=organiser, category=add_category(form, "Speakers"),
                              email="ann@example.org")
    db.session.flush()
    client = client_of(organiser)
    assert client.post(f"{base(form.event)}/invitations/{invitation.id}/revoke").status_code == 302
    db.session.expire_all()
    assert invitation.revoked_at is not None
    assert flashes(page_of(client, base(form.event))) == ["The invitation to ann@example.org is withdrawn."]


def test_the_management_bar_links_to_registration(app, db, form, organiser, client_of):
    page = page_of(client_of(organiser), f"/events/{form.event.slug}/team")
    expected = "registration.list_registrations" in app.view_functions and "/manage/registrations" or "/manage/registration"
    assert f'<a href="/events/{form.event.slug}{expected}">Registration</a>' in page


def test_a_question_is_marked_sensitive(app, db, form, organiser, client_of):
    client = client_of(organiser)
    url = f"{base(form.event)}/forms/{form.id}/questions/new"
    page = page_of(client, url)
    assert "they are deleted 30 days after the event ends, files included." in page
    assert client.post(url, data={"label": "Passport number", "kind": "short_text", "sensitive": "y"}).status_code == 302
    db.session.expire_all()
    question = db.session.scalars(sa.select(RegistrationQuestion)).one()
    assert question.sensitive is True
    assert 'Short text <span class="badge text-bg-warning">sensitive</span>' in page_of(client, base(form.event))
    assert '<input aria-describedby="hint-sensitive" checked class="form-check-input" id="field-sensitive"' in page_of(client, f"{base(form.event)}/questions/{question.id}")
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "registration.question_created")).one()
    assert entry.details["sensitive"] is True
    assert client.post(f"{base(form.event)}/questions/{question.id}",
                       data={"label": "Passport number", "kind": "short_text"}).status_code == 302
    db.session.expire_all()
    assert question.sensitive is False
