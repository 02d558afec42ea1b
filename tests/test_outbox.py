"""The outbox protocol on the server: every offline-capable write answers a phone's replay with
an acknowledgement or a reason, never a redirect or a page; concurrent replays are stored once."""

import threading
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.test_revision import right_form
from webapp.accounts.models import AuthSession, Role
from webapp.budget.models import Entry
from webapp.core import titles
from webapp.extensions import db
from webapp.journal import services as journal
from webapp.journal.models import Goal, GoalStep, JournalEntry
from webapp.lessons import content
from webapp.lessons.models import ExerciseAttempt, LessonProgress
from webapp.live.models import LiveAnswer, LiveSession
from webapp.revision import bank as bank_files
from webapp.revision.models import Question, ReviewCard, ReviewLog
from webapp.steps import content as step_content
from webapp.steps.models import TraineeStep

LESSONS = Path(__file__).parent / "fixtures" / "lessons"
# My steps: a step after release ticked (never refused, like a goal step) and "where I am".
KINDS = (
    *("budget", "journal", "goal", "step", "toggle", "lesson", "review", "live"),
    *("steps-tick", "steps-status"),
)
NEVER_REFUSED = ("toggle", "steps-tick")


def outbox(user, **more) -> dict:
    return {"X-Outbox": "1", "X-Outbox-User": str(user.id), **more}


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def clone(app, phone):
    """Another client holding the same cookies: the same phone sending again."""
    other = app.test_client()
    for cookie in phone._cookies.values():
        other.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return other


class Write:
    """One offline-capable write: its URL, a valid form, a form the server refuses, and how
    many of its rows (or ticks) are stored."""

    def __init__(self, url, data, bad, rows, bad_field):
        self.url, self.data, self.bad, self.rows, self.bad_field = url, data, bad, rows, bad_field

    def form(self, client_id, **more):
        return {**self.data, "client_id": client_id, **more}


@pytest.fixture
def trainee(app, make_user, make_group, login, client):
    user = make_user(group=make_group(), display_name="Samir Benali")
    login(user)
    return user


def _prepare(kind, app, trainee, client, make_user, login) -> Write:
    today = date.today().isoformat()
    if kind == "budget":
        return Write(
            "/budget/entries",
            {"kind": "expense", "amount": "12,50", "category": "food", "day": today},
            {"kind": "expense", "amount": "douze", "category": "food", "day": today},
            lambda: count(Entry),
            "amount",
        )
    if kind == "journal":
        return Write(
            "/journal/write",
            {"mood": "4", "text": "Bonne journée", "day": today},
            {"text": "Sans visage", "day": today},
            lambda: count(JournalEntry),
            "mood",
        )
    if kind == "goal":
        return Write(
            "/journal/goals/new",
            {"title": "Ouvrir un compte"},
            {"title": ""},
            lambda: count(Goal),
            "title",
        )
    if kind.startswith("steps-"):
        steps, _problems = step_content.read_steps()
        step_content.load_steps(steps)
        if kind == "steps-tick":

            def ticked():
                db.session.expire_all()
                return int(bool(db.session.scalar(sa.select(TraineeStep.done))))

            return Write("/steps/caf/tick", {"done": "1"}, None, ticked, None)
        return Write(
            "/steps/caf/status",
            {"note": "Dossier envoyé", "waiting_since": today},
            {"note": "Dossier envoyé", "waiting_since": "9999-12-31"},
            lambda: count(TraineeStep),
            "waiting_since",
        )
    goal = journal.create_goal(
        trainee, "goal-1", "Carte Vitale", ["health"], "", None, ["Appeler la CPAM"]
    )
    if kind == "step":
        return Write(
            f"/journal/goals/{goal.id}",
            {"step-text": "Envoyer le formulaire"},
            {"step-text": ""},
            lambda: count(GoalStep) - 1,
            "step-text",
        )
    if kind == "toggle":
        step = goal.steps[0]

        def ticked():
            db.session.expire_all()
            return int(db.session.get(GoalStep, step.id).done)

        return Write(f"/journal/steps/{step.id}/toggle", {"done": "1"}, None, ticked, None)
    if kind == "lesson":
        loaded, problems = content.read_lessons(LESSONS)
        assert problems == []
        content.load_lessons(loaded)
        return Write(
            "/lessons/test-cuisine/exercises/single",
            {"choice": "un couteau"},
            {},
            lambda: count(ExerciseAttempt),
            "answer",
        )
    from webapp.revision.services import load_bank

    questions, _problems = bank_files.read_bank()
    load_bank([q for q in questions if titles.unit_scope("AR", q["competency"]) == "1"][:6])
    question = db.session.scalar(sa.select(Question).order_by(Question.id))
    if kind == "review":
        return Write(
            "/revision/answer",
            {**right_form(question), "question_id": question.id, "mode": "review"},
            {"question_id": question.id, "mode": "review"},
            lambda: count(ReviewLog),
            "answer",
        )
    volunteer = make_user(Role.VOLUNTEER, group=trainee.groups[0])
    host = app.test_client()
    login(volunteer, http=host)
    host.post(
        "/live/new",
        data={
            "group_id": trainee.groups[0].id,
            "scopes": ["1"],
            "count": 2,
            "time_limit": 0,
            "client_id": "room",
        },
    )
    live = db.session.scalar(sa.select(LiveSession))
    assert client.post(f"/join/{live.code}", data={"nickname": "Sam"}).status_code == 303
    host.post(f"/live/{live.code}/advance", data={"version": live.version})
    db.session.refresh(live)
    asked = db.session.get(Question, live.question_ids[0])
    return Write(
        f"/live/{live.code}/answer",
        {**right_form(asked), "index": "0"},
        {"index": "1", **right_form(asked)},
        lambda: count(LiveAnswer),
        "answer",
    )


@pytest.fixture(params=KINDS)
def write(request, app, trainee, client, make_user, login):
    return _prepare(request.param, app, trainee, client, make_user, login)


@pytest.fixture(params=[kind for kind in KINDS if kind not in NEVER_REFUSED])
def refusable(request, app, trainee, client, make_user, login):
    return _prepare(request.param, app, trainee, client, make_user, login)


def arabic(text: str) -> bool:
    return any("\u0600" <= char <= "\u06ff" for char in text)


def _acked(response, client_id, state):
    assert response.status_code == 200, response.text
    assert response.headers["X-Outbox-Ack"] == client_id
    assert response.headers["X-Outbox-State"] == state
    assert response.json["ack"] == client_id and response.json["state"] == state
    assert "Location" not in response.headers


# --- stored, then already had it ------------------------------------------------------------


def test_a_write_is_acknowledged_then_a_replay_is_a_duplicate(write, client, trainee):
    first = client.post(write.url, data=write.form("item-1"), headers=outbox(trainee))
    _acked(first, "item-1", "stored")
    again = client.post(write.url, data=write.form("item-1"), headers=outbox(trainee))
    _acked(again, "item-1", "duplicate")
    assert write.rows() == 1


def test_without_the_header_the_form_still_redirects(write, client):
    response = client.post(write.url, data=write.form("plain-1"))
    assert response.status_code == 303
    assert write.rows() == 1


def test_no_message_is_left_for_the_next_page(client, trainee):
    client.post(
        "/budget/entries",
        headers=outbox(trainee),
        data={
            "kind": "expense",
            "amount": "3",
            "category": "food",
            "day": date.today().isoformat(),
            "client_id": "quiet",
        },
    )
    with client.session_transaction() as session:
        assert not session.get("_flashes")


def test_a_lesson_answer_gets_its_grade_and_counts_once_in_progress(
    app, client, trainee, make_user, login
):
    lesson = _prepare("lesson", app, trainee, client, make_user, login)
    right = client.post(lesson.url, data=lesson.form("a-1"), headers=outbox(trainee))
    assert right.json["feedback"] == {"correct": True, "expected": ["un couteau"]}
    wrong = client.post(
        lesson.url, data=lesson.form("a-2", choice="un verre"), headers=outbox(trainee)
    )
    assert wrong.json["feedback"]["correct"] is False
    replay = client.post(lesson.url, data=lesson.form("a-1"), headers=outbox(trainee))
    assert replay.json["state"] == "duplicate" and replay.json["feedback"]["correct"] is True
    assert db.session.scalar(sa.select(LessonProgress.attempts)) == 2


def test_a_review_answer_gets_its_grade(app, client, trainee, make_user, login):
    review = _prepare("review", app, trainee, client, make_user, login)
    response = client.post(review.url, data=review.form("r-1"), headers=outbox(trainee))
    assert response.json["feedback"]["correct"] is True


def test_a_live_answer_replayed_after_the_question_closed_is_a_duplicate(
    app, client, trainee, make_user, login
):
    live = _prepare("live", app, trainee, client, make_user, login)
    _acked(client.post(live.url, data=live.form("l-1"), headers=outbox(trainee)), "l-1", "stored")
    session = db.session.scalar(sa.select(LiveSession))
    session.phase = "reveal"  # the question has closed; the session goes on
    db.session.commit()
    _acked(
        client.post(live.url, data=live.form("l-1"), headers=outbox(trainee)), "l-1", "duplicate"
    )


def test_a_tick_sent_twice_stays_ticked(app, client, trainee, make_user, login):
    toggle = _prepare("toggle", app, trainee, client, make_user, login)
    for client_id in ("t-1", "t-2"):  # a double tap: the second one changes nothing
        client.post(toggle.url, data=toggle.form(client_id), headers=outbox(trainee))
    assert toggle.rows() == 1
    client.post(toggle.url, data={"done": "0"})  # the form without JavaScript still unticks
    assert toggle.rows() == 0
    flip = client.post(toggle.url, data={"client_id": "t-3"}, headers=outbox(trainee))
    assert flip.status_code == 422 and "done" in flip.json["errors"]  # a replay must say which way
    assert toggle.rows() == 0


# --- exactly once under concurrency ---------------------------------------------------------


def test_twenty_concurrent_replays_store_one_row_and_all_succeed(app, write, client, trainee):
    phones = [clone(app, client) for _ in range(20)]
    start = threading.Barrier(len(phones))
    answers = [None] * len(phones)

    def send(number):
        start.wait()
        answers[number] = phones[number].post(
            write.url, data=write.form("same-id"), headers=outbox(trainee)
        )

    threads = [threading.Thread(target=send, args=(number,)) for number in range(len(phones))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [answer.status_code for answer in answers] == [200] * 20, [
        (a.status_code, a.headers.get("X-Outbox-Reason")) for a in answers
    ]
    assert {answer.headers["X-Outbox-Ack"] for answer in answers} == {"same-id"}
    states = sorted(answer.headers["X-Outbox-State"] for answer in answers)
    assert states == ["duplicate"] * 19 + ["stored"]
    assert write.rows() == 1


# --- session ended, someone else, stale token -----------------------------------------------


def test_a_write_after_the_session_ended_is_401_not_the_sign_in_page(write, client, trainee):
    db.session.execute(sa.delete(AuthSession))
    db.session.commit()
    for headers in (outbox(trainee), {"X-Outbox": "1"}):
        if write.url.startswith("/live/") and "X-Outbox-User" not in headers:
            continue  # a guest may play without an account
        response = client.post(write.url, data=write.form("late-1"), headers=headers)
        assert response.status_code == 401
        assert response.headers["X-Outbox-Reason"] == "signin"
        assert response.json == {"reason": "signin"}
    assert write.rows() == 0


def test_a_write_for_another_user_is_409_and_stores_nothing(app, write, trainee, make_user, login):
    other = make_user(group=trainee.groups[0])
    phone = app.test_client()
    login(other, http=phone)
    response = phone.post(write.url, data=write.form("theirs-1"), headers=outbox(trainee))
    assert response.status_code == 409
    assert response.headers["X-Outbox-Reason"] == "other-user"
    assert write.rows() == 0


def test_a_stale_token_is_403_csrf_then_a_fresh_one_works(app, write, client, trainee, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    stale = client.post(
        write.url, data=write.form("csrf-1"), headers=outbox(trainee, **{"X-CSRFToken": "expired"})
    )
    assert stale.status_code == 403
    assert stale.headers["X-Outbox-Reason"] == "csrf"
    assert write.rows() == 0
    token = client.get("/outbox/token", headers={"X-Outbox": "1"}).json["csrf"]
    fresh = client.post(
        write.url, data=write.form("csrf-1"), headers=outbox(trainee, **{"X-CSRFToken": token})
    )
    _acked(fresh, "csrf-1", "stored")


def test_a_session_that_ended_answers_signin_before_the_token_check(
    app, client, trainee, monkeypatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    db.session.execute(sa.delete(AuthSession))
    db.session.commit()
    response = client.post(
        "/journal/write",
        headers=outbox(trainee),
        data={"mood": "3", "day": date.today().isoformat(), "client_id": "j-1"},
    )
    assert response.status_code == 401 and response.headers["X-Outbox-Reason"] == "signin"


# --- validation, not found, retry ------------------------------------------------------------


def test_a_refused_write_is_422_with_the_reason_in_the_users_language(refusable, client, trainee):
    write = refusable
    trainee.locale = "en"
    db.session.commit()
    response = client.post(
        write.url, data={**write.bad, "client_id": "bad-1"}, headers=outbox(trainee)
    )
    assert response.status_code == 422, response.text
    assert response.headers["X-Outbox-Reason"] == "invalid"
    assert response.json["reason"] == "invalid"
    english = response.json["errors"][write.bad_field]
    assert english and not any(arabic(message) for message in english)
    trainee.locale = "ar"
    db.session.commit()
    again = client.post(
        write.url, data={**write.bad, "client_id": "bad-1"}, headers=outbox(trainee)
    ).json["errors"][write.bad_field]
    assert again and all(arabic(message) for message in again)
    assert write.rows() == 0


def test_an_item_without_a_client_id_is_422(client, trainee):
    response = client.post(
        "/journal/write",
        headers=outbox(trainee),
        data={"mood": "3", "day": date.today().isoformat()},
    )
    assert response.status_code == 422 and "client_id" in response.json["errors"]
    assert count(JournalEntry) == 0


def test_what_is_gone_or_not_yours_is_404_gone(app, client, trainee, make_user, login):
    theirs = make_user(group=trainee.groups[0])
    goal = journal.create_goal(theirs, "their-goal", "Logement", [], "", None, ["Appeler"])
    journal.write_entry(theirs, "their-entry", date.today(), 3, "privé", None)
    loaded, _problems = content.read_lessons(LESSONS)
    content.load_lessons(loaded)
    cases = [
        (f"/journal/steps/{goal.steps[0].id}/toggle", {"done": "1", "client_id": "g-1"}),
        (f"/journal/goals/{goal.id}", {"step-text": "Moi aussi", "client_id": "g-2"}),
        (
            "/journal/write",
            {"mood": "3", "day": date.today().isoformat(), "client_id": "their-entry"},
        ),  # someone else's client id
        ("/lessons/test-cuisine/exercises/nowhere", {"choice": "x", "client_id": "g-3"}),
        ("/lessons/no-such-lesson/exercises/single", {"choice": "x", "client_id": "g-4"}),
    ]
    for url, data in cases:
        response = client.post(url, data=data, headers=outbox(trainee))
        assert response.status_code == 404, url
        assert response.headers["X-Outbox-Reason"] == "gone"
    assert not db.session.get(GoalStep, goal.steps[0].id).done
    assert count(GoalStep) == 1 and count(JournalEntry) == 1


def test_server_errors_and_too_many_say_retry(app, client, trainee, monkeypatch):
    from flask import abort

    from webapp.journal import services

    def broken(*_args, **_kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "write_entry", broken)
    data = {"mood": "3", "day": date.today().isoformat(), "client_id": "e-1"}
    response = client.post("/journal/write", data=data, headers=outbox(trainee))
    assert response.status_code == 500 and response.headers["X-Outbox-Reason"] == "retry"
    monkeypatch.setattr(services, "write_entry", lambda *_a, **_k: abort(429))
    response = client.post("/journal/write", data=data, headers=outbox(trainee))
    assert response.status_code == 429 and response.headers["X-Outbox-Reason"] == "retry"


def test_a_write_the_outbox_does_not_know_is_never_a_redirect(client, trainee):
    response = client.post(
        "/revision/settings", data={"daily_target": "12"}, headers=outbox(trainee)
    )
    assert response.status_code != 303 and "X-Outbox-Reason" in response.headers
    assert "X-Outbox-Ack" not in response.headers


# --- token, offline home, whose page this is -------------------------------------------------


def test_the_token_is_fresh_json_and_never_a_redirect(client, trainee):
    response = client.get("/outbox/token", headers={"X-Outbox": "1"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.json["user"] == trainee.id and response.json["csrf"]
    client.post("/logout")
    for headers in ({"X-Outbox": "1"}, {}):
        signed_out = client.get("/outbox/token", headers=headers)
        assert signed_out.status_code == 401 and signed_out.json == {"reason": "signin"}


def test_offline_home_holds_only_name_next_lesson_and_counts(
    app, client, trainee, make_user, login
):
    _prepare("review", app, trainee, client, make_user, login)
    loaded, _problems = content.read_lessons(LESSONS)
    content.load_lessons(loaded)
    response = client.get("/offline/home")
    assert response.headers["Cache-Control"] == "no-store"
    home = response.json
    assert set(home) == {"user", "name", "next_lesson", "reviews_due", "saved_lessons", "week"}
    assert home["user"] == trainee.id and home["name"] == "Samir"
    assert home["week"] == "/week/offline"  # an address, nothing of the week itself
    assert home["next_lesson"]["id"] == "test-cuisine"
    assert home["next_lesson"]["url"] == "/lessons/test-cuisine"
    assert [lesson["id"] for lesson in home["saved_lessons"]] == ["test-cuisine", "test-suite"]
    assert home["saved_lessons"][0]["url"] == "/lessons/test-cuisine/offline"
    assert all(lesson["bytes"] > 0 for lesson in home["saved_lessons"])
    assert home["reviews_due"] == 5  # new questions allowed today (5 of the 6 in the bank)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewCard)) == 0  # GET
    client.post("/logout")
    assert client.get("/offline/home").status_code == 401


def test_pages_say_whose_they_are_but_the_shared_offline_page_does_not(
    app, client, trainee, make_user, login
):
    _prepare("lesson", app, trainee, client, make_user, login)
    assert f'data-user-id="{trainee.id}"' in client.get("/").text
    assert "data-user-id" not in client.get("/offline").text
    # A lesson copy is kept in the phone's cache named after its reader (cleared at sign-out):
    # it says whose it is, so an answer given offline is queued for the right person.
    assert f'data-user-id="{trainee.id}"' in client.get("/lessons/test-cuisine/offline").text
    client.post("/logout")
    assert "data-user-id" not in client.get("/login").text


def test_answers_to_every_exercise_sent_at_once_all_count_in_progress(
    app, client, trainee, make_user, login
):
    from tests.test_lessons import RIGHT

    _prepare("lesson", app, trainee, client, make_user, login)
    client.post(
        "/lessons/test-cuisine/exercises/single",
        headers=outbox(trainee),
        data={"choice": "un verre", "client_id": "before"},
    )  # the progress row exists
    phones = {kind: clone(app, client) for kind in RIGHT}
    start = threading.Barrier(len(phones))
    answers = {}

    def send(kind):
        start.wait()
        answers[kind] = phones[kind].post(
            f"/lessons/test-cuisine/exercises/{kind}",
            data={**RIGHT[kind], "client_id": f"at-once-{kind}"},
            headers=outbox(trainee),
        )

    threads = [threading.Thread(target=send, args=(kind,)) for kind in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = {kind: answer.status_code for kind, answer in answers.items()}
    assert statuses == dict.fromkeys(RIGHT, 200)
    db.session.expire_all()
    progress = db.session.scalar(sa.select(LessonProgress))
    assert progress.attempts == len(RIGHT) + 1
    assert progress.answered == len(RIGHT) and progress.completed_at is not None


def test_a_live_answer_from_a_phone_not_in_the_game_is_gone(app, client, trainee, make_user, login):
    live = _prepare("live", app, trainee, client, make_user, login)
    stranger = app.test_client()
    response = stranger.post(live.url, data=live.form("s-1"), headers={"X-Outbox": "1"})
    assert response.status_code == 404 and response.headers["X-Outbox-Reason"] == "gone"
    assert live.rows() == 0
