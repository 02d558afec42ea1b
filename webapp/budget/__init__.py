"""Budget: what is left to live on per day until the next pay ("reste à vivre"), private."""

from flask import Blueprint

bp = Blueprint("budget", __name__)

from webapp.budget import routes  # noqa: E402,F401
