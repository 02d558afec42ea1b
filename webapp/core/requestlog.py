"""One structured line per request, and a request id that follows it (X-Request-ID).

Each line is JSON on the `passerelle.requests` logger: the request id, the route's name (the
endpoint, never the address, which can hold a token or a code), method, status, duration in
milliseconds and the signed-in user's number. Never a parameter, a form field or a text someone
wrote. The id comes from the proxy's X-Request-ID when it looks like one (so nginx's log and
ours agree), else it is made here; it is sent back in the response and put in the error log.

A live poll with nothing new is answered before Flask (live.shortcut) and is not logged: 250
lines a second of "nothing new" would drown the rest.

The same hooks give the request's route, status and duration to the metrics (core.metrics): a
request is timed and accounted for in one place, so the log and the metrics agree.
"""

import json
import logging
import re
import time
import uuid

from flask import Flask, current_app, g, request

from webapp.core import metrics

log = logging.getLogger("passerelle.requests")
# What a proxy's id may look like: letters, digits, dashes, at most 64 (nothing to inject).
ID = re.compile(r"[A-Za-z0-9-]{8,64}")


def request_id() -> str:
    """This request's id (made on first ask, so error handlers may ask before anything else)."""
    # Kept in the request's own environ, not in g: g can outlive one request (a test's app
    # context, a CLI command), the environ cannot.
    environ = request.environ
    if "passerelle.request_id" not in environ:
        environ["passerelle.request_id"] = id_from(request.headers.get("X-Request-ID", ""))
    return environ["passerelle.request_id"]


def id_from(sent: str) -> str:
    """The proxy's id when it looks like one, else a new one."""
    return sent if ID.fullmatch(sent) else uuid.uuid4().hex


def line(status: int, seconds: float) -> str:
    # The user only if this request loaded them already: a log line never costs a query.
    user = getattr(g.get("_login_user"), "id", None)
    return line_of(request_id(), request.endpoint, request.method, status, seconds, user)


def line_of(rid: str, route: str | None, method: str, status: int, seconds: float, user) -> str:
    return json.dumps(
        {
            "request_id": rid,
            "route": route or "none",
            "method": method,
            "status": status,
            "ms": round(seconds * 1000, 1),
            "user": user if isinstance(user, int) else None,
        },
        separators=(",", ":"),
    )


def record(app: Flask, rid: str, route: str, method: str, status: int, seconds: float) -> None:
    """A request answered before Flask (an answer taken by live.shortcut), in the metrics
    and the log as Flask's own are."""
    metrics.observe(route, method, status, seconds)
    if app.config.get("LOG_REQUESTS", True):
        log.info(line_of(rid, route, method, status, seconds, None))


def _start():
    request.environ["passerelle.started"] = time.perf_counter()
    request_id()


def _finish(response):
    response.headers["X-Request-ID"] = request_id()
    started = request.environ.get("passerelle.started", time.perf_counter())
    seconds = time.perf_counter() - started
    metrics.observe(request.endpoint, request.method, response.status_code, seconds)
    if current_app.config.get("LOG_REQUESTS", True):
        log.info(line(response.status_code, seconds))
    return response


def init_app(app: Flask) -> None:
    if not log.handlers:  # one line each on stderr (gunicorn's and systemd's journal take it)
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

    # First before anything (a CSRF refusal is timed too), last after everything: the status
    # logged and counted is the one sent (the outbox's net may still change a view's answer).
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request_funcs.setdefault(None, []).insert(0, _finish)
