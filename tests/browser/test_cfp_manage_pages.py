"""The organisers' call-for-papers pages in Chromium: every page, and every form with an error,
passes axe-core (no serious or critical violation) and the Content-Security-Policy check of the
``page`` fixture."""

from __future__ import annotations

import datetime as dt

from conference.cfp import setup as cfp_setup
from conference.cfp import submissions
from conference.cfp.enums import QuestionTarget
from conference.core.enums import QuestionKind

from .. import factories
from .test_account_and_event_journey import expect, log_in

UTC = dt.UTC
DURING = dt.datetime(2027, 2, 1, 12, 0, tzinfo=UTC)


def test_organiser_pages_of_the_call_pass_the_checks(page, committed_db):
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    event = factories.make_event(organiser=organiser, title="Paper Symposium", slug="paper-symposium")
    cfp_setup.configure_call(event, actor=organiser, opens_at=dt.datetime(2027, 1, 10, tzinfo=UTC),
                             deadline=dt.datetime(2027, 6, 1, tzinfo=UTC))
    talk = cfp_setup.save_submission_type(event, actor=organiser, name="Talk")
    track = cfp_setup.save_track(event, actor=organiser, name="Networks", colour="#aa3300")
    question = cfp_setup.save_question(event, actor=organiser, label="Travel grant?", kind=QuestionKind.YES_NO,
                                       target=QuestionTarget.AUTHOR)
    cfp_setup.create_access_code(event, actor=organiser, code="LATE-ADA", max_uses=1)
    author = factories.make_user(name="Ada Lovelace")
    submission = submissions.create_draft(event, actor=author, title="Analytical engines", abstract="Cogs.",
                                          type_id=talk.id, track_id=track.id, keywords="computing", now=DURING)
    submissions.update_submission(submission, actor=author, title="Analytical engines", abstract="Cogs.",
                                  type_id=talk.id, track_id=track.id, keywords="computing",
                                  author_answers={(submission.authors[0].id, question.id): "yes"}, now=DURING)
    submissions.submit(submission, actor=author, now=DURING)
    committed_db.session.commit()
    manage = f"/events/{event.slug}/manage"

    log_in(page, organiser.email, factories.DEFAULT_PASSWORD)
    page.goto(f"/events/{event.slug}/")
    page.follow(page.get_by_role("link", name="Call for papers", exact=True))
    page.get_by_label("Deadline").fill("2027-03-28T02:30")
    page.submit(page.get_by_role("button", name="Save the call"))
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_label("Deadline")).to_have_attribute("aria-invalid", "true")

    page.follow(page.get_by_role("link", name="Submission types"))
    page.follow(page.get_by_role("link", name="Add a submission type"))
    page.get_by_label("Size limit (MB)").fill("500")
    page.submit(page.get_by_role("button", name="Save the type"))
    expect(page.get_by_role("alert")).to_be_focused()

    page.follow(page.get_by_role("link", name="Tracks"))
    page.follow(page.get_by_role("link", name="Add a track"))
    page.get_by_label("Name").fill("Storage")
    page.get_by_label("Colour code").fill("blue")
    page.submit(page.get_by_role("button", name="Save the track"))
    expect(page.get_by_label("Colour code")).to_have_attribute("aria-invalid", "true")

    page.follow(page.get_by_role("link", name="Questions"))
    page.follow(page.get_by_role("link", name="Travel grant?"))
    page.get_by_label("Kind of answer").select_option("single_choice")
    page.submit(page.get_by_role("button", name="Save the question"))
    expect(page.get_by_role("alert")).to_be_focused()

    page.follow(page.get_by_role("link", name="Late access codes"))
    page.get_by_label("Code (optional)").fill("LATE-ADA")
    page.get_by_role("checkbox", name="Talk").check()
    page.submit(page.get_by_role("button", name="Create the code"))
    expect(page.get_by_role("alert")).to_be_focused()

    page.goto(f"{manage}/submissions/")
    page.get_by_label("State").select_option("submitted")
    page.submit(page.get_by_role("button", name="Show"))
    page.follow(page.get_by_role("link", name="Title"))
    page.follow(page.get_by_role("link", name=submission.code))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Analytical engines")
    expect(page.get_by_text("Ada Lovelace: Yes")).to_be_visible()
