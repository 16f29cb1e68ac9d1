"""The theme vocabulary (e.g. the Sustainable Development Goals) records are filed under."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from conference.archive.models import Theme
from conference.core.audit import record as audit
from conference.core.translations import clean_translations
from conference.errors import AlreadyExists, DomainError, NotAllowed
from conference.extensions import db

MAX_NAME = 200


def add_theme(*, name: str, name_translations: dict[str, str] | None, actor) -> Theme:
    """A new theme, its name unique (compared case-blind)."""
    theme = Theme()
    _set_name(theme, name=name, name_translations=name_translations, actor=actor)
    db.session.add(theme)
    db.session.flush()
    audit("archive.theme_added", actor=actor, obj=theme, name=theme.name)
    return theme


def rename_theme(theme: Theme, *, name: str, name_translations: dict[str, str] | None, actor) -> Theme:
    _set_name(theme, name=name, name_translations=name_translations, actor=actor)
    db.session.flush()
    audit("archive.theme_renamed", actor=actor, obj=theme, name=theme.name)
    return theme


def remove_theme(theme: Theme, *, actor) -> None:
    """Removes the theme; the records filed under it simply lose it."""
    _require_keeper(actor)
    audit("archive.theme_removed", actor=actor, obj=theme, name=theme.name)
    db.session.delete(theme)
    db.session.flush()


def _require_keeper(actor) -> None:
    if actor is None or not Theme.can_manage(actor):
        raise NotAllowed(_("Only site administrators can change the archive's themes."))


def _set_name(theme: Theme, *, name: str, name_translations: dict[str, str] | None, actor) -> None:
    _require_keeper(actor)
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("Give the theme a name."), field="name")
    if len(name) > MAX_NAME:
        raise DomainError(_("The name can have at most %(max)d characters.", max=MAX_NAME), field="name")
    query = sa.select(Theme.id).where(sa.func.lower(Theme.name) == name.lower())
    if theme.id is not None:
        query = query.where(Theme.id != theme.id)
    if db.session.scalar(query) is not None:
        raise AlreadyExists(_("There is already a theme with this name."), field="name")
    main = current_app.config["BABEL_DEFAULT_LOCALE"]
    others = [code for code in current_app.config["LANGUAGES"] if code != main]
    theme.name = name
    theme.name_translations = clean_translations(name_translations, field="name_translations", languages=others,
                                                 max_length=MAX_NAME, one_line=True)
