"""Mail about accounts: the address check, the password reset and the note that an address
already has an account (they belong to no event, so organisers do not change them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from conference.core.links import external_url
from conference.mail.registry import Placeholder, TemplateSpec, register

GROUP = _l("Accounts and team")

# Preview links carry this instead of a real token: a preview must not hand an organiser a
# link that resets someone's password or accepts an invitation in their name.
PREVIEW_TOKEN = "preview"


def _organiser_sample(event, endpoint: str):
    """An organiser of the event as the recipient of an account mail, with a link that
    looks like the real one but carries no working token."""
    if not event.organisers:
        return None
    user = event.organisers[0]
    return {"user": user, "link": external_url(endpoint, token=PREVIEW_TOKEN)}, user.name, user.email, user


register(TemplateSpec(
    key="verify_email",
    group=GROUP,
    label=_l("Account: confirm the email address"),
    when=_l("To a new account (and to an account whose address changed), to confirm the address."),
    subject=_l("Confirm your email address"),
    body=_l("""Hello {recipient_name},

Please confirm your email address by opening this link:

{link}

The link works for 48 hours. If you did not sign up, ignore this message."""),
    sets=("recipient", "link"),
    per_event=False,
    sample=lambda event: _organiser_sample(event, "auth.verify_email"),
))

register(TemplateSpec(
    key="reset_password",
    group=GROUP,
    label=_l("Account: choose a new password"),
    when=_l("To an account whose owner asked to reset the password."),
    subject=_l("Choose a new password"),
    body=_l("""Hello {recipient_name},

Someone asked to reset the password of your account. To choose a new password, open this link:

{link}

The link works for two hours and only once. If you did not ask for it, ignore this message: \
your password stays as it is."""),
    sets=("recipient", "link"),
    per_event=False,
    sample=lambda event: _organiser_sample(event, "auth.reset_password"),
))


def _signup_attempt_sample(event):
    """An organiser of the event, with the real log-in and reset pages (they carry no token)."""
    found = _organiser_sample(event, "auth.verify_email")
    if found is None:
        return None
    _data, name, address, user = found
    return {"user": user, "login_link": external_url("auth.login"),
            "reset_link": external_url("auth.request_reset")}, name, address, user


register(TemplateSpec(
    key="account_exists",
    group=GROUP,
    label=_l("Account: someone tried to sign up with your address"),
    when=_l("To an account whose address someone typed into the sign-up form. The sign-up page answers as "
            "for a new account, so that it does not tell who has an account; this mail tells the owner."),
    subject=_l("Someone tried to create an account with your address"),
    body=_l("""Hello {recipient_name},

Someone tried to create an account with your email address, {recipient_email}. \
You already have an account, so no second one was created.

If it was you, log in:

{login_link}

If you forgot your password, choose a new one here:

{reset_link}

If it was not you, ignore this message: nothing has changed on your account."""),
    sets=("recipient",),
    extra=(
        Placeholder("login_link", _l("The log-in page"), lambda c: c.get("login_link", ""), kind="url"),
        Placeholder("reset_link", _l("The page to ask for a new password"), lambda c: c.get("reset_link", ""),
                    kind="url"),
    ),
    per_event=False,
    sample=_signup_attempt_sample,
))
