"""The PWA shell: manifest, service worker at root scope, offline page, the outbox's answers."""

from flask import Blueprint

bp = Blueprint("pwa", __name__)


@bp.record_once
def _outbox_hooks(state):
    from webapp.pwa import outbox

    outbox.init_app(state.app)
    state.app.jinja_env.globals["outbox_words"] = outbox.words


from webapp.pwa import routes  # noqa: E402,F401
