"""The live rooms' poll cache (webapp/live/versions.py): in this process for a moment, or in a
real Redis shared by several app instances. Clocks are injected: no test sleeps."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.measure import IsolatedClient, count_queries
from tests.test_live import player
from webapp import create_app
from webapp.accounts.models import Role
from webapp.extensions import db
from webapp.live import services, versions
from webapp.live.models import LiveSession
from webapp.live.versions import LocalStore, RedisStore, Room

REDIS = "redis://127.0.0.1:6379/0"
CREATED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def room(version: int, phase: str = "question", deadline=None) -> Room:
    return Room(version, phase, CREATED, None, deadline)


class Ticks:
    """A monotonic clock moved by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def redis_client():
    """The machine's Redis (README: Redis at 127.0.0.1:6379; .ci/run starts it): never skipped."""
    import redis

    client = redis.Redis.from_url(REDIS, socket_timeout=1)
    client.ping()  # no Redis: these tests fail and say why, they are never skipped
    return client


@pytest.fixture
def shared():
    """A Redis key prefix of this test's own (pytest-xdist workers share the server)."""
    client = redis_client()
    prefix = f"test-live-{uuid.uuid4().hex}:"
    yield client, prefix
    for key in client.scan_iter(prefix + "*"):
        client.delete(key)


def test_a_room_goes_through_its_encoding_unchanged_naive_times_as_utc():
    deadline = datetime(2026, 3, 2, 9, 1, 30, tzinfo=UTC)
    ended = Room(7, "end", CREATED, CREATED + timedelta(hours=1), None)
    assert versions.decode(versions.encode(room(3, deadline=deadline))) == room(
        3, deadline=deadline
    )
    assert versions.decode(versions.encode(ended)) == ended
    naive = Room(2, "lobby", CREATED.replace(tzinfo=None), None, None)  # as SQLite gives it
    assert versions.decode(versions.encode(naive)).created_at == CREATED
    assert versions.encode(room(12)).startswith("[12,")  # the Redis script reads it there


def test_in_process_a_room_is_kept_for_its_lifetime_only():
    clock = Ticks()
    store = LocalStore(lifetime=1.0, clock=clock)
    assert store.get("ABCDEF") is None
    store.offer("ABCDEF", room(3))
    clock.now += 0.9
    assert store.get("ABCDEF") == room(3)
    clock.now += 0.1
    assert store.get("ABCDEF") is None  # a moment only: another worker's change shows by then
    store.offer("ABCDEF", room(3))
    store.clear()
    assert store.get("ABCDEF") is None


def test_in_process_a_newer_version_wins_an_older_one_never_comes_back():
    clock = Ticks()
    store = LocalStore(lifetime=1.0, clock=clock)
    store.offer("ABCDEF", room(4))
    store.offer("ABCDEF", room(3))  # a poll that read the database just before the change
    assert store.get("ABCDEF").version == 4
    store.offer("ABCDEF", room(5))
    assert store.get("ABCDEF").version == 5
    clock.now += 1.5  # expired: whatever the database says now is taken
    store.offer("ABCDEF", room(2))
    assert store.get("ABCDEF").version == 2


def test_in_redis_newer_wins_atomically_and_entries_expire(shared):
    client, prefix = shared
    store = RedisStore(client, lifetime=30, prefix=prefix)
    assert store.get("ABCDEF") is None
    store.offer("ABCDEF", room(4))
    store.offer("ABCDEF", room(3))
    assert store.get("ABCDEF").version == 4
    store.offer("ABCDEF", room(10))  # "10" > "4" as numbers, not as text
    store.offer("ABCDEF", room(9))
    assert store.get("ABCDEF") == room(10)
    assert 0 < client.ttl(prefix + "ABCDEF") <= 30  # a finished room's key goes by itself
    other = RedisStore(client, lifetime=30, prefix=prefix)  # another instance, same Redis
    assert other.get("ABCDEF") == room(10)
    store.clear()
    assert other.get("ABCDEF") is None


def test_redis_unreachable_means_a_miss_never_an_error():
    store = RedisStore(versions.redis_client("redis://127.0.0.1:1/0"), prefix="test-live-down:")
    store.offer("ABCDEF", room(3))  # logged, not raised
    assert store.get("ABCDEF") is None


def test_the_store_is_redis_when_the_instances_share_one():
    assert versions.redis_url({"REDIS_URL": "redis://r:6379/1"}) == "redis://r:6379/1"
    assert versions.redis_url({"RATELIMIT_STORAGE_URI": "redis://r:6379"}) == "redis://r:6379"
    assert versions.redis_url({"RATELIMIT_STORAGE_URI": "memory://"}) is None
    assert versions.redis_url({"REDIS_URL": "", "RATELIMIT_STORAGE_URI": "memory://"}) is None
    assert isinstance(versions.store_for({"REDIS_URL": REDIS}), RedisStore)
    assert isinstance(versions.store_for({}), LocalStore)


# --- two app instances on one database ---------------------------------------------------------


@pytest.fixture
def open_room(app, make_group, make_user, login, bank):
    volunteer = make_user(Role.VOLUNTEER)
    host = app.test_client()
    login(volunteer, http=host)
    response = host.post(
        "/live/new",
        data={"group_id": 0, "scopes": ["1", "2"], "count": 2, "time_limit": 0, "client_id": "v"},
    )
    assert response.status_code == 303
    return host, db.session.scalar(sa.select(LiveSession))


def instance(app, **config):
    """A second instance of the app on the same database, as another gunicorn would be."""
    other = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": False,
            **config,
        }
    )
    other.test_client_class = IsolatedClient
    return other


def version_of(live) -> int:
    return db.session.scalar(sa.select(LiveSession.version).where(LiveSession.id == live.id))


def test_instances_without_redis_see_each_others_change_within_the_lifetime(app, open_room):
    host, live = open_room
    phone = player(app, live, "Lina")  # its cookie works on both instances
    other = instance(app, REDIS_URL="", LIVE_POLL_CACHE_SECONDS=1.0)
    clock = Ticks()
    other.extensions["live_versions"].clock = clock
    phone_there = other.test_client()
    phone_there.set_cookie(f"live-{live.code}", phone.get_cookie(f"live-{live.code}").value)
    poll = f"/live/{live.code}/poll?v={live.version}"
    assert phone_there.get(poll).status_code == 204  # the other instance now holds the room
    host.post(f"/live/{live.code}/advance", data={"version": live.version})
    assert phone.get(poll).status_code == 200  # this instance knows at once
    assert phone_there.get(poll).status_code == 204  # the other one a moment later...
    clock.now += 1.0
    assert phone_there.get(poll).status_code == 200  # ...at most its lifetime
    with other.app_context():
        db.engine.dispose()


def test_instances_sharing_redis_see_each_others_change_at_once(app, open_room, shared):
    _client, prefix = shared
    host, live = open_room
    phone = player(app, live, "Lina")
    one = instance(app, REDIS_URL=REDIS, LIVE_REDIS_PREFIX=prefix)
    two = instance(app, REDIS_URL=REDIS, LIVE_REDIS_PREFIX=prefix)
    cookie = phone.get_cookie(f"live-{live.code}").value
    phones = []
    for server in (one, two):
        client = server.test_client()
        client.set_cookie(f"live-{live.code}", cookie)
        phones.append(client)
    poll = f"/live/{live.code}/poll?v={live.version}"
    assert [p.get(poll).status_code for p in phones] == [204, 204]
    with two.app_context(), count_queries() as statements:
        assert phones[1].get(poll).status_code == 204
    assert statements == []  # the room came from Redis
    # The host acts through instance one: instance two's phones see it on their next poll.
    with one.app_context():
        moved = db.session.get(LiveSession, live.id)
        services.advance(moved, moved.version)
        db.session.remove()
    assert phones[1].get(poll).status_code == 200
    assert phones[1].get(f"/live/{live.code}/poll?v={version_of(live)}").status_code == 204
    for server in (one, two):
        server.extensions["live_versions"].clear()
        with server.app_context():
            db.engine.dispose()


# --- the question's shared parts -----------------------------------------------------------------


def test_a_question_is_rendered_once_per_language_for_the_whole_room(app, open_room):
    from webapp.live import routes

    host, live = open_room
    phones = [(player(app, live, name), lang) for name, lang in (("Lina", "en"), ("Sam", "en"))]
    phones.append((player(app, live, "Nour"), "ar"))
    host.post(f"/live/{live.code}/advance", data={"version": live.version})
    routes._shared.clear()
    pages = [
        phone.get(
            f"/live/{live.code}/poll?v={live.version}",
            headers={"HX-Request": "true", "Accept-Language": lang},
        ).text
        for phone, lang in phones
    ]
    assert len(routes._shared) == 2  # English once for two phones, Arabic once
    assert all('name="index" value="0"' in page for page in pages)
    assert "Lina" in pages[0] and "Lina" not in pages[1]  # each phone has its own line
    client_ids = [re.search(r'name="client_id" value="(\w+)"', page).group(1) for page in pages]
    assert len(set(client_ids)) == 3
    assert 'aria-label="Listen"' in pages[1] and 'aria-label="Listen"' not in pages[2]
    # The reveal's chart likewise: once per language, the same counts on every phone.
    host.post(f"/live/{live.code}/advance", data={"version": version_of(live)})
    routes._shared.clear()
    charts = [
        re.search(r"<figure.*</figure>", page, re.S).group(0)
        for page in (
            phone.get(
                f"/live/{live.code}/poll?v=1",
                headers={"HX-Request": "true", "Accept-Language": lang},
            ).text
            for phone, lang in phones
        )
    ]
    assert len(routes._shared) == 2 and charts[0] == charts[1] != charts[2]
