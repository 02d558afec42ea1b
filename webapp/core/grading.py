"""Grading answers to exercises and questions: pure functions on plain values.

An answer is always a list of texts: one choice, several choices, the typed word, the right-hand
side chosen for each left-hand side, or the items in the order the learner put them.
"""

import random
import re
import unicodedata
from collections.abc import Iterator


def fold(text: str, lenient: bool) -> str:
    """Tidy spaces; when lenient, also ignore case and accents ("Été " == "ete")."""
    text = " ".join(str(text).split())
    if lenient:
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
        text = text.casefold().replace("’", "'")
    return text


def expected(item: dict) -> list[str]:
    """The right answer of an exercise or question, in the answer shape above."""
    kind = item["type"]
    if kind in ("single", "listen", "picture"):
        return [item["answer"]]
    if kind == "multiple":
        return sorted(item["answers"])
    if kind == "match":
        return [right for _left, right in item["pairs"]]
    if kind == "order":
        return list(item["items"])
    if kind == "truefalse":
        return ["true" if item["answer"] else "false"]
    if kind == "numeric":
        return [format_number(item["answer"])]
    if kind == "blank":
        return [item["answers"][0]]
    raise ValueError(f"unknown type {kind!r}")


def is_correct(item: dict, answer: list[str]) -> bool:
    kind = item["type"]
    if kind == "multiple":
        return sorted(answer) == sorted(item["answers"])
    if kind == "blank":
        lenient = item.get("lenient", False)
        accepted = {fold(text, lenient) for text in item["answers"]}
        return len(answer) == 1 and fold(answer[0], lenient) in accepted
    if kind == "numeric":
        number = parse_number(answer[0]) if len(answer) == 1 else None
        return number is not None and abs(number - item["answer"]) <= item["tolerance"]
    return answer == expected(item)


# Every dash a phone keypad or a word processor may give for "minus", and the spoken word.
_MINUS = re.compile(r"[\u2212\u2010\u2011\u2012\u2013\u2014\u2796\ufe63\uff0d]")
_NUMBER = re.compile(
    r"(?:(?P<sign>[-+]|(?<!\w)(?:moins|minus|plus))\s*)?"
    r"(?P<digits>\d+(?:[ \u00a0\u202f]\d{3})*(?:[.,]\d+)?)",
    re.IGNORECASE,
)


def parse_number(text: str) -> float | None:
    """Read a number as people type it: "63", "63,5", "-18 °C", "−18", "moins 18", "- 18°",
    "2 h", "1 000"; None if there is none. The first number wins; a minus before it, as a sign,
    a dash or the word, makes it negative."""
    match = _NUMBER.search(_MINUS.sub("-", str(text)))
    if not match:
        return None
    number = float(
        match.group("digits")
        .replace(",", ".")
        .replace(" ", "")
        .replace("\u00a0", "")
        .replace("\u202f", "")
    )
    sign = (match.group("sign") or "").casefold()
    return -number if sign in ("-", "moins", "minus") else number


def format_number(number: float) -> str:
    return f"{number:g}".replace(".", ",")


def display_order(item_id: str, values: list[str]) -> list[str]:
    """A stable shuffle (the same each time for one item), never the right order if avoidable."""
    shuffled = list(values)
    random.Random(item_id).shuffle(shuffled)
    if shuffled == list(values) and len(values) > 1:
        shuffled = shuffled[1:] + shuffled[:1]
    return shuffled


def answer_from_form(item: dict, form) -> list[str] | None:
    """Turn submitted form fields into an answer; None when something is missing."""
    kind = item["type"]
    if kind == "multiple":
        chosen = [value for value in form.getlist("choice") if value in item["choices"]]
        return chosen or None
    if kind in ("blank", "numeric"):
        text = (form.get("text") or "").strip()
        return [text[:200]] if text else None
    if kind == "match":
        rights = {right for _left, right in item["pairs"]}
        picked = [form.get(f"match-{index}", "") for index in range(len(item["pairs"]))]
        if clashes(item, form):  # one right-hand side for two lines: a slip, not an answer
            return None
        return picked if all(value in rights for value in picked) else None
    if kind == "order":
        shown = display_order(item["id"], item["items"])
        places = [form.get(f"place-{index}", "") for index in range(len(shown))]
        if not all(place.isdigit() for place in places) or sorted(map(int, places)) != list(
            range(1, len(shown) + 1)
        ):
            return None
        return [text for _place, text in sorted(zip(map(int, places), shown, strict=True))]
    value = form.get("choice", "")
    allowed = (
        {"true", "false"}
        if kind == "truefalse"
        else (
            {choice["label"] for choice in item["choices"]}
            if kind == "picture"
            else set(item["choices"])
        )
    )
    return [value] if value in allowed else None


def gives_away(item: dict) -> bool:
    """True when the explanation states the key: every part of it, as whole words, case and
    accents aside. A first wrong try then gets no explanation, so the learner tries again
    without having read the answer."""
    if item["type"] == "truefalse":
        return False
    text = fold(item.get("explanation", ""), lenient=True)
    return all(
        re.search(rf"(?<!\w){re.escape(fold(key, lenient=True))}(?!\w)", text)
        for key in expected(item)
    )


def clashes(item: dict, form) -> list[int]:
    """The lines given a place (order) or a match another line already has: a slip of the
    thumb, not an answer, so it is shown back with the others kept instead of being graded.
    A match whose right-hand sides repeat may pair two lines alike: nothing clashes there."""
    kind = item["type"]
    if kind == "order":
        names = [f"place-{index}" for index in range(len(item["items"]))]
    elif kind == "match" and len({right for _left, right in item["pairs"]}) == len(item["pairs"]):
        names = [f"match-{index}" for index in range(len(item["pairs"]))]
    else:
        return []
    values = [form.get(name, "") for name in names]
    return [index for index, value in enumerate(values) if value and values.count(value) > 1]


def form_values(item: dict, answer: list[str]) -> dict[str, list[str]]:
    """An answer back into form fields (the inverse of answer_from_form), to show a learner
    their own answer again."""
    kind = item["type"]
    if kind == "match":
        return {f"match-{index}": [right] for index, right in enumerate(answer)}
    if kind == "order":
        shown = display_order(item["id"], item["items"])
        return {
            f"place-{index}": [str(answer.index(text) + 1)] if text in answer else []
            for index, text in enumerate(shown)
        }
    if kind in ("blank", "numeric"):
        return {"text": list(answer[:1])}
    return {"choice": list(answer)}


def form_key(item: dict) -> dict:
    """The right answer in form-field terms, for a lesson copy kept on the phone: the phone gives
    feedback offline, the server grades again when the answer is sent. Never for mock exams.
    {field: [values]} (the same values, in any order), {"num", "tol"} or {"fold", "any", "lenient"}.
    """
    kind = item["type"]
    if kind == "blank":
        lenient = item.get("lenient", False)
        return {
            "text": {
                "fold": True,
                "lenient": lenient,
                "any": sorted({fold(text, lenient) for text in item["answers"]}),
            }
        }
    if kind == "numeric":
        return {"text": {"num": item["answer"], "tol": item["tolerance"]}}
    if kind == "match":
        return {f"match-{index}": [right] for index, (_left, right) in enumerate(item["pairs"])}
    if kind == "order":
        shown = display_order(item["id"], item["items"])
        return {
            f"place-{index}": [str(item["items"].index(text) + 1)]
            for index, text in enumerate(shown)
        }
    return {"choice": expected(item)}


def spoken_choices(item: dict) -> Iterator[str]:
    """The answer texts shown with a speaker: choices, picture labels, lines to order or match."""
    if item["type"] in ("single", "multiple"):
        yield from item["choices"]
    elif item["type"] == "picture":
        yield from (choice["label"] for choice in item["choices"])
    elif item["type"] == "order":
        yield from item["items"]
    elif item["type"] == "match":
        for left, right in item["pairs"]:
            yield left
            yield right
