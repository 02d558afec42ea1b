"""A live room that flows: countdown and auto-advance (a fake clock, never a sleep), the host's
pause, resume, more time and skip, the reveal's chart, calm scores with their plurals, ordering
on the projector and phones, and what comes after (results, CSV, review these questions)."""

import csv
import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.measure import count_queries, wire_size
from tests.test_live import _member, player
from tests.test_revision import right_form, wrong_form
from webapp.accounts.models import Role
from webapp.core.time import as_utc, utcnow
from webapp.extensions import db
from webapp.live import chart, models, routes, services
from webapp.live.models import LivePlayer, LiveSession
from webapp.revision.models import Question, ReviewCard

EN = {"Accept-Language": "en"}
AR = {"Accept-Language": "ar"}
HX = {"HX-Request": "true"}


class Clock:
    """The live room's clock, moved by hand."""

    def __init__(self):
        self.now = utcnow().replace(microsecond=0)

    def __call__(self):
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    for module in (models, services, routes):
        monkeypatch.setattr(module, "utcnow", fake)
    return fake


def open_room(app, login, host_user, group, *, time_limit=0, kinds=("single",), client="r"):
    """A host's session with questions of the given kinds, in that order."""
    host = app.test_client()
    login(host_user, http=host)
    response = host.post(
        "/live/new",
        data={
            "group_id": group.id if group else 0,
            "scopes": ["1", "2", "3", "4", "hygiene"],
            "count": len(kinds),
            "time_limit": time_limit,
            "client_id": client,
        },
    )
    assert response.status_code == 303
    live = db.session.scalar(sa.select(LiveSession).order_by(LiveSession.id.desc()))
    ids = []
    for kind in kinds:
        ids.append(
            db.session.scalar(
                sa.select(Question.id)
                .where(Question.kind == kind, Question.id.not_in(ids or [""]))
                .order_by(Question.id)
            )
        )
    live.question_ids = ids
    db.session.commit()
    return host, live


def fresh(live) -> LiveSession:
    db.session.expire_all()
    return db.session.get(LiveSession, live.id)


def post(host, live, action=None, version=None):
    live = fresh(live)
    version = live.version if version is None else version
    if action is None:
        return host.post(f"/live/{live.code}/advance", data={"version": version})
    return host.post(f"/live/{live.code}/timer", data={"version": version, "action": action})


@pytest.fixture
def staff(make_group, make_user):
    group = make_group()
    return {
        "group": group,
        "volunteer": make_user(Role.VOLUNTEER, group=group),
        "trainee": make_user(group=group, display_name="Samir Benali"),
    }


# --- countdown ----------------------------------------------------------------------------


def test_countdown_runs_out_and_the_room_moves_to_the_reveal_by_itself(
    app, login, staff, bank, clock
):
    host, live = open_room(app, login, staff["volunteer"], staff["group"], time_limit=20)
    phone = player(app, live, "Sam", login, staff["trainee"])
    post(host, live)  # question 1, with a countdown
    live = fresh(live)
    assert as_utc(live.deadline) == clock.now + timedelta(seconds=20)
    page = phone.get(f"/live/{live.code}/play").text
    assert 'data-left="20"' in page and 'role="timer"' in page
    assert 'data-left="20"' in host.get(f"/live/{live.code}/host").text
    poll = f"/live/{live.code}/poll?v={live.version}"
    clock.tick(21)  # the time is up, but an answer on its way still counts (grace)
    assert phone.get(poll).status_code == 204
    assert 'data-left="0"' in phone.get(f"/live/{live.code}/play").text
    clock.tick(2)
    changed = phone.get(poll, headers=HX)
    assert changed.status_code == 200 and 'class="chart"' in changed.text
    assert "up=1" in changed.text  # it now shows the reveal: the next poll says so
    assert phone.get(f"{poll}&up=1").status_code == 204
    late = phone.post(
        f"/live/{live.code}/answer",
        data={**right_form(db.session.get(Question, live.question_ids[0])), "index": 0},
        headers={**HX, **EN},
    )
    assert "Time is up" in late.text
    # Nobody wrote the reveal: the host's page shows it, and "next" goes on to the scores.
    assert fresh(live).phase == "question"
    assert "Montrer les scores" in host.get(f"/live/{live.code}/host").text
    post(host, live)
    assert (fresh(live).phase, fresh(live).deadline) == ("scores", None)


def test_an_answer_in_time_counts_and_no_countdown_is_the_default(app, login, staff, bank, clock):
    host, live = open_room(app, login, staff["volunteer"], staff["group"])
    phone = player(app, live, "Sam", login, staff["trainee"])
    post(host, live)
    live = fresh(live)
    assert live.deadline is None and live.time_limit is None
    assert 'role="timer"' not in phone.get(f"/live/{live.code}/play").text
    clock.tick(3600)  # calm first: the question waits for the host
    assert phone.get(f"/live/{live.code}/poll?v={live.version}").status_code == 204
    question = db.session.get(Question, live.question_ids[0])
    phone.post(f"/live/{live.code}/answer", data={**right_form(question), "index": 0})
    assert db.session.scalar(sa.select(LivePlayer.score)) == 100


def test_pause_resume_and_more_time(app, login, staff, bank, clock):
    host, live = open_room(app, login, staff["volunteer"], staff["group"], time_limit=30)
    phone = player(app, live, "Sam", login, staff["trainee"])
    post(host, live)
    clock.tick(10)
    page = host.get(f"/live/{live.code}/host").text
    assert 'aria-keyshortcuts="P"' in page and 'aria-keyshortcuts="Space"' in page
    assert "data-shortcuts" in page
    post(host, live, "pause")
    live = fresh(live)
    assert (live.deadline, live.paused_left) == (None, 20)
    clock.tick(600)  # paused: the time does not run
    assert not live.time_is_up() and live.state == "question"
    shown = phone.get(f"/live/{live.code}/play").text
    assert 'data-paused="1"' in shown and "en pause" in shown
    post(host, live, "add")
    assert fresh(live).paused_left == 30
    post(host, live, "resume")
    live = fresh(live)
    assert as_utc(live.deadline) == clock.now + timedelta(seconds=30) and live.paused_left is None
    clock.tick(25)
    post(host, live, "add")  # 5 s left + 10
    assert as_utc(fresh(live).deadline) == clock.now + timedelta(seconds=15)
    clock.tick(14)
    post(host, live, "add")
    assert as_utc(fresh(live).deadline) == clock.now + timedelta(seconds=11)
    # Skip the time left: the answer now.
    post(host, live)
    assert fresh(live).phase == "reveal" and fresh(live).deadline is None
    # More time once the question is closed changes nothing.
    version = fresh(live).version
    post(host, live, "add")
    assert fresh(live).version == version


def test_more_time_after_the_end_of_the_countdown_gives_ten_seconds_from_now(
    app, login, staff, bank, clock
):
    host, live = open_room(app, login, staff["volunteer"], staff["group"], time_limit=20)
    post(host, live)
    clock.tick(21)  # 0 s left on the screen, still in the grace
    post(host, live, "add")
    assert as_utc(fresh(live).deadline) == clock.now + timedelta(seconds=10)
    clock.tick(3)  # past the grace: the reveal; "+10 s" comes too late and changes nothing
    clock.tick(10)
    version = fresh(live).version
    post(host, live, "add")
    assert fresh(live).version == version and fresh(live).state == "reveal"


def test_a_double_tap_on_any_host_button_acts_once(app, login, staff, bank, clock):
    host, live = open_room(app, login, staff["volunteer"], staff["group"], time_limit=20)
    post(host, live)
    version = fresh(live).version
    for _ in range(2):
        post(host, live, "pause", version=version)
    assert fresh(live).version == version + 1 and fresh(live).paused_left == 20
    for _ in range(2):
        post(host, live, "add", version=version + 1)
    assert fresh(live).paused_left == 30
    post(host, live, "resume", version=version)  # a tap that crossed another change: nothing
    assert fresh(live).paused_left == 30
    for _ in range(2):
        post(host, live, version=version + 2)
    assert (fresh(live).phase, fresh(live).version) == ("reveal", version + 3)


# --- projector ----------------------------------------------------------------------------


def test_projector_is_full_screen_with_the_join_address_and_qr(app, login, staff, bank):
    host, live = open_room(app, login, staff["volunteer"], staff["group"])
    page = host.get(f"/live/{live.code}/host").text
    assert 'class="projector"' in page
    assert 'class="top"' not in page and "bottom-nav" not in page
    assert 'class="languages"' not in page
    assert 'class="qr"' in page and f"/join/{live.code}</p>" in page
    assert 'class="code-wall"' in page


def test_ordering_is_listed_on_the_projector_and_a_clash_keeps_the_other_lines(
    app, login, staff, bank
):
    host, live = open_room(app, login, staff["volunteer"], staff["group"], kinds=("order",))
    phone = player(app, live, "Sam", login, staff["trainee"])
    post(host, live)
    question = db.session.get(Question, live.question_ids[0])
    items = question.content["items"]
    projector = host.get(f"/live/{live.code}/host").text
    assert 'class="host-lines"' in projector
    assert all(text in projector for text in items)
    # Two lines at place 1: sent back as sent, the two marked, nothing reset.
    form = right_form(question)
    clash = {**form, "place-1": form["place-0"]}
    answered = phone.post(
        f"/live/{live.code}/answer", data={**clash, "index": 0}, headers={**HX, **EN}
    )
    assert "same place" in answered.text and "Choose an answer first" not in answered.text
    assert answered.text.count("match--clash") == 2
    for name, place in clash.items():
        select = re.search(rf'name="{name}".*?</select>', answered.text, re.S).group(0)
        assert f'<option value="{place}" selected>' in select
    # Without JavaScript: the same page, answer as sent, with what to fix.
    plain = phone.post(f"/live/{live.code}/answer", data={**clash, "index": 0})
    assert plain.status_code == 422 and plain.text.count("match--clash") == 2
    phone.post(f"/live/{live.code}/answer", data={**form, "index": 0})
    post(host, live)
    reveal = host.get(f"/live/{live.code}/host").text
    assert 'class="host-lines host-lines--right"' in reveal and 'class="chart"' in reveal


# --- reveal chart ---------------------------------------------------------------------------


def test_chart_counts_each_choice_never_who(app, login, staff, bank):
    host, live = open_room(app, login, staff["volunteer"], staff["group"])
    members = [staff["trainee"]] + [
        _member({**staff, "trainee": staff["trainee"]}, name=f"M{n}") for n in range(4)
    ]
    phones = [player(app, live, f"Nick{n}", login, user) for n, user in enumerate(members)]
    post(host, live)
    question = db.session.get(Question, live.question_ids[0])
    for number, phone in enumerate(phones):
        form = right_form(question) if number < 3 else wrong_form(question)
        phone.post(f"/live/{live.code}/answer", data={**form, "index": 0})
    post(host, live)
    page = host.get(f"/live/{live.code}/host", headers=EN).text
    figure = page.split('<figure class="chart">')[1].split("</figure>")[0]
    assert "Nick" not in figure
    assert figure.count('class="chart__bar chart__bar--right"') == 1
    assert "✓ " in figure
    assert re.search(r"3 answers \(right answer\)", figure)
    wrong = wrong_form(question)["choice"][0]
    assert re.search(rf"{re.escape(wrong)}</span> : 2 answers", figure)
    # The reader's phone gets the same counts in a narrower drawing.
    assert 'class="chart"' in phones[0].get(f"/live/{live.code}/play").text


def test_chart_bars_are_a_pure_function_of_the_counts():
    rows = [
        chart.Row("A", 4, False, True),
        chart.Row("B", 0, True, True),
        chart.Row("C", 2, False, True),
    ]
    drawn = chart.bars(rows, width=500, font=20)
    longest = drawn.bars[0].length
    assert drawn.bars[2].length == round(longest / 2)
    assert drawn.bars[1].length == 6  # nobody: a stub, still seen
    assert drawn.bars[1].label.startswith("✓") and not drawn.bars[0].label.startswith("✓")
    assert all(bar.count_x > bar.length for bar in drawn.bars)
    assert drawn.bars[1].text_y > drawn.bars[0].bar_y
    assert chart.shorten("x" * 100, 10) == "x" * 9 + "…"
    words = {"true": "Vrai", "false": "Faux", "right": "Juste", "other": "Autre"}
    item = {"type": "order", "id": "o", "items": ["a", "b"]}
    assert chart.rows_for(item, [], {}, 5, 2, words) == [
        chart.Row("Juste", 2, True, False),
        chart.Row("Autre", 3, False, False),
    ]


# --- scores ---------------------------------------------------------------------------------


def test_places_share_equal_scores():
    assert services.places([300, 300, 100, 0, 0]) == [1, 1, 3, 4, 4]
    assert services.places([]) == []


@pytest.mark.parametrize(
    "headers, one, zero, gained",
    [
        (
            {},
            "Vous\u00a0: 1 bonne réponse sur 1",
            "Vous\u00a0: 0 bonne réponse sur 1",
            "+100 points depuis",
        ),
        (EN, "You: 1 right answer out of 1", "You: 0 right answers out of 1", "+100 points since"),
        (AR, "أنت: إجابة صحيحة واحدة من 1", "أنت: لا إجابات صحيحة من 1", "+100 نقطة منذ"),
    ],
)
def test_scores_show_everyone_with_plurals(app, login, staff, bank, headers, one, zero, gained):
    host, live = open_room(app, login, staff["volunteer"], staff["group"])
    room = {**staff, "trainee": staff["trainee"]}
    members = [staff["trainee"]] + [_member(room, name=f"M{n}") for n in range(6)]
    phones = [player(app, live, f"Nick{n}", login, user) for n, user in enumerate(members)]
    post(host, live)
    question = db.session.get(Question, live.question_ids[0])
    phones[0].post(f"/live/{live.code}/answer", data={**right_form(question), "index": 0})
    post(host, live)
    post(host, live)  # scores
    winner = phones[0].get(f"/live/{live.code}/play", headers=headers).text
    assert one in winner and gained in winner
    last = phones[6].get(f"/live/{live.code}/play", headers=headers).text
    assert zero in last
    names = re.findall(r'scoreboard__name">(Nick\d)</bdi>', last)
    assert names == ["Nick0", "Nick1", "Nick2", "Nick3", "Nick4", "Nick6"]  # five, then mine
    assert re.search(r'--own"><span class="scoreboard__place">2</span>', last)
    projector = host.get(f"/live/{live.code}/host").text
    assert projector.count('class="scoreboard__line') == 5
    assert '<ol class="top">' not in projector and '<ol class="top">' not in last


def test_podium_everyone_and_personal_bests(app, login, staff, bank):
    trainee = staff["trainee"]
    first_host, first = open_room(app, login, staff["volunteer"], staff["group"], client="one")
    phone = player(app, first, "Sam", login, trainee)
    post(first_host, first)
    question = db.session.get(Question, first.question_ids[0])
    phone.post(f"/live/{first.code}/answer", data={**right_form(question), "index": 0})
    for _ in range(3):
        post(first_host, first)
    assert fresh(first).state == "end"
    host, live = open_room(
        app, login, staff["volunteer"], staff["group"], kinds=("single", "truefalse"), client="two"
    )
    phones = {
        "Sam": player(app, live, "Sam", login, trainee),
        "Lina": player(app, live, "Lina", login, _member({**staff}, name="Lina K")),
        "Zoé": player(app, live, "Zoé", login, _member({**staff}, name="Zoé M")),
        "Rien": player(app, live, "Rien", login, _member({**staff}, name="Rien R")),
    }
    for index in range(2):
        post(host, live)
        question = db.session.get(Question, live.question_ids[index])
        for name, phone in phones.items():
            right = name == "Sam" or (name == "Lina" and index == 0)
            form = right_form(question) if right else wrong_form(question)
            if name != "Rien":
                phone.post(f"/live/{live.code}/answer", data={**form, "index": index})
        post(host, live)
        post(host, live)
    post(host, live)  # the end
    page = host.get(f"/live/{live.code}/host").text
    podium = page.split('<ol class="podium">')[1].split("</ol>")[0]
    assert re.findall(r'podium__name">(\w+)<', podium) == ["Sam", "Lina"]  # who scored
    everyone = page.split('<ul class="everyone">')[1].split("</ul>")[0]
    assert re.findall(r"<bdi>(\w+)</bdi>", everyone) == ["Lina", "Rien", "Sam", "Zoé"]
    assert "★" in everyone.split("Sam")[1]  # 200 points, better than the 100 of last time
    mine = phones["Sam"].get(f"/live/{live.code}/play").text
    assert "Nouveau record" in mine
    zero = phones["Rien"].get(f"/live/{live.code}/play").text
    assert "scoreboard__line--own" in zero and "0 point" in zero


# --- after ----------------------------------------------------------------------------------


def finished_open_room(app, login, make_user, bank, nickname):
    """An open session: a signed-in trainee who got the first question wrong, a guest whose
    nickname looks like a formula."""
    volunteer = make_user(Role.VOLUNTEER)
    host, live = open_room(app, login, volunteer, None, kinds=("single", "truefalse"), client="o")
    trainee = make_user(display_name="Samir Benali")
    signed = player(app, live, "Sam", login, trainee)
    guest = player(app, live, nickname)
    for index in range(2):
        post(host, live)
        question = db.session.get(Question, live.question_ids[index])
        form = wrong_form(question) if index == 0 else right_form(question)
        signed.post(f"/live/{live.code}/answer", data={**form, "index": index})
        guest.post(f"/live/{live.code}/answer", data={**right_form(question), "index": index})
        post(host, live)
        post(host, live)
    post(host, live)
    return host, live, trainee


def test_csv_export_opens_in_a_french_spreadsheet_and_neutralises_formulas(
    app, login, make_user, bank
):
    host, live, _trainee = finished_open_room(app, login, make_user, bank, "=HYPERLINK(1)")
    response = host.get(f"/live/{live.code}/results.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert f"live-{live.code}.csv" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == ["Question", "Texte", "Ont répondu", "Bonnes réponses"]
    assert rows[1][0] == "1" and rows[1][2:] == ["2", "1"]
    players = {row[0]: row for row in rows[4:]}
    assert "'=HYPERLINK(1)" in players and "=HYPERLINK(1)" not in players
    assert players["Sam"][1:] == ["100", "1", "pas juste", "juste"]
    assert "Samir Benali" not in text  # a volunteer: nicknames only


def test_review_these_questions_goes_to_the_trainees_revision_once(app, login, make_user, bank):
    host, live, trainee = finished_open_room(app, login, make_user, bank, "Invité")
    missed = live.question_ids[0]
    done = host.post(f"/live/{live.code}/review", headers=EN)
    assert done.status_code == 303
    flashed = host.get(done.headers["Location"], headers=EN).text
    assert "revision of 1 trainee." in flashed
    cards = db.session.scalars(sa.select(ReviewCard).where(ReviewCard.user_id == trainee.id)).all()
    due = {card.question_id: as_utc(card.due) for card in cards}
    assert due[missed] <= utcnow()
    first = fresh(live).review_sent_at
    host.post(f"/live/{live.code}/review")  # twice: nothing more
    again = db.session.scalars(sa.select(ReviewCard).where(ReviewCard.user_id == trainee.id)).all()
    assert len(again) == len(cards) and fresh(live).review_sent_at == first
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewCard)) == len(cards)


def test_results_real_names_only_for_teachers_of_the_group_now(app, login, staff, make_user, bank):
    host, live = open_room(app, login, staff["volunteer"], staff["group"])
    player(app, live, "Chef Sam", login, staff["trainee"])
    teacher = make_user(Role.TEACHER, group=staff["group"])
    desk = app.test_client()
    login(teacher, http=desk)
    assert "Samir Benali" in desk.get(f"/live/{live.code}/results").text
    assert "Samir Benali" in desk.get(f"/live/{live.code}/results.csv").data.decode()
    assert "Samir Benali" not in host.get(f"/live/{live.code}/results.csv").data.decode()
    # Detached from the group: the session is no longer theirs.
    teacher.groups.clear()
    db.session.commit()
    for method, url in (
        ("GET", "host"),
        ("GET", "results"),
        ("GET", "results.csv"),
        ("POST", "timer"),
        ("POST", "advance"),
        ("POST", "review"),
    ):
        assert desk.open(f"/live/{live.code}/{url}", method=method).status_code == 404, url
    trainee_phone = app.test_client()
    login(staff["trainee"], http=trainee_phone)
    assert trainee_phone.get(f"/live/{live.code}/results.csv").status_code == 404


def test_room_pages_stay_small_and_cheap_whatever_the_room(app, login, staff, bank):
    host, live = open_room(
        app, login, staff["volunteer"], staff["group"], kinds=("single", "order")
    )
    room = {**staff}
    members = [staff["trainee"]] + [_member(room, name=f"M{n}") for n in range(11)]
    phones = [player(app, live, f"Nick{n}", login, user) for n, user in enumerate(members)]
    seen = {}
    for step in range(7):  # question, reveal, scores, question, reveal, scores, end
        post(host, live)
        live = fresh(live)
        if live.phase == "question":
            question = db.session.get(Question, live.question_ids[live.current])
            for phone in phones[::2]:
                form = {**right_form(question), "index": live.current}
                phone.post(f"/live/{live.code}/answer", data=form)
        for who, client, url in (
            ("host", host, f"/live/{live.code}/host"),
            ("phone", phones[-1], f"/live/{live.code}/play"),
        ):
            with count_queries() as statements:
                size = wire_size(client, url)
            seen[(who, live.state, step)] = (size, len(statements))
    for (who, state, _step), (size, queries) in seen.items():
        assert size < 14_000, (who, state, size)
        assert queries <= 10, (who, state, queries)
