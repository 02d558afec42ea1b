"""My week: the group's alternance calendar, the trainee's own appointments, calendar feeds and
attendance for the 26-hour contract."""

from flask import Blueprint

bp = Blueprint("week", __name__)

from webapp.week import routes  # noqa: E402,F401
