"""A new event from an earlier one: the page that asks which, and under what title, address
and first day."""

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from conference.events import cloning
from conference.events.web.forms import CloneForm
from conference.events.web.views import bp
from conference.i18n import format_date_range
from conference.web.common import current_actor, edit_page, require


@bp.route("/events/new/from-earlier", methods=["GET", "POST"])
@login_required
def clone_event():
    require(current_user.can_create_event())
    events = {event.slug: event for event in cloning.cloneable_events(current_user)}
    form = CloneForm(source=request.args.get("source"))
    form.source.choices = [
        SelectChoice(slug, f"{event.tr('title')} ({format_date_range(event.start_date, event.end_date)})")
        for slug, event in events.items()
    ]
    return edit_page(form, lambda: cloning.clone_event(events[form.source.data], title=form.title.data,
                                                       slug=form.slug.data, starts_on=form.start_date.data,
                                                       actor=current_actor()),
                     saved=_("The new event is created as a draft, set up like the earlier one with its dates "
                             "moved. Check its settings, call and registration before you publish it."),
                     back=lambda created: url_for("events.show_event", slug=created.slug),
                     page=lambda: render_template("events/clone.html", form=form, has_events=bool(events)))
