"""The trainee's home screen: what each feature has for today, gathered through its services,
and the budget's quick add, fixed where it was typed when something is missing."""

from flask import Blueprint

bp = Blueprint("home", __name__)

from webapp.home import routes  # noqa: E402,F401
