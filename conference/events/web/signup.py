"""The sign-up page, on the accounts blueprint (``auth.signup``) but here because it also takes
an invitation to an event's team: whoever signs up with the invitation's link joins the team."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from conference.accounts import users as accounts
from conference.accounts.web.forms import SignupForm
from conference.accounts.web.limits import per_account_and_address
from conference.accounts.web.login import log_in
from conference.accounts.web.views import bp
from conference.errors import DomainError, InvalidToken
from conference.events import team
from conference.extensions import db
from conference.web.common import show_error


@bp.route("/signup", methods=["GET", "POST"])
@per_account_and_address("RATELIMIT_SIGNUP")
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("home.dashboard"))
    form = SignupForm(invitation=request.args.get("invitation", ""))
    invitation = _invitation_or_none(form.invitation.data)
    if request.method == "GET" and invitation is not None:
        form.email.data = invitation.email
    if form.validate_on_submit():
        details = {"email": form.email.data, "name": form.name.data, "password": form.password.data,
                   "timezone": form.timezone.data, "language": str(get_locale())}
        try:
            if invitation is None:
                user, joined = accounts.sign_up(**details), False
            else:
                user, joined = team.sign_up_and_accept(invitation, **details)
        except DomainError as error:
            show_error(form, error)
        else:
            if joined:
                log_in(user)
                db.session.commit()
                flash(_("Welcome! You have joined the team of %(event)s.",
                        event=invitation.event.tr("title")), "success")
                return redirect(url_for("events.show_event", slug=invitation.event.slug))
            db.session.commit()
            # The same answer when the address already had an account (its owner was mailed
            # instead): the page must not tell who has an account here.
            flash(_("Almost done: we sent a link to %(email)s. Open it to confirm your address, then log in.",
                    email=accounts.normalise_email(form.email.data)), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/signup.html", form=form, invitation=invitation)


def _invitation_or_none(token: str | None):
    if not token:
        return None
    try:
        invitation = team.invitation_from_token(token)
    except InvalidToken:
        return None
    return invitation if invitation.is_open else None
