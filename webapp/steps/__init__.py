"""My steps (démarches): the checklist of steps after release, each shared by choice with the
workshop's social worker (a teacher of the trainee's group), who may comment."""

from flask import Blueprint

bp = Blueprint("steps", __name__)

from webapp.steps import routes  # noqa: E402,F401
