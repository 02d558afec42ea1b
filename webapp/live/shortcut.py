"""A phone's poll with nothing new, answered before Flask does any work.

Every phone in a room asks every 2 seconds "anything new since version 12?", and nearly always
the answer is no. Flask's work for that no (request context, the signed session cookie, the
locale, the rate limiter, the after-request hooks) cost about 4 ms of CPU per poll: most of a
room's load. This WSGI layer answers the no from the room cache (live.versions: in this process,
or Redis shared by every instance) in a fraction of that, and touches no session, no user and no
database.

Anything it is not sure of goes on to Flask unchanged, which answers as it always did: another
address, a room not in the cache, a room that is over, news, a countdown that ran out, and a
poll without the room's key. The key (k=) is in the poll address of the pages only the room's
players get; a device the code limiter has blocked does not have it, so its polls still go to
Flask and get their 429 (the shortcut reveals nothing to someone guessing codes).
"""

import hashlib
import hmac
import re
from datetime import timedelta
from urllib.parse import parse_qs

from webapp.core.metrics import POLLS_NOTHING_NEW
from webapp.core.time import as_utc, utcnow
from webapp.live.models import time_is_up
from webapp.live.versions import Room, store_of

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


class PollShortcut:
    """WSGI middleware in front of the app (outside ProxyFix: it needs no client address)."""

    def __init__(self, wsgi_app, app):
        self.wsgi_app = wsgi_app
        self.app = app

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET" and (
            found := POLL.fullmatch(environ.get("PATH_INFO", ""))
        ):
            code = found.group(1).upper()
            room = store_of(self.app).get(code)
            if room is not None and nothing_new(
                room,
                timedelta(hours=self.app.config["LIVE_SESSION_HOURS"]),
                parse_qs(environ.get("QUERY_STRING", "")),
                room_key(self.app.config["SECRET_KEY"], code, room),
                utcnow(),
            ):
                POLLS_NOTHING_NEW.inc()  # the one metric here: a poll must stay cheap
                start_response("204 No Content", NOTHING_NEW)
                return []
        return self.wsgi_app(environ, start_response)
