"""The public privacy notice, /privacy (written at /admin/privacy-notice)."""

from flask import Blueprint, render_template

from conference.accounts import privacy_notice
from conference.core.markdown import render_markdown

bp = Blueprint("privacy_notice", __name__)


@bp.route("/privacy")
def show():
    written = privacy_notice.written_notice()
    return render_template("privacy_notice/notice.html", written=render_markdown(written) if written else None,
                           controller=privacy_notice.controller())
