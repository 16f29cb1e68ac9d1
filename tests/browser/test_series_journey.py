"""An organiser makes this year's symposium from last year's in Chromium: the page's error next to
its field, then the new event with its call and registration set up; the series page lists both
editions. Every page passes axe-core and the CSP check of the ``page`` fixture."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from conference.cfp import setup as cfp_setup
from conference.events.series import create_series
from conference.registration.models import ParticipantCategory, RegistrationForm
from conference.registration.places import ensure_registration_settings

from .. import factories
from .test_account_and_event_journey import expect, log_in

UTC = dt.UTC


def test_organiser_clones_last_years_symposium(page, committed_db):
    db = committed_db
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    series = create_series(actor=organiser, name="Technical symposium of the task force", slug="technical-symposium",
                           frequency="yearly", description="Every year.")
    start = dt.date.today() - dt.timedelta(days=200)
    last_year = factories.make_event(organiser=organiser, title="Technical symposium 2026", slug="symposium-last",
                                     published=True, start_date=start, series_id=series.id)
    cfp_setup.configure_call(last_year, actor=organiser, opens_at=dt.datetime.combine(start, dt.time(9), UTC)
                             - dt.timedelta(days=90), deadline=dt.datetime.combine(start, dt.time(9), UTC)
                             - dt.timedelta(days=30))
    cfp_setup.save_submission_type(last_year, actor=organiser, name="Technical paper")
    ensure_registration_settings(last_year)
    form = RegistrationForm(event_id=last_year.id, title="Delegates", opens_at=dt.datetime.combine(
        start, dt.time(9), UTC) - dt.timedelta(days=60), closes_at=dt.datetime.combine(start, dt.time(9), UTC))
    db.session.add(form)
    db.session.flush()
    db.session.add(ParticipantCategory(event_id=last_year.id, form_id=form.id, name="Member agency"))
    db.session.commit()

    log_in(page, organiser.email, factories.DEFAULT_PASSWORD)
    page.goto(f"/events/{last_year.slug}/edit")
    page.follow(page.get_by_role("link", name="New event from this one"))
    expect(page.get_by_role("heading", level=1)).to_have_text("New event from an earlier one")
    expect(page.get_by_label("Earlier event")).to_have_value(last_year.slug)
    page.get_by_label("Title of the new event").fill("Technical symposium 2027")
    page.get_by_label("Web address").fill(last_year.slug)  # taken
    next_start = start + dt.timedelta(days=364)
    page.get_by_label("First day").fill(next_start.isoformat())
    page.submit(page.get_by_role("button", name="Create event"))
    expect(page.get_by_label("Web address")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Another event already uses this address.").first).to_be_visible()
    page.get_by_label("Web address").fill("symposium-next")
    page.submit(page.get_by_role("button", name="Create event"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Technical symposium 2027")
    expect(page.get_by_role("link", name="Technical symposium of the task force")).to_be_visible()
    page.goto("/events/symposium-next/manage/call")
    expect(page.get_by_label("Opens")).to_have_value(
        (dt.datetime.combine(start, dt.time(9), UTC) - dt.timedelta(days=90) + dt.timedelta(days=364))
        .astimezone(zoneinfo.ZoneInfo("Europe/Zurich")).strftime("%Y-%m-%dT%H:%M"))
    page.goto("/events/symposium-next/manage/call/types/")
    expect(page.get_by_text("Technical paper").first).to_be_visible()
    page.goto("/events/symposium-next/manage/registration")
    expect(page.get_by_role("heading", name="Delegates")).to_be_visible()
    expect(page.get_by_text("Member agency").first).to_be_visible()

    page.goto("/events/symposium-next/")
    page.submit(page.get_by_role("button", name="Publish event"))
    page.follow(page.get_by_role("link", name="Technical symposium of the task force"))
    expect(page.get_by_role("region", name="Coming editions")).to_contain_text("Technical symposium 2027")
    expect(page.get_by_role("region", name="Past editions")).to_contain_text("Technical symposium 2026")
    page.goto(f"/series/{series.slug}/edit")  # the series' own form, for the organiser who made it
    expect(page.get_by_role("heading", level=1)).to_be_visible()
