"""Mail about the call for papers: the acknowledgement of a submission, the invitation of a
co-author, and the notice to organisers that a submission was withdrawn."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from conference.cfp.enums import SubmissionState
from conference.cfp.models import Submission, SubmissionAuthor
from conference.core.links import external_url
from conference.core.lists import format_list
from conference.core.models import AuditEntry
from conference.events.enums import TeamRole
from conference.extensions import db
from conference.mail.placeholders import when
from conference.mail.registry import (
    MailContext,
    Placeholder,
    TemplateSpec,
    add_set,
    register,
)


def _submission_link(c: MailContext) -> str:
    submission = c["submission"]
    return external_url("cfp.show_submission", slug=submission.event.slug, code=submission.code)


add_set("submission", [
    # In the recipient's language where the authors or organisers gave one (mail renders in it).
    Placeholder("submission_title", _l("The submission's title"), lambda c: c["submission"].tr("title")),
    Placeholder("submission_code", _l("The submission's code"), lambda c: c["submission"].code),
    Placeholder("submission_track", _l("The submission's track"),
                lambda c: c["submission"].track.tr("name") if c["submission"].track else ""),
    Placeholder("submission_type", _l("The submission's type"),
                lambda c: c["submission"].type.tr("name") if c["submission"].type else ""),
    Placeholder("submission_link", _l("The submission's page"), _submission_link, kind="url"),
])


GROUP = _l("Call for papers")

# Preview links carry this instead of a real token (a co-author link would let whoever opens
# it join the submission).
PREVIEW_TOKEN = "preview"


def _latest_submission(event, *states):
    """The event's most recently created submission in ``states`` (any state: none given)."""
    query = sa.select(Submission).where(Submission.event_id == event.id).order_by(Submission.id.desc()).limit(1)
    if states:
        query = query.where(Submission.state.in_(states))
    return db.session.scalars(query).first()


# Acknowledgement ----------------------------------------------------------------------------------

def _received_sample(event):
    """The event's latest submission under review (else any submitted one, else a draft), to its
    first author."""
    submitted = [state for state in SubmissionState if state != SubmissionState.DRAFT]
    submission = (_latest_submission(event, SubmissionState.SUBMITTED) or _latest_submission(event, *submitted)
                  or _latest_submission(event))
    if submission is None or not submission.authors:
        return None
    author = submission.authors[0]
    data = {"submission": submission, "author": author, "edit_until": submission.edit_deadline()}
    return data, author.name, author.email, author.user


register(TemplateSpec(
    key="submission_received",
    group=GROUP,
    label=_l("Submission received"),
    when=_l("To every author of a submission, when it is submitted."),
    subject=_l("Submission {submission_code} received: {submission_title}"),
    body=_l("""Hello {recipient_name},

Your submission to {event_title} has been received.

- Code: {submission_code}
- Title: {submission_title}
- Type: {submission_type}
- Authors: {submission_authors}

You can change it until {edit_until}:

{submission_link}

Quote the code {submission_code} in any message about this submission."""),
    sets=("recipient", "event", "submission"),
    extra=(
        Placeholder("submission_authors", _l("The submission's authors, by name"),
                    lambda c: format_list(a.name for a in c["submission"].authors)),
        Placeholder("edit_until", _l("Until when the authors may still change the submission"),
                    lambda c: when(c, c.get("edit_until"))),
    ),
    sample=_received_sample,
))


# Co-author invitation -----------------------------------------------------------------------------

def _title_or_placeholder(c: MailContext) -> str:
    return c["submission"].tr("title") or _("(no title yet)")


def _inviter(c: MailContext) -> str:
    inviter = c.get("inviter")
    return inviter.display_name if inviter is not None else ""


def _how_to_open(c: MailContext) -> str:
    if c.get("has_account"):
        return _("It is on your dashboard. Open it here:")
    return _("To see it, open this link and create an account with this address (or log in):")


def _coauthor_sample(event):
    """A co-author (an author who is not the submitter) of the event's latest submission that
    has one, else the first author of any; the link carries no working token."""
    author = db.session.scalars(
        sa.select(SubmissionAuthor).join(Submission, Submission.id == SubmissionAuthor.submission_id)
        .where(Submission.event_id == event.id)
        .order_by((SubmissionAuthor.position == 0), SubmissionAuthor.id.desc()).limit(1)
    ).first()
    if author is None:
        return None
    submission = author.submission
    data = {"submission": submission, "author": author, "inviter": submission.submitter,
            "has_account": author.user_id is not None,
            "link": external_url("cfp.accept_coauthorship", token=PREVIEW_TOKEN)}
    return data, author.name, author.email, author.user


register(TemplateSpec(
    key="coauthor_invitation",
    group=GROUP,
    label=_l("Co-author invitation"),
    when=_l("To a person added as an author of a submission, with a link to see it."),
    subject=_l('You are listed as an author of "{submission_title}"'),
    body=_l("""Hello {recipient_name},

{inviter_name} listed you as an author of a submission to {event_title}:

**{submission_title}** [{submission_code}]

{how_to_open}

{link}

If you are not an author of this work, tell the organisers at {event_contact}."""),
    sets=("recipient", "event", "submission", "link"),
    extra=(
        # A draft may have no title yet.
        Placeholder("submission_title", _l('The submission\'s title ("(no title yet)" while it has none)'),
                    _title_or_placeholder),
        Placeholder("inviter_name", _l("The author who added the recipient"), _inviter),
        Placeholder("how_to_open", _l("How the recipient gets to the submission: from their dashboard, or by "
                                      "creating an account with this address"), _how_to_open),
    ),
    sample=_coauthor_sample,
))


# Withdrawal notice --------------------------------------------------------------------------------

def _reason(c: MailContext) -> str:
    reason = (c.get("reason") or "").strip()
    return _("Reason given:") + "\n" + reason if reason else ""


def _withdrawn_sample(event):
    """The event's latest withdrawn submission (else any), to the first organiser, with who
    withdrew it and why as the audit log recorded it."""
    submission = _latest_submission(event, SubmissionState.WITHDRAWN) or _latest_submission(event)
    organisers = sorted((r for r in event.roles if r.role == TeamRole.ORGANISER), key=lambda r: r.user_id)
    if submission is None or not organisers:
        return None
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "submission.withdrawn", AuditEntry.event_id == event.id,
                                    AuditEntry.object_type == "Submission", AuditEntry.object_id == submission.id)
        .order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    organiser = organisers[0].user
    data = {"submission": submission,
            "actor": (entry.actor if entry is not None and entry.actor is not None else submission.submitter),
            "reason": ((entry.details or {}).get("reason") or "") if entry is not None else "",
            "link": external_url("cfp_manage.show_submission", slug=event.slug, code=submission.code)}
    return data, organiser.name, organiser.email, organiser


register(TemplateSpec(
    key="submission_withdrawn",
    group=GROUP,
    label=_l("Submission withdrawn (to organisers)"),
    when=_l("To the event's organisers, when a submission under review or accepted is withdrawn."),
    subject=_l("Withdrawn: {submission_code} {submission_title}"),
    body=_l("""Hello {recipient_name},

{withdrawn_by} withdrew submission {submission_code} "{submission_title}" from {event_title}.

{reason}

{link}"""),
    sets=("recipient", "event", "submission", "link"),
    extra=(
        Placeholder("withdrawn_by", _l("Who withdrew the submission"),
                    lambda c: c["actor"].display_name if c.get("actor") is not None else ""),
        Placeholder("reason", _l('"Reason given:" and the reason, when one was given (empty otherwise)'), _reason,
                    kind="block"),
    ),
    sample=_withdrawn_sample,
))
