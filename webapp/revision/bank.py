"""The catering-title question bank's files (webapp/lessons/bank/*.yaml): the rules a question
must follow, reading and checking every file, and counting them. Pure functions over text: they
return data and problems naming the file and line; revision.services loads what they read."""

from collections import Counter
from pathlib import Path

from webapp.core import titles, validity
from webapp.core.content import (
    SLUG,
    Checker,
    Problem,
    check_items,
    keep_order,
    read_yaml,
    source_ids,
)
from webapp.core.exercises import BANK_TYPES, KINDS
from webapp.core.titles import COMPETENCIES

CONTENT_DIR = Path(__file__).resolve().parents[1] / "lessons"
BANK_DIR = CONTENT_DIR / "bank"
TOPICS = ("hygiene", "allergens", "safety", "customers")


def _relative(path: Path) -> str:
    return str(path.relative_to(CONTENT_DIR.parent.parent))


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
    if not check.one_of(question, "type", path, BANK_TYPES):
        return
    keep_order(check, question, path)
    see_also = question.get("see_also", [])
    if not isinstance(see_also, list) or not all(isinstance(other, str) for other in see_also):
        check.fail((*path, "see_also"), "'see_also' must be a list of question ids")
    KINDS[question["type"]].check(check, question, path)


def check_bank_file(data, lines: dict, file: str) -> list[Problem]:
    return check_items(data, lines, file, check_question, "question")


def read_bank(root: Path = BANK_DIR) -> tuple[list[dict], list[Problem]]:
    """Every question of the bank, checked; question ids are unique across files."""
    questions, problems, seen, where = [], [], {}, {}
    for path in sorted(root.glob("*.yaml")) if root.exists() else []:
        name = _relative(path) if root == BANK_DIR else str(path)
        data, lines, found = read_yaml(path.read_text("utf-8"), name)
        found = (
            found
            or check_bank_file(data, lines, name)
            or (validity.key_spread_problems(name, data) + validity.truefalse_problems(name, data))
        )
        problems.extend(found)
        if found:
            continue
        for index, question in enumerate(data):
            if question["id"] in seen:
                problems.append(
                    Problem(
                        name,
                        lines.get((index, "id"), 1),
                        f"question id {question['id']!r} is already used in {seen[question['id']]}",
                    )
                )
            else:
                seen[question["id"]] = name
                where[question["id"]] = (name, lines.get((index, "id"), 1))
                questions.append(question)
    if not problems:  # across files: only once every file reads right
        problems = validity.see_also_problems(questions, where) or validity.duplicate_problems(
            questions, where
        )
    return questions, problems


def bank_stats(questions: list[dict]) -> dict:
    return {
        "questions": len(questions),
        "per_title_ccp": {
            code: dict(
                Counter(
                    titles.unit_scope(code, q.get("competency"))
                    for q in questions
                    if q.get("competency")
                )
            )
            for code in titles.TITLES
        },
        "per_topic": dict(Counter(q["topic"] for q in questions if "topic" in q)),
        "per_competency": dict(Counter(q["competency"] for q in questions if "competency" in q)),
        "per_type": dict(Counter(q["type"] for q in questions)),
        "per_difficulty": dict(sorted(Counter(str(q["difficulty"]) for q in questions).items())),
    }
