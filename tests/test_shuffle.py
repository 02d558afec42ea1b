"""Choices shown in an order drawn per person and item: stable for one person, different across
people, so "always tap the first one" scores near chance in lessons, revision and mock exams."""

import html
import re
from collections import Counter

import pytest
import sqlalchemy as sa

from webapp.core import grading, shuffle
from webapp.extensions import db
from webapp.lessons import content
from webapp.revision import bank as bank_files
from webapp.revision import services
from webapp.revision.models import MockExam, Question

SECRET = "test-secret"
CHOICE_TYPES = ("single", "picture", "listen")


def labels(item: dict, order: list) -> list[str]:
    return [c["label"] if isinstance(c, dict) else c for c in order]


def first_is_right(item: dict, order: list) -> bool:
    """The "always tap the first one" strategy, on one item shown in `order`."""
    return grading.is_correct(item, labels(item, order)[:1])


def rate(items: list[dict], people: range, order_for) -> float:
    hits = [first_is_right(item, order_for(person, item)) for person in people for item in items]
    return sum(hits) / len(hits)


def bank_items(kinds=CHOICE_TYPES) -> list[dict]:
    questions, problems = bank_files.read_bank()
    assert problems == []
    return [q for q in questions if q["type"] in kinds]


def lesson_items(kinds=CHOICE_TYPES) -> list[dict]:
    lessons, problems = content.read_lessons()
    assert problems == []
    return [e for lesson in lessons for e in lesson["exercises"] if e["type"] in kinds]


def test_one_person_sees_one_order_and_every_choice():
    item = {"id": "x", "type": "single", "choices": ["a", "b", "c", "d"], "answer": "a"}
    first = shuffle.choices_shown(SECRET, "user-1", item)
    assert shuffle.choices_shown(SECRET, "user-1", item) == first
    assert sorted(first) == item["choices"]
    assert item["choices"] == ["a", "b", "c", "d"]  # the item itself is left alone


def test_two_people_see_different_orders_for_some_items():
    items = bank_items()
    differ = [
        i
        for i in items
        if shuffle.choices_shown(SECRET, "user-1", i) != shuffle.choices_shown(SECRET, "user-2", i)
    ]
    assert len(differ) > len(items) / 2


def test_the_order_depends_on_the_secret():
    items = bank_items()
    assert any(
        shuffle.choices_shown("one", "user-1", i) != shuffle.choices_shown("two", "user-1", i)
        for i in items
    )


@pytest.mark.parametrize("read", [bank_items, lesson_items], ids=["bank", "lessons"])
def test_always_tapping_the_first_choice_scores_near_chance(read):
    items = read()
    chance = sum(1 / len(item["choices"]) for item in items) / len(items)
    shuffled = rate(
        items,
        range(1, 41),
        lambda person, item: shuffle.choices_shown(SECRET, f"user-{person}", item),
    )
    assert shuffled < 0.40
    assert abs(shuffled - chance) < 0.05


def test_always_ticking_the_first_choices_of_multiple_items_scores_near_chance():
    """On multiple-answer items, ticking as many choices as there are answers, from the top."""
    items = bank_items(("multiple",)) + lesson_items(("multiple",))
    assert items

    def first_k(order, item):
        return grading.is_correct(item, order[: len(item["answers"])])

    shuffled = [
        first_k(shuffle.choices_shown(SECRET, f"user-{p}", i), i)
        for p in range(1, 41)
        for i in items
    ]
    assert sum(shuffled) / len(shuffled) < 0.40


def test_even_with_every_key_first_in_the_file_tapping_first_scores_near_chance():
    items = [
        {"id": f"k{n}", "type": "single", "choices": ["key", "b", "c", "d"], "answer": "key"}
        for n in range(200)
    ]
    assert rate(items, range(1), lambda _p, item: item["choices"]) == 1  # shown in file order
    shuffled = rate(
        items,
        range(1, 21),
        lambda person, item: shuffle.choices_shown(SECRET, f"user-{person}", item),
    )
    assert 0.20 < shuffled < 0.30


# --- Over HTTP: what a trainee is really shown.


@pytest.fixture
def full_bank(ctx):
    services.load_bank(
        bank_items(
            kinds=(
                "single",
                "picture",
                "multiple",
                "truefalse",
                "numeric",
                "order",
                "match",
                "blank",
                "listen",
            )
        )
    )


def first_shown(page: str, name: str) -> str | None:
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else None


def all_shown(page: str, name: str) -> list[str]:
    found = re.findall(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    return [html.unescape(value) for value in found]


def test_mock_exams_tapping_the_first_choice_score_near_chance(
    app, client, full_bank, make_user, make_group, login
):
    successor = make_group()
    successor.title = "EPR"  # half the people prepare the successor title: its exams too
    groups = [make_group(), successor]
    hits = Counter()
    for person in range(12):
        user = make_user(group=groups[person % 2])
        login(user)
        location = client.post("/revision/exams", data={"client_id": f"exam-{person}"}).headers[
            "Location"
        ]
        exam = db.session.scalar(sa.select(MockExam).where(MockExam.user_id == user.id))
        page = client.get(location).text
        again = client.get(location).text  # stable on reload (the CSRF token may differ)
        answers = {}
        for question in services.exam_questions(exam):
            item = question.content
            if item["type"] not in CHOICE_TYPES:
                continue
            name = f"{question.id}:choice"
            shown = all_shown(page, name)
            assert shown == all_shown(again, name)
            assert sorted(shown) == sorted(labels(item, item["choices"]))
            answers[name] = shown[0]
            hits[grading.is_correct(item, shown[:1])] += 1
        client.post(location, data=answers)
        db.session.refresh(exam)
        assert exam.finished_at is not None
        client.post("/logout")
    assert hits[True] + hits[False] > 100
    assert hits[True] / (hits[True] + hits[False]) < 0.40


def test_practice_and_review_show_each_person_their_own_stable_order(
    client, full_bank, make_user, make_group, login
):
    group = make_group()
    one, two = make_user(group=group), make_user(group=group)
    pages = {}
    for user in (one, two):
        login(user)
        pages[user.id] = []
        for position in range(5):
            url = f"/revision/practice/1/s1/{position}"
            page = client.get(url).text
            assert all_shown(client.get(url).text, "choice") == all_shown(page, "choice")
            question = db.session.get(
                Question, re.search(r'name="question_id" value="([^"]+)"', page).group(1)
            )
            shown = all_shown(page, "choice")
            if question.kind in CHOICE_TYPES:
                assert shown == labels(
                    question.content,
                    shuffle.choices_shown(SECRET, shuffle.viewer(user), question.content),
                )
            pages[user.id].append(shown)
        offline = client.get("/revision/review/offline").text
        cards = re.split(r"(?=<form )", offline)
        checked = 0
        for card in cards:
            found = re.search(r'name="question_id" value="([^"]+)"', card)
            question = found and db.session.get(Question, found.group(1))
            if question and question.kind in CHOICE_TYPES:
                assert all_shown(card, "choice") == labels(
                    question.content,
                    shuffle.choices_shown(SECRET, shuffle.viewer(user), question.content),
                )
                checked += 1
        assert checked  # the offline copy shows the order shown online
        client.post("/logout")
    assert pages[one.id] != pages[two.id]


def test_live_projector_and_every_phone_show_the_same_order(
    app, full_bank, make_group, make_user, login
):
    from webapp.accounts.models import Role
    from webapp.live.models import LiveSession

    group = make_group()
    host = app.test_client()
    login(make_user(Role.VOLUNTEER, group=group), http=host)
    host.post(
        "/live/new",
        data={
            "group_id": group.id,
            "scopes": ["1", "2", "3", "4"],
            "count": 10,
            "time_limit": 0,
            "client_id": "room-s",
        },
    )
    live = db.session.scalar(sa.select(LiveSession))
    phones = []
    for number in range(2):
        phone = app.test_client()
        login(make_user(group=group), http=phone)
        assert phone.post(f"/join/{live.code}", data={"nickname": f"P{number}"}).status_code == 303
        phones.append(phone)
    compared = 0
    for _ in range(len(live.question_ids)):
        db.session.refresh(live)
        host.post(f"/live/{live.code}/advance", data={"version": live.version})  # a question
        db.session.refresh(live)
        question = db.session.get(Question, live.question_ids[live.current])
        if question.kind in ("single", "multiple", "picture"):
            projector = host.get(f"/live/{live.code}/host").text.split('class="host-choices"')[1]
            on_screen = [
                html.unescape(label)
                for label in re.findall(
                    r'<span lang="fr" dir="ltr">([^<]*)</span>', projector.split("</ul>")[0]
                )
            ]
            on_phones = [
                all_shown(phone.get(f"/live/{live.code}/play").text, "choice") for phone in phones
            ]
            assert on_phones[0] == on_phones[1] == on_screen
            item = question.content
            assert sorted(on_screen) == sorted(labels(item, item["choices"]))
            compared += 1
        for _step in range(2):  # reveal, scores
            db.session.refresh(live)
            host.post(f"/live/{live.code}/advance", data={"version": live.version})
    assert compared


@pytest.fixture
def lesson_pages(ctx):
    loaded, problems = content.read_lessons()
    assert problems == []
    content.load_lessons(loaded)
    return [
        lesson
        for lesson in loaded
        if sum(e["type"] in CHOICE_TYPES for e in lesson["exercises"]) >= 3
    ][:6]


def test_lessons_show_each_trainee_their_order_online_and_in_the_offline_copy(
    client, lesson_pages, make_user, make_group, login
):
    group = make_group()
    seen = {}
    for user in (make_user(group=group), make_user(group=group)):
        login(user)
        seen[user.id] = []
        for lesson in lesson_pages:
            page = client.get(f"/lessons/{lesson['id']}")
            if page.status_code == 404:  # not open to this group
                continue
            offline = client.get(f"/lessons/{lesson['id']}/offline").text
            for item in lesson["exercises"]:
                if item["type"] not in CHOICE_TYPES:
                    continue
                online = all_shown(
                    page.text.split(f'id="ex-{item["id"]}"')[1].split("</form>")[0], "choice"
                )
                kept = all_shown(
                    offline.split(f'id="ex-{item["id"]}"')[1].split("</form>")[0], "choice"
                )
                assert (
                    online
                    == kept
                    == labels(item, shuffle.choices_shown(SECRET, shuffle.viewer(user), item))
                )
                seen[user.id].append(online)
        client.post("/logout")
    first, second = seen.values()
    assert first and len(first) == len(second) and first != second


def test_a_natural_scale_can_keep_its_order_and_the_checks_watch_where_its_key_sits():
    from webapp.core import validity

    scale = {
        "id": "s",
        "type": "single",
        "keep_order": True,
        "choices": ["0 °C", "+3 °C", "+8 °C"],
        "answer": "+3 °C",
    }
    assert all(
        shuffle.choices_shown(SECRET, f"user-{n}", scale) == scale["choices"] for n in range(20)
    )
    keys_first = [{**scale, "id": f"s{n}", "answer": "0 °C"} for n in range(4)]
    assert validity.key_spread_problems("f.yaml", keys_first)  # always first: refused
    spread = [{**scale, "id": f"s{n}", "answer": scale["choices"][n % 3]} for n in range(6)]
    assert validity.key_spread_problems("f.yaml", spread) == []
