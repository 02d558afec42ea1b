"""The PWA shell: manifest, service worker at root scope, offline page, the outbox's words."""

from flask import Blueprint

bp = Blueprint("pwa", __name__)


@bp.record_once
def _outbox_hooks(state):
    from webapp.core import grading
    from webapp.pwa import outbox

    state.app.jinja_env.globals["outbox_words"] = outbox.words
    # A lesson copy kept offline carries its keys, so the phone can give feedback without network.
    state.app.jinja_env.globals["form_key"] = grading.form_key


from webapp.pwa import routes  # noqa: E402,F401
