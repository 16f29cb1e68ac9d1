"""The design system's files: Bootstrap 5.3, served by the app itself.

Bootstrap comes from the Bootstrap-Flask package (pinned in the lock files like every other
dependency), which carries Bootstrap's compiled CSS and icons. Only those files are used: not the
package's Flask extension, whose macros and templates write inline styles that the
Content-Security-Policy refuses. So pages load ``/static/bootstrap/css/bootstrap.min.css`` from
the app, never from a CDN, and work on a network that reaches nothing else.
"""

from __future__ import annotations

from pathlib import Path

import flask_bootstrap
from flask import Blueprint

BOOTSTRAP_FILES = Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5"

# Only a static folder: url_for("bootstrap.static", filename="css/bootstrap.min.css").
bootstrap_files = Blueprint(
    "bootstrap", __name__, static_folder=str(BOOTSTRAP_FILES), static_url_path="/static/bootstrap"
)
