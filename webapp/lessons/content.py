"""Reading lesson files, checking them, counting them, and loading them into the database (the
bank's: revision/bank.py)."""

import re
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

from webapp.core import validity
from webapp.core.content import content_hash, sync_rows
from webapp.extensions import db
from webapp.lessons.models import Lesson
from webapp.lessons.schema import (
    MODULES,
    Problem,
    check_lesson,
    read_yaml,
    source_ids,
)

CONTENT_DIR = Path(__file__).resolve().parent


def _relative(path: Path) -> str:
    return str(path.relative_to(CONTENT_DIR.parent.parent))


def read_lessons(root: Path = CONTENT_DIR) -> tuple[list[dict], list[Problem]]:
    """Every lesson file under root's module folders, checked; lessons carry module and position."""
    lessons, problems, seen = [], [], {}
    for folder in sorted(path for path in root.iterdir() if path.is_dir()):
        if folder.name == "bank" or folder.name.startswith(("_", ".")):
            continue
        for position, path in enumerate(sorted(folder.glob("*.yaml")), start=1):
            name = _relative(path) if root == CONTENT_DIR else str(path)
            if folder.name not in MODULES:
                problems.append(
                    Problem(
                        name,
                        1,
                        f"unknown module folder {folder.name!r}: "
                        f"expected one of {', '.join(MODULES)}",
                    )
                )
                continue
            text = path.read_text("utf-8")
            data, lines, found = read_yaml(text, name)
            found = (
                found
                or check_lesson(data, lines, name)
                or (
                    cited_source_problems(text, name)
                    + validity.key_spread_problems(name, data["exercises"])
                )
            )
            if not found and data["id"] in seen:
                found = [
                    Problem(
                        name,
                        lines.get(("id",), 1),
                        f"lesson id {data['id']!r} is already used by {seen[data['id']]}",
                    )
                ]
            problems.extend(found)
            if not found:
                seen[data["id"]] = name
                lessons.append({**data, "module": folder.name, "position": position})
    return lessons, problems


def cited_source_problems(text: str, file: str) -> list[Problem]:
    """A lesson cites its sources in comments (`# source: S4, S9`): each id must be listed."""
    known = source_ids()
    return [
        Problem(file, number, f"source {cited!r} is not in webapp/lessons/SOURCES.md")
        for number, line in enumerate(text.splitlines(), start=1)
        for match in re.finditer(r"#\s*sources?\s*:(.*)", line)
        for cited in re.findall(r"\bS\d+\b", match.group(1))
        if cited not in known
    ]


def lesson_stats(lessons: list[dict]) -> dict:
    exercises = [exercise for lesson in lessons for exercise in lesson["exercises"]]
    return {
        "lessons": len(lessons),
        "exercises": len(exercises),
        "per_module": dict(Counter(lesson["module"] for lesson in lessons)),
        "per_level": dict(Counter(lesson.get("level") or "none" for lesson in lessons)),
        "per_clea_domain": dict(sorted(Counter(str(lesson["clea"]) for lesson in lessons).items())),
        "per_theme": dict(Counter(theme for lesson in lessons for theme in lesson["themes"])),
        "per_exercise_type": dict(Counter(exercise["type"] for exercise in exercises)),
    }


def _lesson_row_values(data: dict) -> dict:
    body = {key: value for key, value in data.items() if key not in ("module", "position")}
    return {
        "module": data["module"],
        "position": data["position"],
        "title": data["title"],
        "level": data.get("level"),
        "clea": data["clea"],
        "themes": " ".join(data["themes"]),
        "minutes": data["minutes"],
        "picture": data.get("picture", ""),
        "content": body,
        "content_hash": content_hash(body),
    }


def load_lessons(lessons: list[dict]) -> Counter:
    """Insert new lessons, update changed ones, retire those whose file is gone. Idempotent."""
    existing = {
        lesson.id: lesson
        for lesson in db.session.scalars(sa.select(Lesson).where(Lesson.module != "app"))
    }
    return sync_rows(Lesson, {data["id"]: _lesson_row_values(data) for data in lessons}, existing)
