"""Live quiz sessions for workshops: a code on the wall, answers on phones, calm scoring."""

from flask import Blueprint

bp = Blueprint("live", __name__)


@bp.record_once
def _versions(state):
    from webapp.live import panels, shortcut, versions

    versions.init_app(state.app)
    state.app.extensions["live_panels"] = panels.Cache()
    # Outermost: a poll with nothing new is answered before any other layer works.
    state.app.wsgi_app = shortcut.PollShortcut(state.app.wsgi_app, state.app)


# sets_routes: the question sets, on this blueprint.
from webapp.live import routes, sets_routes  # noqa: E402,F401
