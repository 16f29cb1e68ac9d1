"""Flask extensions, created unbound and initialised in :func:`conference.create_app`."""

from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_login.utils import decode_cookie, encode_cookie
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
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
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
