"""Revision: today's review with FSRS, practice, mastery, mock exams, replays and access."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.measure import count_queries
from webapp.accounts.models import Role
from webapp.core import grading, titles
from webapp.extensions import db
from webapp.revision import services
from webapp.revision.models import MockExam, Question, ReviewCard, ReviewLog


def right_form(question: Question) -> dict:
    item = question.content
    kind = item["type"]
    if kind == "multiple":
        return {"choice": item["answers"]}
    if kind == "numeric":
        return {"text": grading.format_number(item["answer"])}
    if kind == "order":
        shown = grading.display_order(item["id"], item["items"])
        return {f"place-{i}": str(item["items"].index(t) + 1) for i, t in enumerate(shown)}
    if kind == "truefalse":
        return {"choice": "true" if item["answer"] else "false"}
    return {"choice": item["answer"]}


def wrong_form(question: Question) -> dict:
    item = question.content
    if item["type"] == "truefalse":
        return {"choice": "false" if item["answer"] else "true"}
    if item["type"] == "numeric":
        return {"text": "999"}
    if item["type"] == "order":
        return (
            {f"place-{i}": str(i + 1) for i in range(len(item["items"]))}
            if grading.display_order(item["id"], item["items"]) != item["items"]
            else {}
        )
    choices = [c["label"] if isinstance(c, dict) else c for c in item["choices"]]
    right = set(item.get("answers") or [item["answer"]])
    return {"choice": [c for c in choices if c not in right][:1]}


@pytest.fixture
def trainee(make_user, make_group, login, bank):
    user = make_user(group=make_group())
    login(user)
    return user


def shown_question(html: str) -> Question:
    question_id = re.search(r'name="question_id" value="([^"]+)"', html).group(1)
    return db.session.get(Question, question_id)


def test_the_bank_loads_once_and_keeps_cards(ctx, bank, make_user):
    assert services.load_bank(bank) == {"unchanged": len(bank)}
    edited = [dict(q) for q in bank]
    edited[0]["explanation"] = "Une explication plus claire."
    assert services.load_bank(edited[:-1]) == {
        "unchanged": len(bank) - 2,
        "updated": 1,
        "retired": 1,
    }


def test_todays_review_answers_and_schedules_with_fsrs(client, trainee):
    page = client.get("/revision/review")
    assert page.status_code == 200
    question = shown_question(page.text)
    data = {
        **right_form(question),
        "question_id": question.id,
        "client_id": "r1",
        "shown_at": "0",
        "back": "/revision/review",
        "next": "/revision/review",
    }
    response = client.post("/revision/answer", data=data)
    assert response.status_code == 303
    assert response.headers["Location"] == "/revision/review?last=r1"
    feedback = client.get("/revision/review?last=r1").text
    assert "feedback--right" in feedback and question.content["explanation"][:30] in feedback
    card = db.session.scalar(sa.select(ReviewCard))
    log = db.session.scalar(sa.select(ReviewLog))
    assert log.correct and log.rating == 3  # slow (shown_at 0), so Good, not Easy
    assert log.card_before["state"] == 1 and log.card_after == {
        **log.card_after,
        "state": card.state,
    }
    assert card.due.replace(tzinfo=UTC) > datetime.now(UTC)


def test_wrong_answer_is_again_and_i_guessed_is_hard(client, trainee):
    question = shown_question(client.get("/revision/review").text)
    client.post(
        "/revision/answer",
        data={**wrong_form(question), "question_id": question.id, "client_id": "w1"},
    )
    assert db.session.scalar(sa.select(ReviewLog.rating)) == 1
    question = shown_question(client.get("/revision/review").text)
    client.post(
        "/revision/answer",
        data={
            **right_form(question),
            "question_id": question.id,
            "client_id": "g1",
            "guessed": "1",
        },
    )
    log = db.session.scalar(sa.select(ReviewLog).where(ReviewLog.client_id == "g1"))
    assert log.guessed and log.rating == 2


def test_replayed_answer_is_recorded_once(client, trainee):
    question = shown_question(client.get("/revision/review").text)
    data = {**right_form(question), "question_id": question.id, "client_id": "same"}
    for _ in range(3):
        client.post("/revision/answer", data=data)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewLog)) == 1


def test_offline_answers_are_scheduled_in_the_order_given(client, trainee):
    offline = client.get("/revision/review/offline").text
    ids = re.findall(r'name="question_id" value="([^"]+)"', offline)
    assert len(ids) == 5  # new cards are introduced five a day
    earlier = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    question = db.session.get(Question, ids[0])
    client.post(
        "/revision/answer",
        data={
            **right_form(question),
            "question_id": ids[0],
            "client_id": "off1",
            "answered_at": earlier,
        },
        headers={"HX-Request": "true"},
    )
    log = db.session.scalar(sa.select(ReviewLog))
    assert log.reviewed_at.replace(tzinfo=UTC).isoformat()[:16] == earlier[:16]
    future = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    assert services.plausible_time(future, datetime.now(UTC)) != datetime.fromisoformat(future)


def test_daily_target_is_met_then_review_more(client, trainee):
    assert client.post("/revision/settings", data={"daily_target": "3"}).status_code == 303
    for number in range(3):
        question = shown_question(client.get("/revision/review").text)
        client.post(
            "/revision/answer",
            data={**right_form(question), "question_id": question.id, "client_id": f"t{number}"},
        )
    done = client.get("/revision/review").text
    assert 'name="question_id"' not in done and "?more=1" in done
    assert 'name="question_id"' in client.get("/revision/review?more=1").text


def test_target_out_of_range_gets_a_message(client, trainee):
    response = client.post(
        "/revision/settings", data={"daily_target": "500"}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 200
    assert 'id="daily_target-error"' in response.text and "between 3 and 60" in response.text


def test_no_answer_gets_a_message_not_a_500(client, trainee):
    question = shown_question(client.get("/revision/review").text)
    response = client.post(
        "/revision/answer",
        data={"question_id": question.id, "client_id": "e", "back": "/revision/review"},
    )
    assert response.status_code == 422
    assert 'class="error" role="alert"' in response.text
    assert 'name="back" value="/revision/review"' in response.text


@pytest.mark.parametrize("htmx", [False, True])
def test_two_lines_in_one_place_come_back_as_placed(client, trainee, htmx):
    question = db.session.scalars(sa.select(Question)).all()
    question = next(q for q in question if q.content["type"] == "order")
    places = right_form(question)
    places["place-1"] = places["place-0"]
    response = client.post(
        "/revision/answer",
        data={**places, "question_id": question.id, "client_id": "p"},
        headers={"HX-Request": "true"} if htmx else {},
    )
    assert response.status_code == (200 if htmx else 422)
    assert f'id="q-{question.id}-clash"' in response.text
    for name, place in places.items():
        select = response.text.split(f'name="{name}"')[1].split("</select>")[0]
        assert f'value="{place}" selected' in select
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewLog)) == 0


def test_practice_a_ccp_with_explanation_after_each(client, trainee):
    start = client.get("/revision/practice/2")
    assert start.status_code == 303
    url = start.headers["Location"]
    assert re.fullmatch(r"/revision/practice/2/[0-9a-f]{8}/0", url)
    page = client.get(url).text
    question = shown_question(page)
    assert titles.unit_scope("AR", question.competency) == "2"
    client.post(
        "/revision/answer",
        data={
            **right_form(question),
            "question_id": question.id,
            "client_id": "p1",
            "mode": "practice",
            "back": url,
        },
    )
    feedback = client.get(f"{url}?last=p1").text
    assert "explanation" in feedback and url[:-1] + "1" in feedback
    assert db.session.scalar(sa.select(ReviewLog.mode)) == "practice"
    assert client.get("/revision/practice/9").status_code == 404


def test_mastery_per_ccp_counts_questions_above_90_percent(ctx, trainee, bank):
    now = datetime(2026, 11, 2, 9, tzinfo=UTC)
    questions = db.session.scalars(sa.select(Question).where(services.in_scope("1"))).all()
    in_two = db.session.scalar(sa.select(sa.func.count()).where(services.in_scope("2")))
    for question in questions[:2]:
        for day in range(3):
            services.answer(
                trainee,
                question,
                grading.expected(question.content)
                if question.kind != "numeric"
                else [str(question.content["answer"])],
                f"m-{question.id}-{day}",
                "review",
                2,
                False,
                now + timedelta(days=day * 5),
            )
    result = services.mastery([trainee.id], now + timedelta(days=11))[trainee.id]
    assert result["title"] == "AR"
    assert result["scopes"]["1"] == [2, len(questions)]
    assert result["scopes"]["2"] == [0, in_two]
    assert sum(known for known, _ in result["competencies"].values()) == 2
    later = services.mastery([trainee.id], now + timedelta(days=400))[trainee.id]
    assert later["scopes"]["1"][0] < 2


def test_mastery_for_many_trainees_takes_three_queries(ctx, bank, make_user):
    user_ids = [make_user().id for _ in range(20)]
    with count_queries() as statements:
        result = services.mastery(user_ids)
    assert len(statements) == 3 and len(result) == 20  # titles, bank, cards


def test_answering_takes_few_queries(client, trainee):
    question = shown_question(client.get("/revision/review").text)
    with count_queries() as statements:
        client.post(
            "/revision/answer",
            data={**right_form(question), "question_id": question.id, "client_id": "q1"},
            headers={"HX-Request": "true"},
        )
    assert len(statements) <= 6


def test_mock_exam_in_proportion_no_feedback_then_result_per_ccp(client, trainee):
    response = client.post("/revision/exams", data={"client_id": "exam-1"})
    assert response.status_code == 303
    again = client.post("/revision/exams", data={"client_id": "exam-1"})
    assert again.headers["Location"] == response.headers["Location"]
    exam = db.session.scalar(sa.select(MockExam))
    questions = services.exam_questions(exam)
    parts = [titles.unit_scope("AR", q.competency) for q in questions]
    assert sorted(parts) == ["1"] * 5 + ["2"] * 5 + ["3"] * 5 + ["4"] * 5
    page = client.get(response.headers["Location"]).text
    assert "explanation" not in page and "30 minutes" in page
    answers = {}
    for number, question in enumerate(questions):
        form = right_form(question) if number % 2 == 0 or parts[number] != "4" else {}
        for key, value in form.items():
            answers[f"{question.id}:{key}"] = value
    client.post(response.headers["Location"], data=answers)
    db.session.refresh(exam)
    assert exam.finished_at is not None
    assert exam.per_ccp["1"] == [5, 5] and exam.per_ccp["4"][0] < 5
    result = client.get(response.headers["Location"]).text
    assert "explanation" in result and "CCP 1" in result
    # Handing in twice changes nothing.
    client.post(response.headers["Location"], data={})
    db.session.refresh(exam)
    assert exam.per_ccp["1"] == [5, 5]


def test_teacher_sets_exam_time_for_their_trainee_only(app, make_user, make_group, login, bank):
    group = make_group()
    trainee = make_user(group=group)
    teacher = make_user(Role.TEACHER, group=group)
    http = app.test_client()
    login(teacher, http=http)
    response = http.post(
        f"/revision/trainees/{trainee.id}/exam-time", data={"minutes": "45", "group_id": group.id}
    )
    assert response.status_code == 303
    assert services.settings_for(trainee).exam_minutes == 45
    stranger = make_user(group=make_group())
    assert (
        http.post(f"/revision/trainees/{stranger.id}/exam-time", data={"minutes": "45"}).status_code
        == 404
    )
    bad = http.post(
        f"/revision/trainees/{trainee.id}/exam-time",
        data={"minutes": "5000"},
        follow_redirects=True,
    )
    assert "flash--error" in bad.text


def test_trainees_see_only_their_own_reviews_and_exams(app, client, trainee, make_user, login):
    question = shown_question(client.get("/revision/review").text)
    client.post(
        "/revision/answer",
        data={**right_form(question), "question_id": question.id, "client_id": "mine"},
    )
    client.post("/revision/exams", data={"client_id": "my-exam"})
    exam = db.session.scalar(sa.select(MockExam))
    other = app.test_client()
    login(make_user(), http=other)
    assert other.get(f"/revision/exams/{exam.id}").status_code == 404
    page = other.get("/revision/review?last=mine").text
    assert "feedback--right" not in page  # someone else's answer is not shown
    replay = other.post(
        "/revision/answer",
        data={**right_form(question), "question_id": question.id, "client_id": "mine"},
    )
    assert replay.status_code == 404


def test_asking_htmx_for_the_next_card_when_the_day_is_done_says_so(client, trainee):
    """An htmx request for the next card after the daily target: the "well done" part alone,
    never a 500."""
    assert client.post("/revision/settings", data={"daily_target": "3"}).status_code == 303
    for number in range(3):
        question = shown_question(client.get("/revision/review").text)
        client.post(
            "/revision/answer",
            data={**right_form(question), "question_id": question.id, "client_id": f"h{number}"},
        )
    response = client.get("/revision/review", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "?more=1" in response.text and "<html" not in response.text
