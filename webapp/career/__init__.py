"""Career: the trainee's CV (built from what the app knows, edited by them, printable in French),
their job applications, and interview practice. Private; an application is shared one by one."""

from flask import Blueprint

bp = Blueprint("career", __name__)

from webapp.career import routes  # noqa: E402,F401
