"""Content files: YAML read with line numbers, and the rules lessons and questions must follow.

Pure functions: they take text and return data and a list of problems, each naming the line.
"""

import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from webapp.core.titles import COMPETENCIES

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
EXERCISE_TYPES = ("single", "multiple", "blank", "match", "order", "listen", "picture")
QUESTION_TYPES = ("single", "multiple", "truefalse", "picture", "order", "numeric")
TOPICS = ("hygiene", "allergens", "safety", "customers")
SOURCES_FILE = Path(__file__).with_name("SOURCES.md")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@cache
def source_ids(text: str | None = None) -> frozenset[str]:
    """The ids of the sources table (`| S12 | ...`): the only ids a question may cite."""
    text = SOURCES_FILE.read_text(encoding="utf-8") if text is None else text
    return frozenset(re.findall(r"^\| (S\d+) \|", text, re.M))


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


# Teacher input is bounded before it is parsed: size, nesting, and no anchors or aliases (an
# alias is a pointer, so a few hundred bytes can expand to billions of nodes: "billion laughs").
MAX_DEPTH = 12
ID_LENGTH = 60  # an app lesson's id gets "app-" and maybe "-2": the column holds 80
PICTURE_LENGTH = 16  # one emoji, maybe with modifiers: the column holds 16
PLAIN_TYPES = (str, int, float, bool, type(None))
MAP_TAG, SEQ_TAG = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


class _Refused(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


class _StrictLoader(yaml.SafeLoader):
    """The safe loader, refusing anchors, aliases and deep nesting before any node is built."""

    depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(
                line,
                "'&' and '*' (anchors and aliases) are not allowed: write the text again instead",
            )
        if self.depth >= MAX_DEPTH:
            raise _Refused(line, "too many levels one inside another")
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def read_yaml(text: str, file: str, max_length: int | None = None):
    """Parse YAML and return (data, lines, problems); lines maps a path to its line number.

    Refuses anchors and aliases, deep nesting, non-text keys and values other than text,
    numbers, true/false and null (a date or a tagged value must be quoted)."""
    if max_length is not None and len(text) > max_length:
        return (
            None,
            {},
            [Problem(file, 1, f"too long: {len(text)} characters, at most {max_length}")],
        )
    lines: dict[tuple, int] = {}
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        data = _to_python(node, (), lines, loader) if node is not None else None
    except _Refused as refused:
        return None, {}, [Problem(file, refused.line, refused.message)]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(error, "problem", error)
        return None, {}, [Problem(file, line, f"not valid YAML: {problem}")]
    finally:
        loader.dispose()
    return data, lines, []


def _to_python(node, path, lines, loader):
    """Build plain data from the YAML node tree, noting the line where each path starts."""
    line = lines[path] = node.start_mark.line + 1
    if not isinstance(node, yaml.ScalarNode) and node.tag not in (MAP_TAG, SEQ_TAG):
        raise _Refused(line, f"{node.tag[:40]!r} is not allowed: write plain lists and texts")
    if isinstance(node, yaml.MappingNode):
        result = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise _Refused(key.start_mark.line + 1, "a key must be a plain word")
            if key.value in result:  # YAML would keep the last one silently: a lost edit
                raise _Refused(key.start_mark.line + 1, f"{key.value!r} is written twice")
            result[key.value] = _to_python(value, (*path, key.value), lines, loader)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _to_python(item, (*path, index), lines, loader) for index, item in enumerate(node.value)
        ]
    try:
        value = loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError):
        value = None
        plain = False
    else:
        plain = isinstance(value, PLAIN_TYPES) and not (
            isinstance(value, float) and not math.isfinite(value)
        )
    if not plain:
        raise _Refused(
            line,
            f"{node.value[:40]!r} is read as a special value (a date, a tag...): "
            "put it between quotes",
        )
    return value


def _too_long(key: str, count: int, most: int) -> str:
    return f"'{key}' is too long: {count} characters, at most {most}"


class Checker:
    """Collects problems for one file, each at the line of the path it is about."""

    def __init__(self, file: str, lines: dict):
        self.file, self.lines, self.problems = file, lines, []

    def fail(self, path: tuple, message: str) -> None:
        while path not in self.lines and path:
            path = path[:-1]
        self.problems.append(Problem(self.file, self.lines.get(path, 1), message))

    def text(self, data: dict, key: str, path: tuple, required=True, max_length=400) -> bool:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(path, f"'{key}' is missing: expected a text")
            return False
        if not isinstance(value, str) or not value.strip():
            self.fail((*path, key), f"'{key}' must be a non-empty text, got {value!r}")
            return False
        if len(value) > max_length:
            self.fail((*path, key), _too_long(key, len(value), max_length))
        return True

    def picture(self, data: dict, path: tuple, required=False) -> None:
        """An emoji: a short text (it goes into a 16-character column)."""
        if "picture" not in data and not required:
            return
        value = data.get("picture")
        if not isinstance(value, str) or not value.strip():
            self.fail(
                (*path, "picture") if "picture" in data else path,
                "'picture' must be an emoji, like \"📘\"",
            )
        elif len(value) > PICTURE_LENGTH:
            self.fail((*path, "picture"), _too_long("picture", len(value), PICTURE_LENGTH))

    def strings(
        self, data: dict, key: str, path: tuple, low: int, high: int, max_length=200
    ) -> list | None:
        value = data.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(
                (*path, key) if key in data else path,
                f"'{key}' must be a list of {low} to {high} texts (quote yes/no/numbers)",
            )
            return None
        for index, item in enumerate(value):
            if len(item) > max_length:
                self.fail((*path, key, index), _too_long(key, len(item), max_length))
        if not low <= len(value) <= high:
            self.fail((*path, key), f"'{key}' has {len(value)} items: expected {low} to {high}")
        if len(set(value)) != len(value):
            self.fail((*path, key), f"'{key}' has the same item twice")
        return value

    def translations(
        self, data: dict, key: str, path: tuple, required=True, max_length=700
    ) -> None:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(path, f"'{key}' is missing: expected {{en: ..., ar: ...}}")
            return
        if not isinstance(value, dict) or not all(
            isinstance(value.get(lang), str) and value[lang].strip() for lang in ("en", "ar")
        ):
            self.fail((*path, key), f"'{key}' must give both 'en' and 'ar' texts")
            return
        for lang in ("en", "ar"):
            if len(value[lang]) > max_length:
                self.fail((*path, key), _too_long(f"{key}.{lang}", len(value[lang]), max_length))

    def one_of(self, data: dict, key: str, path: tuple, allowed, required=True) -> bool:
        if key not in data:
            if required:
                self.fail(
                    path, f"'{key}' is missing: expected one of {', '.join(map(str, allowed))}"
                )
            return False
        value = data[key]
        # True == 1 in Python: a yes/no is not a number (and would not fit a number column).
        if value not in allowed or (
            isinstance(value, bool) and not any(isinstance(item, bool) for item in allowed)
        ):
            self.fail(
                (*path, key),
                f"'{key}' is {data[key]!r}: expected one of {', '.join(map(str, allowed))}",
            )
            return False
        return True

    def picture_choices(self, data: dict, path: tuple) -> list | None:
        choices = data.get("choices")
        if (
            not isinstance(choices, list)
            or not 2 <= len(choices) <= 4
            or not all(
                isinstance(c, dict)
                and isinstance(c.get("picture"), str)
                and isinstance(c.get("label"), str)
                for c in choices
            )
        ):
            self.fail(
                (*path, "choices") if "choices" in data else path,
                "'choices' must be 2 to 4 items, each {picture: emoji, label: text}",
            )
            return None
        for index, choice in enumerate(choices):
            self.picture(choice, (*path, "choices", index))
            self.text(choice, "label", (*path, "choices", index), max_length=200)
        return [choice["label"] for choice in choices]


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
    kind = exercise["type"]
    _keep_order(check, exercise, path)
    if kind in ("single", "listen"):
        choices = check.strings(exercise, "choices", path, 2, 5 if kind == "single" else 4)
        if kind == "listen":
            check.text(exercise, "say", path)
        _answer_in(check, exercise, path, choices)
    elif kind == "multiple":
        choices = check.strings(exercise, "choices", path, 3, 6)
        answers = check.strings(exercise, "answers", path, 1, 6)
        if choices and answers and not set(answers) <= set(choices):
            check.fail((*path, "answers"), "every answer must be one of the choices")
    elif kind == "blank":
        if check.text(exercise, "text", path) and exercise["text"].count("___") != 1:
            check.fail((*path, "text"), "'text' must contain ___ exactly once, where the word goes")
        check.strings(exercise, "answers", path, 1, 10)
        if "lenient" in exercise and not isinstance(exercise["lenient"], bool):
            check.fail((*path, "lenient"), "'lenient' must be true or false")
    elif kind == "match":
        pairs = exercise.get("pairs")
        if (
            not isinstance(pairs, list)
            or not 3 <= len(pairs) <= 5
            or not all(
                isinstance(p, list)
                and len(p) == 2
                and all(isinstance(s, str) and 0 < len(s) <= 200 for s in p)
                for p in pairs
            )
        ):
            check.fail(
                (*path, "pairs") if "pairs" in exercise else path,
                "'pairs' must be 3 to 5 [left, right] pairs of texts (200 characters each at most)",
            )
        elif len({p[1] for p in pairs}) != len(pairs) or len({p[0] for p in pairs}) != len(pairs):
            check.fail((*path, "pairs"), "each left and each right text must appear once")
    elif kind == "order":
        check.strings(exercise, "items", path, 3, 6)
    elif kind == "picture":
        _answer_in(check, exercise, path, check.picture_choices(exercise, path))


def _keep_order(check: Checker, item: dict, path: tuple) -> None:
    if "keep_order" not in item:
        return
    if not isinstance(item["keep_order"], bool):
        check.fail((*path, "keep_order"), "'keep_order' must be true or false")
    elif item["type"] not in ("single", "listen", "multiple", "picture"):
        check.fail((*path, "keep_order"), "'keep_order' is for items with choices")


def _answer_in(check: Checker, item: dict, path: tuple, choices) -> None:
    if not isinstance(item.get("answer"), str):
        check.fail(
            (*path, "answer") if "answer" in item else path,
            "'answer' must be a text (quote it if it is yes/no or a number)",
        )
    elif choices is not None and item["answer"] not in choices:
        check.fail((*path, "answer"), f"'answer' {item['answer']!r} is not one of the choices")


def check_lesson(data, lines: dict, file: str) -> list[Problem]:
    """All problems of one lesson file; an empty list means it is valid."""
    check = Checker(file, lines)
    if not isinstance(data, dict):
        check.fail((), "a lesson file must be a mapping (id: ..., title: ...)")
        return check.problems
    if not isinstance(data.get("id"), str) or not SLUG.match(data.get("id") or ""):
        check.fail(("id",) if "id" in data else (), "'id' must be lowercase letters, digits and -")
    elif len(data["id"]) > ID_LENGTH:
        check.fail(("id",), _too_long("id", len(data["id"]), ID_LENGTH))
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


def check_question(check: Checker, question, path: tuple) -> None:
    """Check one question of the catering-title bank."""
    if not isinstance(question, dict):
        check.fail(path, "a question must be a mapping with id, type, question...")
        return
    if not isinstance(question.get("id"), str) or not SLUG.match(question.get("id") or ""):
        check.fail((*path, "id"), "'id' must be lowercase letters, digits and -, like hyg-001")
    # The competency decides the CCP in each title (revision.titles); a topic is optional.
    check.one_of(question, "competency", path, COMPETENCIES)
    if "ccp" in question:
        check.fail(
            (*path, "ccp"), "'ccp' is decided by the competency and the group's title: remove it"
        )
    if "topic" in question:
        check.one_of(question, "topic", path, TOPICS)
    check.one_of(question, "difficulty", path, (1, 2, 3))
    check.text(question, "question", path)
    check.text(question, "explanation", path, max_length=600)
    source = question.get("source")
    if not isinstance(source, str) or source not in source_ids():
        check.fail(
            (*path, "source") if "source" in question else path,
            f"'source' is {source!r}: expected a source id listed in "
            "webapp/lessons/SOURCES.md (S1, S2...)",
        )
    if not check.one_of(question, "type", path, QUESTION_TYPES):
        return
    kind = question["type"]
    _keep_order(check, question, path)
    see_also = question.get("see_also", [])
    if not isinstance(see_also, list) or not all(isinstance(other, str) for other in see_also):
        check.fail((*path, "see_also"), "'see_also' must be a list of question ids")
    if kind == "single":
        _answer_in(check, question, path, check.strings(question, "choices", path, 2, 5))
    elif kind == "multiple":
        choices = check.strings(question, "choices", path, 3, 6)
        answers = check.strings(question, "answers", path, 1, 6)
        if choices and answers and not set(answers) <= set(choices):
            check.fail((*path, "answers"), "every answer must be one of the choices")
    elif kind == "truefalse":
        if not isinstance(question.get("answer"), bool):
            check.fail(
                (*path, "answer") if "answer" in question else path,
                "'answer' must be true or false",
            )
    elif kind == "picture":
        _answer_in(check, question, path, check.picture_choices(question, path))
    elif kind == "order":
        check.strings(question, "items", path, 3, 6)
    elif kind == "numeric":
        answer = question.get("answer")
        if not isinstance(answer, int | float) or isinstance(answer, bool):
            check.fail(
                (*path, "answer") if "answer" in question else path, "'answer' must be a number"
            )
        check.text(question, "unit", path, max_length=20)
        tolerance = question.get("tolerance")
        if not isinstance(tolerance, int | float) or tolerance < 0:
            check.fail(
                (*path, "tolerance") if "tolerance" in question else path,
                "'tolerance' must be a number, 0 or more",
            )


def check_bank_file(data, lines: dict, file: str) -> list[Problem]:
    check = Checker(file, lines)
    if not isinstance(data, list) or not data:
        check.fail((), "a question file must be a list of questions (- id: ...)")
        return check.problems
    seen = set()
    for index, question in enumerate(data):
        check_question(check, question, (index,))
        if isinstance(question, dict):
            if question.get("id") in seen:
                check.fail((index, "id"), f"question id {question.get('id')!r} is used twice")
            seen.add(question.get("id"))
    return check.problems
