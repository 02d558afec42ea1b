"""Live quiz sessions for workshops: a code on the wall, answers on phones, calm scoring."""

from flask import Blueprint

bp = Blueprint("live", __name__)

from webapp.live import routes  # noqa: E402,F401
