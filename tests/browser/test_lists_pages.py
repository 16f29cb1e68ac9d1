"""The organisers' long lists in Chromium: on a 1366×900 screen the submissions list shows 25
rows or more in its first screen; on a 390-pixel phone no list (nor a delegation's page) is wider
than the phone (its tables scroll inside their region); ticking every row, confirming and undoing
a bulk change of track; every page passes the ``page`` fixture's axe-core and CSP checks."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from conference.cfp import setup as cfp_setup
from conference.cfp import submissions
from conference.cfp.models import Submission
from conference.delegations import delegations
from conference.events.models import Track

from .. import factories
from ..delegations.builders import claim, delegation_path, delegation_world, organiser_of
from ..registration.builders import add_category, open_form, register_now
from ..review.builders import add_review, make_committee, make_submission
from .test_account_and_event_journey import expect, log_in

UTC = dt.UTC
DURING = dt.datetime(2027, 2, 1, 12, 0, tzinfo=UTC)

ROWS_IN_VIEW = """() => {
  const rows = Array.from(document.querySelectorAll('table.list-table tbody tr'));
  return rows.filter(r => { const b = r.getBoundingClientRect();
    return b.top >= 0 && b.bottom <= window.innerHeight && b.height > 0; }).length;
}"""
PAGE_WIDTH = "() => document.documentElement.scrollWidth"


def _call_with_submissions(organiser, count: int):
    event = factories.make_event(organiser=organiser, title="Paper Symposium", slug="paper-symposium")
    cfp_setup.configure_call(event, actor=organiser, opens_at=dt.datetime(2027, 1, 10, tzinfo=UTC),
                             deadline=dt.datetime(2027, 6, 1, tzinfo=UTC))
    talk = cfp_setup.save_submission_type(event, actor=organiser, name="Talk")
    networks = cfp_setup.save_track(event, actor=organiser, name="Networks")
    cfp_setup.save_track(event, actor=organiser, name="Storage systems and their long-term preservation")
    for i in range(count):
        author = factories.make_user(name=f"Author {i:02d} with a rather long name")
        submission = submissions.create_draft(
            event, actor=author, now=DURING, type_id=talk.id, track_id=networks.id, keywords="computing, history",
            title=f"Paper {i:02d}: a study of analytical engines, their cogs and the people who built them",
            abstract="Cogs.")
        submissions.add_author(submission, actor=author, name=f"Co-author {i:02d}", email=f"co{i}@example.org",
                               affiliation="Lab", is_presenter=False, is_corresponding=False, now=DURING)
        submissions.submit(submission, actor=author, now=DURING)
    return event


def networks_of(db, event):
    return db.session.scalar(sa.select(Track).where(Track.event_id == event.id, Track.name == "Networks"))


def test_submissions_list_fills_a_laptop_screen_and_fits_a_phone(page, committed_db):
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    event = _call_with_submissions(organiser, 60)
    committed_db.session.commit()
    listing = f"/events/{event.slug}/manage/submissions/"

    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, organiser.email, factories.DEFAULT_PASSWORD)
    page.goto(listing)
    assert page.evaluate(ROWS_IN_VIEW) >= 25
    assert page.evaluate(PAGE_WIDTH) <= 1366
    expect(page.get_by_text("1–50 of 60")).to_have_count(2)
    # Scrolled down its region, the table keeps its header at the region's top.
    scrolled, gap = page.evaluate("""() => { const region = document.querySelector('.list-scroll');
      region.scrollTop = 600; const head = region.querySelector('thead');
      return [region.scrollTop, head.getBoundingClientRect().top - region.getBoundingClientRect().top]; }""")
    assert scrolled > 0 and abs(gap) < 2

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(listing)
    assert page.evaluate(PAGE_WIDTH) <= 390

    # Tick the whole page, set its track after the confirmation, then undo.
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(listing)
    page.get_by_role("checkbox", name="Tick every submission of this page").check()
    page.get_by_label("Set the track of the ticked rows to").select_option(label="Storage systems and their "
                                                                                 "long-term preservation")
    page.submit(page.get_by_role("button", name="Set the track…"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Set the track of 50 submissions to Storage systems and their long-term preservation?")
    page.submit(page.get_by_role("button", name="Set the track of 50 submissions"))
    expect(page.get_by_role("status").first).to_contain_text("The track of 50 submissions is now Storage")
    expect(page.get_by_text("You set the track of 50 submissions to Storage")).to_be_visible()
    page.submit(page.get_by_role("button", name="Undo"))
    expect(page.get_by_role("status").first).to_contain_text("Undone: 50 submissions are back in their previous")
    committed_db.session.rollback()
    tracks = committed_db.session.scalars(sa.select(Submission.track_id).where(Submission.event_id == event.id))
    assert set(tracks) == {networks_of(committed_db, event).id}


def test_ranking_fits_a_laptop_and_a_phone_and_ticks_every_row(page, committed_db):
    committee = make_committee(slug="ranked")
    for i in range(6):
        submission = make_submission(committee, title=f"Open data in practice, volume {i}: a long look at portals",
                                     author=factories.make_user(name=f"Author {i}"))
        add_review(committee, submission, committee.reviewers[0], originality=1 + i % 5, relevance=i % 4)
        add_review(committee, submission, committee.reviewers[1], originality=5, relevance=0)
    committed_db.session.commit()
    ranking = "/events/ranked/review/ranking"

    log_in(page, committee.organiser.email, factories.DEFAULT_PASSWORD)
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(ranking)
        assert page.evaluate(PAGE_WIDTH) <= width
    # The header box ticks every row, and unticks them.
    tick_all = page.get_by_role("checkbox", name="Tick every submission of this page")
    tick_all.check()
    expect(page.locator('input[name="codes"]:checked')).to_have_count(6)
    tick_all.uncheck()
    expect(page.locator('input[name="codes"]:checked')).to_have_count(0)


def test_a_delegation_page_fits_a_phone(page, committed_db):
    world = delegation_world(slug="phone-assembly", in_person=1)
    delegations.nominate(world.unep, actor=world.organiser, email="nadia.with.a.long.address@unep.org",
                         name="Nadia Nominee")
    claim(world, email="first.claimant@unep.org", name="First Claimant")
    claim(world, email="second.claimant.with.a.long.address@unep.org", name="Second Claimant")
    committed_db.session.commit()

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, world.fatima.email, factories.DEFAULT_PASSWORD)
    page.goto(delegation_path(world))
    expect(page.get_by_role("heading", level=1)).to_contain_text("UN Environment Programme")
    assert page.evaluate(PAGE_WIDTH) <= 390


def test_registration_list_fits_a_phone(page, committed_db):
    form = open_form(slug="phone-registrations", title="Members and observers")
    members = add_category(form, "Member agency with a rather long category name", in_person=100)
    for i in range(30):
        register_now(form, members, name=f"Participant {i:02d} with a long name",
                     email=f"participant.{i:02d}.with.a.long.address@example.org", affiliation="A long affiliation")
    committed_db.session.commit()
    organiser = organiser_of(form.event)

    log_in(page, organiser.email, factories.DEFAULT_PASSWORD)
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"/events/{form.event.slug}/manage/registrations?size=25")
        expect(page.get_by_text("1–25 of 30")).to_have_count(2)
        assert page.evaluate(PAGE_WIDTH) <= width


def test_user_list_fits_a_phone(page, committed_db):
    admin = factories.make_user(name="Ada Admin", is_admin=True)
    for i in range(30):
        factories.make_user(name=f"Person {i:02d} with a long name", email=f"person.{i:02d}.long.address@example.org")
    committed_db.session.commit()

    log_in(page, admin.email, factories.DEFAULT_PASSWORD)
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/admin/users?size=25")
        expect(page.get_by_text("1–25 of 31")).to_have_count(2)
        assert page.evaluate(PAGE_WIDTH) <= width
