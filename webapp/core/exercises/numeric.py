"""A number to type, with its unit and a tolerance (bank only), read as people type numbers."""

import re

from webapp.core.exercises.base import TypedText

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


class Numeric(TypedText):
    name = "numeric"
    in_lessons = False

    def check(self, check, item, path):
        answer = item.get("answer")
        if not isinstance(answer, int | float) or isinstance(answer, bool):
            check.fail((*path, "answer") if "answer" in item else path, "'answer' must be a number")
        check.text(item, "unit", path, max_length=20)
        tolerance = item.get("tolerance")
        if not isinstance(tolerance, int | float) or tolerance < 0:
            check.fail(
                (*path, "tolerance") if "tolerance" in item else path,
                "'tolerance' must be a number, 0 or more",
            )

    def expected(self, item):
        return [format_number(item["answer"])]

    def is_correct(self, item, answer):
        number = parse_number(answer[0]) if len(answer) == 1 else None
        return number is not None and abs(number - item["answer"]) <= item["tolerance"]

    def form_key(self, item):
        return {"text": {"num": item["answer"], "tol": item["tolerance"]}}


KIND = Numeric()
