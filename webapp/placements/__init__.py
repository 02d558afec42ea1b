"""Placements: the company immersions a teacher records, the tutor's evaluation through a
one-time link (no account), and the trainee's own review of each placement."""

from flask import Blueprint

bp = Blueprint("placements", __name__)

from webapp.placements import routes  # noqa: E402,F401
