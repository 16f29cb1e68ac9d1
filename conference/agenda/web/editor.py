"""The organisers' programme editor: rooms, speakers, sessions and items, the time grid with
its warnings, and releasing a version to the public."""

from __future__ import annotations

import zoneinfo

from flask import current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from conference.agenda import (
    programme,
    programme_grid,
    programme_removal,
    programme_warnings,
    releases,
)
from conference.agenda.languages import translation_languages
from conference.agenda.models import AgendaItem, AgendaSession, Room, Speaker
from conference.agenda.web.blueprint import bp
from conference.agenda.web.editor_forms import (
    ITEM_KIND_LABELS,
    SESSION_KIND_LABELS,
    ItemForm,
    MoveForm,
    PlaceForm,
    ReleaseForm,
    RoomForm,
    SessionForm,
    SpeakerForm,
    availability_text,
)
from conference.cfp.queries import tracks_of
from conference.events.web.views import load_managed_event
from conference.web.common import (
    BaseForm,
    current_actor,
    edit_page,
    load_if_given,
    load_of_event,
    run_action,
    saved_form,
)
from conference.web.fields import show_languages

BASE = "/events/<slug>/manage/agenda"


def _editor_page(event, *, failed: tuple[str, BaseForm] | None = None, release_form=None):
    """The editor page; ``failed`` is the (prefix, form) just posted with errors, shown as typed."""
    g.viewer_timezone = event.timezone  # the whole page plans in the event's zone; the footer says so
    sessions = programme.sessions_of(event)
    rooms, unscheduled = programme.rooms_of(event), programme.unscheduled_items(event)
    forms: dict[str, BaseForm] = {}
    for item in unscheduled:
        forms[f"place-{item.id}"] = PlaceForm(formdata=None, prefix=f"place-{item.id}", zone=event.timezone,
                                              sessions=sessions, data={"version": item.version})
    for session in sessions:
        forms[f"move-{session.id}"] = MoveForm(formdata=None, prefix=f"move-{session.id}", zone=event.timezone,
                                               rooms=rooms, obj=session)
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render_template("agenda/editor.html", event=event, grid=programme_grid.grid(event, sessions, rooms),
                           rooms=rooms, unscheduled=unscheduled, forms=forms,
                           warnings=programme_warnings.warnings(event, sessions=sessions),
                           releases=releases.releases_of(event), release_form=release_form or ReleaseForm(),
                           zone=zoneinfo.ZoneInfo(event.timezone), session_kinds=SESSION_KIND_LABELS,
                           item_kinds=ITEM_KIND_LABELS,
                           has_release_pages="agenda.show_release" in current_app.view_functions)


@bp.get(BASE)
@login_required
def editor(slug):
    return _editor_page(load_managed_event(slug))


# Rooms ----------------------------------------------------------------------------------------------

@bp.route(BASE + "/rooms/new", methods=["GET", "POST"], endpoint="new_room")
@bp.route(BASE + "/rooms/<int:room_id>", methods=["GET", "POST"], endpoint="edit_room")
@login_required
def room_page(slug, room_id=None):
    event = load_managed_event(slug)
    room = load_if_given(Room, event, room_id)
    form = RoomForm(obj=room)
    show_languages(form, event.other_languages)
    return edit_page(form, lambda: programme.save_room(event, actor=current_actor(), room=room, **form.values()),
                     saved=_("The room is saved."), back=url_for(".editor", slug=slug),
                     page=lambda: render_template("agenda/editor_room.html", event=event, form=form, room=room))


@bp.post(BASE + "/rooms/<int:room_id>/delete")
@login_required
def delete_room(slug, room_id):
    event = load_managed_event(slug)
    room = load_of_event(Room, event, room_id)
    run_action(lambda: programme.delete_room(room, actor=current_actor(), event=event),
               _("The room %(name)s is deleted.", name=room.name))
    return redirect(url_for(".editor", slug=slug))


@bp.post(BASE + "/speakers/<int:speaker_id>/delete")
@login_required
def delete_speaker(slug, speaker_id):
    event = load_managed_event(slug)
    speaker = load_of_event(Speaker, event, speaker_id)
    run_action(lambda: programme_removal.delete_speaker(speaker, actor=current_actor(), event=event),
               _("The speaker %(name)s is deleted.", name=speaker.name))
    return redirect(url_for(".editor", slug=slug))


@bp.post(BASE + "/sessions/<int:session_id>/delete")
@login_required
def delete_session(slug, session_id):
    event = load_managed_event(slug)
    session = load_of_event(AgendaSession, event, session_id)
    run_action(lambda: programme_removal.delete_session(session, actor=current_actor(), event=event),
               _("The session %(title)s is deleted; its items wait in the unscheduled list.", title=session.title))
    return redirect(url_for(".editor", slug=slug))


@bp.post(BASE + "/items/<int:item_id>/delete")
@login_required
def delete_item(slug, item_id):
    event = load_managed_event(slug)
    item = load_of_event(AgendaItem, event, item_id)
    run_action(lambda: programme_removal.delete_item(item, actor=current_actor(), event=event),
               _("%(title)s is taken out of the programme.", title=item.title))
    return redirect(url_for(".editor", slug=slug))


# Speakers -------------------------------------------------------------------------------------------

@bp.route(BASE + "/speakers/new", methods=["GET", "POST"], endpoint="new_speaker")
@bp.route(BASE + "/speakers/<int:speaker_id>", methods=["GET", "POST"], endpoint="edit_speaker")
@login_required
def speaker_page(slug, speaker_id=None):
    event = load_managed_event(slug)
    speaker = load_if_given(Speaker, event, speaker_id)
    form = SpeakerForm(obj=speaker, zone=event.timezone)
    if speaker is not None and not form.is_submitted():  # the stored windows as text (obj gives their list)
        form.availability.data = availability_text(speaker, event.timezone)
    return edit_page(form, lambda: programme.save_speaker(event, actor=current_actor(), speaker=speaker,
                                                          **form.values()),
                     saved=_("The speaker is saved."), back=url_for(".editor", slug=slug),
                     page=lambda: render_template("agenda/editor_speaker.html", event=event, form=form,
                                                  speaker=speaker, speakers=programme.speakers_of(event)))


# Sessions -------------------------------------------------------------------------------------------

@bp.route(BASE + "/sessions/new", methods=["GET", "POST"], endpoint="new_session")
@bp.route(BASE + "/sessions/<int:session_id>", methods=["GET", "POST"], endpoint="edit_session")
@login_required
def session_page(slug, session_id=None):
    event = load_managed_event(slug)
    session = load_if_given(AgendaSession, event, session_id)
    form = SessionForm(obj=session, zone=event.timezone, rooms=programme.rooms_of(event), tracks=tracks_of(event),
                       speakers=programme.speakers_of(event))
    show_languages(form, event.other_languages)
    return edit_page(form, lambda: programme.save_session(event, actor=current_actor(), session=session,
                                                          **form.values()),
                     saved=_("The session is saved."), back=url_for(".editor", slug=slug),
                     page=lambda: render_template("agenda/editor_session.html", event=event, form=form,
                                                  session=session))


@bp.post(BASE + "/sessions/<int:session_id>/move")
@login_required
def move_session(slug, session_id):
    event = load_managed_event(slug)
    session = load_of_event(AgendaSession, event, session_id)
    form = MoveForm(prefix=f"move-{session.id}", zone=event.timezone, rooms=programme.rooms_of(event))
    placed_at = (session.room_id, session.starts_at)
    if saved_form(form, lambda: programme.move_session(
            session, actor=current_actor(), room_id=form.room_id.data, starts_at=form.starts_at.utc,
            ends_at=form.new_end, expected_version=form.version.data)):
        if (session.room_id, session.starts_at) == placed_at:  # only its end changed
            flash(_("%(session)s now lasts %(minutes)d minutes.", session=session.title,
                    minutes=programme_grid.planned_minutes(session)), "success")
        else:
            flash(_("%(session)s is moved.", session=session.title), "success")
        return redirect(url_for(".editor", slug=slug))
    return _editor_page(event, failed=(f"move-{session_id}", form)), 422


# Items ----------------------------------------------------------------------------------------------

@bp.post(BASE + "/items/add-submissions")
@login_required
def add_submissions(slug):
    event = load_managed_event(slug)
    run_action(lambda: programme.add_submissions(event, actor=current_actor()),
               _("The accepted submissions not yet in the programme are added to the unscheduled items."))
    return redirect(url_for(".editor", slug=slug))


@bp.route(BASE + "/items/new", methods=["GET", "POST"], endpoint="new_item")
@bp.route(BASE + "/items/<int:item_id>", methods=["GET", "POST"], endpoint="edit_item")
@login_required
def item_page(slug, item_id=None):
    event = load_managed_event(slug)
    item = load_if_given(AgendaItem, event, item_id)
    # A talk is given in its submission's language; another item's may be chosen.
    from_submission = item is not None and item.submission_id is not None
    form = ItemForm(obj=item, speakers=programme.speakers_of(event),
                    languages=[] if from_submission else event.languages)
    show_languages(form, translation_languages(event, item.language if item else None))
    return edit_page(form, lambda: programme.save_item(event, actor=current_actor(), item=item, **form.values()),
                     saved=_("The item is saved."), back=url_for(".editor", slug=slug),
                     page=lambda: render_template("agenda/editor_item.html", event=event, form=form, item=item))


@bp.post(BASE + "/items/<int:item_id>/place")
@login_required
def place_item(slug, item_id):
    event = load_managed_event(slug)
    item = load_of_event(AgendaItem, event, item_id)
    sessions = programme.sessions_of(event)
    form = PlaceForm(prefix=f"place-{item.id}", zone=event.timezone, sessions=sessions)
    by_id = {s.id: s for s in sessions}
    if saved_form(form, lambda: programme.place_item(item, actor=current_actor(),
                                                     session=by_id.get(form.session_id.data),
                                                     starts_at=form.starts_at.utc,
                                                     expected_version=form.version.data)):
        flash(_("%(item)s is placed.", item=item.title), "success")
        return redirect(url_for(".editor", slug=slug))
    return _editor_page(event, failed=(f"place-{item_id}", form)), 422


@bp.post(BASE + "/items/<int:item_id>/unschedule")
@login_required
def unschedule_item(slug, item_id):
    event = load_managed_event(slug)
    item = load_of_event(AgendaItem, event, item_id)
    run_action(lambda: programme.unschedule_item(item, actor=current_actor()),
               _("%(item)s is back among the unscheduled items.", item=item.title))
    return redirect(url_for(".editor", slug=slug))


# Releasing ------------------------------------------------------------------------------------------

@bp.post(BASE + "/release")
@login_required
def release(slug):
    event = load_managed_event(slug)
    form = ReleaseForm()
    saved = saved_form(form, lambda: releases.release(event, actor=current_actor(), name=form.name.data,
                                                      comment=form.comment.data or ""))
    if saved:
        flash(_("Version %(number)d, %(name)s, is released.", number=saved.number, name=saved.name), "success")
        return redirect(url_for(".editor", slug=slug))
    return _editor_page(event, release_form=form), 422
