"""The server side of the phone's outbox (README, "The outbox protocol").

A write sent by the outbox is a normal form POST to its usual URL with a `client_id` field and the
header `X-Outbox: 1`. Such a request gets an answer for a machine, never a redirect or a page:
200 with `X-Outbox-Ack: <client_id>` and `X-Outbox-State: stored|duplicate` when the write is in
the database, else a status with `X-Outbox-Reason` (signin, other-user, csrf, invalid, gone, retry)
so the phone keeps the item and says why.

Views opt in with `@write` (outside the access decorator); services say what happened with
`note("stored" | "duplicate")` (done for them by `webapp.core.records`); a form that does not
validate says why through `webapp.core.forms.Form`. Without the header nothing changes.
"""

from dataclasses import dataclass, field
from functools import wraps

from flask import Flask, current_app, g, has_request_context, jsonify, request, session
from flask_login import current_user

from webapp.core import metrics
from webapp.core.i18n import gettext as _

HEADER = "X-Outbox"
STATES = ("stored", "duplicate")


@dataclass
class Outcome:
    state: str | None = None
    feedback: dict | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)


def is_outbox() -> bool:
    return request.headers.get(HEADER) == "1"


def _outcome() -> Outcome | None:
    return g.get("outbox")


def note(state: str, feedback: dict | None = None) -> None:
    """Say the write is in the database: "stored" now, or "duplicate" (it already was).
    The first note of a request counts (a write may cause others, e.g. a live answer a review)."""
    assert state in STATES
    _count_replay(state)
    outcome = _outcome()
    if outcome is not None and outcome.state is None:
        outcome.state = state
        if feedback is not None:
            outcome.feedback = feedback


def _count_replay(state: str) -> None:
    """A request whose first note is "duplicate" is a write sent again: count it, once."""
    if not has_request_context() or "passerelle.write_noted" in request.environ:
        return
    request.environ["passerelle.write_noted"] = state
    if state == "duplicate":
        metrics.replayed(request.endpoint, outbox=is_outbox())


def feedback(**values) -> None:
    """Extra facts for the phone about the stored write (e.g. a lesson answer's grade)."""
    outcome = _outcome()
    if outcome is not None:
        outcome.feedback = (outcome.feedback or {}) | values


def invalid(errors: dict[str, list]) -> None:
    """The write was refused for a reason the person must fix (messages in their language)."""
    outcome = _outcome()
    if outcome is not None:
        for name, messages in errors.items():
            outcome.errors.setdefault(name, []).extend(str(message) for message in messages)


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def acknowledge(client_id: str, state: str, extra: dict | None = None):
    body = {"ack": client_id, "state": state} | ({"feedback": extra} if extra else {})
    response = jsonify(body)
    response.headers["X-Outbox-Ack"] = client_id
    response.headers["X-Outbox-State"] = state
    return _no_store(response)


def refuse(status: int, reason: str, errors: dict | None = None):
    body = {"reason": reason} | ({"errors": errors} if errors is not None else {})
    response = jsonify(body)
    response.status_code = status
    response.headers["X-Outbox-Reason"] = reason
    return _no_store(response)


def refuse_status(status: int):
    """The outbox answer for an HTTP error status; None when the request is not the outbox's."""
    if not is_outbox():
        return None
    if status in (429,) or status >= 500:
        return refuse(status, "retry")
    if status == 401:
        return refuse(401, "signin")
    if status in (400, 413, 422):
        return refuse(422, "invalid", {})
    return refuse(404, "gone")  # 403, 404, 405, 410: not there, or not yours


def write(view):
    """Make an offline-capable write view answer the outbox by the protocol."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not is_outbox() or request.method != "POST":
            return view(*args, **kwargs)
        client_id = request.form.get("client_id") or ""  # acknowledged exactly as sent
        if not client_id.strip() or len(client_id) > 64:
            return refuse(
                422,
                "invalid",
                {"client_id": [_("This entry has no valid id. Discard it and write it again.")]},
            )
        g.outbox = Outcome()
        flashes = session.get("_flashes")
        response = view(*args, **kwargs)
        # A message for the next page belongs to a browser that follows the redirect.
        if flashes is None:
            session.pop("_flashes", None)
        else:
            session["_flashes"] = flashes
        outcome = g.outbox
        if outcome.state is not None:
            return acknowledge(client_id, outcome.state, outcome.feedback)
        if outcome.errors:
            return refuse(422, "invalid", outcome.errors)
        status = getattr(response, "status_code", 200)
        return refuse_status(status if status >= 400 else 422)

    return wrapped


def _check_user():
    """Before anything else (even the CSRF check): the outbox item's user must be signed in."""
    if not is_outbox():
        return None
    view = current_app.view_functions.get(request.endpoint)
    wanted = request.headers.get("X-Outbox-User", "").strip()
    needs_user = (
        bool(wanted)
        or bool(getattr(view, "allowed_roles", None))
        or getattr(view, "outbox_signed_in", False)
    )
    if needs_user and not current_user.is_authenticated:
        return refuse(401, "signin")
    if wanted and str(current_user.id) != wanted:
        return refuse(409, "other-user")
    return None


def _never_a_page(response):
    """A safety net for views that do not speak the protocol: no redirect, no page taken for
    an acknowledgement."""
    if (
        not is_outbox()
        or "X-Outbox-Ack" in response.headers
        or "X-Outbox-Reason" in response.headers
    ):
        return response
    if 300 <= response.status_code < 400:
        return refuse(401, "signin") if not current_user.is_authenticated else refuse(404, "gone")
    if request.method != "GET" and response.status_code < 300:
        return refuse(422, "invalid", {})
    if response.status_code >= 400:
        return refuse_status(response.status_code)
    return response


def init_app(app: Flask) -> None:
    # First of all before_request functions: a session that ended answers "signin", not "csrf".
    app.before_request_funcs.setdefault(None, []).insert(0, _check_user)
    app.after_request(_never_a_page)
