"""The server side of the outbox protocol (/work/notes/outbox-protocol.md), kept small.

A request sent from the phone's outbox carries `X-Outbox: 1`. It reaches the usual view (the same
form POST a phone without JavaScript sends); these hooks only change how the answer is told:
never a redirect or a sign-in page, always a status and `X-Outbox-*` headers a script can trust.
"""

from flask import current_app, g, jsonify, request, session
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import ValidationError, validate_csrf


def is_outbox() -> bool:
    return request.headers.get("X-Outbox") == "1"


def reason(status: int, why: str, **extra):
    response = jsonify({"reason": why, **extra})
    response.status_code = status
    response.headers["X-Outbox-Reason"] = why
    response.headers["Cache-Control"] = "no-store"
    return response


def ack(client_id: str, state: str, feedback=None):
    body = {"ack": client_id, "state": state} | ({"feedback": feedback} if feedback else {})
    response = jsonify(body)
    response.headers["X-Outbox-Ack"] = client_id
    response.headers["X-Outbox-State"] = state
    response.headers["Cache-Control"] = "no-store"
    return response


def check_sender():
    """Before the view (and before CSRFProtect): who sends, for whom, with which token."""
    if not is_outbox() or request.method != "POST" or request.endpoint is None:
        return None
    if not current_user.is_authenticated:
        return reason(401, "signin")
    wanted = request.headers.get("X-Outbox-User")
    if wanted and wanted != str(current_user.id):
        return reason(409, "other-user")
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            validate_csrf(request.headers.get("X-CSRFToken") or request.form.get("csrf_token"))
        except ValidationError:
            return reason(403, "csrf")
    g.outbox_flashes = len(session.get("_flashes", []))
    return None


def _new_error_flashes() -> list[str]:
    """Error messages a view flashed during this request (e.g. "choose an answer first")."""
    flashes = session.get("_flashes", [])
    before = g.get("outbox_flashes", len(flashes))
    mine = flashes[before:]
    errors = [str(message) for category, message in mine if category == "error"]
    if errors:
        session["_flashes"] = flashes[:before] + [f for f in mine if f[0] != "error"]
    return errors


def answer_for_machine(response):
    """After the view: turn its page or redirect into the protocol's answer."""
    if not is_outbox() or request.method != "POST" or "X-Outbox-Reason" in response.headers \
            or "X-Outbox-Ack" in response.headers:
        return response
    status = response.status_code
    client_id = (request.form.get("client_id") or "")[:64]
    if status == 404 or status == 403:
        return reason(404, "gone")
    if status == 429 or status >= 500:
        return reason(status, "retry")
    if status == 400:
        return reason(403, "csrf") if g.get("csrf_failed") else reason(422, "invalid", errors={})
    errors = g.get("form_errors")
    flashed = _new_error_flashes()
    location = response.headers.get("Location", "")
    if errors or flashed or "missing=" in location:
        fields = {name: [str(m) for m in messages] for name, messages in (errors or {}).items()}
        if flashed or not fields:
            fields["__all__"] = flashed or [_("Choose or write an answer first.")]
        return reason(422, "invalid", errors=fields)
    if "/login" in location:
        return reason(401, "signin")
    if not client_id:
        return reason(422, "invalid", errors={"client_id": ["missing"]})
    return ack(client_id, "duplicate" if g.get("outbox_duplicate") else "stored")


def init_app(app) -> None:
    # First of all hooks: an outbox request must get 401/409/403 before CSRFProtect answers 400.
    app.before_request_funcs.setdefault(None, []).insert(0, check_sender)
    app.after_request(answer_for_machine)


def words() -> dict[str, str]:
    """What the outbox script says, in the page's language ({n} and {name} are filled in)."""
    return {
        "waiting": _("Waiting to send"),
        "sending": _("Sending…"),
        "sent": _("Sent"),
        "needs": _("Needs you"),
        "discarded": _("Discarded"),
        "signin": _("Sign in again to send it."),
        "signin_note": _("Sign in again to send what waits on this phone (%(n)s).", n="{n}"),
        "invalid": _("Something to fix. Write it again, then discard this one."),
        "gone": _("This no longer exists. You can discard it."),
        "retry": _("It will be sent later."),
        "queued": _("Saved on this phone. It will be sent when the network is back."),
        "discard": _("Discard"),
        "discard_ask": _("Discard it? It will not be sent. If it already arrived, it stays."),
        "signout_ask": _("Not sent yet: %(n)s. They stay on this phone and are sent when you sign "
                         "in again. Sign out now?", n="{n}"),
        "empty": _("Nothing waits on this phone."),
        "hello": _("Hello %(name)s", name="{name}"),
        "next_lesson": _("Your next lesson"),
        "review": _("Questions for today: %(n)s", n="{n}"),
        "saved": _("Saved for offline"),
        "outbox": _("Waiting on this phone"),
        "budget": _("Budget"),
        "journal": _("Journal"),
        "goal": _("Goal"),
        "lesson": _("Lesson answer"),
        "revision": _("Review answer"),
        "live": _("Quiz answer"),
        "right": _("Right! (checked on this phone)"),
        "wrong": _("Not quite (checked on this phone)."),
    }
