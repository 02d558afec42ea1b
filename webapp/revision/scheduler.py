"""Spaced repetition with FSRS (py-fsrs), as pure functions on plain dictionaries.

A card is the dictionary py-fsrs produces (state, step, stability, difficulty, due, last_review).
Fuzzing is off so the same history always gives the same schedule (and tests can fix dates).
"""

from datetime import datetime

from fsrs import Card, Rating, Scheduler

SCHEDULER = Scheduler(desired_retention=0.9, enable_fuzzing=False)
MASTERED = 0.9  # recall probability above which a question counts as mastered
# Types answered by one tap: a right answer this quick means the trainee knew it well.
QUICK_TYPES = {"single", "truefalse", "picture"}
FAST_SECONDS = 8


def new_card(now: datetime) -> dict:
    card = Card(card_id=1, due=now)
    return _plain(card)


def rating_for(correct: bool, seconds: float, guessed: bool, kind: str) -> Rating:
    """Wrong is Again; a guess is Hard; right is Good; right and fast on a one-tap type is Easy."""
    if not correct:
        return Rating.Again
    if guessed:
        return Rating.Hard
    if kind in QUICK_TYPES and seconds <= FAST_SECONDS:
        return Rating.Easy
    return Rating.Good


def review(card: dict, rating: Rating, when: datetime, duration_ms: int | None = None) -> dict:
    """The card after this review (py-fsrs's review_card, on plain data)."""
    updated, _log = SCHEDULER.review_card(
        Card.from_dict({**card, "card_id": 1}), rating, when, duration_ms
    )
    return _plain(updated)


def recall_probability(
    stability: float | None, last_review: datetime | None, when: datetime
) -> float:
    """How likely the trainee is to remember a card at `when` (0 for one never reviewed), from
    the two fields of it that decide this: mastery asks for each of a trainee's cards, and
    making each into a dictionary of text dates and parsing them back cost most of the
    revision page."""
    if last_review is None:
        return 0.0
    card = Card(card_id=1, stability=stability, last_review=last_review, due=last_review)
    return SCHEDULER.get_card_retrievability(card, when)


def _plain(card: Card) -> dict:
    data = card.to_dict()
    data.pop("card_id", None)
    return data
