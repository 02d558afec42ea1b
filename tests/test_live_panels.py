"""A phase's panel made once per room, version and language (live.panels) and filled in for
each phone before Flask (live.shortcut): the phone gets exactly the panel Flask would render
for it, with its own line only, in its language; whatever the shortcut cannot vouch for goes
to Flask."""

import re

import pytest
import sqlalchemy as sa
from markupsafe import escape

from tests.test_live import player
from tests.test_live_room import fresh, open_room, post, staff  # noqa: F401
from tests.test_live_shortcut import FlaskWork, clock, poll_address  # noqa: F401
from tests.test_live_versions import REDIS, instance, shared  # noqa: F401
from tests.test_revision import right_form, wrong_form
from webapp.extensions import db
from webapp.live import panels, services
from webapp.live.models import LiveSession
from webapp.revision.models import Question

HX = {"HX-Request": "true"}
LANGUAGES = {"fr": "fr", "en": "en", "ar": "ar"}
# What differs between two renders of the same panel for the same phone: a fresh client id
# (one answer, once) and the CSRF token's signature time.
FRESH = re.compile(r'(name="client_id" value=|name="csrf_token" value=)"[^"]*"')


def same(page: str) -> str:
    return FRESH.sub(r'\1""', page)


def forget(app) -> None:
    panels.cache_of(app).clear()


class Phone:
    """A player's phone in a language, following the poll address its panel gives."""

    def __init__(self, app, live, nickname, language, login=None, user=None):
        self.client = player(app, live, nickname, login, user)
        self.nickname = nickname
        self.headers = {**HX, "Accept-Language": language}
        self.address = f"/live/{live.code}/poll?v=0"
        self.page = ""

    def poll(self):
        return self.client.get(self.address, headers=self.headers)

    def moved_on(self, response) -> None:
        self.page = response if isinstance(response, str) else response.text
        self.address = poll_address(self.page)

    def shows(self, version: int) -> None:
        """Back to an older version (with the language the panel gave): the next poll is news."""
        self.address = re.sub(r"v=\d+", f"v={version}", self.address)


class FlaskAlone:
    """The app with the shortcut set aside: every request is Flask's own."""

    def __init__(self, app):
        self.app = app

    def __enter__(self):
        self.shortcut = self.app.wsgi_app
        self.app.wsgi_app = self.shortcut.wsgi_app
        return FlaskWork(self.app).__enter__()

    def __exit__(self, *exc):
        self.app.wsgi_app = self.shortcut


def flask_then_shortcut(app, phone):
    """The phone's news from Flask alone, then the same poll in a process that never rendered
    the version's panels: answered before Flask, which the shortcut makes them for (no Flask
    request). Both bodies."""
    forget(app)
    with FlaskAlone(app) as flask:
        first = phone.poll()
    assert first.status_code == 200 and flask.count == 1
    forget(app)
    with FlaskWork(app) as flask:
        second = phone.poll()
    assert second.status_code == 200 and flask.count == 0, "the shortcut answered"
    assert panels.cache_of(app).panels, "the shortcut made the version's panels"
    return first.text, second.text


def test_every_phase_from_the_shortcut_is_the_panel_flask_renders(app, login, staff, bank, clock):  # noqa: F811
    host, live = open_room(
        app, login, staff["volunteer"], None, time_limit=30, kinds=("single",) * 2
    )
    languages = ["fr", "en", "ar", "fr", "en", "fr", "ar"]
    phones = [Phone(app, live, f"Nick{n}<b>", lang) for n, lang in enumerate(languages)]
    question = db.session.get(Question, live.question_ids[0])

    def every_phone():
        for phone in phones:
            flask, shortcut = flask_then_shortcut(app, phone)
            assert same(flask) == same(shortcut)
            phone.moved_on(shortcut)

    for phone in phones:  # the first panel gives the poll address its language
        phone.moved_on(phone.poll())
        phone.shows(0)
    every_phone()  # the lobby
    post(host, live)
    every_phone()  # the question, with its countdown and the answer form
    assert all('name="index" value="0"' in phone.page for phone in phones)
    clock.tick(5)
    for number, phone in enumerate(phones[:5]):  # two right, three wrong, two do not answer
        form = right_form(question) if number < 2 else wrong_form(question)
        sent = phone.client.post(
            f"/live/{live.code}/answer", data={**form, "index": 0}, headers=phone.headers
        )
        assert 'data-answered="1"' in sent.text
        phone.moved_on(sent)
        # The answer's response is filled in from the version's panel: the one Flask renders
        # for a phone that answered (asked again here as a poll from the version before).
        with FlaskAlone(app):
            flask = phone.client.get(
                re.sub(r"v=\d+", f"v={fresh(live).version - 1}", phone.address),
                headers=phone.headers,
            )
        assert 'data-answered="1"' in flask.text and 'name="index"' not in flask.text
        assert same(sent.text) == same(flask.text)
    post(host, live)
    every_phone()  # the reveal: right, not right, not answered
    assert "feedback--right" in phones[0].page and "feedback--wrong" in phones[2].page
    assert "feedback" not in phones[6].page
    post(host, live)
    every_phone()  # the scores: five lines, and the sixth and seventh players' own line
    assert "scoreboard__line--me" in phones[0].page
    own = re.findall(r'--own"><span class="scoreboard__place">(\d+)</span>', phones[6].page)
    assert own == ["3"]  # two players scored more: third (with everyone at 0)
    for _phase in range(4):  # the second question, its reveal, its scores, the end
        post(host, live)
    for phone in phones:  # the end: the podium, the phone's own line, no more polling
        flask, shortcut = flask_then_shortcut(app, phone)
        assert same(flask) == same(shortcut) and "hx-get" not in shortcut
        name = str(escape(phone.nickname))
        assert "podium" in shortcut and f'<bdi class="scoreboard__name">{name}</bdi>' in shortcut


def test_a_player_sees_their_own_line_in_their_language_only(app, login, staff, bank, clock):  # noqa: F811
    host, live = open_room(app, login, staff["volunteer"], None, kinds=("single",) * 2)
    phones = [Phone(app, live, f"P{n}", "en") for n in range(6)]
    phones.append(Phone(app, live, "Zoé", "ar"))
    phones.append(Phone(app, live, "Yann", "fr"))
    for _phase in range(3):  # question, reveal, scores
        post(host, live)
    forget(app)
    pages = [phone.poll().text for phone in phones]  # all answered before Flask
    for phone, page in zip(phones, pages, strict=True):
        assert f"<bdi>{phone.nickname}</bdi>" in page
    # Below the five top lines, each phone shows its own line and no one else's (names as the
    # page shows them: a bare "P5" can be in a random form token).
    assert "Zoé" in pages[6] and "Yann" not in pages[6] and ">P5<" not in pages[6]
    assert "Yann" in pages[7] and "Zoé" not in pages[7]
    assert "<h1>Scores</h1>" in pages[0] and "<h1>النقاط</h1>" in pages[6] and "Vous" in pages[7]
    assert "You: 0 right answers out of 1" in pages[0]
    assert "0\u00a0point" in pages[7] or "0\u202fpoint" in pages[7] or "0 point" in pages[7]


def test_a_hosts_change_is_seen_at_once_and_a_phone_that_answered_goes_to_flask(
    app,
    login,
    staff,  # noqa: F811
    bank,
    clock,  # noqa: F811
):
    host, live = open_room(app, login, staff["volunteer"], None, time_limit=30)
    quick, slow = Phone(app, live, "Quick", "en"), Phone(app, live, "Slow", "en")
    post(host, live)
    for phone in (quick, slow):
        phone.moved_on(phone.poll())
    question = db.session.get(Question, live.question_ids[0])
    quick.moved_on(
        quick.client.post(
            f"/live/{live.code}/answer",
            data={**right_form(question), "index": 0},
            headers=quick.headers,
        )
    )
    assert "a=1" in quick.address  # the phone says it answered
    post(host, live, "pause")
    # The pause is news on both phones at once; the one that answered is told so by Flask.
    with FlaskWork(app) as flask:
        slow.moved_on(slow.poll())
    assert "data-paused" in slow.page and 'name="index"' in slow.page
    with FlaskWork(app) as flask:
        quick.moved_on(quick.poll())
    assert flask.count == 1 and "Answer sent" in quick.page and 'name="index"' not in quick.page
    post(host, live, "resume")
    with FlaskWork(app) as flask:
        slow.moved_on(slow.poll())
    # The new version: the shortcut makes its panels itself, no phone goes through Flask.
    assert flask.count == 0 and "data-paused" not in slow.page
    # A phone that joins after the version's roster was read is unknown there: Flask.
    late = Phone(app, live, "Late", "en")
    late.address = slow.address.replace(f"v={fresh(live).version}", "v=1")
    with FlaskWork(app) as flask:
        response = late.poll()
    assert response.status_code == 200 and flask.count == 1 and "<bdi>Late</bdi>" in response.text


def test_without_the_phone_token_or_the_rooms_key_flask_answers(app, login, staff, bank, clock):  # noqa: F811
    host, live = open_room(app, login, staff["volunteer"], None)
    phone = Phone(app, live, "Lina", "en")
    post(host, live)
    phone.poll()  # the shortcut makes the version's panels
    stranger = app.test_client()  # the room's key, but no player cookie
    with FlaskWork(app) as flask:
        stranger.get(phone.address, headers=HX)
    assert flask.count == 1
    keyless = re.sub(r"&k=\w+", "", phone.address)
    with FlaskWork(app) as flask:
        assert phone.client.get(keyless, headers=HX).status_code == 200
    assert flask.count == 1
    with FlaskWork(app) as flask:  # the full page (no htmx): Flask
        assert "<!doctype html>" in phone.client.get(phone.address).text
    assert flask.count == 1


def test_the_shortcuts_csrf_token_is_the_one_flask_wtf_accepts(
    app,
    login,
    staff,  # noqa: F811
    bank,
    clock,  # noqa: F811
    monkeypatch,
):
    host, live = open_room(app, login, staff["volunteer"], None)
    phone, other = Phone(app, live, "Lina", "en"), Phone(app, live, "Sam", "en")
    for one in (phone, other):  # the lobby's panel gives the address its language
        one.moved_on(one.poll())
    post(host, live)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    other.poll()  # the shortcut makes the version's panels
    with FlaskWork(app) as flask:
        assert phone.poll().status_code == 200  # Flask: this session has no raw token yet
        response = phone.poll()
    assert flask.count == 1
    token = re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)
    question = db.session.get(Question, live.question_ids[0])
    form = {**right_form(question), "index": 0, "csrf_token": "x" + token}
    with FlaskWork(app) as flask:  # a token that does not hold: Flask refuses it
        refused = phone.client.post(f"/live/{live.code}/answer", data=form, headers=phone.headers)
    assert refused.status_code == 400 and flask.count == 1
    form["csrf_token"] = token
    with FlaskWork(app) as flask:  # one that holds: the answer is taken before Flask
        sent = phone.client.post(f"/live/{live.code}/answer", data=form, headers=phone.headers)
    assert sent.status_code == 200 and 'data-answered="1"' in sent.text and flask.count == 0


@pytest.mark.parametrize("store", ["process", "redis"])
def test_instances_make_their_own_panels_from_the_shared_version(
    app,
    login,
    staff,  # noqa: F811
    bank,
    shared,  # noqa: F811
    store,
):
    _client, prefix = shared
    config = {"REDIS_URL": REDIS, "LIVE_REDIS_PREFIX": prefix} if store == "redis" else {}
    host, live = open_room(app, login, staff["volunteer"], None)
    one, two = instance(app, **config), instance(app, **config)
    phones = []
    for number, server in enumerate((one, two, two)):
        joined = player(app, live, f"P{number}")
        client = server.test_client()
        client.set_cookie(f"live-{live.code}", joined.get_cookie(f"live-{live.code}").value)
        phones.append(client)
    english = {**HX, "Accept-Language": "en"}
    # The play page, from Flask: the poll address (room key, language), a CSRF raw token.
    lobby = [
        phone.get(f"/live/{live.code}/play", headers={"Accept-Language": "en"}) for phone in phones
    ]
    address = poll_address(lobby[0].text)
    with one.app_context():  # the host acts through instance one
        moved = db.session.get(LiveSession, live.id)
        services.advance(moved, moved.version)
        db.session.remove()
    if store == "process":  # instance two learns it within its cache's lifetime
        two.extensions["live_versions"].clear()
    with FlaskWork(two) as flask:
        first = phones[1].get(address, headers=english)  # news: two's shortcut makes them
        page = phones[2].get(address, headers=english).text
    assert first.status_code == 200 and flask.count == 0
    # (names as the page shows them: a bare "P1" can be in a random form token)
    assert "<bdi>P2</bdi>" in page and 'name="index"' in page and ">P1<" not in page
    for server in (one, two):
        with server.app_context():
            db.engine.dispose()


def test_a_version_is_kept_apart_from_a_later_room_with_the_same_code():
    from datetime import UTC, datetime

    first = panels.key("ABCDEF", datetime(2026, 3, 2, 9, 0, tzinfo=UTC), 3, False)
    later = panels.key("ABCDEF", datetime(2026, 3, 3, 9, 0), 3, False)  # naive: UTC
    assert first != later


def test_places_count_the_players_above():
    scores = sorted([300, 200, 200, 100, 0])
    assert [panels.place(scores, s) for s in (300, 200, 100, 0)] == [1, 2, 4, 5]


def test_a_nickname_is_escaped_where_the_shortcut_puts_it(app, login, staff, bank, clock):  # noqa: F811
    host, live = open_room(app, login, staff["volunteer"], None)
    phones = [Phone(app, live, name, "en") for name in ("<i>x</i>", "Sam & co")]
    post(host, live)
    pages = [phone.poll().text for phone in phones]
    assert "<bdi>&lt;i&gt;x&lt;/i&gt;</bdi>" in pages[0]
    assert "<bdi>Sam &amp; co</bdi>" in pages[1]


def test_a_poll_arriving_while_the_panel_is_made_waits_for_it_then_another_may_make_it():
    import threading
    from datetime import UTC, datetime

    cache = panels.Cache()
    key = panels.key("ABCDEF", datetime(2026, 3, 2, 9, 0, tzinfo=UTC), 3, False)
    assert cache.start(key, "en") and not cache.start(key, "en") and cache.start(key, "ar")
    waiting = threading.Thread(target=cache.wait, args=(key, "en", 600))
    waiting.start()
    cache.done(key, "en")  # the maker is done: the waiting poll goes on to the panel
    waiting.join()
    assert cache.start(key, "en")  # nothing left marked as being made


def test_an_answer_is_acknowledged_from_the_versions_panel_once(app, login, staff, bank, clock):  # noqa: F811
    from flask import template_rendered

    from tests.measure import count_queries
    from webapp.live.models import LiveAnswer

    host, live = open_room(app, login, staff["volunteer"], None, kinds=("single",) * 2)
    phones = [Phone(app, live, f"P{n}", "en") for n in range(3)]
    post(host, live)
    for phone in phones:
        phone.moved_on(phone.poll())
    form = {**right_form(db.session.get(Question, live.question_ids[0])), "index": 0}
    phones[0].client.post(f"/live/{live.code}/answer", data=form, headers=phones[0].headers)
    rendered = []

    def record(sender, template, **extra):
        rendered.append(template.name)

    template_rendered.connect(record, app)
    try:
        with count_queries() as statements, FlaskWork(app) as flask:
            sent = phones[1].client.post(
                f"/live/{live.code}/answer", data=form, headers=phones[1].headers
            )
        assert flask.count == 0  # taken before Flask (live.shortcut)
        with FlaskWork(app) as flask:
            again = phones[1].client.post(  # a second tap: the same answer stands, once
                f"/live/{live.code}/answer", data=form, headers=phones[1].headers
            )
        assert flask.count == 1  # Flask tells the duplicate
    finally:
        template_rendered.disconnect(record, app)
    assert 'data-answered="1"' in sent.text and "<bdi>P1</bdi>" in sent.text
    assert ">P0<" not in sent.text and ">P2<" not in sent.text
    assert same(again.text) == same(sent.text)
    assert rendered == []  # no template: the version's panel, filled in
    # The answer written, the score added while the room is still at that question: no read.
    assert len(statements) == 2
    stored = db.session.scalars(sa.select(LiveAnswer).where(LiveAnswer.session_id == live.id))
    assert len(list(stored)) == 2  # P0 once, P1 once (its second tap added nothing)


def answered(live, phone, form, flask_alone=False):
    address = f"/live/{live.code}/answer"
    if not flask_alone:
        return phone.client.post(address, data=form, headers=phone.headers)
    with FlaskAlone(phone.client.application):
        return phone.client.post(address, data=form, headers=phone.headers)


def test_an_answer_taken_before_flask_gets_the_reply_flask_gives(
    app,
    login,
    staff,  # noqa: F811
    bank,
    clock,  # noqa: F811
    caplog,
):
    import json

    from webapp.live.models import LivePlayer

    host, live = open_room(app, login, staff["volunteer"], None, kinds=("single",) * 2)
    phones = [Phone(app, live, f"P{n}", "en") for n in range(2)]
    post(host, live)
    for phone in phones:
        phone.moved_on(phone.poll())
    question = db.session.get(Question, live.question_ids[0])
    form = {**right_form(question), "index": 0}
    by_flask = answered(live, phones[0], form, flask_alone=True)
    caplog.clear()
    app.extensions["live_versions"].clear()  # the room's moment in this process is over
    with FlaskWork(app) as flask:
        by_shortcut = answered(live, phones[1], form)
    assert flask.count == 0
    # Logged as Flask's requests are: its id, its route, nothing personal.
    logged = [json.loads(r.message) for r in caplog.records if r.name == "passerelle.requests"]
    assert [(line["route"], line["status"], line["user"]) for line in logged] == [
        ("live.answer", 200, None)
    ]
    assert logged[0]["request_id"] == by_shortcut.headers["X-Request-ID"]
    assert same(by_shortcut.text) == same(by_flask.text).replace("<bdi>P0</bdi>", "<bdi>P1</bdi>")
    # The same headers, but compression (the shortcut sends the panel as it is).
    unzipped = {"Content-Encoding", "Content-Length", "X-Request-ID", "Vary"}
    flask_headers = {k: v for k, v in by_flask.headers.items() if k not in unzipped}
    assert {k: v for k, v in by_shortcut.headers.items() if k not in unzipped} == flask_headers
    assert by_shortcut.headers["X-Request-ID"]
    # A wrong answer scores nothing; each phone's score counted once.
    wrong = Phone(app, live, "P2", "en")
    wrong.moved_on(wrong.poll())
    answered(live, wrong, {**wrong_form(question), "index": 0})
    scores = dict(db.session.execute(sa.select(LivePlayer.nickname, LivePlayer.score)).all())
    assert scores["P0"] == scores["P1"] > 0 and scores["P2"] == 0


def test_an_answer_to_a_question_closed_meanwhile_is_refused_as_flask_does(
    app,
    login,
    staff,  # noqa: F811
    bank,
    clock,  # noqa: F811
):
    """This process has not heard yet that the host moved on (another instance, the room
    cache's lifetime): the shortcut writes nothing and Flask refuses, from the database."""
    from webapp.live.models import LiveAnswer

    host, live = open_room(app, login, staff["volunteer"], None, kinds=("single",) * 2)
    phone = Phone(app, live, "P0", "en")
    post(host, live)
    phone.moved_on(phone.poll())
    db.session.execute(
        sa.update(LiveSession)
        .where(LiveSession.id == live.id)
        .values(phase="reveal", version=LiveSession.version + 1)
    )
    db.session.commit()
    form = {**right_form(db.session.get(Question, live.question_ids[0])), "index": 0}
    with FlaskWork(app) as flask:
        refused = answered(live, phone, form)
    assert flask.count == 1
    assert "This question is closed" in refused.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LiveAnswer)) == 0


def test_an_answer_the_shortcut_cannot_vouch_for_goes_to_flask(
    app,
    login,
    staff,  # noqa: F811
    bank,
    clock,  # noqa: F811
):
    """A signed-in player (their revision is fed), a form with a missing answer, the outbox
    (a CSRF token that does not hold: see above): Flask answers, as before."""
    host, live = open_room(app, login, staff["volunteer"], None, kinds=("single",) * 2)
    signed = Phone(app, live, "Sam", "en", login, staff["trainee"])
    others = [Phone(app, live, f"P{n}", "en") for n in range(2)]
    post(host, live)
    for phone in (signed, *others):
        phone.moved_on(phone.poll())
    form = {**right_form(db.session.get(Question, live.question_ids[0])), "index": 0}
    with FlaskWork(app) as flask:
        assert 'data-answered="1"' in answered(live, signed, form).text
        missing = answered(live, others[0], {"index": 0})
        outbox = others[1].client.post(
            f"/live/{live.code}/answer",
            data={**form, "client_id": "c1"},
            headers={**others[1].headers, "X-Outbox": "1"},
        )
    assert flask.count == 3
    assert "Choose an answer first" in missing.text and outbox.headers["X-Outbox-State"] == "stored"


def test_a_panel_the_shortcut_makes_has_the_addresses_of_the_apps_mount_point(
    app,
    login,
    staff,  # noqa: F811
    bank,
    clock,  # noqa: F811
):
    host, live = open_room(app, login, staff["volunteer"], None, time_limit=30)
    phone = Phone(app, live, "Lina", "en")
    phone.moved_on(phone.poll())
    post(host, live)
    phone.moved_on(phone.poll())  # the question's form: the session gets its CSRF token
    post(host, live, "pause")  # a new version, not made yet in this process
    forget(app)
    mounted = {"base_url": "http://localhost/quiz/"}  # SCRIPT_NAME=/quiz, as behind a prefix
    with FlaskWork(app) as flask:
        page = phone.client.get(phone.address, headers=phone.headers, **mounted).text
    assert flask.count == 0
    assert 'hx-post="/quiz/live/' in page and 'hx-get="/quiz/live/' in page


def test_a_panel_the_shortcut_fails_to_make_is_flasks_to_render(
    app,
    login,
    staff,  # noqa: F811
    bank,
    clock,  # noqa: F811
    monkeypatch,
):
    from webapp.live import routes

    host, live = open_room(app, login, staff["volunteer"], None)
    phone = Phone(app, live, "Lina", "en")
    phone.moved_on(phone.poll())
    post(host, live)
    forget(app)

    def broken(*args):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(routes, "make_panels", broken)
    with FlaskWork(app) as flask:
        response = phone.poll()
    assert response.status_code == 200 and flask.count == 1 and 'name="index"' in response.text


def test_the_end_shows_a_signed_in_players_best_from_the_shortcut_as_flask_does(
    app,
    login,
    staff,  # noqa: F811
    bank,
    clock,  # noqa: F811
):
    scored = []
    for room in range(3):  # a first room with no points, a second better, a third worse
        host, live = open_room(
            app, login, staff["volunteer"], staff["group"], client=f"room-{room}"
        )
        phone = Phone.__new__(Phone)  # the signed-in trainee's phone, in English
        phone.client = player(app, live, f"Sam{room}", login, staff["trainee"])
        phone.nickname, phone.headers = f"Sam{room}", {**HX, "Accept-Language": "en"}
        phone.address = f"/live/{live.code}/poll?v=0"
        phone.moved_on(phone.poll())
        post(host, live)
        question = db.session.get(Question, live.question_ids[0])
        form = right_form(question) if room == 1 else wrong_form(question)
        phone.client.post(
            f"/live/{live.code}/answer", data={**form, "index": 0}, headers=phone.headers
        )
        for _phase in range(3):  # the reveal, the scores, the end
            post(host, live)
        flask, shortcut = flask_then_shortcut(app, phone)
        assert same(flask) == same(shortcut)
        scored.append(shortcut)
    assert 'class="best"' not in scored[0]  # no other room yet
    assert "New personal best!" in scored[1] and "Your best: 100 points" in scored[2]
