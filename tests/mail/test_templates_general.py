"""The mail templates of accounts, the team, the call for papers and review: each default renders
with a real record of an event (found by the template's own ``sample``), every placeholder it
offers gives its value, text typed by users is escaped in the HTML part, and subjects stay on
one line. The event is built through the domain functions, so the mails their call sites
queued are checked too."""

from __future__ import annotations

import datetime as dt
import html

import pytest
import sqlalchemy as sa

from conference.accounts import users as accounts
from conference.cfp import submissions as ops
from conference.cfp.enums import Decision
from conference.events import team
from conference.events.enums import TeamRole
from conference.extensions import db
from conference.mail import registry
from conference.mail.models import OutboxMessage
from conference.mail.registry import MailContext
from conference.review import assignment, decisions, discussion, reviews
from conference.review import progress as review_progress
from conference.review import setup as review_setup
from conference.review.common import ensure_review_settings

from .. import factories
from ..cfp.builders import DURING, make_call, submitted_talk

UTC = dt.UTC
REVIEW_DEADLINE = dt.datetime(2030, 6, 1, 10, 0, tzinfo=UTC)

# What users type, with markup and ampersands in it.
TITLE = 'Tides <script>alert("t")</script> & "waves"'
AUTHOR = "Zoë <script>alert('a')</script> & Co"
ORGANISER = "Olga <script>o</script> & Sons"
REVIEWER = "Rhea <b>Reviewer</b> & Friends"
COAUTHOR = "Carl <i>Co</i> & Author"
MESSAGE = "Join <us> & review!\nThanks."
REASON = "Data <b>not</b> cleared\n& more to do."
COMMENT = "I <em>liked</em> it & would accept."
TO_AUTHORS = "Clear <u>and</u> useful & short."
TYPED = [TITLE, AUTHOR, ORGANISER, REVIEWER, COAUTHOR, MESSAGE, REASON, COMMENT, TO_AUTHORS]

OWN = ["verify_email", "reset_password", "account_exists", "team_invitation", "submission_received", "coauthor_invitation",
       "submission_withdrawn", "review_assigned", "review_reminder", "discussion_comment", "decision_rejected",
       "confirmation_reminder"]

# A phrase of each default that people rely on.
KEY_PHRASES = {
    "verify_email": "Please confirm your email address by opening this link:",
    "reset_password": "To choose a new password, open this link:",
    "account_exists": "You already have an account, so no second one was created.",
    "team_invitation": "invites you to join the team of",
    "submission_received": "has been received.",
    "coauthor_invitation": "listed you as an author of a submission to",
    "submission_withdrawn": "withdrew submission",
    "review_assigned": "You have been asked to review for",
    "review_reminder": "These reviews for",
    "discussion_comment": "commented on the committee's discussion of submission",
    "decision_rejected": "We regret that we could not accept it.",
    "confirmation_reminder": "Please confirm that you will present it, or withdraw it if you cannot",
}

# Values a real record leaves empty on purpose: someone invited by address has no name yet.
EMPTY = {"team_invitation": {"recipient_name"}}


@pytest.fixture
def world(db):
    """An event where every one of these mails has been sent once, through the domain."""
    call = make_call()
    event, organiser = call.event, call.organiser
    organiser.name = ORGANISER
    event.venue = "Hall <B> & C"
    settings = ensure_review_settings(event)
    settings.review_deadline = REVIEW_DEADLINE
    settings.reviews_to_authors = True
    criterion = review_setup.save_criterion(event, actor=organiser, name="Originality", scale_min=1, scale_max=5,
                                            labels={}, weight=1.0, required=True)
    author = factories.make_user(name=AUTHOR, email="zoe@authors.example")
    reviewer = factories.make_user(name=REVIEWER, email="rhea@reviewers.example", timezone="America/New_York")
    factories.add_role(event, reviewer, TeamRole.REVIEWER)
    accounts.send_verification(author)
    accounts.request_password_reset(email=author.email)
    accounts.sign_up(email=author.email, name="Someone Else", password="a long passphrase")  # the address is taken
    team.invite_member(event, actor=organiser, email="newcomer@example.org", role=TeamRole.REVIEWER,
                       message=MESSAGE, track_ids=[call.data.id])

    paper = ops.create_draft(event, actor=author, now=DURING, title=TITLE, abstract="About tides.",
                             type_id=call.talk.id, track_id=call.data.id, keywords="tides")
    ops.add_author(paper, actor=author, name=COAUTHOR, email="carl@authors.example", now=DURING)
    ops.submit(paper, actor=author, now=DURING)
    rejected = submitted_talk(call, author, title=TITLE + " (second)")
    accepted = submitted_talk(call, author, title=TITLE + " (third)")
    withdrawn = submitted_talk(call, author, title=TITLE + " (fourth)")
    ops.withdraw(withdrawn, actor=author, reason=REASON, now=DURING)

    assignment.assign(rejected, reviewer, actor=organiser)
    assignment.assign(paper, reviewer, actor=organiser)
    reviews.save_review(rejected.assignment_of(reviewer), actor=reviewer, scores={criterion.id: 2}, confidence=3,
                        comments_to_authors=TO_AUTHORS, comments_to_committee="", answers={}, submit=True)
    discussion.post_comment(rejected, actor=organiser, body=COMMENT)
    review_progress.remind_reviewers(event, actor=organiser)

    decisions.stage_decision(rejected, actor=organiser, decision=Decision.REJECT)
    decisions.stage_decision(accepted, actor=organiser, decision=Decision.ACCEPT)
    decisions.release_decisions(event, actor=organiser)
    decisions.remind_unconfirmed(event, actor=organiser)
    db.session.flush()
    return event


def context_for(spec, event) -> MailContext:
    found = spec.sample(event)
    assert found is not None, f"{spec.key}: no sample in an event that has the record"
    data, name, address, user = found
    # Account mails belong to no event, as queue_mail sends them.
    return MailContext(event=event if spec.per_event else None, recipient_name=name, recipient_email=address,
                       user=user, data=data)


def html_forms(placeholder, value: str) -> list[str]:
    """How ``value`` must appear in the HTML part: escaped, a line at a time for blocks."""
    if placeholder.kind == "block":
        return [html.escape(line) for line in value.split("\n") if line.strip()]
    return [html.escape(value)]


def test_every_mail_of_these_areas_is_a_registered_template():
    assert set(OWN) <= set(registry.TEMPLATES)
    editable = {spec.key for spec in registry.per_event()}
    assert set(OWN) - editable == {"verify_email", "reset_password", "account_exists"}
    for key in OWN:
        spec = registry.get(key)
        assert registry.unknown_placeholders(spec, str(spec.subject), str(spec.body)) == []
        assert spec.sample is not None and str(spec.label) and str(spec.when) and str(spec.group)


@pytest.mark.parametrize("key", OWN)
def test_the_default_renders_with_a_real_record_of_the_event(world, key):
    spec = registry.get(key)
    rendered = registry.render(spec, context_for(spec, world))

    assert KEY_PHRASES[key] in rendered.text
    assert "{" not in rendered.subject + rendered.text and "}" not in rendered.subject + rendered.text
    assert rendered.subject and "\n" not in rendered.subject
    assert "<script" not in rendered.html.lower()
    assert html.escape(KEY_PHRASES[key], quote=False) in rendered.html


@pytest.mark.parametrize("key", OWN)
def test_the_mails_queued_by_the_domain_are_complete(world, key):
    rows = list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == key)))
    assert rows, f"the domain sent no {key}"
    for row in rows:
        assert KEY_PHRASES[key] in row.body_text
        assert "{" not in row.subject + row.body_text and "\n" not in row.subject
        assert "<script" not in row.body_html.lower()


@pytest.mark.parametrize("key", OWN)
def test_an_override_with_every_placeholder_renders_every_value(world, key):
    spec = registry.get(key)
    context = context_for(spec, world)
    placeholders = spec.placeholders
    body = "\n\n".join(f"{name}: {{{name}}}" for name in placeholders)

    rendered = registry.render(spec, context, subject="{recipient_email}", body=body)

    assert "{" not in rendered.text and "}" not in rendered.text
    empty = set()
    for name, placeholder in placeholders.items():
        value = str(placeholder.value(context) or "")
        if not value.strip():
            empty.add(name)
            continue
        assert f"{name}: {value}" in rendered.text, name
        for form in html_forms(placeholder, value):
            assert form in rendered.html, (name, form)
    assert empty == EMPTY.get(key, set())


@pytest.mark.parametrize("key", OWN)
def test_what_users_typed_is_escaped_in_html_and_plain_in_text(world, key):
    spec = registry.get(key)
    context = context_for(spec, world)
    body = "\n\n".join(f"{{{name}}}" for name in spec.placeholders)

    for rendered in (registry.render(spec, context),
                     registry.render(spec, context, subject=str(spec.subject), body=body)):
        shown = [typed for typed in TYPED if any(line in rendered.text for line in typed.split("\n"))]
        assert shown, key
        for typed in shown:
            for line in typed.split("\n"):
                assert line in rendered.text
                assert html.escape(line) in rendered.html
        assert "<script" not in rendered.html.lower() and "<b>" not in rendered.html
        assert "<em>" not in rendered.html and "<u>" not in rendered.html and "<us>" not in rendered.html


def test_the_invitation_shows_the_inviter_tracks_and_message(world):
    invitation = registry.get("team_invitation")
    rendered = registry.render(invitation, context_for(invitation, world))
    assert ORGANISER in rendered.text and html.escape(ORGANISER) in rendered.html
    assert "Join <us> & review!" in rendered.text and "Join &lt;us&gt; &amp; review!" in rendered.html
    assert rendered.text.startswith("Hello,\n")
    assert "For these tracks: Data standards." in rendered.text
    assert "You do not need an account yet" in rendered.text
    verify = registry.get("verify_email")
    rendered = registry.render(verify, context_for(verify, world))
    assert f"Hello {ORGANISER}," in rendered.text and html.escape(ORGANISER) in rendered.html


def test_a_preview_never_carries_a_working_token(world):
    """An organiser previewing must not get a link that resets someone's password, accepts an
    invitation or a co-authorship in their name."""
    links = {"reset_password": "http://conference.test/auth/reset/preview",
             "verify_email": "http://conference.test/auth/verify/preview",
             "team_invitation": "http://conference.test/invitations/preview",
             "coauthor_invitation": "http://conference.test/coauthorship/preview"}
    for key, link in links.items():
        spec = registry.get(key)
        context = context_for(spec, world)
        assert context["link"] == link
        assert link in registry.render(spec, context).text
    sent = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template.in_(list(links)))).all()
    assert len(sent) == len(links) and not any("/preview" in row.body_text for row in sent)


@pytest.mark.parametrize("key", OWN)
def test_the_subject_stays_on_one_line(world, key):
    spec = registry.get(key)
    context = context_for(spec, world)
    subject = " \n ".join(f"{{{name}}}" for name in spec.placeholders) + "\r\nBcc: everyone@example.org"

    rendered = registry.render(spec, context, subject=subject, body=str(spec.body))

    assert "\n" not in rendered.subject and "\r" not in rendered.subject
    assert "\n" not in registry.render(spec, context).subject


@pytest.mark.parametrize("key", [k for k in OWN if registry.get(k).per_event])
def test_an_event_without_the_record_has_no_sample(db, key):
    assert registry.get(key).sample(factories.make_event()) is None


def test_the_review_mails_give_the_deadline_in_the_reviewers_own_zone(world):
    for key in ("review_assigned", "review_reminder"):
        spec = registry.get(key)
        rendered = registry.render(spec, context_for(spec, world))
        assert "Jun 1, 2030, 6:00\u202fAM (America/New_York)" in rendered.text, key
    reminder = registry.get("review_reminder")
    subject = registry.render(reminder, context_for(reminder, world)).subject
    assert subject == f"Reminder: 1 review missing for {world.title}"
