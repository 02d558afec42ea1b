"""Health check, metrics and the recorded read-aloud."""

import io

from flask import (
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from prometheus_client import CONTENT_TYPE_LATEST

from webapp.core import audio, bp
from webapp.core.database import check_database, check_database_writes, free_megabytes
from webapp.core.metrics import exposition, may_scrape
from webapp.extensions import limiter

YEAR = 365 * 24 * 3600


@bp.get("/healthz")
def healthz():
    """For the load balancer and the person on call: is the app up, and its database?

    ?ready=1 (readiness, for taking an instance into the pool): the database takes a write,
    the rate limits' storage (Redis when shared) answers, and the disk holding the instance
    folder (SQLite, recordings) has HEALTH_MIN_FREE_MB left. Each check says ok or why not."""
    if reason := check_database():
        return jsonify(status="error", db=reason), 503
    if not request.args.get("ready"):
        return jsonify(status="ok", db="ok")
    checks = {"db": check_database_writes() or "ok", "limits": "ok", "disk": "ok"}
    try:
        if not limiter.limiter.storage.check():
            checks["limits"] = "unreachable"
    except Exception as error:  # any storage's own failure is a reason, never a 500
        checks["limits"] = type(error).__name__
    free = free_megabytes(current_app.instance_path)
    if free < current_app.config["HEALTH_MIN_FREE_MB"]:
        checks["disk"] = f"{free} MB free"
    ready = all(value == "ok" for value in checks.values())
    return jsonify(status="ok" if ready else "error", **checks), 200 if ready else 503


@bp.get("/metrics")
def metrics():
    """Prometheus metrics, for the scraper's bearer token (METRICS_TOKEN) or an admin; 404 for
    anyone else, as for anything not theirs. nginx refuses /metrics from outside: Prometheus
    scrapes each instance on its own address (README, "Metrics")."""
    authorization = request.headers.get("Authorization", "")
    if not may_scrape(authorization, current_app.config["METRICS_TOKEN"], current_user):
        abort(404)
    response = Response(exposition(current_app), content_type=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/audio/<name>.opus")
def audio_file(name: str):
    """A recording, named by the hash of its text and voice: it never changes, so phones keep it
    a year. Content texts only say what every lesson says; nothing personal is in a name."""
    path = audio.path_for(current_app.config["AUDIO_DIR"], name)
    if not audio.is_key(name) or not path.exists():
        abort(404)
    # Read whole (a few KB): a phone that drops mid-download then leaves no file handle open.
    response = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype="audio/ogg",
        max_age=YEAR,
        conditional=True,
        etag=name,
    )
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


@bp.get("/audio/say")
@login_required
@limiter.limit("60 per minute")
def audio_say():
    """A text not recorded in advance (a figure, a prompt of the interface): recorded now, once,
    then the phone goes to its recording. Only for people signed in, and short texts."""
    text, lang = request.args.get("text", ""), request.args.get("lang", "fr")
    if not audio.normalise(text) or len(text) > audio.MAX_CHARS or not audio.available():
        abort(404)
    audio.record(text, lang, current_app.config["AUDIO_DIR"])
    return redirect(url_for("core.audio_file", name=audio.key(text, lang)), 303)


@bp.post("/audio/private")
@login_required
@limiter.limit("30 per minute")
def audio_private():
    """A private figure (an amount, a name) read aloud for a phone without a voice: recorded for
    this answer only, in a folder of its own that is gone before the answer leaves. The words
    travel in the POST body, so they are in no address or log, and nothing is kept or cached."""
    text, lang = request.form.get("text", ""), request.form.get("lang", "fr")
    if not audio.normalise(text) or len(text) > audio.MAX_CHARS or not audio.available():
        abort(404)
    response = current_app.response_class(audio.say_once(text, lang), mimetype="audio/ogg")
    response.headers["Cache-Control"] = "no-store"
    return response
