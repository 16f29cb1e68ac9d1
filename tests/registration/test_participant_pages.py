"""The participants' side of registration through the HTTP path: registering (confirmed,
pending approval, waiting list; the result by mail unless the address is the sender's),
invitations, one registration per person without telling who registered, what the form says
of each category's places, bad input, one's own page (answers, the agenda-change summary,
cancelling, offers, switching mode, join details) and who may open it."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import pytest
import sqlalchemy as sa

from conference.core import files
from conference.core.enums import QuestionKind
from conference.core.models import AuditEntry
from conference.core.types import utcnow
from conference.events.enums import EventFormat
from conference.mail import opt_outs
from conference.mail.models import MailOptOut
from conference.registration import registrations as ops
from conference.registration import setup as registration_setup
from conference.registration.enums import AttendanceMode, RegistrationState
from conference.registration.models import Registration

from .. import factories
from ..conftest import first_link, login
from ..mail.builders import outbox
from ..pdfs import make_pdf
from ..query_counting import counting
from .builders import add_category, add_question, error_of, open_form, register_now, text

PDF = make_pdf("A letter")


def fields(category, **overrides) -> dict:
    data = {"name": "Rita Registrant", "email": "rita@example.org", "affiliation": "Met Office",
            "category_id": str(category.id), "privacy_consent": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Registration))


def the_registration(db, email="rita@example.org") -> Registration:
    db.session.expire_all()
    return db.session.scalar(sa.select(Registration).where(Registration.email == email))


def manage_path(registration) -> str:
    return f"/registrations/{ops.manage_token(registration)}"


def token_of(response) -> Registration:
    """The registration whose page ``response`` redirects to."""
    location = response.headers["Location"]
    assert location.startswith("/registrations/"), location
    return ops.registration_from_token(location.rsplit("/", 1)[1])


def flashes(response) -> list[str]:
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(r'<p class="alert alert-\w+ py-2"[^>]*>(.*?)</p>',
                                                             text(response), re.DOTALL)]


def category_hints(page: str) -> dict[str, str]:
    """Each category offered on the registration form, with the hint under it ("" for none)."""
    found = re.findall(r'<label class="form-check-label" for="(category_id-\d+)">([^<]+)</label>\s*</div>\s*'
                       r'(?:<p class="form-text mt-0 ms-4 option-hint" id="(category_id-\d+)-hint">([^<]*)</p>)?', page)
    return {label.strip(): hint.strip() for _id, label, _hint_id, hint in found}


def sent(address: str) -> list[str]:
    """The flash of a registration answered by mail, as the page after it shows it."""
    return [f"We have sent a mail to {address}. Follow the link in it to see your registration."]


def open_mailed_link(client, template: str, address: str = "rita@example.org"):
    """The registration page, opened from the link in the last ``template`` mail to ``address``."""
    [*_, mail] = [m for m in outbox(template) if m.to_address == address]
    return client.get(first_link(mail.body_text).replace("http://conference.test", ""))


# Registering ---------------------------------------------------------------------------------------------

def test_registering_with_room_confirms_by_mail_whose_link_opens_the_page(app, db):
    form = open_form(slug="symp")
    category = add_category(form, in_person=10)
    client = app.test_client()
    page = client.get("/events/symp/register")
    assert page.status_code == 200
    assert "symposium@example.org" in text(page)  # the contact address in the consent text
    response = client.post("/events/symp/register", data=fields(category, listed="y"))
    registration = the_registration(db)
    assert response.status_code == 302 and response.headers["Location"] == "/events/symp/register/sent"
    assert (registration.state, registration.name, registration.affiliation, registration.listed) == (
        RegistrationState.CONFIRMED, "Rita Registrant", "Met Office", True)
    assert [m.to_address for m in outbox("registration_confirmed")] == ["rita@example.org"]
    told = client.get(response.headers["Location"])
    assert flashes(told) == sent("rita@example.org")
    assert "Check your mail" in text(told) and "Confirmed" not in text(told)
    assert "Confirmed" in text(open_mailed_link(client, "registration_confirmed"))


def test_a_category_needing_approval_leaves_the_registration_pending(app, db):
    form = open_form(slug="symp")
    category = add_category(form, "Observer", approval=True)
    assert "Needs the organisers' approval." in text(app.test_client().get("/events/symp/register"))
    response = app.test_client().post("/events/symp/register", data=fields(category), follow_redirects=True)
    assert the_registration(db).state == RegistrationState.PENDING
    assert flashes(response) == sent("rita@example.org")
    assert [m.to_address for m in outbox("registration_received")] == ["rita@example.org"]
    assert "The organisers look at your registration" in text(open_mailed_link(app.test_client(),
                                                                                "registration_received"))


def test_a_full_category_says_so_and_registering_joins_the_waiting_list(app, db):
    form = open_form(slug="symp")
    category = add_category(form, in_person=1)
    register_now(form, category)
    register_now(form, category)  # first on the waiting list
    page = text(app.test_client().get("/events/symp/register"))
    assert "Full: you will join the waiting list." in page
    response = app.test_client().post("/events/symp/register", data=fields(category), follow_redirects=True)
    assert the_registration(db).state == RegistrationState.WAITLISTED
    assert flashes(response) == sent("rita@example.org")
    [mail] = [m for m in outbox("registration_waitlisted") if m.to_address == "rita@example.org"]
    assert "You are number 2 on the waiting list" in mail.body_text
    assert "you are number 2 on the waiting list." in text(open_mailed_link(app.test_client(),
                                                                            "registration_waitlisted"))


def test_a_category_with_room_is_not_called_full_because_others_wait_elsewhere(app, db):
    """The demo's shape: "Member agency" has 25 of 150 places taken while the public category,
    full, has people waiting in the same mode: the form must not say it is full."""
    form = open_form(slug="symp", format=EventFormat.VIRTUAL)
    members = add_category(form, "Member agency", online=150)
    public = add_category(form, "Public", online=1)
    for _ in range(25):
        register_now(form, members)
    register_now(form, public)
    waiting = register_now(form, public)
    assert waiting.state == RegistrationState.WAITLISTED
    page = text(app.test_client().get("/events/symp/register"))
    assert category_hints(page) == {"Member agency": "", "Public": "Full: you will join the waiting list."}
    app.test_client().post("/events/symp/register", data=fields(members))
    assert the_registration(db).state == RegistrationState.CONFIRMED


def test_an_invitation_only_category_is_not_offered_and_refused_without_the_invitation(app, db):
    form = open_form(slug="symp")
    add_category(form, "Public")
    speakers = add_category(form, "Speaker", invitation_only=True)
    page = text(app.test_client().get("/events/symp/register"))
    assert "Public" in page and "Speaker" not in page
    response = app.test_client().post("/events/symp/register", data=fields(speakers, name="Rita  Typed"))
    assert response.status_code == 200
    assert error_of(text(response), "category_id").endswith(
        "This category is by invitation only. Use the link in your invitation.")
    assert 'value="Rita  Typed"' in text(response)
    assert count(db) == 0


def test_the_invitation_link_registers_into_its_category_without_approval(app, db):
    form = open_form(slug="symp")
    speakers = add_category(form, "Speaker", invitation_only=True, approval=True)
    invitation = registration_setup.invite(form.event, actor=form.event.roles[0].user, category=speakers,
                                           email="ivan@example.org", name="Ivan Invited", skip_approval=True)
    token = ops.invitation_token(invitation)
    page = text(app.test_client().get(f"/registration-invitations/{token}"))
    assert "You are invited to register as: Speaker." in page
    assert 'value="ivan@example.org"' in page and 'value="Ivan Invited"' in page
    response = app.test_client().post(f"/registration-invitations/{token}",
                                      data=fields(speakers, name="Ivan Invited", email="ivan@example.org"))
    assert response.status_code == 302
    registration = the_registration(db, "ivan@example.org")
    assert (registration.state, registration.category_id, registration.invitation_id) == (
        RegistrationState.CONFIRMED, speakers.id, invitation.id)
    used = app.test_client().get(f"/registration-invitations/{token}")
    assert used.status_code == 400
    assert "This invitation has already been used to register." in text(used)
    bad = app.test_client().get(f"/registration-invitations/{token}x")
    assert bad.status_code == 400
    assert "This link is not valid. Check that you copied all of it." in text(bad)


def test_an_address_already_registered_gets_the_same_answer_as_a_new_one_and_its_owner_the_link(app, db):
    """Anyone may type anyone's address: whether it has a registration must not show. The
    visitor is told only that a mail went to the address; its owner gets the link to their
    registration (once in ten minutes however often the form is sent), and nothing changes."""
    form = open_form(slug="symp")
    category = add_category(form)
    rita = register_now(form, category, email="rita@example.org", name="Rita Registrant")
    visitor = app.test_client()
    known = visitor.post("/events/symp/register", data=fields(category, email="Rita@Example.org", name="Mallory"))
    unknown = visitor.post("/events/symp/register", data=fields(category, email="nina@example.org", name="Nina New"))
    for response in (known, unknown):
        assert response.status_code == 302 and response.headers["Location"] == "/events/symp/register/sent"
    told = visitor.get(known.headers["Location"])  # the flashes of both answers, in order
    assert flashes(told) == sent("rita@example.org") + sent("nina@example.org")
    assert "You are already registered" not in text(told) and "Rita Registrant" not in text(told)
    again = visitor.post("/events/symp/register", data=fields(category, email="rita@example.org"),
                         follow_redirects=True)
    assert flashes(again) == sent("rita@example.org")

    assert count(db) == 2 and the_registration(db).name == "Rita Registrant"
    [link] = outbox("registration_link")
    assert link.to_address == "rita@example.org" and "sent the registration form again" in link.body_text
    assert ops.registration_from_token(first_link(link.body_text).rsplit("/", 1)[1]).id == rita.id
    assert sorted(m.to_address for m in outbox("registration_confirmed")) == ["nina@example.org", "rita@example.org"]


def test_a_signed_in_person_typing_another_address_learns_nothing_and_does_not_own_it(app, db):
    form = open_form(slug="symp")
    category = add_category(form)
    register_now(form, category, email="rita@example.org")
    mallory = login(app.test_client(), factories.make_user(email="mallory@example.org"))
    known = mallory.post("/events/symp/register", data=fields(category, email="rita@example.org"), follow_redirects=True)
    unknown = mallory.post("/events/symp/register", data=fields(category, email="nina@example.org"),
                           follow_redirects=True)
    assert (flashes(known), flashes(unknown)) == (sent("rita@example.org"), sent("nina@example.org"))
    nina = the_registration(db, "nina@example.org")
    assert nina.state == RegistrationState.CONFIRMED and nina.user_id is None  # not Mallory's to see
    assert mallory.get("/events/symp/registration").headers["Location"] == "/events/symp/register"
    assert [m.to_address for m in outbox("registration_link")] == ["rita@example.org"]


def test_an_account_whose_address_is_not_verified_does_not_reach_a_registration_made_with_it(app, db):
    """Anyone can sign up with anyone's address: until it is verified, the account is not the
    address's, and neither the event page nor "your registration" leads to its registration."""
    form = open_form(slug="symp")
    category = add_category(form)
    rita = register_now(form, category, email="rita@example.org")
    impostor = login(app.test_client(), factories.make_user(email="rita@example.org", verified=False))
    assert impostor.get("/events/symp/registration").headers["Location"] == "/events/symp/register"
    assert "Your registration" not in text(impostor.get("/events/symp/"))
    assert "You already have a registration" not in text(impostor.get("/events/symp/register"))
    verified = login(app.test_client(), factories.make_user(email="otto@example.org"))
    otto = register_now(form, category, email="otto@example.org")
    assert token_of(verified.get("/events/symp/registration")).id == otto.id  # a verified address is theirs
    assert the_registration(db, "rita@example.org").id == rita.id


def test_the_owner_signed_in_with_the_address_is_told_they_are_registered(app, db):
    form = open_form(slug="symp")
    category = add_category(form)
    user = factories.make_user(email="rita@example.org")
    register_now(form, category, email="rita@example.org", user=user)
    response = login(app.test_client(), user).post("/events/symp/register", data=fields(category))
    page = text(response)
    assert error_of(page, "email").endswith("You are already registered for this event (confirmed). Your "
                                            "registration page shows it and lets you change or cancel it.")
    assert "Open your registration" in page
    assert count(db) == 1


def test_the_link_is_sent_again_without_revealing_who_registered(app, db):
    form = open_form(slug="symp")
    category = add_category(form)
    registration = register_now(form, category, email="rita@example.org")
    client = app.test_client()
    known = client.post("/events/symp/registration-link", data={"email": "rita@example.org"}, follow_redirects=True)
    unknown = client.post("/events/symp/registration-link", data={"email": "nobody@example.org"},
                          follow_redirects=True)
    expected = ["If this address has a registration for " + form.event.title + ", we sent it the link to its page."]
    assert flashes(known) == flashes(unknown) == expected
    links = outbox("registration_link")
    assert [m.to_address for m in links] == ["rita@example.org"]
    link = first_link(links[0].body_text)
    assert ops.registration_from_token(link.rsplit("/", 1)[1]).id == registration.id
    client.post("/events/symp/registration-link", data={"email": "rita@example.org"})
    assert len(outbox("registration_link")) == 1  # not again within ten minutes


def test_a_logged_in_owner_is_pointed_to_their_registration(app, db):
    form = open_form(slug="symp")
    category = add_category(form)
    user = factories.make_user(email="rita@example.org", name="Rita Registrant")
    client = login(app.test_client(), user)
    page = text(client.get("/events/symp/register"))
    assert 'value="rita@example.org"' in page and 'value="Rita Registrant"' in page
    client.post("/events/symp/register", data=fields(category))
    registration = the_registration(db)
    assert registration.user_id == user.id
    again = text(client.get("/events/symp/register"))
    assert "You already have a registration for this event." in again
    assert token_of(client.get("/events/symp/registration")).id == registration.id
    assert "Your registration" in text(client.get("/events/symp/"))


def test_the_event_page_offers_registration_only_while_a_form_is_open(app, db):
    form = open_form(slug="symp")
    add_category(form)
    assert "/events/symp/register" in text(app.test_client().get("/events/symp/"))
    form.closes_at = utcnow() - dt.timedelta(minutes=1)
    db.session.flush()
    assert "/events/symp/register" not in text(app.test_client().get("/events/symp/"))
    assert app.test_client().get("/events/symp/registration").headers["Location"] == "/events/symp/register"


def test_a_closed_or_not_yet_open_form_explains_its_dates(app, db):
    form = open_form(slug="symp", opened=dt.timedelta(days=-20), closes=dt.timedelta(days=-1))
    category = add_category(form)
    page = text(app.test_client().get("/events/symp/register"))
    assert "closed on" in page and "(UTC)" in page and "(Europe/Zurich)" in page
    response = app.test_client().post("/events/symp/register", data=fields(category))
    assert response.status_code == 200 and count(db) == 0
    form.opens_at, form.closes_at = utcnow() + dt.timedelta(days=2), utcnow() + dt.timedelta(days=9)
    db.session.flush()
    assert "opens on" in text(app.test_client().get("/events/symp/register"))


def test_a_form_requiring_an_account_sends_visitors_to_log_in(app, db):
    open_form(slug="symp", requires_account=True)
    response = app.test_client().get("/events/symp/register")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=/events/symp/register"


def test_missing_consent_and_invalid_answers_keep_what_was_typed_and_store_nothing(app, db):
    form = open_form(slug="symp")
    category = add_category(form)
    size = add_question(form, "Group size", QuestionKind.NUMBER, required=True)
    diet = add_question(form, "Diet", QuestionKind.SHORT_TEXT, required=True)
    response = app.test_client().post("/events/symp/register", data=fields(
        category, privacy_consent=None, name="Rita Kept", **{f"q_{size.id}": "many", f"q_{diet.id}": ""}))
    page = text(response)
    assert error_of(page, "privacy_consent").endswith("Registering needs your consent to the privacy notice.")
    assert error_of(page, f"q_{size.id}").endswith("Enter a number, e.g. 12 or 3.5.")
    assert error_of(page, f"q_{diet.id}").endswith("Answer this question.")
    assert 'value="Rita Kept"' in page and 'value="many"' in page and 'value="Met Office"' in page
    assert count(db) == 0 and outbox("registration_confirmed") == []


def test_no_category_chosen_shows_with_every_other_problem_after_one_submit(app, db):
    """A category not chosen was once refused alone; the name, consent and answers came next time."""
    form = open_form(slug="symp")
    category = add_category(form)
    diet = add_question(form, "Diet", QuestionKind.SHORT_TEXT, required=True)
    response = app.test_client().post("/events/symp/register", data=fields(
        category, category_id=None, privacy_consent=None, name=" ", **{f"q_{diet.id}": ""}))
    page = text(response)
    assert error_of(page, "category_id").endswith("Choose one of the categories listed.")
    assert error_of(page, "name").endswith("Enter your name.")
    assert error_of(page, "privacy_consent").endswith("Registering needs your consent to the privacy notice.")
    assert error_of(page, f"q_{diet.id}").endswith("Answer this question.")
    summary = page[page.index('id="error-summary"'):]
    summary = summary[:summary.index("</ul>")]
    assert summary.count("<li>") == 4
    assert count(db) == 0


def test_questions_say_which_categories_they_are_for_and_file_answers_are_stored(app, db, store):
    form = open_form(slug="symp")
    members = add_category(form, "Member")
    add_category(form, "Observer")
    letter = add_question(form, "Nomination letter", QuestionKind.FILE, required=True, categories=[members])
    assert "Only for: Member." in text(app.test_client().get("/events/symp/register"))
    data = fields(members, **{f"q_{letter.id}": (io.BytesIO(PDF), "letter.pdf")})
    response = app.test_client().post("/events/symp/register", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    answer = the_registration(db).answers[str(letter.id)]
    assert answer["filename"] == "letter.pdf" and answer["size"] == len(PDF)
    assert answer["content_type"] == "application/pdf" and answer["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert store.keys() == [files.blob_key(answer["sha256"])] and store.read(files.blob_key(answer["sha256"])) == PDF


def test_a_form_requiring_an_account_registers_its_holder_with_its_address(app, db):
    form = open_form(slug="symp", requires_account=True)
    category = add_category(form)
    user = factories.make_user(email="rita@example.org")
    client = login(app.test_client(), user)
    other = client.post("/events/symp/register", data=fields(category, email="someone@example.org"))
    assert error_of(text(other), "email").endswith("This form registers the holder of the account you are logged in "
                                                   "with: use its address, rita@example.org.")
    assert count(db) == 0
    response = client.post("/events/symp/register", data=fields(category), follow_redirects=True)
    assert flashes(response) == ["You are registered: your registration is confirmed. We sent you a confirmation "
                                 "by mail."]
    assert the_registration(db).user_id == user.id


# One's own page ------------------------------------------------------------------------------------------

def agenda_box(page: str) -> bool:
    """Whether the page's "Mail me a summary when the agenda changes" box is ticked."""
    tag = re.search(r'<input[^>]*id="field-agenda_updates"[^>]*>', page).group(0)
    return "checked" in tag


def test_the_agenda_change_summary_is_asked_for_on_the_form_and_switched_on_the_page(app, db):
    form = open_form(slug="symp")
    category = add_category(form)
    event = form.event
    assert "Mail me a summary when the agenda changes" in text(app.test_client().get("/events/symp/register"))
    app.test_client().post("/events/symp/register", data=fields(category, agenda_updates="y"))
    assert the_registration(db).agenda_updates is True

    # Otto unsubscribed from a mail's link; ticking the box on the form does not undo that...
    opt_outs.opt_out(event, "otto@example.org", "agenda_updates")
    app.test_client().post("/events/symp/register", data=fields(category, email="otto@example.org",
                                                                agenda_updates="y"))
    otto = the_registration(db, "otto@example.org")
    assert otto.agenda_updates is False
    client = app.test_client()
    assert agenda_box(text(client.get(manage_path(otto)))) is False
    # ... but asking on his own page, reached by the link mailed to him, does.
    on = client.post(f"{manage_path(otto)}/agenda-updates", data={"agenda_updates": "y"}, follow_redirects=True)
    assert flashes(on) == ["We will mail you a summary when the agenda changes."]
    assert agenda_box(text(on)) is True
    assert the_registration(db, "otto@example.org").agenda_updates is True
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailOptOut)) == 0
    off = client.post(f"{manage_path(otto)}/agenda-updates", data={}, follow_redirects=True)
    assert flashes(off) == ["You will get no mail when the agenda changes."]
    assert the_registration(db, "otto@example.org").agenda_updates is False
    actions = db.session.scalars(sa.select(AuditEntry.details).where(
        AuditEntry.action == "registration.agenda_updates_changed").order_by(AuditEntry.id)).all()
    assert actions == [{"wanted": True}, {"wanted": False}]

    ops.cancel(the_registration(db, "otto@example.org"), actor=None)
    late = client.post(f"{manage_path(otto)}/agenda-updates", data={"agenda_updates": "y"}, follow_redirects=True)
    assert flashes(late) == ["This registration is no longer active."]
    assert the_registration(db, "otto@example.org").agenda_updates is False


def test_answers_change_until_the_deadline_and_not_after(app, db):
    form = open_form(slug="symp", modification=dt.timedelta(days=2))
    category = add_category(form)
    diet = add_question(form, "Diet", required=True)
    registration = register_now(form, category, answers={diet.id: "none"})
    path = manage_path(registration)
    client = app.test_client()
    bad = client.post(f"{path}/answers", data={"name": "Renamed", f"q_{diet.id}": ""})
    assert error_of(text(bad), f"q_{diet.id}").endswith("Answer this question.")
    assert 'value="Renamed"' in text(bad)
    assert the_registration(db, registration.email).answers == {str(diet.id): "none"}
    ok = client.post(f"{path}/answers", data={"name": "Renamed", f"q_{diet.id}": "vegan"}, follow_redirects=True)
    assert flashes(ok) == ["Your changes are saved."]
    changed = the_registration(db, registration.email)
    assert (changed.name, changed.answers) == ("Renamed", {str(diet.id): "vegan"})
    form.modification_deadline = utcnow() - dt.timedelta(minutes=1)
    db.session.flush()
    page = text(client.get(path))
    assert "Changes were possible until" in page and f'name="q_{diet.id}"' not in page
    late = client.post(f"{path}/answers", data={"name": "Late", f"q_{diet.id}": "fish"}, follow_redirects=True)
    [message] = flashes(late)
    assert re.fullmatch(r"Changes were possible until .+ \(UTC\)\.", message), message
    assert the_registration(db, registration.email).name == "Renamed"


def test_cancelling_asks_first_then_frees_the_place_for_the_next_person(app, db):
    form = open_form(slug="symp")
    category = add_category(form, in_person=1)
    holder = register_now(form, category, email="holder@example.org")
    waiting = register_now(form, category, email="waiting@example.org")
    path = manage_path(holder)
    client = app.test_client()
    confirm = client.get(f"{path}/cancel")
    assert "Cancel your registration?" in text(confirm)
    assert the_registration(db, "holder@example.org").state == RegistrationState.CONFIRMED
    done = client.post(f"{path}/cancel", follow_redirects=True)
    assert flashes(done) == ["Your registration is cancelled."]
    assert the_registration(db, "holder@example.org").state == RegistrationState.CANCELLED
    assert the_registration(db, "waiting@example.org").state == RegistrationState.OFFERED
    assert [m.to_address for m in outbox("registration_offer")] == ["waiting@example.org"]
    offer_page = text(client.get(manage_path(waiting)))
    assert "A place is held for you until" in offer_page and "Accept the place" in offer_page


def test_an_offer_is_accepted_or_declined_from_the_page(app, db):
    form = open_form(slug="symp")
    category = add_category(form, in_person=1)
    holder = register_now(form, category)
    first, second = register_now(form, category), register_now(form, category)
    ops.cancel(holder, actor=None)
    assert first.state == RegistrationState.OFFERED
    client = app.test_client()
    declined = client.post(f"{manage_path(first)}/offer/decline", follow_redirects=True)
    assert flashes(declined) == ["You let the place go; it passes to the next person waiting."]
    assert the_registration(db, first.email).state == RegistrationState.CANCELLED
    assert the_registration(db, second.email).state == RegistrationState.OFFERED
    accepted = client.post(f"{manage_path(second)}/offer/accept", follow_redirects=True)
    assert flashes(accepted) == ["You took the place."]
    assert the_registration(db, second.email).state == RegistrationState.CONFIRMED
    again = client.post(f"{manage_path(second)}/offer/accept", follow_redirects=True)
    assert flashes(again) == ["There is no place on offer for this registration (it is confirmed)."]


def test_hybrid_switch_happens_with_room_and_waits_without(app, db):
    form = open_form(slug="symp", format=EventFormat.HYBRID)
    category = add_category(form, in_person=1, online=10)
    register_now(form, category, mode="in_person")
    rita = register_now(form, category, email="rita@example.org", mode="online")
    client = app.test_client()
    waits = client.post(f"{manage_path(rita)}/switch", data={"mode": "in_person"}, follow_redirects=True)
    assert flashes(waits) == [("There is no room that way yet: your request is on its waiting list at position 1, "
                               "and you keep your current place meanwhile.")]
    rita = the_registration(db)
    assert (rita.mode, rita.switch_to) == (AttendanceMode.ONLINE, AttendanceMode.IN_PERSON)
    assert "Withdraw the request" in text(waits)
    withdrawn = client.post(f"{manage_path(rita)}/switch/withdraw", follow_redirects=True)
    assert flashes(withdrawn) == ["Your request to switch is withdrawn; you keep your place."]
    category.capacity_in_person = 2
    db.session.flush()
    switched = client.post(f"{manage_path(rita)}/switch", data={"mode": "in_person"}, follow_redirects=True)
    assert flashes(switched) == ["You now attend in person."]
    assert the_registration(db).mode == AttendanceMode.IN_PERSON
    assert [m.to_address for m in outbox("registration_switched")] == ["rita@example.org"]
    wrong = client.post(f"{manage_path(rita)}/switch", data={"mode": "teleport"})
    assert error_of(text(wrong), "mode").endswith("Choose how you want to attend.")


def test_hybrid_registration_chooses_the_mode(app, db):
    form = open_form(slug="symp", format=EventFormat.HYBRID)
    category = add_category(form, in_person=0)
    page = text(app.test_client().get("/events/symp/register"))
    assert "Full in person: you will join the waiting list." in page
    missing = app.test_client().post("/events/symp/register", data=fields(category))
    assert error_of(text(missing), "mode").endswith("Choose how you will attend.")
    app.test_client().post("/events/symp/register", data=fields(category, mode="online"))
    assert (the_registration(db).mode, the_registration(db).state) == (AttendanceMode.ONLINE,
                                                                         RegistrationState.CONFIRMED)


def test_join_details_are_shown_only_to_confirmed_participants(app, db):
    form = open_form(slug="symp", format=EventFormat.HYBRID)
    form.event.online_details = "Join at https://meet.example.org/secret-room"
    category = add_category(form, online=1)
    confirmed = register_now(form, category, mode="online")
    waiting = register_now(form, category, mode="online")
    client = app.test_client()
    assert "secret-room" in text(client.get(manage_path(confirmed)))
    assert "secret-room" not in text(client.get(manage_path(waiting)))
    assert "secret-room" not in text(client.get("/events/symp/"))  # not on the public page either
    assert "secret-room" in outbox("registration_confirmed")[0].body_text
    assert "secret-room" not in outbox("registration_waitlisted")[0].body_text


# Who may open a registration -----------------------------------------------------------------------------

@pytest.fixture
def two_registrations(app, db):
    form = open_form(slug="symp")
    category = add_category(form)
    owner = factories.make_user(email="rita@example.org")
    other = factories.make_user(email="otto@example.org")
    mine = register_now(form, category, email="rita@example.org", name="Rita Mine", user=owner)
    theirs = register_now(form, category, email="otto@example.org", name="Otto Other", user=other)
    organiser = form.event.roles[0].user
    return form, owner, other, organiser, mine, theirs


def test_the_signed_link_opens_the_page_without_an_account(app, two_registrations):
    _form, _owner, _other, _organiser, mine, _theirs = two_registrations
    response = app.test_client().get(manage_path(mine))
    assert response.status_code == 200 and "Registration of Rita Mine" in text(response)


def test_the_owner_logged_in_and_the_organiser_open_it(app, two_registrations):
    _form, owner, _other, organiser, mine, _theirs = two_registrations
    assert "Registration of Rita Mine" in text(login(app.test_client(), owner).get(manage_path(mine)))
    assert "Registration of Rita Mine" in text(login(app.test_client(), organiser).get(manage_path(mine)))


def test_another_participant_reaches_only_their_own(app, db, two_registrations):
    _form, _owner, other, _organiser, mine, theirs = two_registrations
    client = login(app.test_client(), other)
    assert client.get(manage_path(mine)).status_code == 403
    assert client.post(f"{manage_path(mine)}/cancel").status_code == 403
    assert the_registration(db, "rita@example.org").state == RegistrationState.CONFIRMED
    own = client.get("/events/symp/registration")
    assert token_of(own).id == theirs.id
    # Their own link acts on their own registration only.
    client.post(f"{manage_path(theirs)}/cancel")
    assert the_registration(db, "otto@example.org").state == RegistrationState.CANCELLED
    assert the_registration(db, "rita@example.org").state == RegistrationState.CONFIRMED


@pytest.mark.parametrize("tamper", ["", "x", "/cancel"])
def test_anonymous_without_a_valid_link_gets_a_clear_400(app, db, two_registrations, tamper):
    _form, _owner, _other, _organiser, mine, _theirs = two_registrations
    token = ops.manage_token(mine)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    client = app.test_client()
    path = f"/registrations/{forged}{tamper}" if tamper != "x" else f"/registrations/{token}x"
    response = client.post(path) if tamper == "/cancel" else client.get(path)
    assert response.status_code == 400
    assert "This link is not valid. Check that you copied all of it." in text(response)
    assert the_registration(db, "rita@example.org").state == RegistrationState.CONFIRMED


def test_a_participant_action_is_written_to_the_audit_log(app, db, two_registrations):
    _form, _owner, _other, _organiser, mine, _theirs = two_registrations
    app.test_client().post(f"{manage_path(mine)}/cancel")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "registration.cancelled"))
    assert entry is not None and entry.actor_id is None


def test_the_manage_page_runs_a_fixed_number_of_queries(app, db):
    form = open_form(slug="symp", format=EventFormat.HYBRID)
    category = add_category(form, in_person=1)
    questions = [add_question(form, f"Question {i}") for i in range(3)]
    add_question(form, "Only members", categories=[category])
    register_now(form, category, mode="in_person")
    rita = register_now(form, category, email="rita@example.org", mode="in_person",
                        answers={q.id: "yes" for q in questions})
    client = app.test_client()
    path = manage_path(rita)

    def statements() -> int:
        assert client.get(path).status_code == 200
        db.session.expire_all()
        with counting(db) as seen:
            assert client.get(path).status_code == 200
        return len(seen)

    few = statements()
    for _ in range(20):
        register_now(form, category, mode="in_person")
    assert statements() == few
