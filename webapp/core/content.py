"""Content loading shared by the lessons and the question bank: YAML read with line numbers
(strictly: a teacher types it in the app), a checker that names the line of each problem, the
version hash of an item, and keeping content rows in step with the files (stable ids, never
deleted)."""

import hashlib
import json
import math
import re
import sys
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import click
import yaml

from webapp.core.exercises import KINDS
from webapp.core.time import utcnow
from webapp.extensions import db


def content_hash(data) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def sync_rows(model, wanted: dict[str, dict], existing: dict) -> Counter:
    """Make content rows match the files: add, update what changed (hash or position), retire
    what is gone. Rows are never deleted: progress and history point at their stable ids."""
    counts = Counter()
    for row_id, values in wanted.items():
        row = existing.pop(row_id, None)
        if row is None:
            db.session.add(model(id=row_id, **values))
            counts["added"] += 1
        elif row.retired or any(
            getattr(row, key) != values[key]
            for key in ("content_hash", "position")
            if key in values
        ):
            for key, value in values.items():
                setattr(row, key, value)
            row.retired = False
            if hasattr(row, "updated_at"):
                row.updated_at = utcnow()
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    for row in existing.values():
        if not row.retired:
            row.retired = True
            counts["retired"] += 1
    db.session.commit()
    return counts


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


def too_long(key: str, count: int, most: int) -> str:
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
            self.fail((*path, key), too_long(key, len(value), max_length))
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
            self.fail((*path, "picture"), too_long("picture", len(value), PICTURE_LENGTH))

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
                self.fail((*path, key, index), too_long(key, len(item), max_length))
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
                self.fail((*path, key), too_long(f"{key}.{lang}", len(value[lang]), max_length))

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


def check_items(data, lines: dict, file: str, check_item, what: str) -> list[Problem]:
    """Check a file that is a list of items with ids (the bank's questions, the steps after
    release): each item by check_item(check, item, path), then any id used twice."""
    check = Checker(file, lines)
    if not isinstance(data, list) or not data:
        check.fail((), f"a {what} file must be a list of {what}s (- id: ...)")
        return check.problems
    seen = set()
    for index, item in enumerate(data):
        check_item(check, item, (index,))
        if isinstance(item, dict):
            if item.get("id") in seen:
                check.fail((index, "id"), f"{what} id {item.get('id')!r} is used twice")
            seen.add(item.get("id"))
    return check.problems


# Where the sources that content cites are listed (lessons in comments, questions by id).
SOURCES_FILE = Path(__file__).resolve().parents[1] / "lessons" / "SOURCES.md"
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@cache
def source_ids(text: str | None = None) -> frozenset[str]:
    """The ids of the sources table (`| S12 | ...`): the only ids a question may cite."""
    text = SOURCES_FILE.read_text(encoding="utf-8") if text is None else text
    return frozenset(re.findall(r"^\| (S\d+) \|", text, re.M))


def keep_order(check: Checker, item: dict, path: tuple) -> None:
    """keep_order: true shows choices as written instead of shuffled per person."""
    if "keep_order" not in item:
        return
    if not isinstance(item["keep_order"], bool):
        check.fail((*path, "keep_order"), "'keep_order' must be true or false")
    elif not KINDS[item["type"]].has_choices:
        check.fail((*path, "keep_order"), "'keep_order' is for items with choices")


def report_problems(problems, what: str, count: int) -> None:
    """For the content commands: each problem on stderr and exit 1, or say all is well."""
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) in {what}.", err=True)
        sys.exit(1)
    click.echo(f"{count} {what} checked: no problems.")
