"""Site administration: the user list, site-wide rights, disabling and enabling accounts."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from conference.accounts import login_sessions, privacy_notice
from conference.accounts.admin import AccountStatus, disable_account, enable_account, set_site_rights, users_matching
from conference.accounts.models import User
from conference.accounts.web.forms import DisableAccountForm, EnableAccountForm, PrivacyNoticeForm
from conference.errors import DomainError
from conference.extensions import db
from conference.web import lists
from conference.web.common import current_actor, require, saved_form, show_error

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def only_admins():
    require(current_user.can_administer())


def _status_arg() -> AccountStatus:
    """The list's filter; anything unknown shows every account."""
    value = request.args.get("status") or ""
    return next((status for status in AccountStatus if status.value == value), AccountStatus.ALL)


# The user list's optional columns; the name and the site rights always show.
USER_COLUMNS = {"email": _l("Email"), "confirmed": _l("Confirmed"), "status": _l("Status")}


@bp.route("/users")
def list_users():
    query, status = (request.args.get("q") or "").strip()[:200], _status_arg()
    args = lists.read_list_args(request.args)
    columns = lists.read_columns(request.args, name="users", offered=USER_COLUMNS, default=tuple(USER_COLUMNS))
    page = lists.paginate_query(users_matching(query, status), args)
    return render_template("admin/users.html", page=page, args=args, columns=columns, query=query, status=status,
                           statuses=AccountStatus)


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


def _user_page(user: User, disable_form: DisableAccountForm):
    return render_template("admin/user.html", user=user, disable_form=disable_form, enable_form=EnableAccountForm(),
                           sessions=len(login_sessions.live_sessions(user)),
                           is_self=user.id == current_user.id)


@bp.route("/users/<int:user_id>")
def show_user(user_id):
    return _user_page(db.get_or_404(User, user_id), DisableAccountForm())


@bp.post("/users/<int:user_id>/disable")
def disable_user(user_id):
    """Disable an account, with a reason, after confirming: it is logged out everywhere."""
    user = db.get_or_404(User, user_id)
    form = DisableAccountForm()
    if form.validate_on_submit():
        try:
            ended = disable_account(user, actor=current_actor(), reason=form.reason.data)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(ngettext("The account of %(name)s is disabled; %(num)d session ended.",
                           "The account of %(name)s is disabled; %(num)d sessions ended.",
                           ended, name=user.display_name), "success")
            return redirect(url_for("admin.show_user", user_id=user.id))
    return _user_page(user, form)


@bp.post("/users/<int:user_id>/enable")
def enable_user(user_id):
    user = db.get_or_404(User, user_id)
    if EnableAccountForm().validate_on_submit():
        try:
            enable_account(user, actor=current_actor())
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The account of %(name)s is enabled: they can log in again.", name=user.display_name), "success")
    return redirect(url_for("admin.show_user", user_id=user.id))


@bp.route("/privacy-notice", methods=["GET", "POST"])
def edit_privacy_notice():
    """Write the site's privacy notice; each save is kept as a version."""
    notice = privacy_notice.current_notice()
    form = PrivacyNoticeForm(data={"body": notice.body if notice else ""})
    if saved_form(form, lambda: privacy_notice.save_notice(body=form.body.data or "", actor=current_actor())):
        flash(_("The privacy notice is saved."), "success")
        return redirect(url_for("admin.edit_privacy_notice"))
    return render_template("admin/privacy_notice.html", form=form, notice=notice)
