"""What every exercise or question type is made of, and the text helpers they share.

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


def display_order(item_id: str, values: list[str]) -> list[str]:
    """A stable shuffle (the same each time for one item), never the right order if avoidable."""
    shuffled = list(values)
    random.Random(item_id).shuffle(shuffled)
    if shuffled == list(values) and len(values) > 1:
        shuffled = shuffled[1:] + shuffled[:1]
    return shuffled


def answer_in(check, item: dict, path: tuple, choices) -> None:
    """The schema rule of one-answer types: 'answer' is one of the choices."""
    if not isinstance(item.get("answer"), str):
        check.fail(
            (*path, "answer") if "answer" in item else path,
            "'answer' must be a text (quote it if it is yes/no or a number)",
        )
    elif choices is not None and item["answer"] not in choices:
        check.fail((*path, "answer"), f"'answer' {item['answer']!r} is not one of the choices")


class Kind:
    """One type of exercise or question: its schema, how it is graded, how its form fields
    become an answer and back, and what of it is read aloud. Its inputs are the template
    templates/exercises/<name>.html. A type overrides what differs from these defaults (one
    choice among texts, in the form field "choice")."""

    name = ""
    in_lessons = True  # may be a lesson exercise
    in_bank = True  # may be a question of the catering-title bank
    has_choices = True  # 'keep_order' applies (choices are otherwise shuffled per person)

    def check(self, check, item: dict, path: tuple) -> None:
        """Add a problem to check for each field of this type that is wrong."""

    def expected(self, item: dict) -> list[str]:
        return [item["answer"]]

    def is_correct(self, item: dict, answer: list[str]) -> bool:
        return answer == self.expected(item)

    def allowed(self, item: dict) -> set[str]:
        return set(item["choices"])

    def answer_from_form(self, item: dict, form) -> list[str] | None:
        """The answer in the submitted fields; None when something is missing."""
        value = form.get("choice", "")
        return [value] if value in self.allowed(item) else None

    def form_values(self, item: dict, answer: list[str]) -> dict[str, list[str]]:
        """An answer back into form fields, to show a learner their own answer again."""
        return {"choice": list(answer)}

    def form_key(self, item: dict) -> dict:
        """The right answer in form-field terms, for the phone's offline copy of a lesson."""
        return {"choice": self.expected(item)}

    def clashes(self, item: dict, form) -> list[int]:
        """Lines given a place another line already has (a slip, shown back, not graded)."""
        return []

    def gives_away(self, item: dict) -> bool:
        """True when the explanation states the key, every part of it as whole words."""
        text = fold(item.get("explanation", ""), lenient=True)
        return all(
            re.search(rf"(?<!\w){re.escape(fold(key, lenient=True))}(?!\w)", text)
            for key in self.expected(item)
        )

    def spoken(self, item: dict) -> Iterator[str]:
        """The answer texts shown with a speaker beside them."""
        return iter(())


class TypedText(Kind):
    """A type whose answer is typed in one field, "text" (a word, a number)."""

    has_choices = False

    def answer_from_form(self, item, form):
        text = (form.get("text") or "").strip()
        return [text[:200]] if text else None

    def form_values(self, item, answer):
        return {"text": list(answer[:1])}


def places_clash(form, names: list[str]) -> list[int]:
    """The indexes of fields whose value another field also has (empty ones aside)."""
    values = [form.get(name, "") for name in names]
    return [index for index, value in enumerate(values) if value and values.count(value) > 1]
