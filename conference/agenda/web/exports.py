"""Exports of the released agenda: iCal feeds (whole, per track, room, session or speaker, one
talk's, and each user's personal feed of starred entries at a secret address), frab XML and JSON.

Everything is built from the latest release's snapshot and cached per release (see
domain.agenda_exports), so each export runs the same few queries whatever the event's size.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from babel.lists import format_list
from flask import make_response, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from conference.agenda import exports as agenda_exports
from conference.agenda import frab as agenda_frab
from conference.agenda import ical as agenda_ical
from conference.agenda import public as agenda_public
from conference.agenda.web.blueprint import bp
from conference.core.bounds import parse_int
from conference.core.links import external_url
from conference.events.web.views import load_event
from conference.extensions import db
from conference.i18n import supported
from conference.web.common import current_actor, require, run_action


def _links(slug: str):
    """Absolute links of entries (the public agenda's item and session pages), and the host
    that makes the iCal UIDs."""
    agenda = external_url("agenda.ical", slug=slug).removesuffix(".ics")

    def url_for_entry(entry: dict) -> str:
        kind, _sep, ident = entry["uid"].partition("-")
        return f"{agenda}/{kind}s/{ident}"

    return url_for_entry, urlsplit(agenda).hostname or "conference"


def _feed_language() -> str:
    """The language of an iCal feed: of the text the app writes (the calendar's name,
    "Speakers:") and of the titles, descriptions and rooms where they are given in it; the page
    language rules' (the viewer's profile, the switcher's cookie, the calendar app's
    Accept-Language, else the event's default language). Part of the cache key and the ETag."""
    return str(get_locale() or "en")


def _speakers_line(names: list[str]) -> str:
    return _("Speakers: %(names)s", names=format_list(names, locale=_feed_language()))


def _language_varies(response):
    """A public feed's text follows the language: shared caches keep one copy per language."""
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def _release_or_404(event):
    release = agenda_exports.latest_release_without_snapshot(event)
    require(release is not None, hide=True)
    return release


def _export(body: bytes, mimetype: str, *, etag: str | None, filename: str | None = None):
    response = make_response(body)
    response.mimetype = mimetype  # Werkzeug adds "; charset=utf-8" to text types
    if filename:
        response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    if etag is None:
        response.headers["Cache-Control"] = "private, no-store"
        return response
    response.headers["Cache-Control"] = "public, max-age=300"
    response.set_etag(etag)
    return response.make_conditional(request)


def _filter():
    """The one ?track=/room=/session=/speaker= filter asked for, as (kind, id); 404 when not a number."""
    asked = [(kind, request.args[kind]) for kind in agenda_ical.FILTERS if kind in request.args]
    if not asked:
        return None, None
    ident = parse_int(asked[0][1], minimum=0) if len(asked) == 1 else None
    require(ident is not None, hide=True)
    return asked[0][0], ident


@bp.route("/events/<slug>/agenda.ics")
def ical(slug):
    return _feed(slug, *_filter())


@bp.route("/events/<slug>/agenda/items/<int:item_id>.ics")
def item_ical(slug, item_id):
    """One talk's calendar ("add to calendar"): the feed filtered to that item, so its event is
    the feed's own (UID, SEQUENCE, cancelled once a later release dropped it)."""
    return _feed(slug, "item", item_id)


def _feed(slug, kind: str | None, ident: int | None):
    """The public feed, whole or filtered to one ``kind`` (agenda_ical.FILTERS) of id ``ident``."""
    event = load_event(slug)
    release = _release_or_404(event)
    url_for_entry, host = _links(slug)
    language = _feed_language()

    def build():
        chosen = agenda_ical.filtered(release.snapshot, kind, ident) if kind else None
        if kind and chosen is None:
            return None
        return agenda_ical.calendar(release.snapshot, entries=chosen, name=event.tr("title"), host=host,
                                    stamp=release.released_at, url_for_entry=url_for_entry,
                                    speakers_line=_speakers_line, language=language)

    key = f"{kind}-{ident}" if kind else "all"
    body = agenda_exports.cached_export(release, "ical", (key, host, language), build)
    require(body is not None, hide=True)
    name = f"{slug}-{kind}-{ident}.ics" if kind else f"{slug}.ics"
    return _language_varies(_export(body, "text/calendar", filename=name,
                                    etag=f"{agenda_exports.release_tag(release)}-ical-{key}-{language}"))


@bp.route("/events/<slug>/agenda/feeds/<token>.ics")
def personal_ical(slug, token):
    owner = agenda_exports.feed_owner(token)
    require(owner is not None and owner[1].slug == slug and owner[1].can_view(owner[0]), hide=True)
    user, event = owner
    release = _release_or_404(event)
    uids = agenda_public.starred_uids(event, user)
    url_for_entry, host = _links(slug)
    # The owner's feed, in the owner's language when their profile names one (a calendar app
    # sends no cookie), else as any feed.
    with force_locale(supported(user.language) or _feed_language()):
        language = _feed_language()
        body = agenda_exports.cached_export(
            release, "personal-ical", (tuple(sorted(uids)), host, language), lambda: agenda_ical.calendar(
                release.snapshot, entries=agenda_ical.starred(release.snapshot, uids),
                name=_("%(event)s: my agenda", event=event.tr("title")), host=host, stamp=release.released_at,
                url_for_entry=url_for_entry, speakers_line=_speakers_line, language=language))
    return _export(body, "text/calendar", etag=None, filename=f"{slug}-mine.ics")


@bp.route("/events/<slug>/agenda/feeds")
@login_required
def personal_feed(slug):
    event = load_event(slug)
    token = agenda_exports.personal_feed_token(event, current_user)
    db.session.commit()  # the token is made on first use
    return render_template("agenda/personal_feed.html", event=event,
                           feed_url=external_url("agenda.personal_ical", slug=slug, token=token))


@bp.route("/events/<slug>/agenda/feeds/reset", methods=["POST"])
@login_required
def reset_feed(slug):
    event = load_event(slug)
    run_action(lambda: agenda_exports.reset_personal_feed(event, user=current_user, actor=current_actor()),
               _("Your feed has a new address. The old one no longer works: subscribe to the new one."))
    return redirect(url_for("agenda.personal_feed", slug=slug))


def _frab(slug, kind: str, build_with):
    event = load_event(slug)
    release = _release_or_404(event)
    url_for_entry, _host = _links(slug)
    endpoint = {"xml": "agenda.frab_xml", "json": "agenda.frab_json"}[kind]
    base_url = external_url("agenda.ical", slug=slug).removesuffix("agenda.ics")
    # The same document whatever the viewer's language (see frab's docstring); the event's default
    # language only stands in for what snapshots released before languages did not record.
    key = (base_url, event.default_language)
    body = agenda_exports.cached_export(release, f"frab-{kind}", key, lambda: build_with(
        release.snapshot, base_url=base_url, release_name=release.name,
        schedule_url=external_url(endpoint, slug=slug), url_for_entry=url_for_entry,
        default_language=event.default_language))
    return release, body


@bp.route("/events/<slug>/schedule.xml")
def frab_xml(slug):
    release, body = _frab(slug, "xml", agenda_frab.frab_xml)
    return _export(body, "application/xml", etag=f"{agenda_exports.release_tag(release)}-frab-xml")


@bp.route("/events/<slug>/schedule.json")
def frab_json(slug):
    release, body = _frab(slug, "json", lambda snapshot, **kw: json.dumps(
        agenda_frab.frab_json(snapshot, **kw), ensure_ascii=False, indent=1).encode())
    return _export(body, "application/json", etag=f"{agenda_exports.release_tag(release)}-frab-json")
