"""A phase's panel, rendered once per room, version and language, filled in for each phone.

When the host moves the room on, every phone asks for the new panel within two seconds: 500
phones cost 5 to 7 ms of CPU each through Flask (session, queries, the player's part rendered).
Yet all but a few words of the panel are the same for everyone in the room. So the first phone
of a version (in each process) has the shortcut (live.shortcut) read the room's players once
(their score, their answer to the question) and render live/_play_panel.html once for each way
a phone can see it (answered right or wrong, in the top lines or below...) with markers where a
player's own words go; the phones arriving meanwhile wait for it. Every phone's poll is then
answered before Flask: the player found by their phone's cookie, their words put in the markers.

Nothing here needs sharing between instances: a room's version changes with every host action,
and what a version shows never changes once its question is closed, so each process keeps its
own copy (the current version itself comes from live.versions, in Redis when shared). Only the
question phase depends on the phone (answered or not): its poll address says so (a=1) and an
answered phone goes through Flask; its form's CSRF token is the one Flask-WTF would give,
signed from the session cookie's raw token (no raw token yet: Flask).
"""

import re
import threading
import uuid
from bisect import bisect_right
from datetime import datetime
from typing import NamedTuple

from babel.numbers import format_decimal
from markupsafe import escape

from webapp.core.time import as_utc
from webapp.live.models import seconds_left

MARK = re.compile("\x00([a-z_]+)\x00")
TOP = 5


def mark(name: str) -> str:
    """Where a player's own word goes in a panel rendered for the whole room."""
    return f"\x00{name}\x00"


# --- the player's own words, in Flask and before it alike -------------------------------------


def points_text(translations, locale, score: int) -> str:
    return translations.ngettext("%(num)s point", "%(num)s points", score) % {
        "num": format_decimal(score, locale=locale)
    }


def right_text(translations, right: int, asked: int) -> str:
    return translations.ngettext(
        "You: %(num)d right answer out of %(asked)d",
        "You: %(num)d right answers out of %(asked)d",
        right,
    ) % {"num": right, "asked": asked}


def gain_text(translations, locale, gained: int) -> str:
    return translations.ngettext(
        "+%(num)s point since the last question",
        "+%(num)s points since the last question",
        gained,
    ) % {"num": format_decimal(gained, locale=locale)}


def clock(left: int) -> str:
    return f"{left // 60}:{left % 60:02d}"


class Me(NamedTuple):
    """A player's own words on their panel."""

    id: int
    answered: object  # 1 or 0
    nickname: str
    points: str
    right_line: str
    gain: str
    place: object
    left: object
    clock: object


def me_for(translations, locale, player, mine, asked: int, place, left) -> Me:
    return Me(
        player.id,
        1 if mine else 0,
        player.nickname,
        points_text(translations, locale, player.score),
        right_text(translations, player.right, asked),
        gain_text(translations, locale, mine.points if mine else 0),
        place,
        left,
        clock(left) if left is not None else None,
    )


def marked(me_id: int = -1) -> Me:
    """The stand-in player of a panel rendered for the whole room."""
    return Me(
        me_id,
        mark("answered"),
        mark("nickname"),
        mark("points"),
        mark("right_line"),
        mark("gain"),
        mark("place"),
        mark("left"),
        mark("clock"),
    )


# --- a version's players and panels, kept in this process --------------------------------------


class Seat(NamedTuple):
    """A player as a version's panels need them (read once per version)."""

    id: int
    nickname: str
    score: int
    right: int
    answered: bool
    correct: bool
    points: int
    rank: int  # position in the ranking (score, then who joined first): < TOP is a top line
    best: int | None = None  # at the end: the best score of a signed-in player's other rooms
    signed_in: bool = False  # joined signed in: an answer feeds their revision (Flask's)


class Best(NamedTuple):
    """The end's line under a signed-in player's score: a new best, or their best so far."""

    new: bool
    points: str


class Roster(NamedTuple):
    seats: dict[str, Seat]  # by the digest of the player's phone token
    scores: list[int]  # every player's score, ascending: a place is one more than those above


def roster(rows, bests: dict[int, int] | None = None) -> Roster:
    """From (token digest, id, nickname, score, right, correct or None, points or None, user
    id or None) rows in ranking order (score descending, then who joined first); at the end,
    each signed-in player's best score elsewhere (services.personal_bests)."""
    seats, bests = {}, bests or {}
    for rank, (digest, pid, nickname, score, right, correct, points, user) in enumerate(rows):
        seats[digest] = Seat(
            pid,
            nickname,
            score,
            right,
            correct is not None,
            bool(correct),
            points or 0,
            rank,
            bests.get(pid),
            user is not None,
        )
    return Roster(seats, sorted(seat.score for seat in seats.values()))


def place(scores: list[int], score: int) -> int:
    return len(scores) - bisect_right(scores, score) + 1


class Panel(NamedTuple):
    """A version's panel in one language: each way it looks, cut at the player's words."""

    state: str
    variants: dict[str, list[str]]
    translations: object
    locale: object
    asked: int
    paused_left: int | None
    deadline: datetime | None


class Asked(NamedTuple):
    """The question a version asks, as an answer needs it (live.shortcut grades and stores
    an answer from it): what every phone of that version was shown."""

    room_id: int
    index: int
    question_id: str
    content: dict
    started_at: datetime
    speed_bonus: bool
    time_limit: int | None


def cut(html: str) -> list[str]:
    """Text and marker names, alternating (even: text, odd: a marker's name)."""
    return MARK.split(html)


def key(code: str, created_at: datetime, version: int, up: bool) -> tuple:
    """A version of a room: its code and creation time (a code given again to a later room,
    once the first is purged, is another room), its version, and whether its time is up."""
    return (code, int(as_utc(created_at).timestamp()), version, up)


class Cache:
    """Rosters and questions asked by key(), and panels by key() and language, in this
    process."""

    def __init__(self, size: int = 512):
        self.size = size
        self.rosters: dict[tuple, Roster] = {}
        self.panels: dict[tuple, Panel] = {}
        self.asked: dict[tuple, Asked] = {}  # by key(), the question phase's only
        self._making: dict[tuple, threading.Event] = {}
        self._lock = threading.Lock()

    def start(self, key: tuple, language: str) -> bool:
        """True for the one thread that makes a version's panel: when it appears, a dozen
        polls arrive at once, and each making it again would cost the room's roster and
        half a dozen renders."""
        with self._lock:
            if (*key, language) in self._making:
                return False
            self._making[(*key, language)] = threading.Event()
            return True

    def done(self, key: tuple, language: str) -> None:
        with self._lock:
            if (made := self._making.pop((*key, language), None)) is not None:
                made.set()

    def wait(self, key: tuple, language: str, seconds: float) -> None:
        """Until the thread making this panel is done (at most `seconds`): a poll that
        arrives meanwhile is then filled in from it rather than rendered by Flask."""
        making = self._making.get((*key, language))
        if making is not None:
            making.wait(seconds)

    def keep(self, where: dict, key: tuple, value) -> None:
        with self._lock:
            if len(where) > self.size:  # versions long gone
                where.clear()
            where[key] = value

    def clear(self) -> None:
        with self._lock:
            self.rosters.clear()
            self.panels.clear()
            self.asked.clear()


def cache_of(app) -> Cache:
    return app.extensions["live_panels"]


# The question's panel on the phone that just sent its answer ("Answer sent"): the answer's
# own response, filled in from the version's panel instead of rendered for each answer.
SENT = "question-answered"


def variant_for(state: str, seat: Seat, answered_here: bool) -> str | None:
    """Which of the version's panels this player sees; None: Flask answers."""
    if state == "lobby":
        return "lobby"
    if state == "question":
        return None if answered_here else "question"
    if state == "reveal":
        return ("reveal-right" if seat.correct else "reveal-wrong") if seat.answered else "reveal"
    if state == "scores":
        return f"scores-{seat.rank}" if seat.rank < TOP else "scores-own"
    if state == "end":
        if seat.best is None:
            return "end"
        return "end-new-best" if seat.score > seat.best else "end-best"
    return None


# The end's variants: no best to show, a new best, the best so far (its points filled in).
END_BESTS = {"end": None, "end-new-best": True, "end-best": False}


def fill(panel: Panel, variant: str, seat: Seat, scores: list[int], now, csrf) -> str | None:
    """The panel of `variant` with this player's words; None when one is missing (Flask)."""
    pieces = panel.variants.get(variant)
    if pieces is None:
        return None
    left = None
    if panel.state == "question":
        left = panel.paused_left if panel.deadline is None else seconds_left(panel.deadline, now)
    words = {
        # The question's form is shown to a phone that has not answered (its address says so).
        "answered": 1 if seat.answered and (panel.state != "question" or variant == SENT) else 0,
        "nickname": seat.nickname,
        "points": points_text(panel.translations, panel.locale, seat.score),
        "right_line": right_text(panel.translations, seat.right, panel.asked),
        "gain": gain_text(panel.translations, panel.locale, seat.points if seat.answered else 0),
        "place": place(scores, seat.score),
        "left": left,
        "clock": clock(left) if left is not None else None,
        "best_points": None
        if seat.best is None
        else points_text(panel.translations, panel.locale, seat.best),
        "client_id": uuid.uuid4().hex,
        "csrf": csrf,
    }
    out = []
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            out.append(piece)
            continue
        value = words.get(piece)
        if value is None:
            return None
        out.append(str(escape(value)))
    return "".join(out)
