"""Every table of the app, for SQLAlchemy's metadata: ``create_app`` and the migrations import
this module so that each area's models are registered, whichever pages a process serves."""

from conference.accounts import models as accounts
from conference.agenda import models as agenda
from conference.archive import models as archive
from conference.cfp import models as cfp
from conference.core import models as core
from conference.core import (
    text_guard,  # refuses text the database cannot store, on every model
)
from conference.delegations import models as delegations
from conference.events import models as events
from conference.group_mail import models as group_mail
from conference.mail import models as mail
from conference.registration import models as registration
from conference.review import models as review

AREAS = (accounts, agenda, archive, cfp, core, delegations, events, group_mail, mail, registration, review)

__all__ = ["AREAS", "text_guard"]
