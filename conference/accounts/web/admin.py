"""Site administration: the user list and site-wide rights."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from conference.accounts.admin import set_site_rights, users_matching
from conference.accounts.models import User
from conference.errors import DomainError
from conference.extensions import db
from conference.web.common import current_actor, paginate, require

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def only_admins():
    require(current_user.can_administer())


@bp.route("/users")
def list_users():
    query = (request.args.get("q") or "").strip()
    page = paginate(users_matching(query), per_page=50)
    return render_template("admin/users.html", page=page, query=query)


@bp.post("/users/<int:user_id>/rights")
def update_rights(user_id):
    user = db.get_or_404(User, user_id)
    try:
        set_site_rights(user, actor=current_actor(), may_create_events=bool(request.form.get("may_create_events")),
                        is_admin=bool(request.form.get("is_admin")))
    except DomainError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Rights of %(name)s are saved.", name=user.display_name), "success")
    return redirect(url_for("admin.list_users", q=request.args.get("q") or None))
