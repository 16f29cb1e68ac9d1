"""The archive's management pages: the records one manages, adding a record or an external
resource, editing, withdrawing, and the theme vocabulary."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from conference.archive import records, resources, themes, withdrawal
from conference.archive.models import ArchiveRecord, Theme, managed_event_ids, may_manage_archive
from conference.archive.queries import PAGE_SIZE, all_themes, managed_records
from conference.archive.web.forms import RecordForm, ThemeForm, WithdrawForm, page_labels, record_data
from conference.core.files import Upload
from conference.core.types import utcnow
from conference.events.models import Event
from conference.extensions import db
from conference.web.common import current_actor, edit_page, paginate, require, run_action
from conference.web.fields import show_languages

bp = Blueprint("archive_manage", __name__, url_prefix="/archive/manage")
bp.context_processor(page_labels)


@bp.get("")
@login_required
def list_records():
    require(may_manage_archive(current_user))
    page = paginate(managed_records(current_user), per_page=PAGE_SIZE)
    return render_template("archive/manage.html", page=page, can_manage_themes=Theme.can_manage(current_user))


def _record_form(record: ArchiveRecord | None = None) -> RecordForm:
    """The form, offering the events the person manages (site administrators: every event, or none)."""
    admin = current_user.can_administer()
    query = sa.select(Event).order_by(Event.start_date.desc())
    if not admin:
        query = query.where(Event.id.in_(managed_event_ids(current_user)))
    return RecordForm(data=None if record is None else record_data(record), events=list(db.session.scalars(query)),
                      vocabulary=all_themes(), allow_no_event=admin)


def _upload(form: RecordForm) -> Upload | None:
    data = form.file.data
    return Upload(data.filename or "file", data.stream) if data and getattr(data, "filename", "") else None


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_record():
    return _add_page(records.add_record, external=False)


@bp.route("/new-resource", methods=["GET", "POST"])
@login_required
def new_resource():
    """A resource published elsewhere, added by its DOI or address."""
    return _add_page(resources.add_resource, external=True)


def _add_page(add, *, external: bool):
    require(may_manage_archive(current_user))
    form = _record_form()
    return edit_page(
        form, lambda: add(details=form.details(), actor=current_actor(), upload=_upload(form)),
        saved=_("Added to the archive."), back=lambda record: url_for("archive.show", record_id=record.id),
        page=lambda: render_template("archive/record_form.html", form=form, record=None, external=external),
    )


@bp.route("/<int:record_id>/edit", methods=["GET", "POST"])
@login_required
def edit_record(record_id: int):
    record = db.get_or_404(ArchiveRecord, record_id)
    require(record.can_edit(current_user))
    form = _record_form(record)
    return edit_page(
        form, lambda: records.edit_record(record, details=form.details(), actor=current_actor(),
                                          upload=_upload(form)),
        saved=_("Saved."), back=url_for("archive.show", record_id=record.id),
        page=lambda: render_template("archive/record_form.html", form=form, record=record,
                                     external=record.source == "external"),
    )


@bp.route("/<int:record_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw_record(record_id: int):
    record = db.get_or_404(ArchiveRecord, record_id)
    require(record.can_withdraw(current_user))
    form = WithdrawForm()
    return edit_page(
        form, lambda: withdrawal.withdraw(record, reason=form.reason.data or "", actor=current_actor(), now=utcnow()),
        saved=_("The record was withdrawn; its address now says so."),
        back=url_for("archive_manage.list_records"),
        page=lambda: render_template("archive/withdraw.html", form=form, record=record),
    )


@bp.route("/themes", methods=["GET", "POST"])
@bp.route("/themes/<int:theme_id>", methods=["GET", "POST"])
@login_required
def edit_themes(theme_id: int | None = None):
    require(Theme.can_manage(current_user))
    theme = None if theme_id is None else db.get_or_404(Theme, theme_id)
    form = ThemeForm(obj=theme)
    show_languages(form, _other_languages())

    def save():
        details = {"name": form.name.data or "", "name_translations": form.name_translations.data,
                   "actor": current_actor()}
        return themes.add_theme(**details) if theme is None else themes.rename_theme(theme, **details)

    return edit_page(form, save, saved=_("Saved."), back=url_for("archive_manage.edit_themes"),
                     page=lambda: render_template("archive/themes.html", form=form, theme=theme, themes=all_themes()))


@bp.post("/themes/<int:theme_id>/remove")
@login_required
def remove_theme(theme_id: int):
    require(Theme.can_manage(current_user))
    theme = db.get_or_404(Theme, theme_id)
    run_action(lambda: themes.remove_theme(theme, actor=current_actor()), _("The theme was removed."))
    return redirect(url_for("archive_manage.edit_themes"))


def _other_languages() -> list[str]:
    main = current_app.config["BABEL_DEFAULT_LOCALE"]
    return [code for code in current_app.config["LANGUAGES"] if code != main]
