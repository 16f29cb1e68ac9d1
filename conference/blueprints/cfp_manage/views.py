"""The call for papers for organisers: setting it up and seeing what came in."""

from flask import Blueprint

bp = Blueprint("cfp_manage", __name__, url_prefix="/events/<slug>/manage")
