"""The impact report's arithmetic, on plain values (no database, no request).

The only unit of aggregation is a *cell*: one group over one fixed calendar quarter, for one
family of figures. A cell is shown only when at least MIN_PEOPLE trainees are behind it, and a
site figure or a year figure is the sum of shown cells, never a recount of raw rows. So any two
figures a staff member can obtain differ by whole shown cells, each of MIN_PEOPLE people or
more: subtracting one report from another singles nobody out.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

MIN_PEOPLE = 5
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the plausible range of a report's year
STAGES = ("entry", "mid", "exit")
ACTIVITY = "activity"  # lessons, mastery, mock exams, live quizzes: the group's trainees
FAMILIES = (ACTIVITY, *STAGES)  # each stage of the self-assessment: who answered it
LEVELS = (1, 2, 3, 4)
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str | None) -> "Quarter | None":
        """ "2026-Q3" -> Quarter(2026, 3); anything else, or a year out of range, -> None."""
        found = _QUARTER.fullmatch(text or "")
        if not found or not FIRST_YEAR <= int(found[1]) <= LAST_YEAR:
            return None
        return cls(int(found[1]), int(found[2]))

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def next(self) -> "Quarter":
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    @property
    def previous(self) -> "Quarter":
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    def closed(self, today: date) -> bool:
        """Only ended quarters are reported: their cells can be frozen."""
        return today >= self.next.first_day

    def overlaps(self, starts_on: date, ends_on: date) -> bool:
        return self.first_day <= ends_on and starts_on < self.next.first_day

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"


@dataclass(frozen=True)
class Period:
    """What a report covers: one quarter, or a year (the sum of its quarters)."""

    label: str
    quarters: tuple[Quarter, ...]

    def closed_quarters(self, today: date) -> tuple[Quarter, ...]:
        return tuple(q for q in self.quarters if q.closed(today))


def parse_period(period: str | None, year: str | None, today: date) -> Period | None:
    """The period asked for: a quarter ("2026-Q3") or a year ("2026", as `period` or `year`);
    by default the last ended quarter. None when the text is neither, or not a plausible year.
    """
    text = period if period is not None else year
    if text is None:
        last = Quarter.of(today).previous
        return Period(str(last), (last,))
    quarter = Quarter.parse(text) if period is not None else None
    if quarter:
        return Period(str(quarter), (quarter,))
    if not re.fullmatch(r"\d{4}", text) or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        return None
    return Period(text, tuple(Quarter(int(text), n) for n in (1, 2, 3, 4)))


def choices(spans: Iterable[tuple[date, date]], today: date) -> list[Period]:
    """The ended quarters the groups lived through, newest first, each year before its quarters."""
    quarters = set()
    for starts_on, ends_on in spans:
        quarter = Quarter.of(starts_on)
        while quarter.overlaps(starts_on, ends_on) and quarter.closed(today):
            quarters.add(quarter)
            quarter = quarter.next
    found: list[Period] = []
    for year in sorted({q.year for q in quarters}, reverse=True):
        found.append(Period(str(year), tuple(Quarter(year, n) for n in (1, 2, 3, 4))))
        found += [Period(str(q), (q,)) for q in sorted(quarters, reverse=True) if q.year == year]
    return found


# --- the cells ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One self-assessment answer, without a name: who (an id), which stage, which day, ratings."""

    user_id: int
    stage: str
    day: date
    ratings: Mapping[str, int]
    shared: bool = False  # the trainee shared it: the group's teachers can read it one by one


@dataclass(frozen=True)
class Facts:
    """What the cells are made of, as plain values. Answers in the order they were given."""

    members: Mapping[int, frozenset[int]]  # group id -> its trainees' ids
    answers: Sequence[Answer] = ()
    lessons: Sequence[tuple[int, date]] = ()  # a lesson completed: (user, day)
    exams: Sequence[tuple[int, date, bool]] = ()  # a mock exam finished: (user, day, passed)
    live: Sequence[tuple[int, int, date]] = ()  # played a live quiz: (user, session, day)
    mastery: Mapping[int, Mapping[str, tuple[int, int]]] = field(default_factory=dict)
    # user -> CCP or topic -> (questions mastered now, questions in the bank)


@dataclass(frozen=True)
class Cell:
    """One group's anonymous totals for one quarter and one family of figures.

    A cell under MIN_PEOPLE keeps neither its figures nor its head count: only that it is hidden.
    """

    group_id: int
    quarter: str
    family: str
    people: int = 0
    figures: Mapping = field(default_factory=dict)

    @property
    def shown(self) -> bool:
        return self.people >= MIN_PEOPLE


def _cell(
    group_id: int,
    quarter: Quarter,
    family: str,
    people: int,
    figures: dict,
    private: int | None = None,
) -> Cell:
    """A cell, hidden under MIN_PEOPLE. For the self-assessment, `private` counts the answers the
    group's teachers cannot read one by one: a teacher who subtracts the shared answers they can
    read must still be left with at least MIN_PEOPLE people mixed together."""
    if people < MIN_PEOPLE or (private is not None and private < MIN_PEOPLE):
        return Cell(group_id, str(quarter), family)
    return Cell(group_id, str(quarter), family, people, figures)


def assessment_figures(ratings: Iterable[Mapping[str, int]], themes: Iterable[str]) -> dict:
    """Per theme: the sum of ratings, how many rated it, and how many chose each level 1-4."""
    rows = list(ratings)
    figures = {}
    for theme in themes:
        values = [row[theme] for row in rows if row.get(theme) in LEVELS]
        figures[theme] = {
            "sum": sum(values),
            "count": len(values),
            "levels": [values.count(level) for level in LEVELS],
        }
    return {"themes": figures}


def build_cells(quarter: Quarter, facts: Facts, themes: Sequence[str]) -> list[Cell]:
    """Every cell of every group for one quarter."""
    start, end = quarter.first_day, quarter.next.first_day

    def inside(day: date) -> bool:
        return start <= day < end

    latest: dict[tuple[int, str], Answer] = {}
    for answer in facts.answers:
        if answer.stage in STAGES and inside(answer.day):
            latest[(answer.user_id, answer.stage)] = answer  # the last one in the quarter
    lessons = [user for user, day in facts.lessons if inside(day)]
    exams = [(user, passed) for user, day, passed in facts.exams if inside(day)]
    plays = {(user, session) for user, session, day in facts.live if inside(day)}
    cells = []
    for group_id, members in sorted(facts.members.items()):
        for stage in STAGES:
            answers = [latest[(user, stage)] for user in members if (user, stage) in latest]
            cells.append(
                _cell(
                    group_id,
                    quarter,
                    stage,
                    len(answers),
                    assessment_figures([a.ratings for a in answers], themes),
                    private=sum(1 for a in answers if not a.shared),
                )
            )
        mastery: dict[str, list[int]] = {}
        holders: dict[str, int] = {}
        for user in members:
            for scope, (mastered, bank) in facts.mastery.get(user, {}).items():
                total = mastery.setdefault(scope, [0, 0])
                total[0] += mastered
                total[1] += bank
                holders[scope] = holders.get(scope, 0) + 1
        # A CCP follows each trainee's title: one who prepares another title than the rest of the
        # group would make a figure of fewer people than the cell. Only scopes that every member
        # of the cell has are kept, so each figure counts the whole cell.
        mastery = {
            scope: total for scope, total in mastery.items() if holders[scope] == len(members)
        }
        group_exams = [passed for user, passed in exams if user in members]
        played = [user for user, _session in plays if user in members]
        cells.append(
            _cell(
                group_id,
                quarter,
                ACTIVITY,
                len(members),
                {
                    "lessons": sum(1 for user in lessons if user in members),
                    "exams": len(group_exams),
                    "passed": sum(group_exams),
                    "players": len(set(played)),
                    "sessions": len(played),
                    "mastery": dict(sorted(mastery.items())),
                },
            )
        )
    return cells


# --- sums of shown cells --------------------------------------------------------------------


def add(one, other):
    """Figures added key by key, level by level: the only way two cells are put together."""
    if one is None:
        return other
    if other is None:
        return one
    if isinstance(one, Mapping):
        return {key: add(one.get(key), other.get(key)) for key in sorted({*one, *other})}
    if isinstance(one, list | tuple):
        return [add(a, b) for a, b in zip(one, other, strict=True)]
    return one + other


@dataclass(frozen=True)
class Figure:
    """One family's figure for a report: the sum of its shown cells."""

    family: str
    people: int = 0  # a trainee counts once per cell they are in
    shown: int = 0  # cells added up
    hidden: int = 0  # cells left out: fewer than MIN_PEOPLE people
    sums: Mapping = field(default_factory=dict)

    def average(self, theme: str) -> float | None:
        totals = self.sums.get("themes", {}).get(theme)
        return round(totals["sum"] / totals["count"], 2) if totals and totals["count"] else None

    def levels(self, theme: str) -> list[int]:
        return list(self.sums.get("themes", {}).get(theme, {}).get("levels", [0] * len(LEVELS)))

    def mastery(self) -> dict[str, int]:
        return {
            scope: round(100 * mastered / bank)
            for scope, (mastered, bank) in self.sums.get("mastery", {}).items()
            if bank
        }


def combine(cells: Iterable[Cell]) -> dict[str, Figure]:
    """Each family's figure: the sum of the shown cells only; hidden cells add nothing."""
    people = dict.fromkeys(FAMILIES, 0)
    shown = dict.fromkeys(FAMILIES, 0)
    hidden = dict.fromkeys(FAMILIES, 0)
    sums: dict[str, Mapping | None] = dict.fromkeys(FAMILIES)
    for cell in cells:
        if not cell.shown:
            hidden[cell.family] += 1
            continue
        people[cell.family] += cell.people
        shown[cell.family] += 1
        sums[cell.family] = add(sums[cell.family], cell.figures)
    return {
        family: Figure(family, people[family], shown[family], hidden[family], sums[family] or {})
        for family in FAMILIES
    }
