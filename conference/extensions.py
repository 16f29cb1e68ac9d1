"""Flask extensions, created unbound and initialised in :func:`conference.create_app`."""

import re
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import Babel, Domain, format_decimal, get_translations
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_login.utils import decode_cookie, encode_cookie
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Deterministic constraint names, so migrations can drop and alter them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# The models' base class. Flask-SQLAlchemy makes db.Model at run time, from Base; the type
# checker cannot follow that, so it is told the base is a declarative class of Base's kind.
if TYPE_CHECKING:
    class Model(Base):
        __abstract__ = True
else:
    Model = db.Model
migrate = Migrate(compare_type=True, render_as_batch=True)


class RotatingKeyLoginManager(LoginManager):
    """Flask-Login, with the "remember me" cookie accepted under SECRET_KEY_FALLBACKS too (it
    signs it with SECRET_KEY alone): a key rotation does not log out those who asked to stay
    logged in. The user loader still checks the login session the cookie names."""

    def _load_user_from_remember_cookie(self, cookie):
        # SECRET_KEY first, then the earlier keys (config.finalise made the fallbacks a list).
        config = current_app.config
        for key in [config["SECRET_KEY"], *reversed(config.get("SECRET_KEY_FALLBACKS") or [])]:
            payload = decode_cookie(cookie, key=key)
            if payload is not None:
                # Signed again with SECRET_KEY, for Flask-Login's own reading of it.
                return super()._load_user_from_remember_cookie(encode_cookie(payload))
        return None


login_manager = RotatingKeyLoginManager()
csrf = CSRFProtect()
mail = Mail()


# A message's placeholders (and "%%", a percent sign, which is left alone).
_PLACEHOLDER = re.compile(r"%%|%\((\w+)\)([dis])")
# Numbers that name something rather than count it: written as they are ("user #1234").
NOT_QUANTITIES = frozenset({"id"})


def interpolate(text: str, variables: dict[str, Any]) -> str:
    """``text % variables``, with the numbers among the variables written as the reader's
    language writes them: "1 234,5" in French, "1.234,5" in Spanish, "1,234.5" in English. The
    placeholder may be ``%(n)d`` or ``%(n)s``: the catalogues keep their msgids, and no view or
    template has to remember to format a count before passing it."""
    shown = dict(variables)

    def localised(match: re.Match) -> str:
        name, kind = match.group(1), match.group(2)
        value = variables.get(name) if name else None
        if name is None or name in NOT_QUANTITIES or isinstance(value, bool) \
                or not isinstance(value, int | float | Decimal):
            return match.group(0)
        shown[name] = format_decimal(int(value) if kind in "di" else value)
        return f"%({name})s"

    pattern = _PLACEHOLDER.sub(localised, text)
    return (Markup(pattern) if isinstance(text, Markup) else pattern) % shown


class NumberedDomain(Domain):
    """Flask-Babel's messages, with numbers in the reader's language (see ``interpolate``)."""

    def gettext(self, string, **variables):
        text = self.get_translations().ugettext(string)
        return interpolate(text, variables) if variables else text

    def ngettext(self, singular, plural, num, **variables):
        variables.setdefault("num", num)
        return interpolate(self.get_translations().ungettext(singular, plural, num), variables)

    def pgettext(self, context, string, **variables):
        text = self.get_translations().upgettext(context, string)
        return interpolate(text, variables) if variables else text

    def npgettext(self, context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        return interpolate(self.get_translations().unpgettext(context, singular, plural, num), variables)


def _template_message(context: Context, text: str, variables: dict[str, Any], /) -> str:
    # As Jinja's own "newstyle" gettext (the arguments before the variables are positional only, so a
    # variable may be called num or context): marked safe when escaping (its variables are escaped),
    # always formatted (so "%%" is a percent sign whether or not there are variables).
    return interpolate(Markup(text) if context.eval_ctx.autoescape else text, variables)


@pass_context
def _template_gettext(context: Context, string: str, /, **variables: Any) -> str:
    return _template_message(context, get_translations().ugettext(string), variables)


@pass_context
def _template_ngettext(context: Context, singular: str, plural: str, num: int, /, **variables: Any) -> str:
    variables.setdefault("num", num)
    return _template_message(context, get_translations().ungettext(singular, plural, num), variables)


@pass_context
def _template_pgettext(context: Context, string_context: str, string: str, /, **variables: Any) -> str:
    variables.setdefault("context", string_context)
    return _template_message(context, get_translations().upgettext(string_context, string), variables)


@pass_context
def _template_npgettext(context: Context, string_context: str, singular: str, plural: str, num: int, /,
                        **variables: Any) -> str:
    variables.setdefault("context", string_context)
    variables.setdefault("num", num)
    return _template_message(context, get_translations().unpgettext(string_context, singular, plural, num),
                             variables)


class NumberedBabel(Babel):
    """Flask-Babel whose messages, in code and in templates, write their numbers in the reader's
    language (``interpolate``)."""

    @cached_property
    def domain_instance(self):
        return NumberedDomain(domain=self.domain)

    def init_app(self, app, *args, **kwargs):
        super().init_app(app, *args, **kwargs)
        # Replaces the callables Flask-Babel installed (Jinja's newstyle ones); `_` resolves gettext.
        app.jinja_env.globals.update(gettext=_template_gettext, ngettext=_template_ngettext,
                                     pgettext=_template_pgettext, npgettext=_template_npgettext)


babel = NumberedBabel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
