"""The educator dashboard: assignments, who needs help today, progress, trainee page, impact."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from webapp.dashboard import routes  # noqa: E402,F401
