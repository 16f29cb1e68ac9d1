"""The author's journey in Chromium, every page checked with axe-core and for CSP violations:
an author submits a paper with a co-author and a PDF before the deadline, the co-author
(without an account) signs up from the invitation and accepts it, and after the deadline
the author's form is read-only."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from conference.cfp import setup as cfp_setup
from conference.cfp.models import CallForPapers, Submission
from conference.core.types import utcnow
from conference.mail.models import OutboxMessage

from .. import factories
from ..conftest import first_link
from ..pdfs import make_pdf
from .test_account_and_event_journey import expect, fresh, log_in

PDF = make_pdf("A journey")


def outbox_link(db, template: str, to: str) -> str:
    body = fresh(db).scalar(sa.select(OutboxMessage.body_text).where(OutboxMessage.template == template,
                                                                     OutboxMessage.to_address == to))
    return first_link(body)


def test_author_submits_with_a_coauthor_who_accepts_and_the_form_closes_at_the_deadline(page, new_page, live_server,
                                                                                          committed_db):
    now = utcnow()
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    event = factories.make_event(organiser=organiser, slug="journey", published=True, title="Journey Symposium")
    cfp_setup.configure_call(event, actor=organiser, opens_at=now - dt.timedelta(days=5),
                             deadline=now + dt.timedelta(days=5), intro="Send us your **best** work.")
    cfp_setup.save_submission_type(event, actor=organiser, name="Full paper", abstract_word_limit=100,
                                   file_required=True, accepted_file_types=["pdf"])
    cfp_setup.save_track(event, actor=organiser, name="Forecasting")
    ada = factories.make_user(email="ada@example.org", name="Ada Author")
    committed_db.session.commit()

    # The author reads the call and starts a submission.
    log_in(page, ada.email, factories.DEFAULT_PASSWORD)
    page.goto("/events/journey/call")
    expect(page.get_by_role("heading", level=1)).to_have_text("Call for papers")
    page.follow(page.get_by_role("link", name="Submit a paper"))
    page.get_by_label(re.compile("^Title")).fill("Warnings that reach people")
    page.get_by_label(re.compile("^Abstract")).fill("How **early warnings** reach everyone in time.")
    page.get_by_role("group", name=re.compile("^Submission type")).get_by_label("Full paper").check()
    page.get_by_label("Track").select_option(label="Forecasting")
    page.get_by_label("Keywords").fill("floods, warnings")
    page.submit(page.get_by_role("button", name="Save draft"))
    expect(page.get_by_role("status")).to_contain_text("Saved. The draft")
    code = fresh(committed_db).scalar(sa.select(Submission.code))

    # Submitting without the paper the type requires: the error is on the file field.
    page.submit(page.get_by_role("button", name="Submit", exact=True))
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_label(re.compile("^Paper"))).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label(re.compile("^Title"))).to_have_value("Warnings that reach people")

    # A co-author without an account, added on the submission's page.
    page.goto(f"/events/journey/submissions/{code}")
    add = page.get_by_role("form", name="Add a co-author")
    add.get_by_label("Name").fill("Bea Coauthor")
    add.get_by_label("Email address").fill("bea@example.org")
    add.get_by_label("Presents the work").check()
    page.submit(add.get_by_role("button", name="Add co-author"))
    expect(page.get_by_role("status")).to_contain_text("Bea Coauthor is added to the authors.")
    expect(page.get_by_role("button", name="Move up Bea Coauthor")).to_be_visible()

    # The paper, then submit.
    page.follow(page.get_by_role("link", name="Edit and submit"))
    page.get_by_label(re.compile("^Paper")).set_input_files(
        {"name": "warnings.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.submit(page.get_by_role("button", name="Submit", exact=True))
    expect(page.get_by_role("status")).to_contain_text(f"Submission {code} is submitted.")
    expect(page.get_by_role("link", name="warnings.pdf")).to_be_visible()

    # The co-author follows the invitation, signs up, confirms, logs in and accepts.
    bea = new_page()
    invitation = outbox_link(committed_db, "coauthor_invitation", "bea@example.org")
    bea.goto(invitation)
    expect(bea.get_by_role("heading", level=1)).to_have_text("You are listed as an author")
    bea.follow(bea.get_by_role("main").get_by_role("link", name="Create an account"))
    bea.get_by_label("Full name").fill("Bea Coauthor")
    bea.get_by_label("Email address").fill("bea@example.org")
    bea.get_by_label(re.compile("^Password")).fill("a long enough passphrase")
    bea.get_by_label("Repeat the password").fill("a long enough passphrase")
    bea.submit(bea.get_by_role("button", name="Create account"))
    bea.goto(outbox_link(committed_db, "verify_email", "bea@example.org"))
    bea.goto(invitation)
    bea.follow(bea.get_by_role("link", name="Log in to accept"))
    bea.get_by_label("Email address").fill("bea@example.org")
    bea.get_by_label(re.compile("^Password")).fill("a long enough passphrase")
    bea.submit(bea.get_by_role("button", name="Log in"))
    bea.submit(bea.get_by_role("button", name="Accept and open the submission"))
    expect(bea.get_by_role("heading", level=1)).to_contain_text("Warnings that reach people")
    bea.follow(bea.get_by_role("navigation", name="Main").get_by_role("link", name="My submissions"))
    expect(bea.get_by_role("row", name=re.compile(code))).to_contain_text("Submitted")

    # After the deadline the author's form is read-only.
    call = fresh(committed_db).scalar(sa.select(CallForPapers))
    call.opens_at, call.deadline = now - dt.timedelta(days=10), utcnow() - dt.timedelta(minutes=1)
    committed_db.session.commit()
    page.goto(f"/events/journey/submissions/{code}/edit")
    expect(page.get_by_text(re.compile("Changes were possible until"))).to_be_visible()
    expect(page.get_by_role("textbox")).to_have_count(0)
    expect(page.get_by_role("button", name="Save changes")).to_have_count(0)


def test_author_pages_with_every_kind_of_question_and_their_errors_pass_the_checks(page, live_server, committed_db):
    from conference.cfp import submissions as submission_ops
    from conference.cfp.enums import QuestionTarget, SubmissionState
    from conference.core.enums import QuestionKind

    now = utcnow()
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    event = factories.make_event(organiser=organiser, slug="questions", published=True)
    cfp_setup.configure_call(event, actor=organiser, opens_at=now - dt.timedelta(days=5),
                             deadline=now + dt.timedelta(days=5))
    talk = cfp_setup.save_submission_type(event, actor=organiser, name="Talk")
    for kind in QuestionKind:
        options = ["Red", "Green"] if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE) else None
        cfp_setup.save_question(event, actor=organiser, label=f"Question {kind.value}", kind=kind, required=True,
                                options=options, help_text="Tell us.")
    cfp_setup.save_question(event, actor=organiser, label="Dietary needs", kind=QuestionKind.SHORT_TEXT,
                            target=QuestionTarget.AUTHOR)
    ada = factories.make_user(email="ada@example.org", name="Ada Author")
    done = submission_ops.create_draft(event, actor=ada, title="Submitted one", abstract="A.", type_id=talk.id)
    done.state = SubmissionState.SUBMITTED
    done.submitted_at = now
    draft = submission_ops.create_draft(event, actor=ada, title="A draft", abstract="A.", type_id=talk.id)
    closed = factories.make_event(organiser=organiser, slug="closed", published=True)
    cfp_setup.configure_call(closed, actor=organiser, opens_at=now - dt.timedelta(days=5),
                             deadline=now - dt.timedelta(days=1))
    committed_db.session.commit()

    log_in(page, ada.email, factories.DEFAULT_PASSWORD)
    page.goto("/events/questions/submissions/new")
    page.get_by_label("Question number").fill("many")
    page.submit(page.get_by_role("button", name="Submit", exact=True))
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_label("Question number")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Question number")).to_have_value("many")

    page.goto(f"/events/questions/submissions/{draft.code}/edit")
    expect(page.get_by_role("group", name="About Ada Author")).to_be_visible()
    page.goto(f"/events/questions/submissions/{draft.code}/delete")
    page.goto(f"/events/questions/submissions/{done.code}/withdraw")
    page.goto("/my/submissions")
    page.goto("/events/closed/call")
    expect(page.get_by_label("Access code")).to_be_visible()
