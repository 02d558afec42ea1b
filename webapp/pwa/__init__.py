"""The PWA shell: manifest, service worker at root scope, offline page, the outbox's words."""

from flask import Blueprint

bp = Blueprint("pwa", __name__)


from webapp.pwa import routes  # noqa: E402,F401
