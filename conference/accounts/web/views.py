"""Accounts: email verification, log-in and out, password reset and change, profile."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from conference.accounts import login_sessions
from conference.accounts import users as accounts
from conference.accounts.web.forms import (
    ChangePasswordForm,
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from conference.accounts.web.limits import per_account_and_address, per_user
from conference.accounts.web.login import current_login_session, log_in, log_out
from conference.errors import DomainError, InvalidToken
from conference.extensions import db
from conference.i18n import LANGUAGE_COOKIE, LANGUAGE_COOKIE_MAX_AGE, supported
from conference.web.common import current_actor, safe_next, show_error

bp = Blueprint("auth", __name__, url_prefix="/auth")  # the sign-up page joins it from events.web.signup


@bp.route("/verify/<token>")
def verify_email(token):
    try:
        user = accounts.verify_email(token)
    except InvalidToken as error:
        return render_template("auth/token_error.html", message=error.message), 400
    db.session.commit()
    flash(_("Your email address %(email)s is confirmed.", email=user.email), "success")
    if current_user.is_authenticated:
        return redirect(url_for("home.dashboard"))
    return redirect(url_for("auth.login"))


@bp.post("/verify/resend")
@login_required
@per_user("RATELIMIT_RESET")
def resend_verification():
    if not current_user.is_verified:
        accounts.send_verification(current_actor())
        db.session.commit()
        flash(_("We sent a new confirmation link to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("home.dashboard"))


@bp.route("/login", methods=["GET", "POST"])
@per_account_and_address("RATELIMIT_LOGIN", count_failures_only=True)
def login():
    if current_user.is_authenticated:
        return safe_next()
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(email=form.email.data, password=form.password.data)
        except accounts.AccountDisabled as error:
            form.form_errors.append(error.message)
            return render_template("auth/login.html", form=form)
        if user is None:
            form.password.errors.append(_("The email address or the password is wrong."))
        else:
            log_in(user, remember=form.remember.data)
            db.session.commit()
            if not user.is_verified:
                flash(_("Confirm your email address with the link we sent you; "
                        "until then you cannot join teams or create events."), "info")
            return safe_next()
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    log_out()
    db.session.commit()
    flash(_("You are logged out."), "info")
    return redirect(url_for("events.index"))


@bp.route("/reset", methods=["GET", "POST"])
@per_account_and_address("RATELIMIT_RESET")
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(email=form.email.data)
        db.session.commit()
        # The same answer whether or not the address has an account.
        flash(_("If an account uses %(email)s, we sent it a link to choose a new password. It works for two hours.",
                email=form.email.data), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@per_account_and_address("RATELIMIT_RESET")
def reset_password(token):
    try:
        accounts.user_for_reset_token(token)
    except InvalidToken as error:
        return render_template("auth/token_error.html", message=error.message, reset_link=True), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(token=token, new_password=form.password.data)
        except DomainError as error:
            show_error(form, error)
        else:
            log_out()
            db.session.commit()
            flash(_("Your password is changed. Log in with the new one."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_actor()  # the audit log records the User, not the proxy
        try:
            accounts.change_password(user, current_password=form.current_password.data,
                                     new_password=form.new_password.data, keep_session=current_login_session())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()  # this session (and its "remember me" cookie) continues
            flash(_("Your password is changed. Other devices are logged out."), "success")
            return redirect(url_for("auth.edit_profile"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def edit_profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        user = current_actor()
        try:
            accounts.update_profile(user, actor=user, name=form.name.data,
                                    affiliation=form.affiliation.data or "", country=form.country.data or "",
                                    timezone=form.timezone.data, bio=form.bio.data or "",
                                    language=form.language.data or None, expertise=form.expertise.data or [])
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("auth.edit_profile"))
    return render_template("auth/profile.html", form=form, sessions=login_sessions.live_sessions(current_user),
                           this_session=current_login_session())


@bp.post("/language")
def choose_language():
    """The language switcher on every page: kept in a cookie for the browser and, for a signed-in
    person, in their profile too; then back to the page it was used on."""
    language = supported(request.form.get("language"))
    response = safe_next("events.index")
    if language:
        if current_user.is_authenticated:
            accounts.set_language(current_actor(), actor=current_actor(), language=language)
            db.session.commit()
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=LANGUAGE_COOKIE_MAX_AGE, httponly=True,
                            samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.post("/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    """End one of one's other sessions (a lost phone, a shared computer)."""
    row = login_sessions.own_session(current_user, session_id)
    if row is None:
        abort(404)
    login_sessions.end_session(row, actor=current_actor())
    db.session.commit()
    flash(_("That session has ended: the device is logged out."), "success")
    return redirect(url_for("auth.edit_profile") + "#sessions")


@bp.post("/sessions/end-all")
@login_required
def end_all_sessions():
    """"Log out everywhere": every session ends, this device's too (a stolen password, a
    device one no longer has)."""
    user = current_actor()
    login_sessions.end_other_sessions(user, actor=user, keep=current_login_session())
    log_out()
    db.session.commit()
    flash(_("You are logged out everywhere, on this device too."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/sessions/end-others")
@login_required
def end_other_sessions():
    """"Log out everywhere else": every other session ends, this one stays (as GitHub does); this
    device logs out with the ordinary "Log out", so the two together log out everywhere."""
    user = current_actor()
    ended = login_sessions.end_other_sessions(user, actor=user, keep=current_login_session())
    db.session.commit()
    flash(ngettext("You are logged out everywhere else (%(num)d session ended). This device stays logged in.",
                   "You are logged out everywhere else (%(num)d sessions ended). This device stays logged in.",
                   ended), "success")
    return redirect(url_for("auth.edit_profile") + "#sessions")
