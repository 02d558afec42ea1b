"""Lesson files: the rules a lesson must follow (the bank's: revision/bank.py; the YAML reader
and the checker both use: core/content.py).

Pure functions: they take text and return data and a list of problems, each naming the line.
"""

from webapp.core.content import (  # noqa: F401  (re-exported: the lessons' modules use them)
    ID_LENGTH,
    PICTURE_LENGTH,
    SLUG,
    Checker,
    Problem,
    keep_order,
    read_yaml,
    source_ids,
    too_long,
)
from webapp.core.exercises import KINDS, LESSON_TYPES

THEMES = (
    "rights",
    "employment",
    "behaviour",
    "budget",
    "law",
    "basics",
    "health",
    "housing",
    "self-esteem",
    "family",
    "social",
)
MODULES = ("lire", "fle-a1", "fle-a2", "calcul", "numerique", "travail", "securite", "vie", "app")
LEVELS = ("A1", "A2")
# The types a lesson may use: core.exercises registers them, one module each.
EXERCISE_TYPES = LESSON_TYPES


def check_exercise(check: Checker, exercise, path: tuple) -> None:
    """Check one lesson exercise against its type's fields."""
    if not isinstance(exercise, dict):
        check.fail(path, "an exercise must be a mapping with id, type, prompt...")
        return
    if (
        not isinstance(exercise.get("id"), str)
        or not SLUG.match(exercise.get("id", ""))
        or len(exercise["id"]) > 40
    ):
        check.fail((*path, "id"), "'id' must be a short lowercase id like e1")
    check.text(exercise, "prompt", path)
    check.translations(exercise, "prompt_tr", path)
    check.text(exercise, "explanation", path, max_length=600)
    if not check.one_of(exercise, "type", path, EXERCISE_TYPES):
        return
    keep_order(check, exercise, path)
    KINDS[exercise["type"]].check(check, exercise, path)


def check_lesson(data, lines: dict, file: str) -> list[Problem]:
    """All problems of one lesson file; an empty list means it is valid."""
    check = Checker(file, lines)
    if not isinstance(data, dict):
        check.fail((), "a lesson file must be a mapping (id: ..., title: ...)")
        return check.problems
    if not isinstance(data.get("id"), str) or not SLUG.match(data.get("id") or ""):
        check.fail(("id",) if "id" in data else (), "'id' must be lowercase letters, digits and -")
    elif len(data["id"]) > ID_LENGTH:
        check.fail(("id",), too_long("id", len(data["id"]), ID_LENGTH))
    check.text(data, "title", (), max_length=80)
    check.translations(data, "title_tr", (), max_length=80)
    check.picture(data, ())
    if "level" in data:
        check.one_of(data, "level", (), LEVELS)
    check.one_of(data, "clea", (), range(1, 8))
    themes = data.get("themes")
    if (
        not isinstance(themes, list)
        or not themes
        or not all(isinstance(theme, str) for theme in themes)
        or not set(themes) <= set(THEMES)
    ):
        check.fail(
            ("themes",) if "themes" in data else (),
            f"'themes' must list one or more of: {', '.join(THEMES)}",
        )
    elif len(set(themes)) != len(themes):
        check.fail(("themes",), "'themes' has the same theme twice")
    if not isinstance(data.get("minutes"), int) or not 3 <= data["minutes"] <= 30:
        check.fail(
            ("minutes",) if "minutes" in data else (), "'minutes' must be a number from 3 to 30"
        )
    blocks = data.get("blocks")
    if not isinstance(blocks, list) or not 2 <= len(blocks) <= 8:
        check.fail(
            ("blocks",) if "blocks" in data else (), "'blocks' must be a list of 2 to 8 blocks"
        )
        blocks = blocks if isinstance(blocks, list) else []
    for index, block in enumerate(blocks):
        path = ("blocks", index)
        if not isinstance(block, dict):
            check.fail(path, "a block must be a mapping with 'text'")
            continue
        check.text(block, "text", path, max_length=700)
        check.translations(block, "tr", path, required=False)
        check.picture(block, path)
    glossary = data.get("glossary", [])
    if not isinstance(glossary, list):
        check.fail(("glossary",), "'glossary' must be a list of words")
        glossary = []
    for index, entry in enumerate(glossary):
        path = ("glossary", index)
        if not isinstance(entry, dict):
            check.fail(path, "a glossary entry must be {word, picture, en, ar}")
            continue
        for key in ("word", "en", "ar"):
            check.text(entry, key, path, max_length=80)
        check.picture(entry, path)
    if data.get("level") and len(glossary) < 3:
        check.fail(
            ("glossary",) if "glossary" in data else (),
            "an FLE lesson needs a glossary of at least 3 words",
        )
    exercises = data.get("exercises")
    if not isinstance(exercises, list) or not 1 <= len(exercises) <= 12:
        check.fail(
            ("exercises",) if "exercises" in data else (),
            "'exercises' must be a list of 1 to 12 exercises",
        )
        exercises = exercises if isinstance(exercises, list) else []
    seen = set()
    for index, exercise in enumerate(exercises):
        check_exercise(check, exercise, ("exercises", index))
        if isinstance(exercise, dict):
            if exercise.get("id") in seen:
                check.fail(
                    ("exercises", index, "id"), f"exercise id {exercise.get('id')!r} is used twice"
                )
            seen.add(exercise.get("id"))
    return check.problems
