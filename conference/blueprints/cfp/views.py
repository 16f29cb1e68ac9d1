"""The call for papers for authors: the public call page, submitting, editing, co-authors,
files, withdrawing, and the author's dashboard."""

from flask import Blueprint

bp = Blueprint("cfp", __name__)
