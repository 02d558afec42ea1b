"""Rules for live sessions: phases, joining, answering once, calm scoring, results."""

import hashlib
import logging
import random
import secrets
from collections import Counter
from datetime import datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

from webapp.accounts import services as accounts
from webapp.accounts.models import Role
from webapp.core import grading
from webapp.core.errors import NotYours
from webapp.core.outbox import note
from webapp.core.time import as_utc, utcnow
from webapp.extensions import db, limiter
from webapp.live import shortcut, versions
from webapp.live.models import (
    LiveAnswer,
    LiveNickname,
    LivePlayer,
    LiveSession,
    is_over,
    time_is_up,
)
from webapp.live.nicknames import nickname_keys, visible
from webapp.revision import services as revision

# No look-alike characters (0/O, 1/I/L, 2/Z, 5/S, 8/B): a code copied from a wall works.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
POINTS = 100
SPEED_POINTS = 50  # at most, for an instant right answer, when the session allows speed
TOP = 5
PODIUM = 3
MORE_TIME = 10  # seconds the host's "+10 s" adds

log = logging.getLogger(__name__)


class Refused(Exception):
    """An answer that the phase rules do not allow; the message says why."""


# --- pure rules -----------------------------------------------------------------------------


def next_phase(phase: str, current: int, count: int) -> tuple[str, int]:
    """lobby -> question -> reveal -> scores -> next question ... -> end."""
    if phase == "lobby":
        return ("question", 0) if count else ("end", current)
    if phase == "question":
        return "reveal", current
    if phase == "reveal":
        return "scores", current
    if phase == "scores" and current + 1 < count:
        return "question", current + 1
    return "end", current


def points_for(correct: bool, speed_bonus: bool, seconds: float, time_limit: int | None) -> int:
    """Right answers score; speed adds a little only where the host chose it."""
    if not correct:
        return 0
    if not speed_bonus:
        return POINTS
    window = time_limit or 30
    return POINTS + round(SPEED_POINTS * max(0.0, 1 - seconds / window))


def clean_nickname(text: str) -> str:
    """Printable and visible characters only (an invisible one would make a lookalike); no
    leading "~", which marks the anonymous names of erased players ("~12")."""
    text = " ".join("".join(c for c in visible(text or "") if c.isprintable()).split())
    return text.lstrip("~ ")[:20]


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- sessions -------------------------------------------------------------------------------


def create_session(
    host,
    group,
    *,
    scopes: list[str],
    count: int,
    client_id: str,
    time_limit: int | None = None,
    speed_bonus: bool = False,
    team_mode: bool = False,
) -> LiveSession:
    """A session drawn from the bank; the same client id creates it once.

    The client id counts only for this host and this group (or no group), for a day: the same
    id sent by someone else is a new request and never returns their session or its code.
    """
    target = f"group={group.id if group else 0}"

    def draw() -> list[str]:
        # The same draw for the same request (a double tap racing the first): seeded by it.
        ids = revision.ids_in_scopes(scopes)
        return random.Random(f"{host.id}|{target}|{client_id}").sample(ids, min(count, len(ids)))

    return open_room(
        host,
        group,
        target=target,
        client_id=client_id,
        pick=draw,
        time_limit=time_limit,
        speed_bonus=speed_bonus,
        team_mode=team_mode,
    )


def open_room(
    host,
    group,
    *,
    target: str,
    client_id: str,
    pick,
    time_limit: int | None = None,
    speed_bonus: bool = False,
    team_mode: bool = False,
) -> LiveSession:
    """The one place a room opens: asking the questions pick() gives, once per client id for
    this host and target (a double tap, a replay), under a code no other room has."""
    done = accounts.replayed(client_id, host, "live_session", target)
    if done is not None and (found := db.session.get(LiveSession, done)) is not None:
        return found
    code = new_code()
    while db.session.scalar(sa.select(LiveSession.id).where(LiveSession.code == code)):
        code = new_code()
    # The row's own id for replays is random: the request id lives (scoped) in the request log.
    live = LiveSession(
        code=code,
        host_id=host.id,
        group_id=group.id if group else None,
        client_id=secrets.token_hex(16),
        question_ids=pick(),
        phase="lobby",
        current=-1,
        version=1,
        time_limit=time_limit,
        speed_bonus=speed_bonus,
        team_mode=team_mode,
    )
    db.session.add(live)
    return accounts.commit_once(client_id, host, "live_session", target, live)


def find(code: str) -> LiveSession | None:
    return db.session.scalar(_BY_CODE, {"code": code.upper()})


# The statements a room's phones run in bursts (joins, answers, play pages), built once:
# building a statement cost SQLAlchemy more than running it.
_BY_CODE = sa.select(LiveSession).where(LiveSession.code == sa.bindparam("code"))
_PLAYER_BY_TOKEN = sa.select(LivePlayer).where(
    LivePlayer.session_id == sa.bindparam("session_id"),
    LivePlayer.token_hash == sa.bindparam("token_hash"),
)
_PLAYER_BY_USER = sa.select(LivePlayer).where(
    LivePlayer.session_id == sa.bindparam("session_id"),
    LivePlayer.user_id == sa.bindparam("user_id"),
)
_ROOM_WITH_PLAYER = (
    sa.select(LiveSession, LivePlayer)
    .outerjoin(
        LivePlayer,
        sa.and_(
            LivePlayer.session_id == LiveSession.id,
            LivePlayer.token_hash == sa.bindparam("token_hash"),
        ),
    )
    .where(LiveSession.code == sa.bindparam("code"))
)


def by_code(code: str) -> LiveSession:
    if (live := find(code)) is None:
        raise NotYours
    return live


class PollState(NamedTuple):
    """What a phone's poll needs to know: small, so it can be cached for a moment (it changes
    only with the version, except "over", which an expiry may turn, and the countdown, read
    from the deadline at each poll)."""

    version: int
    over: bool
    deadline: datetime | None

    def time_is_up(self, now: datetime | None = None) -> bool:
        return time_is_up(self.deadline, now)


def poll_state(code: str) -> PollState | None:
    """The session's poll state, or None. Read from the room cache (live.versions), so a poll
    with nothing new never reaches the database; on a miss, one small indexed query."""
    room = versions.get(code) or room_state(code)
    if room is None:
        return None
    return PollState(
        room.version,
        is_over(room.phase, room.ended_at, room.created_at),
        room.deadline if room.phase == "question" else None,
    )


def room_state(code: str) -> versions.Room | None:
    """The room as its polls see it, read from the database (one small indexed query) and
    handed to the room cache; None: no room has this code."""
    row = db.session.execute(
        sa.select(
            LiveSession.version,
            LiveSession.phase,
            LiveSession.created_at,
            LiveSession.ended_at,
            LiveSession.deadline,
        ).where(LiveSession.code == code)
    ).first()
    if row is None:
        return None
    room = versions.Room(*row)
    versions.offer(code, room)
    return room


def poll_key(live: LiveSession) -> str:
    """The key a player's poll address carries, so the poll can be answered before Flask
    (live.shortcut)."""
    return shortcut.room_key(current_app.config["SECRET_KEY"], live.code, _room(live))


def _room(live: LiveSession) -> versions.Room:
    return versions.Room(live.version, live.phase, live.created_at, live.ended_at, live.deadline)


def over_clause(now: datetime):
    """SQL condition: sessions that are over at `now` (ended, or past LIVE_SESSION_HOURS);
    for purges, which must treat an expired session as ended."""
    lifetime = timedelta(hours=current_app.config["LIVE_SESSION_HOURS"])
    return sa.or_(
        LiveSession.ended_at.is_not(None),
        LiveSession.phase == "end",
        LiveSession.created_at <= now - lifetime,
    )


class OpenRooms(NamedTuple):
    """Rooms open now and the players who joined them: what the metrics show of live play."""

    rooms_open: int
    players: int


def open_rooms(now: datetime) -> OpenRooms:
    """Read when metrics are scraped: one query over the sessions, no player rows read (each
    room counts its own players as they join)."""
    rooms, players = db.session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(LiveSession.player_count), 0))
        .select_from(LiveSession)
        .where(sa.not_(over_clause(now)))
    ).one()
    return OpenRooms(rooms, players)


# --- throttling: wrong codes and joins, in the limiter's storage (Redis when shared) ---------


def _limit(name: str):
    return parse(current_app.config[name])


# This process's own counts, used only while the limiter's storage (Redis) is unreachable.
_LOCAL_COUNTS = MovingWindowRateLimiter(MemoryStorage())


def _count(method: str, *args) -> bool:
    """Test or hit a limit in the limiter's storage (Redis when shared). Unreachable: a room
    goes on with this process's counts and a warning in the log, never a 500; checked at each
    use, so Redis back means shared counts again."""
    import redis

    try:
        return getattr(limiter.limiter, method)(*args)
    except (redis.RedisError, OSError) as error:
        log.warning("rate limit storage unreachable, counting in this process: %r", error)
        return getattr(_LOCAL_COUNTS, method)(*args)


def guessing_blocked(client: str) -> bool:
    """Too many wrong codes from this device or IP: it must wait before trying any code."""
    return not _count("test", _limit("LIVE_CODE_LIMIT"), "live-code", client)


def record_wrong_code(client: str) -> None:
    _count("hit", _limit("LIVE_CODE_LIMIT"), "live-code", client)


def may_join_now(client: str) -> bool:
    """Count one join from this device or IP; False once it joined too often (atomic)."""
    return _count("hit", _limit("LIVE_JOIN_LIMIT"), "live-join", client)


def may_host(user, live: LiveSession) -> bool:
    """Its host, or a teacher of its group, read now: a group's session only while attached to
    that group (a detached host keeps no power over it); a session with no group: its host."""
    if not user.is_authenticated or user.role is Role.TRAINEE:
        return False
    if live.group_id is None:
        return live.host_id == user.id
    if live.group_id not in {group.id for group in user.groups}:
        return False
    return live.host_id == user.id or user.role is Role.TEACHER


def hosted_by(user, code: str) -> LiveSession:
    live = by_code(code)
    if not may_host(user, live):
        raise NotYours
    return live


def _move(live: LiveSession, expected_version: int, **values) -> LiveSession:
    """Write a host's change if the room is still at the version the host saw: a double tap,
    or a second screen's tap on the same thing, changes it once."""
    changed = db.session.execute(
        sa.update(LiveSession)
        .where(LiveSession.id == live.id, LiveSession.version == expected_version)
        .values(version=expected_version + 1, **values)
    ).rowcount
    db.session.commit()
    if changed:
        db.session.refresh(live)
        # The phones' polls see the change at once (on every instance, with Redis).
        versions.offer(live.code, _room(live))
    return live


def advance(live: LiveSession, expected_version: int) -> LiveSession:
    """Move to the next phase; a double tap on the host's button moves once. A session that
    is over (ended, or expired) does not move. A question whose time ran out is already at
    its reveal for everyone: the next phase comes after that."""
    if live.version != expected_version or live.is_over():
        return live
    phase, current = next_phase(live.state, live.current, len(live.question_ids))
    now = utcnow()
    asking = phase == "question"
    return _move(
        live,
        expected_version,
        phase=phase,
        current=current,
        question_started_at=now if asking else LiveSession.question_started_at,
        deadline=now + timedelta(seconds=live.time_limit) if asking and live.time_limit else None,
        paused_left=None,
        ended_at=now if phase == "end" else None,
    )


def pause(live: LiveSession, expected_version: int) -> LiveSession:
    """Stop the countdown where it is (the seconds left are kept)."""
    if live.version != expected_version or live.state != "question" or live.deadline is None:
        return live
    return _move(live, expected_version, deadline=None, paused_left=live.left)


def resume(live: LiveSession, expected_version: int) -> LiveSession:
    if live.version != expected_version or live.state != "question" or not live.paused:
        return live
    left = timedelta(seconds=live.paused_left)
    return _move(live, expected_version, deadline=utcnow() + left, paused_left=None)


def add_time(live: LiveSession, expected_version: int, seconds: int = MORE_TIME) -> LiveSession:
    """A few more seconds for the question being asked (running or paused)."""
    if live.version != expected_version or live.state != "question":
        return live
    if live.paused:
        return _move(live, expected_version, paused_left=live.paused_left + seconds)
    if live.deadline is None:
        return live
    # From now when the time was nearly up: "+10 s" always gives ten seconds to read.
    start = max(as_utc(live.deadline), utcnow())
    return _move(live, expected_version, deadline=start + timedelta(seconds=seconds))


def question_at(live: LiveSession, index: int | None = None) -> "revision.Question | None":
    index = live.current if index is None else index
    if not 0 <= index < len(live.question_ids):
        return None
    return revision.question_by_id(live.question_ids[index])


# --- players --------------------------------------------------------------------------------


def remembered_nickname(user) -> str:
    if not user.is_authenticated:
        return ""
    row = db.session.get(LiveNickname, user.id)
    return row.nickname if row else ""


def player_for(live: LiveSession, token: str | None, user) -> LivePlayer | None:
    """The player on this phone (its cookie), or the signed-in person on a new phone."""
    if token:
        player = db.session.scalar(
            _PLAYER_BY_TOKEN, {"session_id": live.id, "token_hash": _digest(token)}
        )
        if player is not None:
            return player
    if user.is_authenticated:
        return db.session.scalar(_PLAYER_BY_USER, {"session_id": live.id, "user_id": user.id})
    return None


def find_with_player(
    code: str, token: str | None, user
) -> tuple[LiveSession | None, LivePlayer | None]:
    """find() and player_for() in one query when the phone has a token (an answer, a play
    page, a poll through Flask: the room's phones ask in bursts)."""
    if not token:
        live = find(code)
        return live, player_for(live, None, user) if live else None
    row = db.session.execute(
        _ROOM_WITH_PLAYER, {"code": code.upper(), "token_hash": _digest(token)}
    ).first()
    if row is None:
        return None, None
    live, player = row
    return live, player or player_for(live, None, user)


# A join's writes, built once (500 phones join in a lobby's few seconds): the player's row,
# then a seat taken under the room's cap in one conditional update.
_INSERT_PLAYER = sa.insert(LivePlayer.__table__)
_TAKE_SEAT = (
    sa.update(LiveSession.__table__)
    .where(
        LiveSession.__table__.c.id == sa.bindparam("room_id"),
        LiveSession.__table__.c.player_count < sa.bindparam("cap"),
    )
    .values(player_count=LiveSession.__table__.c.player_count + 1)
)


def join(live: LiveSession, nickname: str, user) -> tuple[LivePlayer, str]:
    """Add a player: the player as written and their phone's token. Refused("taken") when
    the nickname looks like one already in the room (same confusable skeleton),
    Refused("full") when the room has its maximum. No read first: the room's unique nickname
    keys refuse a lookalike (the INSERT comes before the seat, so a taken nickname in a full
    room is "taken", as when it was read first), and the seat is one atomic conditional
    update, so concurrent joins never pass the cap."""
    nickname = clean_nickname(nickname)
    case_key, skeleton_key = nickname_keys(nickname)
    token = secrets.token_urlsafe(24)
    signed_in = user.is_authenticated and user.role is Role.TRAINEE
    values = {
        "session_id": live.id,
        "nickname": nickname,
        "token_hash": _digest(token),
        "nickname_key": case_key,
        "skeleton_key": skeleton_key,
        "user_id": user.id if signed_in else None,
        "joined_at": utcnow(),
        "score": 0,
        "right": 0,
    }
    try:
        written = db.session.execute(_INSERT_PLAYER, values)
    except sa.exc.IntegrityError:  # a lookalike is in the room (or came at the same moment)
        db.session.rollback()
        raise Refused("taken") from None
    cap = current_app.config["LIVE_MAX_PLAYERS"]
    if not db.session.execute(_TAKE_SEAT, {"room_id": live.id, "cap": cap}).rowcount:
        db.session.rollback()
        raise Refused("full")
    if signed_in:
        memory = db.session.get(LiveNickname, user.id)
        if memory is None:
            db.session.add(LiveNickname(user_id=user.id, nickname=nickname))
        else:
            memory.nickname = nickname
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same person joining from two phones at once
        db.session.rollback()
        raise Refused("taken") from None
    # What was written (no query to read it back), as answer() gives its row.
    return LivePlayer(id=written.inserted_primary_key[0], **values), token


def players(live: LiveSession) -> list[LivePlayer]:
    return list(
        db.session.scalars(
            sa.select(LivePlayer)
            .where(LivePlayer.session_id == live.id)
            .order_by(LivePlayer.joined_at)
        )
    )


# --- answers --------------------------------------------------------------------------------


# An answer's writes, built once (a room's answers come in a burst when a question opens).
_INSERT_ANSWER = sa.insert(LiveAnswer.__table__)
_players = LivePlayer.__table__.c
_ADD_SCORE = (
    sa.update(LivePlayer.__table__)
    .where(_players.id == sa.bindparam("player"))
    .values(
        score=_players.score + sa.bindparam("points"), right=_players.right + sa.bindparam("gained")
    )
)


def answer(
    live: LiveSession, player: LivePlayer, index: int, given: list[str], now: datetime
) -> LiveAnswer:
    """Record a player's answer to the question being asked, once; raise Refused otherwise.
    A replay of an answer already stored is a duplicate, even once the question has closed.
    While the question is open no read comes before the write (the unique constraint tells a
    duplicate): one query less for each of the room's answers."""
    is_open = live.state == "question" and index == live.current and not live.time_is_up(now)
    if not is_open:
        if (stored := my_answer(player, index)) is not None:
            note("duplicate")
            return stored
        if live.phase == "question" and index == live.current and time_is_up(live.deadline, now):
            raise Refused("late")
        raise Refused("closed")
    seconds = (now - as_utc(live.question_started_at)).total_seconds()
    question = question_at(live, index)
    correct = grading.is_correct(question.content, given)
    points = points_for(correct, live.speed_bonus, seconds, live.time_limit)
    values = {
        "session_id": live.id,
        "player_id": player.id,
        "question_index": index,
        "question_id": question.id,
        "answer": given,
        "correct": correct,
        "points": points,
        "answered_at": now,
    }
    if (written := write_answer(values)) is None:  # a second tap or a replay
        note("duplicate")
        return my_answer(player, index)
    # What was written, as the player's phone shows it next (no query to read it back).
    row = LiveAnswer(id=written, **values)
    set_committed_value(player, "score", player.score + points)
    set_committed_value(player, "right", player.right + int(correct))
    note("stored")
    if player.user_id:
        _feed_revision(player, question, given, row, seconds, now)
    return row


# The score added only while the room is still at the version the answer was taken in, its
# question open (live.shortcut's view of the room may lag behind the host's last move).
_sessions = LiveSession.__table__.c
_ADD_SCORE_IF_OPEN = _ADD_SCORE.where(
    sa.exists().where(
        _sessions.id == sa.bindparam("room"),
        _sessions.version == sa.bindparam("version"),
        _sessions.phase == "question",
        _sessions.ended_at.is_(None),
    )
)


def write_answer(values: dict, version: int | None = None) -> int | None:
    """Store an answer (the live_answer row's `values`) and add its points to the player's
    score, committed; its id, or None when the player's answer to that question is stored
    already (the first one stands) or, with a `version`, when the room is no longer at that
    version with its question open (nothing written). The unique (player, question)
    constraint is the guard: no read before the write. One INSERT and one UPDATE, not
    through the unit of work: answers come in bursts (Flask's view and live.shortcut)."""
    try:
        written = db.session.execute(_INSERT_ANSWER, values)
    except sa.exc.IntegrityError:
        db.session.rollback()
        return None
    gained = {
        "player": values["player_id"],
        "points": values["points"],
        "gained": int(values["correct"]),
    }
    if version is None:
        db.session.execute(_ADD_SCORE, gained)
    else:
        added = db.session.execute(
            _ADD_SCORE_IF_OPEN, {**gained, "room": values["session_id"], "version": version}
        )
        if added.rowcount != 1:
            db.session.rollback()
            return None
    db.session.commit()
    return written.inserted_primary_key[0]


def _feed_revision(player, question, given, row, seconds, now) -> None:
    """A signed-in trainee's answer counts as a review of that question in their revision."""
    from webapp.accounts.models import User

    user = db.session.get(User, player.user_id)
    if user is not None and user.role is Role.TRAINEE:
        revision.answer(
            user, question, given, f"live-{row.id}", "live", max(0, seconds), False, now
        )


def my_answer(player: LivePlayer | None, index: int) -> LiveAnswer | None:
    if player is None:
        return None
    return db.session.scalar(
        sa.select(LiveAnswer).where(
            LiveAnswer.player_id == player.id, LiveAnswer.question_index == index
        )
    )


def tally(live: LiveSession, index: int) -> tuple[Counter, int, int]:
    """How many chose each answer (never who), how many answered, how many were right."""
    counts, answered, right = Counter(), 0, 0
    for given, correct in db.session.execute(
        sa.select(LiveAnswer.answer, LiveAnswer.correct).where(
            LiveAnswer.session_id == live.id, LiveAnswer.question_index == index
        )
    ):
        answered += 1
        right += int(correct)
        for choice in given:
            counts[choice] += 1
    return counts, answered, right


# --- scores ---------------------------------------------------------------------------------


class Line(NamedTuple):
    """A line of the scoreboard: the place (equal scores share it) and the player."""

    place: int
    player: LivePlayer


def places(scores: list[int]) -> list[int]:
    """Places for scores sorted from the highest: equal scores share a place, the next one
    counts those before it (100, 100, 50 -> 1, 1, 3)."""
    out = []
    for index, score in enumerate(scores):
        out.append(out[-1] if index and score == scores[index - 1] else index + 1)
    return out


def top_lines(live: LiveSession, limit: int = TOP) -> list[Line]:
    """The first `limit` players, 0 points included (a room where nobody scored yet still has
    a scoreboard); the rest of the ranking is never shown to the room."""
    rows = list(
        db.session.scalars(
            sa.select(LivePlayer)
            .where(LivePlayer.session_id == live.id)
            .order_by(LivePlayer.score.desc(), LivePlayer.joined_at, LivePlayer.id)
            .limit(limit)
        )
    )
    ranks = places([row.score for row in rows])
    return [Line(place, row) for place, row in zip(ranks, rows, strict=True)]


def roster_rows(live: LiveSession) -> list[tuple]:
    """Every player of the room with their answer to the question asked, in ranking order
    (as top_lines): what a version's panels need (live.panels), in one query."""
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(
                LivePlayer.token_hash,
                LivePlayer.id,
                LivePlayer.nickname,
                LivePlayer.score,
                LivePlayer.right,
                LiveAnswer.correct,
                LiveAnswer.points,
                LivePlayer.user_id,
            )
            .outerjoin(
                LiveAnswer,
                sa.and_(
                    LiveAnswer.player_id == LivePlayer.id,
                    LiveAnswer.question_index == live.current,
                ),
            )
            .where(LivePlayer.session_id == live.id)
            .order_by(LivePlayer.score.desc(), LivePlayer.joined_at, LivePlayer.id)
        )
    ]


def own_line(live: LiveSession, player: LivePlayer, top: list[Line]) -> Line | None:
    """A player's own line when it is not among the top ones (shown on their phone only)."""
    if any(line.player.id == player.id for line in top):
        return None
    above = db.session.scalar(
        sa.select(sa.func.count()).where(
            LivePlayer.session_id == live.id, LivePlayer.score > player.score
        )
    )
    return Line(above + 1, player)


def podium(live: LiveSession) -> list[Line]:
    """The three first who scored, for the end (a podium of zeros says nothing)."""
    return [line for line in top_lines(live, PODIUM) if line.player.score > 0]


def personal_bests(live: LiveSession) -> dict[int, int]:
    """For each signed-in player: their best score in their other live sessions (one query);
    players with no other session are not in it."""
    other = aliased(LivePlayer)
    return dict(
        db.session.execute(
            sa.select(LivePlayer.id, sa.func.max(other.score))
            .join(
                other,
                sa.and_(
                    other.user_id == LivePlayer.user_id,
                    other.session_id != LivePlayer.session_id,
                ),
            )
            .where(LivePlayer.session_id == live.id, LivePlayer.user_id.is_not(None))
            .group_by(LivePlayer.id)
        ).all()
    )


def results(live: LiveSession) -> list[dict]:
    """Per question: the question, how many answered and how many were right."""
    rows = {
        index: (answered, right)
        for index, answered, right in db.session.execute(
            sa.select(
                LiveAnswer.question_index,
                sa.func.count(),
                sa.func.sum(sa.case((LiveAnswer.correct, 1), else_=0)),
            )
            .where(LiveAnswer.session_id == live.id)
            .group_by(LiveAnswer.question_index)
        )
    }
    questions = revision.questions_by_id(live.question_ids)
    return [
        {
            "question": questions.get(qid),
            "answered": rows.get(i, (0, 0))[0],
            "right": int(rows.get(i, (0, 0))[1] or 0),
        }
        for i, qid in enumerate(live.question_ids)
    ]


def answer_grid(live: LiveSession) -> dict[int, dict[int, bool]]:
    """Per player, per question index: right or not (no line: not answered). One query."""
    grid: dict[int, dict[int, bool]] = {}
    for player_id, index, correct in db.session.execute(
        sa.select(LiveAnswer.player_id, LiveAnswer.question_index, LiveAnswer.correct).where(
            LiveAnswer.session_id == live.id
        )
    ):
        grid.setdefault(player_id, {})[index] = correct
    return grid


def asked_count(live: LiveSession) -> int:
    """How many questions the room was asked (all of them once it ended normally)."""
    return min(live.current + 1, len(live.question_ids))


def missed_questions(live: LiveSession) -> dict[int, list[str]]:
    """For each signed-in trainee who played (and, for a group's session, is in the group
    now): the questions asked that they got wrong or did not answer."""
    asked = live.question_ids[: asked_count(live)]
    condition = [LivePlayer.session_id == live.id, LivePlayer.user_id.is_not(None)]
    if live.group_id is not None:
        condition.append(_in_group_now(live))
    from webapp.accounts.models import User

    rows = db.session.execute(
        sa.select(LivePlayer.id, LivePlayer.user_id)
        .join(User, User.id == LivePlayer.user_id)
        .where(*condition, User.role == Role.TRAINEE)
    ).all()
    grid = answer_grid(live)
    return {
        user_id: [
            question_id
            for index, question_id in enumerate(asked)
            if not grid.get(player_id, {}).get(index, False)
        ]
        for player_id, user_id in rows
    }


def send_review(live: LiveSession, now: datetime) -> int:
    """Put the questions each signed-in trainee missed into their revision, due now. Asking
    twice changes nothing more (a question already due stays as it is). Returns how many
    trainees it reached."""
    missed = {user: ids for user, ids in missed_questions(live).items() if ids}
    revision.bring_forward(missed, now)
    if live.review_sent_at is None:
        live.review_sent_at = now
    db.session.commit()
    return len(missed)


def results_table(live: LiveSession, names: dict[int, str], labels: dict) -> list[list]:
    """The results as spreadsheet rows: per question, then per player (nicknames; real names
    only when given, for a teacher of the group). labels: column titles in the reader's
    language. Cells are made safe by core.spreadsheet when written."""
    per_question = results(live)
    grid = answer_grid(live)
    rows: list[list] = [[labels["question"], labels["text"], labels["answered"], labels["right"]]]
    for number, row in enumerate(per_question, start=1):
        text = row["question"].content["question"] if row["question"] else ""
        rows.append([number, text, row["answered"], row["right"]])
    rows.append([])
    numbers = [f"Q{number}" for number in range(1, len(per_question) + 1)]
    head = [labels["nickname"]] + ([labels["trainee"]] if names else [])
    rows.append(head + [labels["points"], labels["right"], *numbers])
    for player in players(live):
        mine = grid.get(player.id, {})
        marks = [
            (labels["yes"] if mine[index] else labels["no"]) if index in mine else ""
            for index in range(len(per_question))
        ]
        who = [player.nickname] + ([names.get(player.id, "")] if names else [])
        rows.append(who + [player.score, player.right, *marks])
    return rows


def sessions_for_staff(user) -> list[LiveSession]:
    """Sessions this person hosted, and for teachers those of their groups."""
    mine = [g.id for g in user.groups]  # attachments now: a detached host no longer sees it
    condition = sa.and_(
        LiveSession.host_id == user.id,
        sa.or_(LiveSession.group_id.is_(None), LiveSession.group_id.in_(mine)),
    )
    if user.role is Role.TEACHER:
        condition = sa.or_(condition, LiveSession.group_id.in_(mine))
    return list(
        db.session.scalars(
            sa.select(LiveSession)
            .where(condition)
            .order_by(LiveSession.created_at.desc())
            .limit(20)
        )
    )


def named_players(live: LiveSession, viewer) -> dict[int, str]:
    """Who is behind each nickname: only for teachers of the session's group, and only for the
    players still in that group now (a trainee who moved on is a nickname to them)."""
    if viewer.role is not Role.TEACHER or live.group_id not in {g.id for g in viewer.groups}:
        return {}
    from webapp.accounts.models import User

    return {
        player_id: name
        for player_id, name in db.session.execute(
            sa.select(LivePlayer.id, User.display_name)
            .join(User, User.id == LivePlayer.user_id)
            .where(LivePlayer.session_id == live.id, _in_group_now(live))
        )
    }


def named_user_ids(live: LiveSession) -> list[int]:
    """The signed-in trainees who played in a session and are still in its group (whose real
    names a teacher of the group may see)."""
    return list(
        db.session.scalars(
            sa.select(LivePlayer.user_id).where(
                LivePlayer.session_id == live.id,
                LivePlayer.user_id.is_not(None),
                _in_group_now(live),
            )
        )
    )


def _in_group_now(live: LiveSession):
    from webapp.accounts.models import group_membership

    return LivePlayer.user_id.in_(
        sa.select(group_membership.c.user_id).where(group_membership.c.group_id == live.group_id)
    )


def participation(user_ids: list[int]) -> dict[int, int]:
    """In how many live sessions each signed-in trainee played (one query)."""
    counts = dict.fromkeys(user_ids, 0)
    for user_id, count in db.session.execute(
        sa.select(LivePlayer.user_id, sa.func.count(sa.distinct(LivePlayer.session_id)))
        .where(LivePlayer.user_id.in_(user_ids))
        .group_by(LivePlayer.user_id)
    ):
        counts[user_id] = count
    return counts


# --- data rights: export, erase, retention --------------------------------------------------


def export_for(user) -> dict:
    """The live sessions a trainee played, with their nickname and answers (for "My data")."""
    rows = db.session.execute(
        sa.select(LivePlayer, LiveSession.created_at)
        .join(LiveSession, LiveSession.id == LivePlayer.session_id)
        .where(LivePlayer.user_id == user.id)
        .order_by(LivePlayer.joined_at)
    ).all()
    answers: dict[int, list] = {}
    for row in db.session.scalars(
        sa.select(LiveAnswer)
        .where(LiveAnswer.player_id.in_([player.id for player, _at in rows]))
        .order_by(LiveAnswer.question_index)
    ):
        answers.setdefault(row.player_id, []).append(
            {
                "question": row.question_id,
                "answer": row.answer,
                "correct": row.correct,
                "points": row.points,
            }
        )
    return {
        "remembered_nickname": remembered_nickname(user),
        "sessions": [
            {
                "date": at.isoformat(),
                "nickname": player.nickname,
                "score": player.score,
                "right": player.right,
                "answers": answers.get(player.id, []),
            }
            for player, at in rows
        ],
    }


def anonymous_nickname(player_id: int) -> str:
    return f"~{player_id}"


def _rename(player: LivePlayer) -> None:
    """Forget a player's nickname, and its keys: they are plain hashes of the nickname, so a
    guess ("Fafa du 93"?) hashed the same way would find it again. Nobody can be named "~12"
    (clean_nickname), so the new name is free in the room."""
    player.nickname = anonymous_nickname(player.id)
    # Not a digest: no nickname anyone types can clash with it, and it says nothing.
    player.nickname_key = player.skeleton_key = anonymous_nickname(player.id)


def erase_user(user_id: int) -> None:
    """Unlink a trainee from the sessions they played: scores stay, under no name (no commit)."""
    for player in db.session.scalars(sa.select(LivePlayer).where(LivePlayer.user_id == user_id)):
        player.user_id = None
        _rename(player)
    db.session.execute(sa.delete(LiveNickname).where(LiveNickname.user_id == user_id))
    db.session.flush()


def forget_guest_nicknames(now: datetime, dry_run: bool = False) -> int:
    """Replace the nicknames of guests in sessions that are over by a number."""
    over = sa.select(LiveSession.id).where(over_clause(now))
    found = list(
        db.session.scalars(
            sa.select(LivePlayer).where(
                LivePlayer.session_id.in_(over),
                LivePlayer.user_id.is_(None),
                LivePlayer.nickname != sa.literal("~") + sa.cast(LivePlayer.id, sa.String),
            )
        )
    )
    if not dry_run:
        for player in found:
            _rename(player)
    return len(found)


def plays(user_ids: list[int], since: datetime, until: datetime) -> list[tuple[int, int, datetime]]:
    """(user id, session id, when joined) of each live session a signed-in trainee joined in
    [since, until), for the anonymous impact report (one query)."""
    if not user_ids:
        return []
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(LivePlayer.user_id, LivePlayer.session_id, LivePlayer.joined_at).where(
                LivePlayer.user_id.in_(user_ids),
                LivePlayer.joined_at >= since,
                LivePlayer.joined_at < until,
            )
        )
    ]
