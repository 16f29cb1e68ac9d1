"""The delegation journey end to end in Chromium, every page checked by axe-core and for CSP
violations: a focal point nominates a colleague from their delegation page; the colleague
receives the mail (over SMTP), registers from its link and is confirmed at once; another person
registers naming the organisation, is told by mail (with the link to their page) that they wait
for the focal point, who approves them; the
organiser then sees the delegation complete (its quota reached) in the delegations overview."""

from __future__ import annotations

import re

import sqlalchemy as sa

from conference.delegations import delegations
from conference.registration.enums import RegistrationState
from conference.registration.models import Registration

from .. import factories
from ..conftest import first_link, message_text
from ..delegations.builders import organiser_of
from ..registration.builders import add_category, open_form
from .test_account_and_event_journey import expect, fresh, log_in


def states(db) -> dict[str, RegistrationState]:
    return {email: state for email, state in fresh(db).execute(sa.select(Registration.email, Registration.state))}


def test_nominate_register_claim_approve_and_the_organiser_sees_the_delegation_complete(
        page, new_page, live_server, live_mail, committed_db):
    form = open_form(slug="delegation-journey", title="Members and observers")
    event = form.event
    organiser = organiser_of(event)
    members = add_category(form, "Member agency", in_person=50)
    unep = delegations.save_organisation(event, actor=organiser, name="UN Environment Programme", acronym="UNEP",
                                         email_domains="unep.org", quota_in_person=2, category=members)
    fatima = factories.make_user(name="Fatima Focal", email="fatima@unep.org")
    delegations.add_focal_point(unep, actor=organiser, email=fatima.email)
    committed_db.session.commit()
    live_server.deliver_mail()  # the focal point's own invitation
    live_mail.messages.clear()

    # The focal point reaches her delegation from the event page and nominates a colleague.
    log_in(page, fatima.email, factories.DEFAULT_PASSWORD)
    page.goto(f"/events/{event.slug}/")
    page.follow(page.get_by_role("link", name="Your delegation: UN Environment Programme (UNEP)"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Delegation of UN Environment Programme (UNEP)")
    page.get_by_label("Colleague's email address").fill("nadia@unep.org")
    page.get_by_label("Colleague's name (optional)").fill("Nadia Nominee")
    page.get_by_label("Message to include in the invitation (optional)").fill("Please join us in Vienna.")
    page.submit(page.get_by_role("button", name="Nominate", exact=True))
    expect(page.get_by_role("status")).to_contain_text("nadia@unep.org is nominated")
    expect(page.get_by_role("row", name=re.compile("nadia@unep.org"))).to_contain_text("Nadia Nominee")

    # The colleague gets the mail and registers from its link, straight into the delegation.
    assert live_server.deliver_mail().sent == 1
    [mail] = live_mail.messages
    assert mail["to"] == ["nadia@unep.org"]
    body = message_text(mail["message"])
    assert "Please join us in Vienna." in body
    colleague = new_page()
    colleague.goto(first_link(body).replace("http://conference.test", ""))
    expect(colleague.get_by_text("You register with the delegation of UN Environment Programme (UNEP)")).to_be_visible()
    expect(colleague.get_by_label(re.compile("^Name"))).to_have_value("Nadia Nominee")
    colleague.get_by_role("checkbox", name=re.compile("^I agree")).check()
    colleague.submit(colleague.get_by_role("button", name="Register"))
    expect(colleague.get_by_role("status").first).to_contain_text("your registration is confirmed")
    assert states(committed_db) == {"nadia@unep.org": RegistrationState.CONFIRMED}

    # Someone else registers naming the organisation, and waits for its focal point.
    other = new_page()
    other.goto(f"/events/{event.slug}/register")
    other.get_by_label(re.compile("^Name")).fill("Omar Other")
    other.get_by_label(re.compile("^Email address")).fill("omar@unep.org")
    other.get_by_role("radio", name="Member agency").check()
    other.get_by_label("Organisation (optional)").select_option(label="UN Environment Programme (UNEP)")
    other.get_by_role("checkbox", name=re.compile("^I agree")).check()
    other.submit(other.get_by_role("button", name="Register"))
    expect(other.get_by_role("status").first).to_have_text(
        "We have sent a mail to omar@unep.org. Follow the link in it to see your registration.")
    live_mail.messages.clear()
    assert live_server.deliver_mail().sent == 3  # Nadia's confirmation; to Omar, and to the focal point about him
    [received] = [m for m in live_mail.messages if m["to"] == ["omar@unep.org"]]
    other.goto(first_link(message_text(received["message"])))
    expect(other.get_by_text("Awaiting approval by the focal point of UN Environment Programme.")).to_be_visible()
    assert states(committed_db)["omar@unep.org"] == RegistrationState.PENDING

    # The focal point approves them: the quota of 2 in person is reached.
    page.goto(f"/events/{event.slug}/delegations/{unep.id}")
    waiting = page.get_by_role("region", name=re.compile("^Waiting for your decision"))
    expect(waiting).to_contain_text("Omar Other")
    page.submit(waiting.get_by_role("button", name="Approve Omar Other", exact=True))
    expect(page.get_by_role("status")).to_contain_text("Omar Other is approved and told by mail.")
    assert states(committed_db)["omar@unep.org"] == RegistrationState.CONFIRMED
    places = page.get_by_role("row", name=re.compile("^In person"))
    expect(places).to_have_text(re.compile(r"In person\s*2\s*2\s*0\s*0\s*0\s*0"))

    # The organiser sees the delegation complete in the delegations overview.
    desk = new_page()
    log_in(desk, organiser.email, factories.DEFAULT_PASSWORD)
    desk.goto(f"/events/{event.slug}/manage/delegations")
    row = desk.get_by_role("row", name=re.compile("^UN Environment Programme"))
    expect(row).to_contain_text("0 (full)")
    desk.follow(row.get_by_role("link", name="UN Environment Programme (UNEP)"))
    expect(desk.get_by_role("region", name=re.compile("^Delegates"))).to_contain_text("Nadia Nominee")
    expect(desk.get_by_role("region", name=re.compile("^Delegates"))).to_contain_text("Omar Other")
