"""Friendly error pages in the user's language; never a stack trace."""

import traceback

import sqlalchemy as sa
from flask import Flask, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, NotFound

from webapp.core import outbox, requestlog
from webapp.core.i18n import lazy_gettext as _l

MESSAGES = {
    400: _l("The request could not be understood. Please go back and try again."),
    403: _l("You are not allowed to open this page."),
    404: _l("This page does not exist, or it is not yours."),
    405: _l("This action is not possible here."),
    413: _l("What you sent is too large (at most 2 MB). Send a smaller file."),
    429: _l("Too many tries. Please wait a little and try again."),
    500: _l("Something went wrong on our side. Please try again."),
    503: _l("The service is resting for a moment. Please try again soon."),
}


# Said when the failed request was a write: the page must not claim it was kept.
NOT_SAVED = _l("Something went wrong on our side: what you sent was not saved. Please try again.")
# The database out of reach (restarting, its network cut): a moment, then the same request.
DATABASE_AWAY = _l(
    "The service is resting for a moment: nothing was saved. Try again in a few seconds."
)
RETRY_AFTER_SECONDS = 5


class NotYours(NotFound):
    """What a service raises for something that does not exist or is not this person's: the
    same 404 for both, so no one learns what exists. (A NotFound, so the error pages and the
    outbox answer it as any 404; services raise it instead of reaching for Flask's abort.)"""


def render_error(status: int, message=None):
    message = message or MESSAGES.get(status, MESSAGES[500])
    return render_template("errors/error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_error):
        if outbox.is_outbox():  # the phone fetches a fresh token and sends again
            return outbox.refuse(403, "csrf")
        return render_error(
            400, _l("This form has expired. Please go back, reload the page and try again.")
        )

    @app.errorhandler(HTTPException)
    def _http(error):
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(error):
        from webapp.extensions import db, login_manager

        try:
            db.session.rollback()
        except sa.exc.SQLAlchemyError:  # the connection is already gone: nothing to undo
            pass
        writing = request.method not in ("GET", "HEAD")
        if isinstance(error, sa.exc.OperationalError | sa.exc.InterfaceError | sa.exc.TimeoutError):
            # The database is away (a restart, a cut) or every pooled connection is busy past
            # DB_POOL_TIMEOUT: 503 with a time to come back, which the phone's outbox and
            # polls wait for; not a fault of the app.
            app.logger.warning(
                "Database unreachable: %s", type(getattr(error, "orig", None) or error).__name__
            )
            # The page is drawn as for a visitor: looking the signed-in person up again (for
            # their language) would ask the database that just failed, and fail the 503 into a
            # 500 (seen in bench-faults when PostgreSQL restarted under signed-in trainees).
            login_manager._update_request_context_with_user()  # anonymous, for this request
            answer = make_response(render_error(503, DATABASE_AWAY))
            answer.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return answer  # (an outbox request gets its machine answer from outbox.py)
        app.logger.error(
            "Unhandled error (request %s)\n%s",
            requestlog.request_id(),
            traceback_without_messages(error),
        )
        return render_error(500, NOT_SAVED if writing else None)


def traceback_without_messages(error: BaseException) -> str:
    """Where it failed (frames and exception types), never what failed: an exception's message
    can hold what a person wrote (e.g. a database error quotes the values it could not store)."""
    chain, current = [], error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    lines = []
    for exception in reversed(chain):
        kind = type(exception)
        lines += [
            "Traceback (most recent call last):\n",
            *traceback.format_tb(exception.__traceback__),
            f"{kind.__module__}.{kind.__qualname__} (message hidden)\n",
        ]
    return "".join(lines)
