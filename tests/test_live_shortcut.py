"""A phone's poll with nothing new is answered before Flask (live.shortcut): no session, no
user, no database. Whatever the shortcut is not sure of (news, a countdown run out, a room over,
no key or a wrong one, a blocked guesser) reaches Flask and gets the answer it always got."""

import html
import re
from datetime import timedelta

import pytest
from flask import request_started

from tests.measure import count_queries
from tests.test_live import player
from tests.test_live_room import Clock, fresh, open_room, post, staff  # noqa: F401
from webapp.live import models, routes, services, shortcut

HX = {"HX-Request": "true"}
POLL = re.compile(r'hx-get="([^"]*/poll\?[^"]*)"')


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    for module in (models, services, routes, shortcut):
        monkeypatch.setattr(module, "utcnow", fake)
    return fake


def poll_address(page: str) -> str:
    """The address the phone's panel polls, as htmx would read it."""
    return html.unescape(POLL.search(page).group(1))


class FlaskWork:
    """Counts the requests that reached Flask's own handling."""

    def __init__(self, app):
        self.app = app
        self.count = 0

    def __enter__(self):
        request_started.connect(self._seen, self.app)
        return self

    def __exit__(self, *exc):
        request_started.disconnect(self._seen, self.app)

    def _seen(self, sender, **extra):
        self.count += 1


def test_a_players_poll_with_nothing_new_never_reaches_flask(app, login, staff, bank, clock):  # noqa: F811
    host, live = open_room(app, login, staff["volunteer"], staff["group"], kinds=("single",) * 2)
    phone = player(app, live, "Sam", login, staff["trainee"])
    address = poll_address(phone.get(f"/live/{live.code}/play").text)
    assert "k=" in address
    phone.get(address)  # the first poll may fill the room cache
    with FlaskWork(app) as flask, count_queries() as statements:
        answers = [phone.get(address) for _ in range(5)]
    assert [a.status_code for a in answers] == [204] * 5 and answers[0].data == b""
    assert answers[0].headers["Cache-Control"] == "no-store"
    assert (flask.count, len(statements)) == (0, 0)

    # The host starts the quiz: the same address now brings the question, made before Flask
    # (the shortcut renders the version's panels itself: no phone needs Flask for them).
    post(host, live)
    with FlaskWork(app) as flask:
        news = phone.get(address, headers=HX)
    assert news.status_code == 200 and 'name="index"' in news.text and flask.count == 0
    assert phone.get(poll_address(news.text)).status_code == 204


def test_without_the_rooms_key_a_poll_goes_to_flask_and_a_blocked_guesser_gets_429(
    app,
    login,
    staff,  # noqa: F811
    bank,
    clock,
    monkeypatch,
):
    host, live = open_room(app, login, staff["volunteer"], staff["group"])
    phone = player(app, live, "Sam", login, staff["trainee"])
    address = poll_address(phone.get(f"/live/{live.code}/play").text)
    phone.get(address)
    bare = f"/live/{live.code}/poll?v={fresh(live).version}"
    wrong = re.sub(r"k=[0-9a-f]+", "k=" + "0" * 20, address)
    for other in (bare, wrong):
        with FlaskWork(app) as flask:
            assert phone.get(other).status_code == 204  # Flask's answer: the same
        assert flask.count == 1

    monkeypatch.setitem(app.config, "LIVE_CODE_LIMIT", "3 per 10 minutes")
    guesser = app.test_client()
    for number in range(3):
        guesser.post("/join", data={"code": f"ZZZZ{number}Z"})
    assert guesser.get(bare).status_code == 429
    assert guesser.get(wrong).status_code == 429
    assert phone.get(address).status_code == 204  # the room's own phone still plays


def test_a_countdown_run_out_and_a_room_over_are_news(app, login, staff, bank, clock):  # noqa: F811
    host, live = open_room(app, login, staff["volunteer"], staff["group"], time_limit=20)
    phone = player(app, live, "Sam", login, staff["trainee"])
    post(host, live)
    question = phone.get(f"/live/{live.code}/play").text
    address = poll_address(question)
    assert phone.get(address).status_code == 204
    clock.tick(23)  # time up, grace included: the phone must be told to show the reveal
    with FlaskWork(app) as flask:
        reveal = phone.get(address, headers=HX)
    assert flask.count == 0 and 'class="chart"' in reveal.text  # the shortcut's reveal
    after = poll_address(reveal.text)
    assert "up=1" in after and phone.get(after).status_code == 204

    clock.tick(timedelta(hours=app.config["LIVE_SESSION_HOURS"]).total_seconds())
    with FlaskWork(app) as flask:
        end = phone.get(after, headers=HX)
    assert flask.count == 1 and end.status_code == 200 and "hx-trigger" not in end.text


def test_a_key_belongs_to_one_room_not_to_its_code():
    from datetime import UTC, datetime

    from webapp.live.versions import Room

    first = Room(3, "question", datetime(2026, 12, 1, 9, tzinfo=UTC), None, None)
    later = first._replace(created_at=datetime(2026, 12, 8, 9, tzinfo=UTC))
    key = shortcut.room_key("secret", "ABC123", first)
    assert key == shortcut.room_key("secret", "ABC123", first)
    assert key not in (
        shortcut.room_key("secret", "ABC123", later),  # the code given again, a week later
        shortcut.room_key("secret", "ABC124", first),
        shortcut.room_key("other secret", "ABC123", first),
    )


def test_a_room_the_cache_let_go_is_read_again_with_one_query_and_no_flask(
    app,
    login,
    staff,  # noqa: F811
    bank,
    clock,
):
    host, live = open_room(app, login, staff["volunteer"], staff["group"])
    phone = player(app, live, "Sam", login, staff["trainee"])
    address = poll_address(phone.get(f"/live/{live.code}/play").text)
    app.extensions["live_versions"].clear()  # its moment in this process is over
    with FlaskWork(app) as flask, count_queries() as statements:
        assert phone.get(address).status_code == 204
    assert (flask.count, len(statements)) == (0, 1)
    assert phone.get("/live/ZZZZZZ/poll?v=1").status_code == 404  # unknown: Flask's answer
