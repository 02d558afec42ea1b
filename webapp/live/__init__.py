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


@bp.record_once
def _metrics(state):
    from webapp.core import metrics
    from webapp.core.time import utcnow
    from webapp.live import services

    metrics.scraped_gauges(
        state.app,
        "live",
        lambda: services.open_rooms(utcnow()),
        rooms_open="Live rooms open now (not ended by their host, not expired).",
        players="Players who joined the rooms open now.",
    )


# sets_routes: the question sets, on this blueprint.
from webapp.live import routes, sets_routes  # noqa: E402,F401
