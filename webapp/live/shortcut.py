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
import io
import logging
import re
import time
from datetime import timedelta
from urllib.parse import parse_qs, parse_qsl, urlsplit

from itsdangerous import BadData, BadSignature, URLSafeTimedSerializer
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, parse_cookie

from webapp.core import grading, requestlog
from webapp.core.i18n import LANGUAGE_COOKIE
from webapp.core.inputs import CleanMultiDict
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


def session_of(app, cookies: dict) -> dict | None:
    """The session cookie's data, read as Flask reads it (signature and age checked); None
    when there is none or it does not hold."""
    found = cookies.get(app.config["SESSION_COOKIE_NAME"])
    serializer = app.session_interface.get_signing_serializer(app)
    if not found or serializer is None:
        return None
    try:
        return serializer.loads(found, max_age=int(app.permanent_session_lifetime.total_seconds()))
    except BadSignature:
        return None


def csrf_serializer(app) -> URLSafeTimedSerializer:
    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    return URLSafeTimedSerializer(secret, salt="wtf-csrf-token")


def csrf_token(app, cookies: dict) -> str | None:
    """The answer form's token as Flask-WTF's generate_csrf makes it: the session's raw token,
    signed with a timestamp. No session or no raw token in it: None (Flask makes one and sets
    the cookie)."""
    data = session_of(app, cookies) or {}
    if not isinstance(raw := data.get(app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")), str):
        return None
    return csrf_serializer(app).dumps(raw)


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


def news_headers(length: int, vary: str = "HX-Request") -> list[tuple[str, str]]:
    """The headers Flask gives a phone's panel (core.security), compression aside (an
    answer's also vary with the session cookie, which Flask read for its CSRF token)."""
    return [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", str(length)),
        ("Cache-Control", "no-store"),
        ("Vary", vary),
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]


# --- an answer ----------------------------------------------------------------------------

ANSWER = re.compile(r"/live/([A-Za-z0-9]{1,16})/answer")
LARGEST_ANSWER = 16 * 1024  # bytes of form: more goes to Flask (an answer is a few hundred)


def csrf_holds(app, session: dict, form, environ) -> bool:
    """Flask-WTF's CSRFProtect would let this POST through: the form's token signed from the
    session's raw token (validate_csrf), and on https a Referer of this same origin. Checked
    only where Flask-WTF checks (WTF_CSRF_ENABLED); any doubt: False, and Flask decides."""
    config = app.config
    if not (config.get("WTF_CSRF_ENABLED", True) and config.get("WTF_CSRF_CHECK_DEFAULT", True)):
        return True
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    sent, raw = form.get(field), session.get(field)
    if not sent or not isinstance(raw, str):
        return False
    try:
        token = csrf_serializer(app).loads(sent, max_age=config.get("WTF_CSRF_TIME_LIMIT", 3600))
    except BadData:
        return False
    if not (isinstance(token, str) and hmac.compare_digest(raw, token)):
        return False
    if secure(app, environ) and config.get("WTF_CSRF_SSL_STRICT", True):
        referrer = urlsplit(environ.get("HTTP_REFERER", ""))
        return referrer.scheme == "https" and referrer.netloc == environ.get("HTTP_HOST")
    return True


def secure(app, environ) -> bool:
    """https, as Flask sees it behind the trusted proxies (ProxyFix, which comes after this
    layer: X-Forwarded-Proto's value that many from the end)."""
    scheme = environ.get("wsgi.url_scheme", "http")
    if proxies := app.config.get("TRUSTED_PROXIES"):
        sent = [v.strip() for v in environ.get("HTTP_X_FORWARDED_PROTO", "").split(",") if v]
        if len(sent) >= proxies:
            scheme = sent[-proxies]
    return scheme == "https"


def language_of(app, cookies: dict, environ) -> str:
    """The language Flask picks for someone not signed in (core.i18n.select_locale)."""
    languages = app.config["LANGUAGES"]
    if (chosen := cookies.get(LANGUAGE_COOKIE)) in languages:
        return chosen
    accepted = parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept)
    return accepted.best_match(languages) or languages[0]


def form_of(environ) -> tuple[bytes, CleanMultiDict] | None:
    """The POST's url-encoded form, read here (Flask reads it again from a copy when it
    answers after all); None: not a small url-encoded form."""
    kind = environ.get("CONTENT_TYPE", "").split(";")[0].strip()
    try:
        length = int(environ.get("CONTENT_LENGTH") or -1)
    except ValueError:
        return None
    if kind != "application/x-www-form-urlencoded" or not 0 <= length <= LARGEST_ANSWER:
        return None
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    return body, CleanMultiDict(pairs)


def take_answer(app, code: str, room: Room, environ, now) -> bytes | None:
    """An anonymous player's first answer to the open question, graded and stored here, and
    the version's "Answer sent" panel filled in for them, as Flask's view would answer; None
    for anything else (Flask answers: another question, time up, a refusal, a second tap, a
    signed-in player, the outbox, a CSRF doubt), before anything is written."""
    lifetime = timedelta(hours=app.config["LIVE_SESSION_HOURS"])
    if room.phase != "question" or room.ended_at is not None or time_is_up(room.deadline, now):
        return None
    if as_utc(room.created_at) + lifetime <= now:
        return None
    cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
    token, session = cookies.get(f"live-{code}"), session_of(app, cookies) or {}
    # Signed in (a session's user or a remember-me cookie), a message waiting, a session
    # Flask refreshes at each request: Flask's.
    if not token or {"_user_id", "_flashes", "_permanent"} & set(session):
        return None
    if cookies.get(app.config.get("REMEMBER_COOKIE_NAME", "remember_token")):
        return None
    key, cache = panels.key(code, room.created_at, room.version, False), panels.cache_of(app)
    panel = cache.panels.get((*key, language_of(app, cookies, environ)))
    roster, asked = cache.rosters.get(key), cache.asked.get(key)
    if panel is None or roster is None or asked is None or panel.state != "question":
        return None
    seat = roster.seats.get(hashlib.sha256(token.encode()).hexdigest())
    if seat is None or seat.answered or seat.signed_in:
        return None
    if (read := form_of(environ)) is None:
        return None
    form = read[1]
    if form.get("index", type=int) != asked.index or not csrf_holds(app, session, form, environ):
        return None
    from webapp.live import services  # services uses this module's room_key

    if (given := grading.answer_from_form(asked.content, form)) is None:
        return None  # missing or clashing: Flask shows it back
    correct = grading.is_correct(asked.content, given)
    seconds = (now - as_utc(asked.started_at)).total_seconds()
    points = services.points_for(correct, asked.speed_bonus, seconds, asked.time_limit)
    values = {
        "session_id": asked.room_id,
        "player_id": seat.id,
        "question_index": asked.index,
        "question_id": asked.question_id,
        "answer": given,
        "correct": correct,
        "points": points,
        "answered_at": now,
    }
    with app.app_context():
        if services.write_answer(values, room.version) is None:
            # Stored already (a tap from another tab): Flask's duplicate answer. The room
            # moved on since this process last heard of it: Flask's refusal.
            return None
    mine = seat._replace(
        score=seat.score + points,
        right=seat.right + int(correct),
        answered=True,
        correct=correct,
        points=points,
        rank=0,
    )
    html = panels.fill(panel, panels.SENT, mine, [], now, None)
    return html.encode() if html is not None else None


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

    def answer(self, code: str, environ, start_response):
        """An answer taken before Flask (take_answer), or None: Flask's, as it came."""
        started = time.perf_counter()
        if environ.get("HTTP_HX_REQUEST") != "true" or environ.get("HTTP_X_OUTBOX"):
            return None  # a page to render, or the outbox's protocol: Flask's
        room = store_of(self.app).get(code) or self.read(code)
        if room is None or (body := take_answer(self.app, code, room, environ, utcnow())) is None:
            return None
        environ["passerelle.live_answer"] = True  # bench-live counts them apart
        rid = requestlog.id_from(environ.get("HTTP_X_REQUEST_ID", ""))
        headers = news_headers(len(body), vary="HX-Request, Cookie")
        if secure(self.app, environ) and (max_age := self.app.config["HSTS_MAX_AGE"]):
            headers.append(("Strict-Transport-Security", f"max-age={max_age}"))
        start_response("200 OK", [*headers, ("X-Request-ID", rid)])
        requestlog.record(self.app, rid, "live.answer", "POST", 200, time.perf_counter() - started)
        return [body]

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "POST" and (
            found := ANSWER.fullmatch(environ.get("PATH_INFO", ""))
        ):
            try:
                answered = self.answer(found.group(1).upper(), environ, start_response)
            except Exception:  # the database failing: Flask answers (and says what it can)
                log.exception("live answer not taken by the shortcut")
                answered = None
            if answered is not None:
                return answered
            return self.wsgi_app(environ, start_response)
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
