"""The CV as plain values and as plain text, and the rules that choose what it says.

Pure functions on plain values (tested without a request). The CV is always in French: it goes
to French employers, whatever language the trainee reads the app in. Nothing built here names
where the trainee comes from: the workshop is its employer's name and the job; a gap in the
dates is said only in the trainee's own words.
"""

from dataclasses import dataclass, field
from datetime import date

from webapp.core import titles

MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
)
LICENCES = {"B": "Permis B", "B_soon": "Permis B en cours", "none": ""}
LAYOUTS = ("classic", "columns")
# A competency counts as mastered in revision from this share of its questions mastered.
MASTERED_SHARE = 0.8


@dataclass(frozen=True)
class Experience:
    """One line of the experience part: when, the job, where, what was done."""

    when: str
    job: str
    employer: str = ""
    place: str = ""
    tasks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cv:
    name: str
    contact: tuple[str, ...]
    summary: str
    title: str  # "Titre professionnel ... (en préparation)", or "" when the trainee hides it
    competencies: tuple[str, ...]
    experiences: tuple[Experience, ...]
    languages: tuple[str, ...]
    licence: str
    qualities: tuple[str, ...]
    gap: str
    layout: str = "classic"
    extra: dict = field(default_factory=dict)


def month_year(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def period(start: date, end: date | None, today: date) -> str:
    """ "depuis mars 2026" while it runs, else "mars 2026 – janvier 2027"."""
    if end is None or end >= today:
        return f"depuis {month_year(start)}"
    if (start.year, start.month) == (end.year, end.month):
        return month_year(start)
    return f"{month_year(start)} – {month_year(end)}"


def years(first: int, last: int | None) -> str:
    if last is None:
        return f"depuis {first}"
    return str(first) if last == first else f"{first} – {last}"


def items(text: str) -> tuple[str, ...]:
    """A list the trainee typed with commas, semicolons or one per line, cleaned, each item
    starting with a capital (on a CV each is a line of its own)."""
    parts = (part.strip() for part in text.replace(";", ",").replace("\n", ",").split(","))
    return tuple(part[0].upper() + part[1:] for part in parts if part)


def mastered_competencies(
    code: str, by_competency: dict[str, list[int]], exams: list[dict[str, list[int]]]
) -> tuple[str, ...]:
    """The title's competencies the trainee has mastered, in the title's order.

    Mastered in revision: at least 80 % of its questions (revision's own mastery). Or shown in
    a mock exam: at least half right in its CCP, the mock exam's own pass rule per CCP.
    """
    title = titles.title(code)
    passed = {
        scope
        for per_ccp in exams
        for scope, (right, asked) in per_ccp.items()
        if asked and 2 * right >= asked
    }
    found = []
    for unit in title.units:
        for name in unit.competencies:
            mastered, total = by_competency.get(name, (0, 0))
            if unit.scope in passed or (total and mastered >= MASTERED_SHARE * total):
                found.append(name)
    return tuple(found)


def title_line(code: str) -> str:
    title = titles.title(code)
    return f"Titre professionnel {title.name} (niveau 3), en préparation"


def as_text(cv: Cv) -> str:
    """The CV as plain text, to paste into a job site's form (no tabs, no bullets to lose)."""
    lines = [cv.name.upper(), *cv.contact]
    if cv.summary:
        lines += ["", cv.summary]
    if cv.title:
        lines += ["", "FORMATION", cv.title]
        if cv.competencies:
            lines.append("Compétences : " + " ; ".join(cv.competencies) + ".")
    if cv.experiences:
        lines += ["", "EXPÉRIENCE"]
        for item in cv.experiences:
            where = ", ".join(part for part in (item.employer, item.place) if part)
            lines.append(f"{item.when} : {item.job}" + (f" – {where}" if where else ""))
            lines += [f"- {task}" for task in item.tasks]
    if cv.gap:
        lines += ["", cv.gap]
    skills = [
        ("Langues", " ; ".join(cv.languages)),
        ("Permis", cv.licence),
        ("Qualités", " ; ".join(cv.qualities)),
    ]
    shown = [f"{label} : {value}" for label, value in skills if value]
    if shown:
        lines += ["", "ATOUTS", *shown]
    return "\n".join(lines) + "\n"
