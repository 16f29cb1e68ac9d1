"""Mail organisers write to a group of people (conference/domain/group_mail.py): one template
per audience, with the placeholders that fit that audience. The mail starts empty: the shipped
subject and body are a sketch for the Templates page, and an event's own saved version is a
text its organisers may choose to start from. Reviewers' placeholders name submissions by code and
title only, never by author (blind review)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from conference.cfp.enums import SubmissionState
from conference.core.lists import format_list
from conference.events.team import ROLE_LABELS
from conference.group_mail import sending as group_mail
from conference.mail import opt_outs
from conference.mail.placeholders import when
from conference.mail.registry import MailContext, Placeholder, TemplateSpec, register

GROUP = _l("Mail to groups")

SUBMISSION_STATE_NAMES = {
    SubmissionState.DRAFT: _l("draft"),
    SubmissionState.SUBMITTED: _l("submitted"),
    SubmissionState.ACCEPTED: _l("accepted"),
    SubmissionState.REJECTED: _l("rejected"),
    SubmissionState.CONFIRMED: _l("confirmed"),
    SubmissionState.WITHDRAWN: _l("withdrawn"),
}

UNSUBSCRIBE = Placeholder(
    "unsubscribe_link",
    _l("The link to receive no more announcements (announcements only: it is added at the end by itself)"),
    lambda c: c.get("unsubscribe_link", ""), kind="url")


# Titles in the recipient's language where the authors gave one (mail renders in it).
def _submissions(c: MailContext) -> str:
    return "\n".join(f'- {s.code}: "{s.tr("title")}" ({SUBMISSION_STATE_NAMES[s.state]})'
                     for s in c.get("submissions", ()))


def _to_review(c: MailContext) -> str:
    return "\n".join(f'- {s.code}: "{s.tr("title")}"' for s in c.get("to_review", ()))


def _review_deadline(c: MailContext) -> str:
    deadline = c.get("review_deadline")
    return when(c, deadline) if deadline else _("no deadline set")


def _roles(c: MailContext) -> str:
    return format_list(ROLE_LABELS[role] for role in c.get("roles", ()))


def _sample(audience: str):
    def sample(event):
        """The first person of the audience (no filter), with their own data."""
        people = group_mail.recipients(event, audience, {})
        if not people:
            return None
        person = people[0]
        data = {**person.data,
                "unsubscribe_link": opt_outs.unsubscribe_url(event, person.email, group_mail.OPT_OUT_KIND)}
        return data, person.name, person.email, person.user

    return sample


register(TemplateSpec(
    key="group_authors",
    group=GROUP,
    label=_l("To authors"),
    when=_l("When organisers write to the authors of submissions chosen by state, track and type."),
    subject=_l("{event_title}: news for authors"),
    body=_l("""Hello {recipient_name},

…

Your submissions to {event_title}:

{submissions}

With best regards,
The organisers of {event_title}"""),
    sets=("recipient", "event", "submission"),
    extra=(
        Placeholder("submissions", _l("Every submission of the recipient that the filters chose: code, title and "
                                      "state, one a line (the submission_ placeholders give the first one)"),
                    _submissions, kind="block"),
        UNSUBSCRIBE,
    ),
    sample=_sample("authors"),
))

register(TemplateSpec(
    key="group_reviewers",
    group=GROUP,
    label=_l("To reviewers"),
    when=_l("When organisers write to the reviewers whose reviews are missing."),
    subject=_l("{event_title}: reviews still missing"),
    body=_l("""Hello {recipient_name},

…

Reviews you still have to write ({missing_reviews}):

{reviews_to_do}

The review deadline is {review_deadline}. Your reviews: {review_link}

With best regards,
The organisers of {event_title}"""),
    sets=("recipient", "event"),
    extra=(
        Placeholder("missing_reviews", _l("How many reviews the recipient still has to write"),
                    lambda c: str(len(c.get("to_review", ())))),
        Placeholder("reviews_to_do", _l("The submissions the recipient still has to review: code and title, one a "
                                        "line (never the authors)"), _to_review, kind="block"),
        Placeholder("review_deadline", _l("The review deadline, in the recipient's time zone"), _review_deadline),
        Placeholder("review_link", _l("The recipient's page of reviews to write"),
                    lambda c: c.get("review_link", ""), kind="url"),
        UNSUBSCRIBE,
    ),
    sample=_sample("reviewers"),
))

register(TemplateSpec(
    key="group_registrants",
    group=GROUP,
    label=_l("To registered participants"),
    when=_l("When organisers write to participants chosen by form, category, state and attendance mode."),
    subject=_l("{event_title}: news for participants"),
    body=_l("""Hello {recipient_name},

…

Your registration ({registration_category}, {registration_status}): {registration_link}

With best regards,
The organisers of {event_title}"""),
    sets=("recipient", "event", "registration"),
    extra=(UNSUBSCRIBE,),
    sample=_sample("registrants"),
))

register(TemplateSpec(
    key="group_speakers",
    group=GROUP,
    label=_l("To speakers"),
    when=_l("When organisers write to the speakers of the programme, chosen by track and day."),
    subject=_l("{event_title}: news for speakers"),
    body=_l("""Hello {recipient_name},

…

Your times in the programme, in your time zone:

{schedule}

With best regards,
The organisers of {event_title}"""),
    sets=("recipient", "event", "session"),  # the agenda mails' set (mail_templates/agenda.py)
    extra=(UNSUBSCRIBE,),
    sample=_sample("speakers"),
))

register(TemplateSpec(
    key="group_team",
    group=GROUP,
    label=_l("To the team"),
    when=_l("When organisers write to the event's team."),
    subject=_l("{event_title}: news for the team"),
    body=_l("""Hello {recipient_name},

…

You receive this as {role} of {event_title}."""),
    sets=("recipient", "event"),
    extra=(
        Placeholder("role", _l("The recipient's roles in the team, e.g. organiser, reviewer"), _roles),
        UNSUBSCRIBE,
    ),
    sample=_sample("team"),
))
