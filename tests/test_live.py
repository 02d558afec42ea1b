"""Live quiz: phases, joining, answering once, calm scoring, light polling, privacy."""

import re

import pytest
import sqlalchemy as sa

from tests.measure import count_queries
from tests.test_revision import right_form, wrong_form
from webapp.accounts.models import Role
from webapp.extensions import db
from webapp.live import services
from webapp.live.models import LiveAnswer, LiveSession
from webapp.revision.models import Question, ReviewLog


def test_phases_go_in_order_and_end():
    steps, state = [], ("lobby", -1)
    for _ in range(8):
        state = services.next_phase(*state, count=2)
        steps.append(state)
    assert steps[:7] == [
        ("question", 0),
        ("reveal", 0),
        ("scores", 0),
        ("question", 1),
        ("reveal", 1),
        ("scores", 1),
        ("end", 1),
    ]
    assert steps[7] == ("end", 1)


def test_calm_scoring():
    assert services.points_for(False, True, 1, None) == 0
    assert services.points_for(True, False, 1, None) == services.points_for(True, False, 25, None)
    assert services.points_for(True, True, 0, 30) > services.points_for(True, True, 20, 30)


def test_codes_avoid_look_alike_characters():
    codes = {services.new_code() for _ in range(200)}
    assert all(len(code) == 6 and not set(code) & set("0O1IL2Z5S8B") for code in codes)


@pytest.fixture
def room(app, make_group, make_user, login, bank):
    """A volunteer's session for a group, with a trainee of that group."""
    group = make_group()
    volunteer = make_user(Role.VOLUNTEER, group=group)
    trainee = make_user(group=group, display_name="Samir Benali")
    host = app.test_client()
    login(volunteer, http=host)
    response = host.post(
        "/live/new",
        data={
            "group_id": group.id,
            "scopes": ["1", "2"],
            "count": 3,
            "time_limit": 0,
            "client_id": "room-1",
        },
    )
    assert response.status_code == 303
    live = db.session.scalar(sa.select(LiveSession))
    return {"group": group, "host": host, "live": live, "trainee": trainee, "volunteer": volunteer}


def player(app, live, nickname, login=None, user=None):
    phone = app.test_client()
    if user is not None:
        login(user, http=phone)
    response = phone.post(f"/join/{live.code}", data={"nickname": nickname})
    assert response.status_code == 303, response.text
    return phone


def advance(room):
    live = db.session.get(LiveSession, room["live"].id)
    db.session.refresh(live)
    room["host"].post(f"/live/{live.code}/advance", data={"version": live.version})
    db.session.refresh(live)
    return live


def test_host_screen_shows_code_qr_and_address(room):
    page = room["host"].get(f"/live/{room['live'].code}/host").text
    assert room["live"].code in page
    assert "<svg" in page and f"/join/{room['live'].code}" in page
    created_twice = room["host"].post(
        "/live/new",
        data={
            "group_id": room["group"].id,
            "scopes": ["1"],
            "count": 3,
            "time_limit": 0,
            "client_id": "room-1",
        },
    )
    assert created_twice.headers["Location"].endswith(room["live"].code + "/host")


def test_group_session_is_for_its_members_and_nicknames_are_remembered(app, room, login, make_user):
    guest = app.test_client()
    assert guest.get(f"/join/{room['live'].code}").status_code == 404
    phone = player(app, room["live"], "  Chef   Sam ", login, room["trainee"])
    assert "Chef Sam" in phone.get(f"/live/{room['live'].code}/play").text
    # Next session: the nickname is offered again.
    room["host"].post(
        "/live/new",
        data={
            "group_id": room["group"].id,
            "scopes": ["3"],
            "count": 2,
            "time_limit": 0,
            "client_id": "room-2",
        },
    )
    second = db.session.scalar(sa.select(LiveSession).where(LiveSession.id != room["live"].id))
    assert 'value="Chef Sam"' in phone.get(f"/join/{second.code}").text


def test_open_session_guests_nicknames_filtered(app, make_user, login, bank):
    volunteer = make_user(Role.VOLUNTEER)
    host = app.test_client()
    login(volunteer, http=host)
    host.post(
        "/live/new",
        data={
            "group_id": 0,
            "scopes": ["hygiene"],
            "count": 2,
            "time_limit": 0,
            "client_id": "open",
        },
    )
    live = db.session.scalar(sa.select(LiveSession))
    player(app, live, "Lina")
    taken = app.test_client().post(
        f"/join/{live.code}", data={"nickname": "lina"}, headers={"Accept-Language": "en"}
    )
    assert "taken" in taken.text and 'id="nickname-error"' in taken.text
    short = app.test_client().post(f"/join/{live.code}", data={"nickname": "x"})
    assert 'id="nickname-error"' in short.text
    by_code = app.test_client().post("/join", data={"code": live.code.lower()})
    assert by_code.headers["Location"] == f"/join/{live.code}"
    wrong = app.test_client().post("/join", data={"code": "AAAAAA"})
    assert 'id="code-error"' in wrong.text


def test_answers_once_only_during_the_question(app, room, login):
    live = room["live"]
    phone = player(app, live, "Sam", login, room["trainee"])
    question = db.session.get(Question, live.question_ids[0])
    early = phone.post(
        f"/live/{live.code}/answer",
        data={**right_form(question), "index": 0},
        headers={"HX-Request": "true"},
    )
    assert "closed" in early.text or "fermée" in early.text
    live = advance(room)  # question 1
    for _ in range(3):  # a double tap and a replay
        phone.post(f"/live/{live.code}/answer", data={**right_form(question), "index": 0})
    phone.post(f"/live/{live.code}/answer", data={**wrong_form(question), "index": 0})
    answers = db.session.scalars(sa.select(LiveAnswer)).all()
    assert len(answers) == 1 and answers[0].correct and answers[0].points == 100
    live = advance(room)  # reveal
    late = app.test_client()
    late_phone = player(app, live, "Late", login, None) if live.group_id is None else None
    assert late_phone is None
    other = player(app, live, "Other", login, _member(room, login))
    refused = other.post(
        f"/live/{live.code}/answer",
        data={**right_form(question), "index": 0},
        headers={"HX-Request": "true", "Accept-Language": "en"},
    )
    assert "closed" in refused.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LiveAnswer)) == 1
    # The signed-in trainee's answer became a review of that question.
    log = db.session.scalar(sa.select(ReviewLog))
    assert log.mode == "live" and log.question_id == question.id
    assert log.user_id == room["trainee"].id
    late.close() if hasattr(late, "close") else None


def _member(room, login=None, name="Nadia Kaci"):
    """Another trainee of the room's group."""
    from webapp.accounts.models import User

    number = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    user = User(
        username=f"member{number}",
        display_name=name,
        role=Role.TRAINEE,
        password_hash=room["trainee"].password_hash,
        site_id=room["group"].site_id,
    )
    user.groups.append(db.session.get(type(room["group"]), room["group"].id))
    db.session.add(user)
    db.session.commit()
    return user


def test_poll_with_nothing_new_never_touches_the_database(app, room, login):
    live = room["live"]
    phone = player(app, live, "Sam", login, room["trainee"])
    with count_queries() as statements:
        response = phone.get(f"/live/{live.code}/poll?v={live.version}")
    assert response.status_code == 204 and response.data == b""
    assert len(statements) <= 1  # the room's first poll reads it once (live.versions)
    with count_queries() as statements:
        again = phone.get(f"/live/{live.code}/poll?v={live.version}")
    assert again.status_code == 204 and statements == []
    live = advance(room)
    changed = phone.get(f"/live/{live.code}/poll?v=1", headers={"HX-Request": "true"})
    assert changed.status_code == 200
    assert f"v={live.version}" in changed.text and 'name="index"' in changed.text
    # The host's change was handed to the cache: the next poll knows it without a query.
    with count_queries() as statements:
        news = phone.get(f"/live/{live.code}/poll?v={live.version}")
    assert news.status_code == 204 and statements == []


def test_reveal_counts_choices_never_who_and_top_five_only(app, room, login):
    live = room["live"]
    # A question with choices first, whatever the draw: the reveal shows counts per choice.
    single = db.session.scalar(
        sa.select(Question.id).where(Question.kind == "single").order_by(Question.id)
    )
    live.question_ids = [single, *live.question_ids[1:]]
    db.session.commit()
    members = [room["trainee"]] + [_member(room, name=f"Member {n}") for n in range(6)]
    phones = [player(app, live, f"P{n}", login, user) for n, user in enumerate(members)]
    live = advance(room)
    question = db.session.get(Question, live.question_ids[0])
    for number, phone in enumerate(phones):
        form = right_form(question) if number % 2 == 0 else wrong_form(question)
        phone.post(f"/live/{live.code}/answer", data={**form, "index": 0})
    live = advance(room)  # reveal
    host_page = room["host"].get(f"/live/{live.code}/host").text
    assert re.search(r"7 (of|sur) 7", host_page)
    chart = re.sub(r"[\w.-]{30,}", "", host_page.split('class="chart"')[1])  # no form tokens
    assert "P1" not in chart  # counts, not names
    live = advance(room)  # scores
    page = phones[5].get(f"/live/{live.code}/play").text
    top = re.findall(r'scoreboard__name">(P\d)</bdi>', page)
    # The top five, 0 points included (the earliest first), then this player's own line.
    assert top == ["P0", "P2", "P4", "P6", "P1", "P5"]
    assert re.search(r'--own"><span class="scoreboard__place">5</span>', page)


def test_reconnect_on_a_new_phone_and_late_join(app, room, login):
    live = room["live"]
    player(app, live, "Sam", login, room["trainee"])
    live = advance(room)
    live = advance(room)
    new_phone = app.test_client()
    login(room["trainee"], http=new_phone)
    assert new_phone.get(f"/join/{live.code}").status_code == 303  # recognised: back to the game
    page = new_phone.get(f"/live/{live.code}/play").text
    assert "Sam" in page and "explanation" in page  # lands on the current phase (reveal)
    late = player(app, live, "Late", login, _member(room, login))
    assert "explanation" in late.get(f"/live/{live.code}/play").text


def test_results_names_only_for_the_groups_teachers(app, room, login, make_user):
    live = room["live"]
    player(app, live, "Chef Sam", login, room["trainee"])
    teacher = make_user(Role.TEACHER, group=room["group"])
    staff = app.test_client()
    login(teacher, http=staff)
    assert "Samir Benali" in staff.get(f"/live/{live.code}/results").text
    volunteer_view = room["host"].get(f"/live/{live.code}/results").text
    assert "Chef Sam" in volunteer_view and "Samir Benali" not in volunteer_view
    outsider = app.test_client()
    login(make_user(Role.VOLUNTEER), http=outsider)
    assert outsider.get(f"/live/{live.code}/host").status_code == 404
    assert outsider.get(f"/live/{live.code}/results").status_code == 404


def test_a_double_tap_on_next_moves_one_phase(app, room):
    live = room["live"]
    for _ in range(2):
        room["host"].post(f"/live/{live.code}/advance", data={"version": 1})
    db.session.refresh(live)
    assert (live.phase, live.current, live.version) == ("question", 0, 2)
