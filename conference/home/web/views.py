"""The person's home (the page after log-in): what waits for them, then their team invitations
and the events they help run, each with the parts of it their roles open."""

from flask import Blueprint, g, render_template
from flask_login import current_user, login_required

from conference.archive.models import may_manage_archive
from conference.core.types import utcnow
from conference.events import team
from conference.events.web.nav import work_links
from conference.home import queries

bp = Blueprint("home", __name__)


@bp.app_template_global()
def on_a_team() -> bool:
    """Whether the signed-in person holds a role in an event's team: the header then links to
    their work (home/_header_links.html). One query per request, asked once."""
    if "on_a_team" not in g:
        g.on_a_team = current_user.is_authenticated and queries.is_on_a_team(current_user)
    return g.on_a_team


@bp.route("/dashboard")
@login_required
def dashboard():
    invitations = team.invitations_for(current_user)
    events = queries.teams_of(current_user)
    return render_template(
        "home/home.html",
        todos=queries.todos_of(current_user, now=utcnow()),
        events=events,
        work={event.id: work_links(event, current_user) for event in events},
        invitations=invitations,
        invitation_tokens={i.id: team.invitation_token(i) for i in invitations},
        manages_archive=may_manage_archive(current_user),
    )
