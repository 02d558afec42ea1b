"""Rules that make a set of questions a fair test, checked over whole files and the whole bank.

Pure functions over checked content. A file can pass every per-item rule and still be a poor test:
the key always in the same place, "false" nearly always right, the same question asked twice
under two ids. These rules look at the items together, the way a learner meets them.
"""

import re
import unicodedata
from itertools import combinations
from math import ceil, floor

from webapp.core.content import Problem
from webapp.core.shuffle import choices_shown

# The rendered order depends on the app's secret and the person; any secret shows the spread.
CHECK_SECRET = "bank-check"
VIEWERS = tuple(f"user-{number}" for number in range(1, 101))
CHOICE_TYPES = ("single", "listen", "picture", "multiple")
# "Always tap the first one" may beat chance by this much over a file before it fails.
FIRST_MARGIN = 0.12
TRUE_LOW, TRUE_HIGH = 0.4, 0.6
NEAR = 0.4  # share of shared words between two stems, on top of the same key
STOPWORDS = frozenset(
    "a au aux avec c ce cela ces d dans de des du elle en est et il ils je l la le les leur lui "
    "mais me n ne on ou par pas pour qu que qui s sa se ses son sur t ta te tes toi ton tu un une "
    "vous y quel quelle quels quelles combien comment pourquoi quand doit faut peut".split()
)


def _keys(item: dict) -> set[str]:
    if item["type"] == "multiple":
        return set(item["answers"])
    return {item["answer"]}


def _labels(choices: list) -> list[str]:
    return [choice["label"] if isinstance(choice, dict) else choice for choice in choices]


def first_is_right_share(items: list[dict], viewers=VIEWERS) -> tuple[float, float]:
    """(how often the first choice shown is a right one, what chance alone would give).

    Measured over the order each of `viewers` sees, for the items with choices."""
    hits = chance = seen = 0
    for item in items:
        if item.get("type") not in CHOICE_TYPES:
            continue
        keys, count = _keys(item), len(item["choices"])
        for who in viewers:
            first = _labels(choices_shown(CHECK_SECRET, who, item))[0]
            hits += first in keys
            chance += len(keys) / count
            seen += 1
    return (hits / seen, chance / seen) if seen else (0.0, 0.0)


def key_spread_problems(file: str, items: list[dict]) -> list[Problem]:
    """Fail a file where tapping the first choice shown beats chance."""
    share, chance = first_is_right_share(items)
    if share > chance + FIRST_MARGIN:
        return [
            Problem(
                file,
                1,
                f"the right answer is shown first {share:.0%} of the time "
                f"(chance is {chance:.0%}): let the choices be shuffled "
                "(remove 'keep_order') or vary where the key sits",
            )
        ]
    return []


def truefalse_problems(file: str, questions: list[dict]) -> list[Problem]:
    """Fail a file whose true/false statements are mostly true or mostly false."""
    answers = [q["answer"] for q in questions if q.get("type") == "truefalse"]
    count, true = len(answers), sum(answers)
    if count and not floor(TRUE_LOW * count) <= true <= ceil(TRUE_HIGH * count):
        return [
            Problem(
                file,
                1,
                f"{true} of {count} true/false statements are true: "
                f"keep between {TRUE_LOW:.0%} and {TRUE_HIGH:.0%} true, so that "
                "always answering one way does not pass",
            )
        ]
    return []


def words(text: str) -> frozenset[str]:
    """The meaningful words of a stem: no case, accents, punctuation or small words."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    return frozenset(
        word for word in re.findall(r"[a-z0-9]+", plain) if word not in STOPWORDS and len(word) > 1
    )


def key_text(question: dict) -> str:
    """The right answer, reduced to its words: "Non, on ..." and "Non : on ..." are one key."""
    kind = question["type"]
    if kind == "multiple":
        keys = sorted(" ".join(sorted(words(answer))) for answer in question["answers"])
        return "|".join(keys)
    if kind == "order":
        return "|".join(" ".join(sorted(words(item))) for item in question["items"])
    answer = question["answer"]
    if isinstance(answer, bool | int | float):
        return str(answer)
    return " ".join(sorted(words(answer)))


def near_duplicates(questions: list[dict]) -> list[tuple[dict, dict, float]]:
    """Pairs of questions with the same key and mostly the same stem words, not linked by
    `see_also` (which says the overlap is meant: the same fact from another side)."""
    by_key: dict[str, list[tuple[dict, frozenset]]] = {}
    for question in questions:
        by_key.setdefault(key_text(question), []).append((question, words(question["question"])))
    found = []
    for group in by_key.values():
        for (first, first_words), (second, second_words) in combinations(group, 2):
            union = first_words | second_words
            overlap = len(first_words & second_words) / len(union) if union else 1.0
            linked = second["id"] in first.get("see_also", ()) or first["id"] in second.get(
                "see_also", ()
            )
            if overlap >= NEAR and not linked:
                found.append((first, second, overlap))
    return found


def duplicate_problems(questions: list[dict], where: dict[str, tuple[str, int]]) -> list[Problem]:
    """One problem per near-duplicate pair, at the second question's line."""
    problems = []
    for first, second, overlap in near_duplicates(questions):
        file, line = where[second["id"]]
        problems.append(
            Problem(
                file,
                line,
                f"{second['id']} asks the same as {first['id']} "
                f"({overlap:.0%} of the words, same answer): "
                "rewrite one, or add 'see_also: "
                f"[{first['id']}]' if both are meant",
            )
        )
    return problems


def see_also_problems(questions: list[dict], where: dict[str, tuple[str, int]]) -> list[Problem]:
    known = {question["id"] for question in questions}
    return [
        Problem(*where[question["id"]], f"'see_also' names {other!r}: no such question")
        for question in questions
        for other in question.get("see_also", ())
        if other not in known
    ]
