"""The organisers' mail template editor: the list with the event's own versions, saving with
the placeholders checked by name, going back to the default, the preview with a real record,
and the saved version being what the next mail says."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conference.cfp.enums import Decision
from conference.core.models import AuditEntry
from conference.errors import NotAllowed, ValidationFailed
from conference.events.enums import TeamRole
from conference.extensions import db
from conference.group_mail import template_admin as admin
from conference.mail import mailer, registry
from conference.mail.models import MailTemplate
from conference.review import decisions

from .. import factories
from ..mail.builders import outbox
from ..query_counting import counting
from ..review.builders import make_committee, make_submission

KEY = "decision_accepted"
SUBJECT = "Welcome aboard, {recipient_name}: {submission_title}"
BODY = "Dear {recipient_name},\n\n**{submission_title}** is in {event_title}.\n\nConfirm here: {link}\n"


@pytest.fixture
def committee(db):
    return make_committee(reviewers=1)


def overrides(event) -> list[tuple[str, str, str]]:
    query = (sa.select(MailTemplate.key, MailTemplate.subject, MailTemplate.body)
             .where(MailTemplate.event_id == event.id))
    return [tuple(row) for row in db.session.execute(query.order_by(MailTemplate.key))]


def audit_entries(event, action):
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.event_id == event.id,
                                                               AuditEntry.action == action).order_by(AuditEntry.id)))


def test_rows_list_every_per_event_template_with_the_events_own_versions_in_one_query(committee):
    event = committee.event
    admin.save_template(event, KEY, subject=SUBJECT, body=BODY, actor=committee.organiser)
    other = make_committee(reviewers=0)  # another event's version changes nothing here
    admin.save_template(other.event, KEY, subject="Theirs", body="Theirs", actor=other.organiser)
    db.session.flush()

    with counting(db) as statements:
        rows = admin.template_rows(event)

    assert len(statements) == 1
    assert [row.spec.key for row in rows] == [spec.key for spec in registry.per_event()]
    assert "reset_password" not in [row.spec.key for row in rows]  # account mails belong to no event
    assert [row.spec.key for row in rows if row.customised] == [KEY]
    assert next(row for row in rows if row.spec.key == KEY).updated_at is not None
    groups = admin.by_group(rows)
    assert [row for _group, grouped in groups for row in grouped] == rows  # each group's rows, in order
    assert [str(rows[0].spec.group)] == [groups[0][0]]


def test_save_stores_then_updates_the_events_version_and_audits_it(committee):
    event, organiser = committee.event, committee.organiser
    assert admin.current_text(event, KEY) == admin.TemplateText(
        spec=registry.get(KEY), subject=str(registry.get(KEY).subject),
        body=str(registry.get(KEY).body), customised=False)

    admin.save_template(event, KEY, subject="First try {recipient_name}", body="First {link}", actor=organiser)
    admin.save_template(event, KEY, subject=SUBJECT, body=BODY, actor=organiser)

    assert overrides(event) == [(KEY, SUBJECT, BODY.rstrip("\n"))]
    text = admin.current_text(event, KEY)
    assert (text.subject, text.body, text.customised) == (SUBJECT, BODY.rstrip("\n"), True)
    saved = audit_entries(event, "mail.template_saved")
    assert [(e.actor_id, e.details["key"], e.details["created"]) for e in saved] == [
        (organiser.id, KEY, True), (organiser.id, KEY, False)]
    row = db.session.scalars(sa.select(MailTemplate).filter_by(event_id=event.id)).one()
    assert row.updated_by_id == organiser.id


def test_first_save_cleans_the_subject_and_line_ends(committee):
    admin.save_template(committee.event, KEY, subject="  Hello   {recipient_name} ",
                        body="Line one\r\nLine two {link}\r\n", actor=committee.organiser)
    assert overrides(committee.event) == [(KEY, "Hello {recipient_name}", "Line one\nLine two {link}")]


def test_unknown_placeholder_is_refused_by_name_on_its_field(committee):
    with pytest.raises(ValidationFailed) as refused:
        admin.save_template(committee.event, KEY, subject="About {sumbission_title}",
                            body="Hello {recipient_name}, see {room} and {agenda_link}.", actor=committee.organiser)
    assert refused.value.errors == {
        "subject": "Unknown placeholder {sumbission_title}: use one of the placeholders listed.",
        "body": "Unknown placeholders {room} and {agenda_link}: use the placeholders listed.",
    }
    assert overrides(committee.event) == []
    assert audit_entries(committee.event, "mail.template_saved") == []


def test_empty_subject_or_body_is_refused(committee):
    with pytest.raises(ValidationFailed) as refused:
        admin.save_template(committee.event, KEY, subject="   ", body="\r\n  \r\n", actor=committee.organiser)
    assert refused.value.errors == {"subject": "Write a subject.", "body": "Write the message."}
    assert overrides(committee.event) == []


def test_only_organisers_change_templates(committee):
    outsider = factories.make_user()
    for person in (committee.reviewers[0], committee.chair, outsider):
        with pytest.raises(NotAllowed):
            admin.save_template(committee.event, KEY, subject=SUBJECT, body=BODY, actor=person)
    admin.save_template(committee.event, KEY, subject=SUBJECT, body=BODY, actor=committee.organiser)
    with pytest.raises(NotAllowed):
        admin.reset_template(committee.event, KEY, actor=committee.reviewers[0])
    assert overrides(committee.event) == [(KEY, SUBJECT, BODY.rstrip("\n"))]


def test_account_and_unknown_templates_are_not_editable_per_event(committee):
    assert admin.editable("reset_password") is None and admin.editable("no_such_mail") is None
    assert admin.editable(KEY) is registry.get(KEY)
    with pytest.raises(KeyError):
        admin.save_template(committee.event, "reset_password", subject="Hi", body="Hi", actor=committee.organiser)


def test_reset_goes_back_to_the_default_and_audits(committee):
    event = committee.event
    admin.save_template(event, KEY, subject=SUBJECT, body=BODY, actor=committee.organiser)

    assert admin.reset_template(event, KEY, actor=committee.organiser) is True
    assert admin.reset_template(event, KEY, actor=committee.organiser) is False  # twice is harmless

    assert overrides(event) == []
    assert admin.current_text(event, KEY).customised is False
    assert admin.current_text(event, KEY).subject == str(registry.get(KEY).subject)
    [reset] = audit_entries(event, "mail.template_reset")
    assert (reset.actor_id, reset.details["key"], reset.details["subject"]) == (committee.organiser.id, KEY, SUBJECT)


def test_preview_renders_the_typed_text_with_a_real_record_and_saves_nothing(committee):
    author = factories.make_user(name="Ada <Author>")
    submission = make_submission(committee, title="Data <script>alert(1)</script> & more", author=author)

    preview = admin.preview(committee.event, KEY, subject=SUBJECT, body=BODY)

    assert (preview.recipient_name, preview.recipient_email) == ("Ada <Author>", author.email)
    assert preview.rendered.subject == "Welcome aboard, Ada <Author>: Data <script>alert(1)</script> & more"
    link = f"http://conference.test/events/{committee.event.slug}/submissions/{submission.code}"
    assert preview.rendered.text == (f"Dear Ada <Author>,\n\n**Data <script>alert(1)</script> & more** is in "
                                     f"{committee.event.title}.\n\nConfirm here: {link}\n")
    assert "<strong>Data &lt;script&gt;alert(1)&lt;/script&gt; &amp; more</strong>" in preview.content
    assert "<script>" not in preview.content and "<script>" not in preview.rendered.html
    assert f'<a href="{link}">{link}</a>' in preview.content
    assert str(preview.content) in preview.rendered.html  # the HTML part's own content
    assert preview.missing == ""
    assert overrides(committee.event) == []


def test_preview_prefers_a_record_the_template_is_about(committee):
    make_submission(committee, title="Still in review")
    accepted = make_submission(committee, title="Accepted one")
    decisions.stage_decision(accepted, actor=committee.organiser, decision=Decision.ACCEPT)
    decisions.release_decisions(committee.event, actor=committee.organiser)

    preview = admin.preview(committee.event, KEY, subject="{submission_title}", body="{submission_code}")

    assert (preview.rendered.subject, preview.rendered.text) == ("Accepted one", f"{accepted.code}\n")


def test_preview_without_a_record_says_so(committee):
    preview = admin.preview(committee.event, KEY, subject=SUBJECT, body=BODY)
    assert preview.rendered is None
    assert preview.missing.startswith("There is no record to preview with yet")


def test_preview_checks_the_placeholders_as_saving_does(committee):
    make_submission(committee)
    with pytest.raises(ValidationFailed) as refused:
        admin.preview(committee.event, KEY, subject=SUBJECT, body="Hello {nobody}")
    assert refused.value.errors == {"body": "Unknown placeholder {nobody}: use one of the placeholders listed."}


def test_the_saved_version_is_what_the_next_release_sends(committee):
    event = committee.event
    submission = make_submission(committee, title="Open data")
    decisions.stage_decision(submission, actor=committee.organiser, decision=Decision.ACCEPT)
    # The default is looked up (and cached for the session) before the organiser saves.
    assert mailer.template_text(registry.get(KEY), event)[0] == str(registry.get(KEY).subject)

    admin.save_template(event, KEY, subject=SUBJECT, body=BODY, actor=committee.organiser)
    decisions.release_decisions(event, actor=committee.organiser)

    [mail] = outbox(KEY)
    author = submission.authors[0]
    assert mail.subject == f"Welcome aboard, {author.name}: Open data"
    assert mail.body_text.startswith(f"Dear {author.name},\n\n**Open data** is in {event.title}.")
    assert "<strong>Open data</strong>" in mail.body_html


def test_saving_and_resetting_forget_the_cached_text(committee):
    event, spec = committee.event, registry.get(KEY)
    assert mailer.template_text(spec, event) == (str(spec.subject), str(spec.body))

    admin.save_template(event, KEY, subject=SUBJECT, body=BODY, actor=committee.organiser)
    assert mailer.template_text(spec, event) == (SUBJECT, BODY.rstrip("\n"))

    admin.reset_template(event, KEY, actor=committee.organiser)
    assert mailer.template_text(spec, event) == (str(spec.subject), str(spec.body))


def test_a_second_organiser_of_the_event_changes_templates_too(committee):
    factories.add_role(committee.event, committee.reviewers[0], TeamRole.ORGANISER)
    admin.save_template(committee.event, KEY, subject=SUBJECT, body=BODY, actor=committee.reviewers[0])
    assert overrides(committee.event) == [(KEY, SUBJECT, BODY.rstrip("\n"))]
