"""Live quiz joins (issue 11, hole 7): flooding a room, lookalike nicknames, guessing codes,
unknown and ended codes told apart, sessions that never end."""

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from webapp.accounts.models import Role
from webapp.core.time import utcnow
from webapp.extensions import db
from webapp.live import routes, services
from webapp.live.models import LivePlayer, LiveSession
from webapp.live.nicknames import nickname_keys, skeleton

EN = {"Accept-Language": "en"}


@pytest.fixture
def open_room(app, make_user, login, bank):
    """A volunteer's session open to anyone with the code, and the volunteer's browser."""
    volunteer = make_user(Role.VOLUNTEER)
    host = app.test_client()
    login(volunteer, http=host)
    response = host.post(
        "/live/new",
        data={
            "group_id": 0,
            "scopes": ["hygiene"],
            "count": 2,
            "time_limit": 0,
            "client_id": "open-room",
        },
    )
    assert response.status_code == 303
    return {"live": db.session.scalar(sa.select(LiveSession)), "host": host}


def join(app, live, nickname, phone=None):
    phone = phone or app.test_client()
    return phone, phone.post(f"/join/{live.code}", data={"nickname": nickname}, headers=EN)


def players() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(LivePlayer))


def end(live) -> LiveSession:
    db.session.execute(
        sa.update(LiveSession)
        .where(LiveSession.id == live.id)
        .values(phase="end", ended_at=utcnow(), version=LiveSession.version + 1)
    )
    db.session.commit()
    return live


def test_one_client_cannot_fill_the_projector(app, open_room):
    live = open_room["live"]
    phone, first = join(app, live, "Lina")
    assert first.status_code == 303
    # The same phone again: its player back, not a second one.
    assert phone.post(f"/join/{live.code}", data={"nickname": "Lina 2"}).status_code == 303
    assert players() == 1
    # A script dropping its cookies: 300 joins from one IP become at most the join limit.
    refused = None
    for number in range(40):
        _phone, response = join(app, live, f"Bot {number}")
        if response.status_code != 303:
            refused = response
            break
    assert refused is not None and "Too many players joined from here" in refused.text
    assert players() == 30  # LIVE_JOIN_LIMIT: 30 per 10 minutes, this one included
    projector = open_room["host"].get(f"/live/{live.code}/host").text
    assert "Bot 28" in projector and "Bot 29" not in projector


def test_a_room_has_a_cap(app, open_room, make_user, login, monkeypatch):
    monkeypatch.setitem(app.config, "LIVE_MAX_PLAYERS", 3)
    live = open_room["live"]
    for number in range(3):
        trainee = make_user()
        phone = app.test_client()
        login(trainee, http=phone)
        assert join(app, live, f"Player {number}", phone)[1].status_code == 303
    _phone, full = join(app, live, "Late")
    assert full.status_code == 200 and "This room is full." in full.text
    assert 'id="nickname-error"' in full.text
    assert players() == 3
    assert db.session.scalar(sa.select(LiveSession.player_count)) == 3


def test_a_join_sent_twice_before_its_answer_makes_one_player(app, open_room):
    """A double tap on "Join": both sendings leave before the first one's cookie comes back.
    The second finds the nickname taken (by the first); the room has one player, one seat."""
    live = open_room["live"]
    phone = app.test_client()
    first = phone.post(f"/join/{live.code}", data={"nickname": "Lina"}, headers=EN)
    phone.delete_cookie(f"live-{live.code}")  # as if the second left before the first's answer
    second = phone.post(f"/join/{live.code}", data={"nickname": "Lina"}, headers=EN)
    assert first.status_code == 303 and first.headers["Location"].endswith("/play")
    assert second.status_code == 200 and "This nickname is taken" in second.text
    assert players() == 1
    assert db.session.scalar(sa.select(LiveSession.player_count)) == 1


def test_a_taken_nickname_in_a_full_room_is_told_taken_and_takes_no_seat(
    app, open_room, monkeypatch
):
    monkeypatch.setitem(app.config, "LIVE_MAX_PLAYERS", 1)
    live = open_room["live"]
    assert join(app, live, "Samir")[1].status_code == 303
    _phone, lookalike = join(app, live, "Ѕamir")  # Cyrillic DZE: taken, and the room is full
    assert lookalike.status_code == 200 and "This nickname is taken" in lookalike.text
    _phone, late = join(app, live, "Nadia")
    assert late.status_code == 200 and "This room is full." in late.text
    assert players() == 1
    assert db.session.scalar(sa.select(LiveSession.player_count)) == 1


def test_skeleton_follows_tr39():
    assert skeleton("Ѕamir") == skeleton("Samir")  # U+0405 CYRILLIC CAPITAL LETTER DZE
    assert skeleton("paypa1") == skeleton("paypal")
    assert skeleton("Nadia") != skeleton("Samir")

    def clash(one, two):
        return any(a == b for a, b in zip(nickname_keys(one), nickname_keys(two), strict=True))

    assert clash("Samir", "ЅAMIR") and clash("Samir", "Sаmir")  # Cyrillic а
    assert clash("Samir", "Ｓａｍｉｒ") and clash("lina", "Iina") and clash("Lina", "lina")
    assert not clash("Samir", "Sami") and not clash("سمير", "سامي")


@pytest.mark.parametrize("lookalike", ["Ѕamir", "ЅAMIR", "Sаmir", "Ｓａｍｉｒ", "samir"])
def test_lookalike_nicknames_are_refused(app, open_room, lookalike):
    live = open_room["live"]
    assert join(app, live, "Samir")[1].status_code == 303
    _phone, response = join(app, live, lookalike)
    assert response.status_code == 200 and "This nickname is taken" in response.text
    assert players() == 1


def test_wrong_codes_are_throttled_but_a_signed_in_classroom_keeps_playing(
    app, open_room, make_user, login, monkeypatch
):
    monkeypatch.setitem(app.config, "LIVE_CODE_LIMIT", "5 per 10 minutes")
    live = open_room["live"]
    player_phone, _ = join(app, live, "Lina")  # joined before the guessing starts
    guesser = app.test_client()
    for number in range(5):
        response = guesser.post("/join", data={"code": f"AAAA{number}A"}, headers=EN)
        assert "No session has this code" in response.text
    blocked = guesser.post("/join", data={"code": live.code}, headers=EN)  # even the right one
    assert blocked.status_code == 429 and "Too many wrong codes" in blocked.text
    for url in (f"/join/{live.code}", f"/live/{live.code}/play", f"/live/{live.code}/poll?v=1"):
        assert guesser.get(url).status_code == 429
    assert app.test_client().get(f"/join/{live.code}").status_code == 429  # the same IP
    # The player who joined before still plays; a signed-in trainee on the same IP joins.
    assert player_phone.get(f"/live/{live.code}/poll?v={live.version}").status_code in (200, 204)
    trainee_phone = app.test_client()
    login(make_user(), http=trainee_phone)
    assert join(app, live, "Nadia", trainee_phone)[1].status_code == 303


CSRF = re.compile(r'("X-CSRFToken": "|name="csrf_token" value=")[^"]+')


def _same_answer(app, first_code, second_code, request):
    """Two fresh anonymous clients ask the same thing about two codes: the answers differ by
    the code itself (echoed in links) and each client's form token only."""
    answers = []
    for code in (first_code, second_code):
        method, url, data = request(code)
        response = app.test_client().open(
            url.format(code=code), method=method, data=data, headers=EN
        )
        answers.append(
            (response.status_code, CSRF.sub(r"\1TOKEN", response.text.replace(code, "CODE")))
        )
    return answers[0] == answers[1], answers


@pytest.mark.parametrize(
    "request_for",
    [
        lambda code: ("GET", "/live/{code}/poll?v=1", None),
        lambda code: ("GET", "/live/{code}/poll?v=7", None),
        lambda code: ("GET", "/live/{code}/play", None),
        lambda code: ("GET", "/join/{code}", None),
        lambda code: ("POST", "/live/{code}/answer", {"index": "0"}),
        lambda code: ("POST", "/join", {"code": code}),
    ],
)
def test_unknown_and_ended_codes_get_the_same_answer(app, open_room, request_for):
    live = open_room["live"]
    join(app, live, "Lina")
    ended = end(live).code
    same, answers = _same_answer(app, "MMMMMM", ended, request_for)
    assert same, answers
    assert answers[0][0] in (200, 404)


def test_a_session_ends_by_itself_after_some_hours_without_a_get_writing(
    app, open_room, monkeypatch
):
    live = open_room["live"]
    phone, _ = join(app, live, "Lina")
    five_hours_ago = utcnow() - timedelta(hours=5)
    db.session.execute(
        sa.update(LiveSession).where(LiveSession.id == live.id).values(created_at=five_hours_ago)
    )
    db.session.commit()
    # Its player sees the end; the poll stops.
    page = phone.get(f"/live/{live.code}/poll?v={live.version}", headers=EN).text
    assert "The end. Thank you!" in page and "hx-trigger" not in page
    # Anyone else: the same answer as an unknown code.
    stranger = app.test_client().get(f"/join/{live.code}", headers=EN)
    assert stranger.status_code == 404
    # The host cannot start it; nothing was written by the GETs.
    open_room["host"].post(f"/live/{live.code}/advance", data={"version": live.version})
    stored = db.session.execute(
        sa.select(LiveSession.phase, LiveSession.ended_at, LiveSession.version).where(
            LiveSession.id == live.id
        )
    ).one()
    assert tuple(stored) == ("lobby", None, live.version)
    assert services.over_clause(utcnow()) is not None
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(LiveSession)
            .where(services.over_clause(utcnow()))
        )
        == 1
    )
    # LIVE_SESSION_HOURS is configurable.
    monkeypatch.setitem(app.config, "LIVE_SESSION_HOURS", 6)
    page = phone.get(f"/live/{live.code}/play", headers=EN).text
    assert "The end" not in page
    assert re.search(r'hx-trigger="every 2s"', page)
    assert html.unescape(page).count("Lina") >= 1


def test_with_the_limit_storage_unreachable_a_room_goes_on_and_the_log_says_so(
    app, open_room, monkeypatch, caplog
):
    """Redis gone (restarting, its network cut): joining, polling and wrong codes still answer,
    counted in this process meanwhile; never a 500."""
    import redis

    from webapp.extensions import limiter

    def unreachable(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    caplog.set_level("WARNING", logger="webapp.live.services")
    with app.app_context():  # the app's own strategy (the extension keeps one per app)
        strategy = limiter.limiter
    monkeypatch.setattr(strategy, "hit", unreachable)
    monkeypatch.setattr(strategy, "test", unreachable)
    live = open_room["live"]
    phone, joined = join(app, live, "Lina")
    assert joined.status_code == 303
    assert phone.get(f"/live/{live.code}/poll?v={live.version}").status_code in (200, 204)
    wrong = app.test_client().post("/join", data={"code": "ZZZZZZ"}, headers=EN)
    assert wrong.status_code == 200 and "No session has this code" in wrong.text
    assert "rate limit storage unreachable" in caplog.text


TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_the_nickname_page_is_the_same_for_every_phone_but_its_token_and_the_token_works(
    app, open_room, make_user, login, monkeypatch
):
    """500 phones ask for the nickname page in a lobby's few seconds: it is made once per room
    and language, each phone getting its own form token, which Flask-WTF accepts; a signed-in
    trainee still gets their remembered nickname, a phone already in the game goes to it."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    live = open_room["live"]
    address = f"/join/{live.code}"
    first, second = app.test_client(), app.test_client()
    pages = [phone.get(address, headers=EN) for phone in (first, second)]
    tokens = [TOKEN.search(page.text).group(1) for page in pages]
    assert tokens[0] != tokens[1] and all(page.status_code == 200 for page in pages)
    assert pages[0].text.replace(tokens[0], "T") == pages[1].text.replace(tokens[1], "T")
    assert pages[1].text.count(tokens[1]) == 3  # the form, the language buttons, htmx's header
    french = app.test_client().get(address, headers={"Accept-Language": "fr"}).text
    assert 'lang="fr"' in french and "Join a live quiz" not in french

    # Each phone's token is its own: another phone's is refused, its own joins.
    wrong = second.post(address, data={"csrf_token": tokens[0], "nickname": "Lina"}, headers=EN)
    assert wrong.status_code == 400 and players() == 0
    joined = second.post(address, data={"csrf_token": tokens[1], "nickname": "Lina"}, headers=EN)
    assert joined.status_code == 303 and players() == 1
    assert second.get(address).headers["Location"].endswith(f"/live/{live.code}/play")

    # A signed-in trainee who played before is offered their nickname, not the page for all.
    app.config["WTF_CSRF_ENABLED"] = False  # the tests' sign-in sends no token
    trainee = make_user()
    phone = app.test_client()
    login(trainee, http=phone)
    assert join(app, live, "Chef Sam", phone)[1].status_code == 303
    other = open_room["host"].post(
        "/live/new",
        data={"group_id": 0, "scopes": ["hygiene"], "count": 2, "time_limit": 0, "client_id": "2"},
    )
    code = other.headers["Location"].split("/")[-2]
    assert app.test_client().get(f"/join/{code}").status_code == 200  # the page for all, made
    assert 'value="Chef Sam"' in phone.get(f"/join/{code}").text


def test_the_lobby_page_is_made_once_and_is_the_page_flask_renders_for_each_phone(
    app, open_room, monkeypatch
):
    """Where a phone lands once it joined: made once for the room (500 phones land there in a
    lobby's few seconds), each phone's nickname and token filled in, escaped, as Flask renders
    it; once the quiz starts, the question as before."""
    live = open_room["live"]
    phones = [join(app, live, name)[0] for name in ("Lina", "<b>Sam</b>")]
    address = f"/live/{live.code}/play"
    made = [phone.get(address, headers=EN).text for phone in phones]
    monkeypatch.setattr(routes, "_lobby_page", lambda live, player: None)  # Flask renders
    rendered = [phone.get(address, headers=EN).text for phone in phones]
    monkeypatch.undo()
    for one, other in zip(made, rendered, strict=True):
        assert CSRF.sub(r"\1TOKEN", one) == CSRF.sub(r"\1TOKEN", other)
    assert "<bdi>&lt;b&gt;Sam&lt;/b&gt;</bdi>" in made[1] and "Lina" not in made[1]
    assert "The quiz starts soon" in made[0] and 'hx-trigger="every 2s"' in made[0]
    open_room["host"].post(f"/live/{live.code}/advance", data={"version": live.version})
    assert 'name="index" value="0"' in phones[0].get(address, headers=EN).text
