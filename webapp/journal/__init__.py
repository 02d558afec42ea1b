"""Goals journal and the eleven-theme self-assessment: the trainee's own plan, shared by choice."""

from flask import Blueprint

bp = Blueprint("journal", __name__)

from webapp.journal import routes  # noqa: E402,F401
