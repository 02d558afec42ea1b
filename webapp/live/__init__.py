"""Live quiz sessions for workshops: a code on the wall, answers on phones, calm scoring."""

from flask import Blueprint

bp = Blueprint("live", __name__)

# sets_routes: the question sets (issue 16), on this blueprint.
from webapp.live import routes, sets_routes  # noqa: E402,F401
