"""The public agenda: the latest release (and every earlier one), session, talk and speaker
pages, the list of speakers, the changes between releases (a page and an Atom feed), and the
personal agenda."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, g, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from conference.agenda import exports as agenda_exports
from conference.agenda import public as agenda_public
from conference.agenda import release_cache, speaker_list
from conference.agenda import releases as release_ops
from conference.agenda.web.blueprint import bp
from conference.core.timezones import is_valid_timezone
from conference.core.translations import current_language
from conference.events.web.views import load_event
from conference.web.common import int_arg, run_action, safe_next


def _profile_zone() -> str | None:
    """The signed-in person's zone from their profile, when it is a zone we know."""
    own = getattr(current_user, "timezone", None) if current_user.is_authenticated else None
    return own if own and is_valid_timezone(own) else None


def _asked_zone() -> str | None:
    """The zone chosen with ?tz=, when it is one we know: it wins over every default, and the
    page's links carry it on."""
    asked = request.args.get("tz", "").strip()
    return asked if asked and is_valid_timezone(asked) else None


def _zone(event) -> tuple[str, str | None]:
    """The zone asked for with ?tz=, else the signed-in person's profile zone, else the event's;
    and the name asked for when unknown (then the page is in the event's zone, as it says)."""
    asked = request.args.get("tz", "").strip()
    if asked and not is_valid_timezone(asked):
        zone, unknown = event.timezone, asked
    else:
        zone, unknown = asked or _profile_zone() or event.timezone, None
    g.viewer_timezone = zone  # the footer names the zone the page uses
    return zone, unknown


def _zone_choices(event, zone: str) -> list[str]:
    return list(dict.fromkeys(z for z in (event.timezone, _profile_zone(), zone) if z and is_valid_timezone(z)))


def _day() -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return None


def _released(event, number: int | None = None):
    release = (release_ops.latest_release(event) if number is None
               else agenda_public.release_by_number(event, number))
    if release is None and number is not None:
        abort(404)
    return release


VIEWS = ("list", "grid")
KEPT_ARGS = ("tz", "day", "track", "room", "q")  # what the list/grid switch carries over


def _view_links() -> dict[str, str]:
    """The page in each view, with the same filters (the list is the default, without ?view=)."""
    endpoint = request.endpoint
    if endpoint is None:  # never: the agenda's views have one
        raise RuntimeError("The agenda's view links need the endpoint of the view")
    kept: dict[str, Any] = {**(request.view_args or {}),
                            **{key: request.args[key] for key in KEPT_ARGS if request.args.get(key)}}
    return {view: url_for(endpoint, **(kept if view == "list" else dict(kept, view=view))) for view in VIEWS}


def _agenda_page(event, release, *, current: bool):
    zone, unknown = _zone(event)
    if release is None:
        return render_template("agenda/show.html", event=event, release=None, unknown_zone=unknown, zone=zone,
                               tz_arg=_asked_zone())
    q = request.args.get("q", "")[:200]
    view = "grid" if request.args.get("view") == "grid" else "list"
    agenda = agenda_public.view_model(release.snapshot, tz=zone, language=current_language(), day=_day(), q=q,
                                      track_id=int_arg("track"), room_id=int_arg("room"))
    # Stars go to the latest release's entries (uids stay the same across releases): an older
    # page offers them for the entries still in it.
    latest = release if current else release_ops.latest_release(event)
    return render_template(
        "agenda/show.html", event=event, release=release, agenda=agenda, current=current, zone=zone,
        unknown_zone=unknown, tz_arg=_asked_zone(), zones=_zone_choices(event, zone), q=q, day=_day(),
        track=int_arg("track"), room=int_arg("room"),
        view=view, view_links=_view_links(), grid=agenda_public.grid(agenda) if view == "grid" else None,
        starred=agenda_public.starred_uids(event, current_user), starrable=agenda_public.starrable_uids(latest),
    )


@bp.get("/events/<slug>/agenda")
def show(slug):
    event = load_event(slug)
    return _agenda_page(event, _released(event), current=True)


@bp.get("/events/<slug>/agenda/releases/<int:number>")
def show_release(slug, number):
    event = load_event(slug)
    return _agenda_page(event, _released(event, number), current=False)


@bp.get("/events/<slug>/agenda/releases")
def releases(slug):
    event = load_event(slug)
    return render_template("agenda/releases.html", event=event, releases=agenda_public.releases(event))


def _entry_page(slug, template: str, find):
    """A page about one entry of the latest release; 404 when the release has none such. It reads
    the latest release without its snapshot and the entry from this process's index of that
    release (agenda.release_cache): its cost does not depend on the programme's size."""
    event = load_event(slug)
    release = agenda_exports.latest_release_without_snapshot(event)
    zone, unknown = _zone(event)
    found = find(release_cache.indexed(release), zone, current_language()) if release is not None else None
    if not found:
        abort(404)
    return render_template(template, event=event, release=release, zone=zone, unknown_zone=unknown,
                           tz_arg=_asked_zone(),
                           join_links=agenda_public.may_see_join_links(event, current_user),
                           starred=agenda_public.starred_uids(event, current_user), **found)


@bp.get("/events/<slug>/agenda/sessions/<int:session_id>")
def show_session(slug, session_id):
    def find(indexed, zone, language):
        entry = agenda_public.session_view(indexed, session_id, tz=zone, language=language)
        return {"entry": entry} if entry else None
    return _entry_page(slug, "agenda/session.html", find)


@bp.get("/events/<slug>/agenda/items/<int:item_id>")
def show_item(slug, item_id):
    def find(indexed, zone, language):
        found = agenda_public.item_view(indexed, item_id, tz=zone, language=language)
        return {"entry": found[0], "session": found[1]} if found else None
    return _entry_page(slug, "agenda/item.html", find)


@bp.get("/events/<slug>/agenda/speakers/<int:speaker_id>")
def show_speaker(slug, speaker_id):
    def find(indexed, zone, language):
        found = agenda_public.speaker_view(indexed, speaker_id, tz=zone, language=language)
        return {"speaker": found[0], "entries": found[1]} if found else None
    return _entry_page(slug, "agenda/speaker.html", find)


@bp.get("/events/<slug>/agenda/speakers")
def speakers(slug):
    """The latest release's speakers, searched with ?q=, their entries in the viewer's zone."""
    event = load_event(slug)
    release = _released(event)
    zone, unknown = _zone(event)
    q = request.args.get("q", "")[:200]
    listed = []
    if release is not None:
        agenda = agenda_public.view_model(release.snapshot, tz=zone, language=current_language())
        listed = speaker_list.listed_speakers(agenda, language=current_language())
    found = speaker_list.search(listed, release.snapshot if release else {}, q)
    # Links carry the zone only when it was chosen (?tz=), as on the other agenda pages.
    tz_arg = zone if request.args.get("tz", "").strip() == zone else None
    return render_template("agenda/speakers.html", event=event, release=release, found=len(found),
                           letters=speaker_list.by_initial(found), total=len(listed),
                           q=q, zone=zone, unknown_zone=unknown, tz_arg=tz_arg, zones=_zone_choices(event, zone))


@bp.get("/events/<slug>/agenda/changes")
def changelog(slug):
    event = load_event(slug)
    zone, unknown = _zone(event)
    return render_template("agenda/changelog.html", event=event, zone=zone, unknown_zone=unknown,
                           releases=agenda_public.changelog_entries(event, tz=zone, language=current_language()))


@bp.get("/events/<slug>/agenda/changes.atom")
def changelog_atom(slug):
    event = load_event(slug)
    zone, _unknown = _zone(event)
    body = render_template("agenda/changelog.atom", event=event, zone=zone,
                           releases=agenda_public.changelog_entries(event, tz=zone, language=current_language()))
    response = make_response(body)
    response.mimetype = "application/atom+xml"
    return response


@bp.post("/events/<slug>/agenda/star")
@login_required
def star(slug):
    event = load_event(slug)
    uid = request.form.get("uid", "")
    if request.form.get("action") == "unstar":
        run_action(lambda: agenda_public.unstar(event, user=current_user, uid=uid), _("Removed from your agenda."))
    else:
        run_action(lambda: agenda_public.star(event, user=current_user, uid=uid), _("Added to your agenda."))
    return safe_next("agenda.show", slug=event.slug)


@bp.get("/events/<slug>/agenda/mine")
@login_required
def my_agenda(slug):
    event = load_event(slug)
    release = _released(event)
    zone, unknown = _zone(event)
    entries, clashes = [], {}
    if release is not None:
        agenda = agenda_public.view_model(release.snapshot, tz=zone, language=current_language())
        entries = agenda_public.personal_entries(agenda, agenda_public.starred_uids(event, current_user))
        clashes = agenda_public.clashes(entries)
    return render_template("agenda/my_agenda.html", event=event, release=release, entries=entries, clashes=clashes,
                           zone=zone, unknown_zone=unknown, zones=_zone_choices(event, zone), tz_arg=_asked_zone())
