"""The FSRS scheduler as a pure function, with fixed dates."""

from datetime import UTC, datetime, timedelta

from fsrs import Rating

from webapp.revision import scheduler

MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_rating_is_implicit_from_the_answer():
    assert scheduler.rating_for(False, 3, False, "single") is Rating.Again
    assert scheduler.rating_for(True, 3, True, "single") is Rating.Hard
    assert scheduler.rating_for(True, 3, False, "single") is Rating.Easy
    assert scheduler.rating_for(True, 30, False, "single") is Rating.Good
    assert scheduler.rating_for(True, 3, False, "order") is Rating.Good  # no "fast" for orders


def test_same_history_gives_the_same_schedule():
    first = scheduler.review(scheduler.new_card(MONDAY), Rating.Good, MONDAY)
    again = scheduler.review(scheduler.new_card(MONDAY), Rating.Good, MONDAY)
    assert first == again
    assert first["due"] == (MONDAY + timedelta(minutes=10)).isoformat()  # second learning step


def test_a_known_question_comes_back_later_and_later():
    card = scheduler.new_card(MONDAY)
    when, gaps = MONDAY, []
    for _ in range(5):
        card = scheduler.review(card, Rating.Good, when)
        due = datetime.fromisoformat(card["due"])
        gaps.append(due - when)
        when = due
    assert gaps == sorted(gaps) and gaps[-1] > timedelta(days=7)


def test_a_forgotten_question_comes_back_soon():
    card = scheduler.new_card(MONDAY)
    for day in range(3):
        card = scheduler.review(card, Rating.Easy, MONDAY + timedelta(days=day * 10))
    forgotten = scheduler.review(card, Rating.Again, MONDAY + timedelta(days=40))
    relearn = datetime.fromisoformat(forgotten["due"]) - (MONDAY + timedelta(days=40))
    assert relearn <= timedelta(minutes=10)


def test_recall_probability_falls_with_time_and_mastery_threshold():
    card = scheduler.new_card(MONDAY)
    assert card["last_review"] is None
    assert scheduler.recall_probability(card["stability"], None, MONDAY) == 0.0
    card = scheduler.review(card, Rating.Easy, MONDAY)
    last = datetime.fromisoformat(card["last_review"])
    soon = scheduler.recall_probability(card["stability"], last, MONDAY + timedelta(days=1))
    late = scheduler.recall_probability(card["stability"], last, MONDAY + timedelta(days=60))
    assert soon > scheduler.MASTERED > late
