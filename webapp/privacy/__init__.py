"""Privacy: the audit trail, the trainee's data rights (see, download, delete, erase),
retention and the privacy notice."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)

from webapp.privacy import routes  # noqa: E402,F401
