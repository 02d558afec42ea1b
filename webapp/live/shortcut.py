"""A phone's poll with nothing new, answered before Flask does any work.

Every phone in a room asks every 2 seconds "anything new since version 12?", and nearly always
the answer is no. Flask's work for that no (request context, the signed session cookie, the
locale, the rate limiter, the after-request hooks) cost about 4 ms of CPU per poll: most of a
room's load. This WSGI layer answers the no from the room cache (live.versions: in this process,
or Redis shared by every instance) in a fraction of that, and touches no session and no user;
the database only for a room the cache does not hold (one small indexed query, as Flask's).

News (the host moved the room on) is answered here too, from the version's panel (live.panels).
A process that holds none yet for the phone's language makes it here, in a request context of
its own with no cookie (the first phone of a version waits for that, the phones arriving
meanwhile wait for the same making): no phone goes through Flask for a phase's panel. The
player is the one whose phone token (the live-CODE cookie, as Flask reads it) is in the room's
roster, and the answer form's CSRF token is made from the session cookie as Flask-WTF would
make it.

Anything it is not sure of goes on to Flask unchanged, which answers as it always did: another
address, an unknown code, a room that expired (one its host ended shows its end here), a
language the app does not have (l=), a phone without a token in the roster, a question already
answered on this phone, a session without a CSRF token, a full page (not htmx), and a poll
without the room's key. The key (k=)
is in the poll address of the pages only the room's players get; a device the code limiter has
blocked does not have it, so its polls still go to Flask and get their 429 (the shortcut
reveals nothing to someone guessing codes).
"""

import hashlib
import hmac
import logging
import re
from datetime import timedelta
from urllib.parse import parse_qs

from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.http import parse_cookie

from webapp.core.metrics import POLLS_NOTHING_NEW
from webapp.core.security import CONTENT_SECURITY_POLICY
from webapp.core.time import as_utc, utcnow
from webapp.live import panels
from webapp.live.models import time_is_up
from webapp.live.versions import Room, store_of

log = logging.getLogger(__name__)
MAKING_SECONDS = 2.0  # a phone waits this long at most for another thread making its panel
POLL = re.compile(r"/live/([A-Za-z0-9]{1,16})/poll")
NOTHING_NEW = [
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("Content-Length", "0"),
]


def room_key(secret: str, code: str, room: Room) -> str:
    """The room's key: known to whoever was given the room's pages, never guessable from its
    code. Made from the code and the room's creation time, so a code given again to a later
    room has another key; every instance computes the same one (they share SECRET_KEY)."""
    message = f"live-poll:{code}:{int(as_utc(room.created_at).timestamp())}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:20]


def nothing_new(room: Room, lifetime: timedelta, query: dict, key: str, now) -> bool:
    """True when the phone that sent `query` already shows everything there is to show."""
    if room.ended_at is not None or room.phase == "end":
        return False
    if as_utc(room.created_at) + lifetime <= now:  # expired: Flask shows the end
        return False
    if not hmac.compare_digest(query.get("k", [""])[0], key):
        return False
    if query.get("v", [""])[0] != str(room.version):
        return False
    up = time_is_up(room.deadline if room.phase == "question" else None, now)
    return up == (query.get("up", ["0"])[0] == "1")


def usable(room: Room, lifetime: timedelta, query: dict, key: str, now) -> bool:
    """A room open, or ended by its host (its end: podium and scores), not expired, and a poll
    with the room's key (no key: a blocked guesser, Flask's 429)."""
    if (room.ended_at is not None) != (room.phase == "end"):
        return False
    if as_utc(room.created_at) + lifetime <= now:
        return False
    return hmac.compare_digest(query.get("k", [""])[0], key)


def csrf_token(app, cookies: dict) -> str | None:
    """The answer form's token as Flask-WTF's generate_csrf makes it: the session's raw token,
    signed with a timestamp. The session cookie is read as Flask reads it (signature and age
    checked); no session or no raw token in it: None (Flask makes one and sets the cookie)."""
    found = cookies.get(app.config["SESSION_COOKIE_NAME"])
    serializer = app.session_interface.get_signing_serializer(app)
    if not found or serializer is None:
        return None
    try:
        data = serializer.loads(found, max_age=int(app.permanent_session_lifetime.total_seconds()))
    except BadSignature:
        return None
    field = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if not isinstance(raw := data.get(field), str):
        return None
    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    return URLSafeTimedSerializer(secret, salt="wtf-csrf-token").dumps(raw)


def make(app, code: str, key: tuple, language: str, environ) -> None:
    """The version's panels in `language`, made here by the first phone that brings the news
    to this process (the others arriving meanwhile wait for them): no phone goes through
    Flask for them. Rendered in a request context of their own, with no cookie: the same for
    every phone of the room, nothing of this one's."""
    from webapp.live import routes  # routes renders the panels with the app's templates

    cache = panels.cache_of(app)
    if not cache.start(key, language):
        cache.wait(key, language, MAKING_SECONDS)
        return
    try:
        # The poll's own scheme, host and mount point (SCRIPT_NAME): the panel's addresses
        # are the ones Flask would write for this phone.
        base = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', 'localhost')}"
        with app.test_request_context(
            f"/live/{code}/poll",
            base_url=base + environ.get("SCRIPT_NAME", "") + "/",
            headers={"HX-Request": "true", "Accept-Language": language},
        ):
            routes.make_panels(code, key, language)
    except Exception:  # the database or a template failing: Flask answers this phone
        log.exception("live panels of %s not made by the shortcut", code)
    finally:
        cache.done(key, language)


def news(app, code: str, room: Room, query: dict, environ, now) -> bytes | None:
    """The new panel for this phone, from the version's panel kept in this process; None:
    Flask answers (see the module's docstring for when)."""
    up = time_is_up(room.deadline if room.phase == "question" else None, now)
    state = "reveal" if up else room.phase
    language = query.get("l", [""])[0]
    token = (cookies := parse_cookie(environ.get("HTTP_COOKIE", ""))).get(f"live-{code}")
    if not token or language not in app.config["LANGUAGES"]:
        return None
    key, cache = panels.key(code, room.created_at, room.version, up), panels.cache_of(app)
    panel, roster = cache.panels.get((*key, language)), cache.rosters.get(key)
    if panel is None or roster is None:
        make(app, code, key, language, environ)
        panel, roster = cache.panels.get((*key, language)), cache.rosters.get(key)
    if panel is None or roster is None or panel.state != state:
        return None
    seat = roster.seats.get(hashlib.sha256(token.encode()).hexdigest())
    if seat is None:
        return None
    variant = panels.variant_for(state, seat, query.get("a", ["0"])[0] == "1")
    if variant is None:
        return None
    csrf = csrf_token(app, cookies) if variant == "question" else None
    if variant == "question" and csrf is None:
        return None
    html = panels.fill(panel, variant, seat, roster.scores, now, csrf)
    return html.encode() if html is not None else None


def news_headers(length: int) -> list[tuple[str, str]]:
    """The headers Flask gives a phone's panel (core.security), compression aside."""
    return [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", str(length)),
        ("Cache-Control", "no-store"),
        ("Vary", "HX-Request"),
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]


class PollShortcut:
    """WSGI middleware in front of the app (outside ProxyFix: it needs no client address)."""

    def __init__(self, wsgi_app, app):
        self.wsgi_app = wsgi_app
        self.app = app

    def read(self, code: str) -> Room | None:
        """A room not in the cache (its moment in this process is over): one small indexed
        query here, not the whole of Flask's work for a poll."""
        from webapp.live import services  # services uses this module's room_key

        with self.app.app_context():
            return services.room_state(code)

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET" and (
            found := POLL.fullmatch(environ.get("PATH_INFO", ""))
        ):
            code = found.group(1).upper()
            room = store_of(self.app).get(code) or self.read(code)
            if room is None:
                return self.wsgi_app(environ, start_response)
            query, now = parse_qs(environ.get("QUERY_STRING", "")), utcnow()
            lifetime = timedelta(hours=self.app.config["LIVE_SESSION_HOURS"])
            key = room_key(self.app.config["SECRET_KEY"], code, room)
            if nothing_new(room, lifetime, query, key, now):
                POLLS_NOTHING_NEW.inc()  # the one metric here: a poll must stay cheap
                start_response("204 No Content", NOTHING_NEW)
                return []
            if (
                environ.get("HTTP_HX_REQUEST") == "true"
                and usable(room, lifetime, query, key, now)
                and (body := news(self.app, code, room, query, environ, now)) is not None
            ):
                environ["passerelle.live_news"] = True  # bench-live counts them apart
                start_response("200 OK", news_headers(len(body)))
                return [body]
        return self.wsgi_app(environ, start_response)
