"""Sign-in sessions stored server-side, staff idle timeout and access decorators."""

import hashlib
import secrets
from datetime import timedelta
from functools import wraps

import sqlalchemy as sa
from flask import Flask, abort, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from webapp.accounts.models import AuthSession, Role, User
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.time import as_utc, local_today, utcnow
from webapp.extensions import db, login_manager

SHORT_SESSION = timedelta(hours=12)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, remember: bool) -> None:
    """Sign user in on this device with a brand-new session token."""
    token = secrets.token_urlsafe(32)
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"] if remember else SHORT_SESSION
    db.session.add(
        AuthSession(token_hash=_digest(token), user=user, expires_at=utcnow() + lifetime)
    )
    today = local_today()  # the person's day (Paris), as Today counts the days since
    if user.last_seen_on != today:
        user.last_seen_on = today
    db.session.commit()
    session.clear()  # nothing from before sign-in survives (no session fixation)
    session.permanent = remember
    user.session_token = token
    login_user(user)
    session["seen"] = utcnow().timestamp()
    _new_form_token()


def _new_form_token() -> None:
    """Put the session's form token (Flask-WTF's) in the sign-in's own cookie. Without it, the
    pages a phone fetches at once after signing in (the home, and the service worker's offline
    copies) each made one, and whichever cookie came last refused the others' forms (a "Seen"
    tapped on the home was a 400)."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    g.pop(field, None)  # the token signed before the session was cleared
    generate_csrf()


def end_session() -> None:
    """Sign out this device: its token stops working everywhere, even if the cookie was copied."""
    if current_user.is_authenticated and current_user.session_token:
        db.session.execute(
            sa.delete(AuthSession).where(
                AuthSession.token_hash == _digest(current_user.session_token)
            )
        )
        db.session.commit()
    logout_user()
    session.clear()


def end_all_sessions(user: User) -> None:
    """Sign user out everywhere, e.g. after a passphrase reset."""
    db.session.execute(sa.delete(AuthSession).where(AuthSession.user_id == user.id))


def end_other_sessions(user: User) -> None:
    """Sign user out on every other device; this one (the current request's) stays signed in."""
    query = sa.delete(AuthSession).where(AuthSession.user_id == user.id)
    if user.session_token:
        query = query.where(AuthSession.token_hash != _digest(user.session_token))
    db.session.execute(query)


# Built once: every request asks it, and building a statement (and its cache key) cost SQLAlchemy
# three times what running it did. The user's groups come with it: nearly every page reads them
# (what they may see, their title, their week), and a separate load was one more query.
_USER_BY_TOKEN = (
    sa.select(User, AuthSession.expires_at)
    .join(AuthSession, AuthSession.user_id == User.id)
    .where(AuthSession.token_hash == sa.bindparam("token_hash"))
    .options(sa.orm.joinedload(User.groups))
)


@login_manager.user_loader
def _load_user(token: str) -> User | None:
    row = db.session.execute(_USER_BY_TOKEN, {"token_hash": _digest(token)}).unique().first()
    if row is None or as_utc(row.expires_at) <= utcnow():
        return None
    row.User.session_token = token
    today = local_today()  # the person's day, not the server's (Today counts in Paris days)
    if row.User.last_seen_on != today:  # activity for the teacher's Today list: one write a day
        row.User.last_seen_on = today
        db.session.commit()
    return row.User


def _staff_idle_timeout() -> None:
    """Staff sessions end after 30 idle minutes: their screens show other people's data."""
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "light_request", False):  # a poll: no user lookup, and it is not activity
        return None
    if not current_user.is_authenticated:
        return None
    now = utcnow().timestamp()
    idle = timedelta(seconds=now - session.get("seen", now))
    if current_user.is_staff and idle > current_app.config["STAFF_IDLE_TIMEOUT"]:
        end_session()
        flash(_l("You were signed out after 30 minutes without activity."), "info")
        return redirect(url_for("accounts.login", next=request.full_path))
    # Refresh at most once a minute so most responses don't rewrite the cookie.
    if now - session.get("seen", 0) > 60:
        session["seen"] = now
    return None


def init_app(app: Flask) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # the server-side session row is the protection
    app.before_request(_staff_idle_timeout)
    from webapp.accounts import passphrases

    with app.app_context():
        passphrases.warm_up()


def roles_required(*roles: Role):
    """Let only signed-in users with one of roles through; others get 404 (nothing to see here)."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(404)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)
        return wrapped

    return decorate
