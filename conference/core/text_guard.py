"""No text the database cannot store reaches it, on any database and by any way in.

PostgreSQL refuses a NUL character in text (and no encoding holds a lone surrogate); SQLite
would store it, and PostgreSQL would fail with an error page. Forms refuse such text first,
next to the field (blueprints.common.BaseForm). Behind them, two guards:

* assigning such a string to a String or Text column of any model raises a DomainError naming
  the column: the command line, imports and views that read a request's values themselves get
  the same refusal as a form;
* a statement with such a string among its parameters (a lookup by a code typed in a URL or a
  form, raw SQL) is not sent: it raises a DomainError instead of the driver's error.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.core.bounds import storable
from conference.errors import DomainError


def _message() -> str:
    return _("This text contains an invisible control character (NUL), which cannot be saved or looked up. "
             "Delete it and try again.")


def _refuse_unstorable(_target, value, _oldvalue, initiator):
    if isinstance(value, str) and not storable(value):
        raise DomainError(_message(), field=initiator.key)
    return value


@sa.event.listens_for(sa.orm.Mapper, "mapper_configured")
def _guard_text_columns(mapper, class_) -> None:
    for prop in mapper.column_attrs:
        if any(isinstance(column.type, sa.String) for column in prop.columns):
            sa.event.listen(getattr(class_, prop.key), "set", _refuse_unstorable, retval=True)


def _unstorable(parameters) -> bool:
    if isinstance(parameters, str):
        return not storable(parameters)
    if isinstance(parameters, dict):
        return any(_unstorable(value) for value in parameters.values())
    if isinstance(parameters, (list, tuple)):
        return any(_unstorable(value) for value in parameters)
    return False


@sa.event.listens_for(sa.engine.Engine, "before_cursor_execute")
def _guard_statements(_conn, _cursor, _statement, parameters, _context, _executemany) -> None:
    if _unstorable(parameters):
        raise DomainError(_message())
