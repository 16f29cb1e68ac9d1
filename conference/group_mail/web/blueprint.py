from flask import Blueprint

bp = Blueprint("mail", __name__, url_prefix="/events/<slug>/mail")
