"""Registration views (being written)."""

from .blueprint import bp


@bp.route("/registrations/<token>")
def manage(token):  # replaced by the participant's page
    return token
