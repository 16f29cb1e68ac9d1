"""The data model, one module per aggregate. Importing this package registers every table."""

from . import text_guard  # noqa: F401  (refuses text the database cannot store, on every model)
from .accounts import AnonymousUser, LoginSession, User
from .agenda import AgendaItem, AgendaItemSpeaker, AgendaSession, AgendaStar, PersonalFeed, Room, ScheduleRelease, Speaker
from .audit import AuditEntry
from .cfp import (AccessCode, Answer, CallForPapers, Question, Submission, SubmissionAuthor, SubmissionFile,
                  SubmissionType, Track)
from .delegations import FocalPoint, Organisation
from .events import Event, EventRole, TeamInvitation
from .mail import GroupMail, MailOptOut, MailTemplate, OutboxAttachment, OutboxMessage
from .registration import (ParticipantCategory, Registration, RegistrationForm, RegistrationInvitation,
                           RegistrationQuestion, RegistrationSettings)
from .review import (AssignmentProposal, Bid, Conflict, DiscussionComment, DismissedConflictSuggestion, Review,
                     ReviewAssignment, ReviewCriterion, ReviewQuestion, ReviewScore, ReviewSettings)

__all__ = [
    "AgendaItem",
    "AgendaItemSpeaker",
    "AgendaSession",
    "AgendaStar",
    "PersonalFeed",
    "Room",
    "ScheduleRelease",
    "Speaker",
    "AssignmentProposal",
    "Bid",
    "Conflict",
    "DiscussionComment",
    "DismissedConflictSuggestion",
    "ParticipantCategory",
    "Registration",
    "RegistrationForm",
    "RegistrationInvitation",
    "RegistrationQuestion",
    "RegistrationSettings",
    "Review",
    "ReviewAssignment",
    "ReviewCriterion",
    "ReviewQuestion",
    "ReviewScore",
    "ReviewSettings",
    "AccessCode",
    "AnonymousUser",
    "Answer",
    "AuditEntry",
    "LoginSession",
    "CallForPapers",
    "Event",
    "EventRole",
    "OutboxAttachment",
    "OutboxMessage",
    "GroupMail",
    "FocalPoint",
    "Organisation",
    "MailOptOut",
    "MailTemplate",
    "Question",
    "Submission",
    "SubmissionAuthor",
    "SubmissionFile",
    "SubmissionType",
    "TeamInvitation",
    "Track",
    "User",
]
