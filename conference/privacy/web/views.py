"""Your data (download it, erase your account) and the administrators' erasure of an account."""

from __future__ import annotations

import json
import tempfile

from flask import Blueprint, Response, flash, redirect, render_template, send_file, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from conference.accounts.models import User
from conference.extensions import db
from conference.privacy import erasure
from conference.privacy.export import export_for, write_archive
from conference.privacy.web.forms import EraseForm, EraseOwnAccountForm
from conference.web.common import current_actor, require, saved_form

bp = Blueprint("privacy", __name__)


@bp.route("/account/data")
@login_required
def your_data():
    return render_template("privacy/your_data.html", form=EraseOwnAccountForm(),
                           binds=erasure.what_binds(current_user))


@bp.route("/account/data.json")
@login_required
def download():
    document = json.dumps(export_for(current_actor()), ensure_ascii=False, indent=2)
    return Response(document, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="your-data.json"',
                             "Cache-Control": "no-store"})


@bp.route("/account/data.zip")
@login_required
def download_with_files():
    """The document and the files it lists, built in a temporary file (in memory while small)."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115  (send_file closes it)
    write_archive(current_actor(), spool)
    spool.seek(0)
    response = send_file(spool, mimetype="application/zip", as_attachment=True, download_name="your-data.zip")
    response.cache_control.no_store = True
    return response


@bp.post("/account/data/erase")
@login_required
def erase_own_account():
    form = EraseOwnAccountForm()
    user = current_actor()
    if saved_form(form, lambda: erasure.erase_account(user, actor=user, password=form.password.data)) is None:
        return render_template("privacy/your_data.html", form=form, binds=erasure.what_binds(user)), 400
    session.clear()
    logout_user()
    flash(_("Your account and your data are erased."), "success")
    return redirect(url_for("events.index"))


@bp.route("/admin/users/<int:user_id>/erase", methods=["GET", "POST"])
@login_required
def erase_account(user_id: int):
    require(current_user.can_administer())
    user = db.get_or_404(User, user_id)
    form = EraseForm()
    require(erasure.can_erase(user, current_actor()) or user.erased_at is not None)
    label = user.display_name
    if saved_form(form, lambda: erasure.erase_account(user, actor=current_actor())) is not None:
        flash(_("The account of %(name)s is erased.", name=label), "success")
        return redirect(url_for("admin.list_users"))
    return render_template("privacy/erase_account.html", form=form, user=user,
                           binds=erasure.what_binds(user) if user.erased_at is None else [])
