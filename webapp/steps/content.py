"""The steps-after-release file (webapp/steps/after-release.yaml): its rules, reading and checking
it with the shared content loader (every problem names the file and line), and keeping the step
rows in step with it (stable ids, never deleted: trainees' ticks point at them)."""

import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa

from webapp.core.content import (
    SLUG,
    Checker,
    Problem,
    check_items,
    content_hash,
    read_yaml,
    sync_rows,
)
from webapp.extensions import db
from webapp.steps.models import Step

STEPS_FILE = Path(__file__).resolve().with_name("after-release.yaml")
ID_LENGTH = 40  # the column holds 40
# Where a step may send a trainee: the public services' own sites, nothing else.
OFFICIAL_HOSTS = (
    "gouv.fr",
    "service-public.fr",
    "ameli.fr",
    "caf.fr",
    "francetravail.fr",
    "banque-france.fr",
    "msa.fr",
)
# Easy French (webapp/lessons/FORMAT.md says 15 words; a date or a place name may add one).
MAX_WORDS = 16
MAX_STEPS = 30


def _relative(path: Path) -> str:
    return str(path.relative_to(STEPS_FILE.parents[2])) if path == STEPS_FILE else str(path)


def official(url: str) -> bool:
    """An https address on a public service's own site (service-public.fr, a gouv.fr...)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme == "https" and any(
        host == name or host.endswith("." + name) for name in OFFICIAL_HOSTS
    )


def long_sentences(text: str) -> list[str]:
    """The sentences of text longer than MAX_WORDS words (punctuation is not a word)."""
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    return [
        sentence
        for sentence in sentences
        if len([w for w in sentence.split() if re.search(r"\w", w)]) > MAX_WORDS
    ]


def check_step(check: Checker, step, path: tuple) -> None:
    """Check one step: texts, the two other languages, what to bring, the official site."""
    if not isinstance(step, dict):
        check.fail(path, "a step must be a mapping with id, title, why...")
        return
    step_id = step.get("id")
    if not isinstance(step_id, str) or not SLUG.match(step_id) or len(step_id) > ID_LENGTH:
        check.fail(
            (*path, "id"),
            f"'id' must be lowercase letters, digits and -, at most {ID_LENGTH}, like carte-vitale",
        )
    known = {
        *("id", "picture", "title", "title_tr", "why", "why_tr", "bring", "where", "site"),
        *("delay", "text", "sources"),
    }
    for key in step:
        if key not in known:
            check.fail((*path, key), f"unknown key {key!r}: expected {', '.join(sorted(known))}")
    check.picture(step, path, required=True)
    check.text(step, "title", path, max_length=80)
    check.translations(step, "title_tr", path, max_length=120)
    check.text(step, "why", path, max_length=200)
    check.translations(step, "why_tr", path, max_length=200)
    check.strings(step, "bring", path, 1, 8, max_length=120)
    check.text(step, "where", path, max_length=300)
    check.text(step, "delay", path, max_length=200)
    if check.text(step, "text", path, max_length=1200):
        for sentence in long_sentences(step["text"]):
            check.fail(
                (*path, "text"),
                f"a sentence of more than {MAX_WORDS} words (easy French: cut it): "
                f"{sentence[:60]!r}",
            )
    if check.text(step, "site", path, max_length=200) and not official(step["site"]):
        check.fail(
            (*path, "site"),
            f"'site' is {step['site']!r}: expected an https address on an official site "
            f"({', '.join(OFFICIAL_HOSTS)})",
        )
    sources = check.strings(step, "sources", path, 1, 8, max_length=300)
    for index, url in enumerate(sources or []):
        if not re.match(r"^https?://[^\s/]+\.[a-z]{2,}(/\S*)?$", url):
            check.fail((*path, "sources", index), f"source {url!r} is not a web address")


def check_steps_file(data, lines: dict, file: str) -> list[Problem]:
    problems = check_items(data, lines, file, check_step, "step")
    if isinstance(data, list) and len(data) > MAX_STEPS:
        problems.append(Problem(file, 1, f"{len(data)} steps: at most {MAX_STEPS}"))
    return problems


def read_steps(path: Path = STEPS_FILE) -> tuple[list[dict], list[Problem]]:
    """Every step of the file, in order, checked; or the problems, each at its line."""
    name = _relative(path)
    data, lines, problems = read_yaml(path.read_text("utf-8"), name)
    problems = problems or check_steps_file(data, lines, name)
    return ([] if problems else data), problems


def step_stats(steps: list[dict]) -> dict:
    return {
        "steps": len(steps),
        "sources": sum(len(step["sources"]) for step in steps),
        "sites": dict(Counter(urlsplit(step["site"]).hostname for step in steps)),
        "marked_check": STEPS_FILE.read_text("utf-8").count("# [check]"),
    }


def load_steps(steps: list[dict]) -> Counter:
    """Insert new steps, update changed ones, retire those gone from the file. Idempotent."""
    existing = {step.id: step for step in db.session.scalars(sa.select(Step))}
    wanted = {
        data["id"]: {"position": position, "content": data, "content_hash": content_hash(data)}
        for position, data in enumerate(steps, start=1)
    }
    return sync_rows(Step, wanted, existing)
