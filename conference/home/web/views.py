"""The person's home (the page after log-in): what waits for them, then their team invitations
and the events they help run."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from conference.core.types import utcnow
from conference.events import setup as event_ops
from conference.events import team
from conference.home import queries

bp = Blueprint("home", __name__)


@bp.route("/dashboard")
@login_required
def dashboard():
    invitations = team.invitations_for(current_user)
    return render_template(
        "home/home.html",
        todos=queries.todos_of(current_user, now=utcnow()),
        events=event_ops.events_of(current_user),
        invitations=invitations,
        invitation_tokens={i.id: team.invitation_token(i) for i in invitations},
    )
