"""What a phone's poll asks ("anything new in room ABC?"), answered without the database.

Every phone polls its room every 2 seconds; almost always nothing changed. The little a poll
needs (the room's version, its phase, when it was created or ended, the countdown's deadline) is
kept here, keyed by the room's code:

- in this process for a moment (LIVE_POLL_CACHE_SECONDS, 1 s): another worker or instance that
  moved the room is seen at most that late, which a phone polling every 2 s does not notice;
- in Redis when the instances share one (REDIS_URL, or a redis:// RATELIMIT_STORAGE_URI): all
  of them then agree at once, and an entry lives longer (LIVE_REDIS_CACHE_SECONDS, 30 s: only
  a change written behind the app's back would wait that long).

Every write that changes what a poll sees goes through services._move, which bumps the version
and offers the new state here. A newer version always wins over an older one, so a poll that
read the database just before a host's change cannot put the old state back. Whether a room is
over (it expires after LIVE_SESSION_HOURS) and whether its time is up are computed on reading,
from the times kept: they never go stale.
"""

import json
import logging
import threading
import time
from datetime import UTC, datetime
from typing import NamedTuple

from flask import Flask, current_app

log = logging.getLogger(__name__)


class Room(NamedTuple):
    """A room as its polls see it."""

    version: int
    phase: str
    created_at: datetime
    ended_at: datetime | None
    deadline: datetime | None


def _stamp(moment: datetime | None) -> float | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # SQLite gives back naive datetimes, stored as UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _moment(stamp: float | None) -> datetime | None:
    return None if stamp is None else datetime.fromtimestamp(stamp, UTC)


def encode(room: Room) -> str:
    """JSON starting with the version ("[12,..."): Redis's script compares it without parsing."""
    return json.dumps(
        [
            room.version,
            room.phase,
            _stamp(room.created_at),
            _stamp(room.ended_at),
            _stamp(room.deadline),
        ],
        separators=(",", ":"),
    )


def decode(text: str | bytes) -> Room:
    version, phase, created, ended, deadline = json.loads(text)
    return Room(version, phase, _moment(created), _moment(ended), _moment(deadline))


class LocalStore:
    """Rooms held in this process for `lifetime` seconds. The clock is injectable for tests."""

    def __init__(self, lifetime: float = 1.0, clock=time.monotonic):
        self.lifetime = lifetime
        self.clock = clock
        self._rooms: dict[str, tuple[float, Room]] = {}
        self._lock = threading.Lock()

    def get(self, code: str) -> Room | None:
        entry = self._rooms.get(code)
        if entry is None or entry[0] <= self.clock():
            return None
        return entry[1]

    def offer(self, code: str, room: Room) -> None:
        """Keep `room` unless a newer version is held already."""
        now = self.clock()
        with self._lock:
            held = self._rooms.get(code)
            if held is not None and held[0] > now and held[1].version > room.version:
                return
            if len(self._rooms) > 10_000:  # rooms long gone: forget the expired ones
                self._rooms = {k: v for k, v in self._rooms.items() if v[0] > now}
            self._rooms[code] = (now + self.lifetime, room)

    def clear(self) -> None:
        with self._lock:
            self._rooms.clear()


# Set the room unless Redis holds a newer version: an atomic compare-and-set, so two instances
# (or a slow poll and a host's change) racing never move a room back.
_OFFER = """
local held = redis.call('GET', KEYS[1])
if held then
  local version = tonumber(string.match(held, '^%[(%d+)'))
  if version and version > tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
"""


class RedisStore:
    """Rooms held in Redis, shared by every instance. Redis unreachable: the polls read the
    database (as without a cache) and say so in the log; nothing fails."""

    def __init__(self, client, lifetime: int = 30, prefix: str = "passerelle:live-room:"):
        self.client = client
        self.lifetime = int(lifetime)
        self.prefix = prefix
        self._offer = client.register_script(_OFFER)

    def get(self, code: str) -> Room | None:
        import redis

        try:
            text = self.client.get(self.prefix + code)
        except redis.RedisError as error:
            log.warning("live room cache unreachable: %s", error)
            return None
        return decode(text) if text is not None else None

    def offer(self, code: str, room: Room) -> None:
        import redis

        try:
            self._offer(keys=[self.prefix + code], args=[room.version, encode(room), self.lifetime])
        except redis.RedisError as error:
            log.warning("live room cache unreachable: %s", error)

    def clear(self) -> None:
        for key in self.client.scan_iter(self.prefix + "*"):
            self.client.delete(key)


def redis_url(config) -> str | None:
    """REDIS_URL, else the rate limiter's storage when it is a plain Redis (redis://, rediss://,
    unix://): where the instances already share their counters."""
    if url := config.get("REDIS_URL"):
        return url
    storage = config.get("RATELIMIT_STORAGE_URI") or ""
    if storage.startswith(("redis://", "rediss://", "unix://")):
        return storage
    return None


def redis_client(url: str):
    """A client that gives up fast: a Redis that stalls or is down costs a poll a quarter of a
    second at most (no retries with back-off), then the database answers."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return redis.Redis.from_url(
        url, socket_timeout=0.25, socket_connect_timeout=0.25, retry=Retry(NoBackoff(), 0)
    )


def store_for(config):
    if url := redis_url(config):
        return RedisStore(
            redis_client(url),
            lifetime=config.get("LIVE_REDIS_CACHE_SECONDS", 30),
            prefix=config.get("LIVE_REDIS_PREFIX", "passerelle:live-room:"),
        )
    return LocalStore(lifetime=config.get("LIVE_POLL_CACHE_SECONDS", 1.0))


def init_app(app: Flask) -> None:
    app.extensions["live_versions"] = store_for(app.config)


def store_of(app: Flask):
    return app.extensions["live_versions"]


def store():
    return store_of(current_app)


def get(code: str) -> Room | None:
    return store().get(code)


def offer(code: str, room: Room) -> None:
    store().offer(code, room)


def clear() -> None:
    """Forget every room (tests: between two tests the database is emptied)."""
    store().clear()
