"""Series of events: the public page of a series, starting and editing one."""

import datetime as dt
import zoneinfo

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from conference.events import series as series_ops
from conference.events.models import Series
from conference.events.web.forms import FREQUENCY_LABELS, SeriesForm
from conference.events.web.views import bp
from conference.extensions import db
from conference.i18n import viewer_timezone_name
from conference.web.common import current_actor, edit_page, require
from conference.web.fields import show_languages


def load_series(slug: str) -> Series:
    return db.first_or_404(db.select(Series).where(Series.slug == slug))


def _series_fields(form: SeriesForm) -> dict:
    return {name: getattr(form, name).data for name in series_ops.SERIES_FIELDS}


@bp.route("/series/<slug>/")
def show_series(slug):
    series = load_series(slug)
    today = dt.datetime.now(zoneinfo.ZoneInfo(viewer_timezone_name())).date()
    coming, past = series_ops.editions(series, today=today)
    return render_template("events/series.html", series=series, coming=coming, past=past,
                           frequency_label=FREQUENCY_LABELS[series.frequency], can_edit=series.can_edit(current_user))


@bp.route("/series/new", methods=["GET", "POST"])
@login_required
def create_series():
    require(Series.can_create(current_user))
    form = SeriesForm()
    show_languages(form, series_ops.series_languages())
    return edit_page(form, lambda: series_ops.create_series(actor=current_actor(), **_series_fields(form)),
                     saved=_("The series is created. Choose it in the settings of each of its events."),
                     back=lambda created: url_for("events.show_series", slug=created.slug),
                     page=lambda: render_template("events/series_form.html", form=form, series=None))


@bp.route("/series/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_series(slug):
    series = load_series(slug)
    require(series.can_edit(current_user))
    form = SeriesForm(obj=series)
    show_languages(form, series_ops.series_languages())
    return edit_page(form, lambda: series_ops.update_series(series, actor=current_actor(), **_series_fields(form)),
                     saved=_("The series is saved."),
                     back=lambda saved: url_for("events.show_series", slug=saved.slug),
                     page=lambda: render_template("events/series_form.html", form=form, series=series))
