"""Grading answers to exercises and questions: pure functions on plain values, the same for
lessons, revision, mock exams and the live quiz. Each asks the item's type (core.exercises).

An answer is always a list of texts: one choice, several choices, the typed word, the right-hand
side chosen for each left-hand side, or the items in the order the learner put them.
"""

from collections.abc import Iterator

from webapp.core.exercises import kind_of
from webapp.core.exercises.base import display_order, fold  # noqa: F401  (used by callers)
from webapp.core.exercises.numeric import format_number, parse_number  # noqa: F401


def expected(item: dict) -> list[str]:
    """The right answer of an exercise or question, in the answer shape above."""
    return kind_of(item).expected(item)


def is_correct(item: dict, answer: list[str]) -> bool:
    return kind_of(item).is_correct(item, answer)


def answer_from_form(item: dict, form) -> list[str] | None:
    """Turn submitted form fields into an answer; None when something is missing."""
    return kind_of(item).answer_from_form(item, form)


def gives_away(item: dict) -> bool:
    """True when the explanation states the key: every part of it, as whole words, case and
    accents aside. A first wrong try then gets no explanation, so the learner tries again
    without having read the answer."""
    return kind_of(item).gives_away(item)


def clashes(item: dict, form) -> list[int]:
    """The lines given a place (order) or a match another line already has: a slip of the
    thumb, not an answer, so it is shown back with the others kept instead of being graded."""
    return kind_of(item).clashes(item, form)


def form_values(item: dict, answer: list[str]) -> dict[str, list[str]]:
    """An answer back into form fields (the inverse of answer_from_form), to show a learner
    their own answer again."""
    return kind_of(item).form_values(item, answer)


def form_key(item: dict) -> dict:
    """The right answer in form-field terms, for a lesson copy kept on the phone: the phone gives
    feedback offline, the server grades again when the answer is sent. Never for mock exams.
    {field: [values]} (the same values, in any order), {"num", "tol"} or {"fold", "any", "lenient"}.
    """
    return kind_of(item).form_key(item)


def spoken_choices(item: dict) -> Iterator[str]:
    """The answer texts shown with a speaker: choices, picture labels, lines to order or match."""
    return kind_of(item).spoken(item)
