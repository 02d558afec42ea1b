"""Lessons: basic skills and French (FLE) lessons from content files, exercises, progress."""

from flask import Blueprint

bp = Blueprint("lessons", __name__)

from webapp.lessons import routes  # noqa: E402,F401
