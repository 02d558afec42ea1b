"""Money rules as pure functions: reading amounts, and the month's reste à vivre.

Amounts are integer cents everywhere; never floats.
"""

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

MAX_CENTS = 1_000_000 * 100
# Per day left below these, the gauge turns orange, then red.
ORANGE_BELOW = 10 * 100
RED_BELOW = 5 * 100


class AmountError(ValueError):
    """Why a typed amount was refused (a key the form turns into a sentence)."""


def parse_amount(text: str | None) -> int:
    """Read "12,50", "12.50", "12", "1 200,50 €" as cents; refuse anything else."""
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", text or "")
    if not cleaned:
        raise AmountError("empty")
    if cleaned.startswith("-"):
        raise AmountError("negative")
    match = re.fullmatch(r"(\d+)(?:[.,](\d{1,2}))?", cleaned)
    if match is None:
        raise AmountError("not_a_number")
    euros = match.group(1).lstrip("0") or "0"
    if len(euros) > len(str(MAX_CENTS // 100)):  # before int(): 5,000 digits are not a number
        raise AmountError("too_big")
    cents = int(euros) * 100 + int((match.group(2) or "0").ljust(2, "0"))
    if cents == 0:
        raise AmountError("zero")
    if cents > MAX_CENTS:
        raise AmountError("too_big")
    return cents


@dataclass(frozen=True)
class Line:
    """One entry as the arithmetic sees it."""

    day: date
    cents: int
    income: bool
    fixed: bool  # generated from a recurring item (rent, phone, salary, benefits...)


@dataclass(frozen=True)
class MonthFigures:
    income_received: int
    income_expected: int  # still to come this month
    fixed: int  # all fixed charges of the month, paid or not
    spent: int  # other expenses so far
    reste_a_vivre: int  # income - fixed charges
    left: int  # what is left now for the rest of the period
    days: int  # days until the next income (today included)
    per_day: int
    next_income: date | None
    level: str  # ok, orange, red, or over (more went out than came in)

    @property
    def income(self) -> int:
        return self.income_received + self.income_expected

    @property
    def over_by(self) -> int:
        """How much more has gone out than came in until the next income; 0 when not over."""
        return max(0, -self.left)


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    return first, first.replace(day=monthrange(first.year, first.month)[1])


def month_figures(
    lines: list[Line], today: date, next_income: date | None, month: date | None = None
) -> MonthFigures:
    """The reste à vivre and what is left per day until the next income.

    For a past month, "today" is its last day: the figures are the month's final ones.
    """
    first, last = month_bounds(month or today)
    today = min(max(today, first), last)
    income_received = sum(e.cents for e in lines if e.income and e.day <= today)
    income_expected = sum(e.cents for e in lines if e.income and e.day > today)
    fixed = sum(e.cents for e in lines if not e.income and e.fixed)
    spent = sum(e.cents for e in lines if not e.income and not e.fixed and e.day <= today)
    reste = income_received + income_expected - fixed
    # Until the next income only what has arrived counts, and every expense dated before that
    # income (fixed charges still to pay included) must come out of it.
    horizon = next_income if next_income and next_income > today else None
    due = sum(e.cents for e in lines if not e.income and (e.day < horizon if horizon else True))
    left = income_received - due
    days = max(1, (horizon - today).days if horizon else (last - today).days + 1)
    per_day = left // days if left > 0 else left
    return MonthFigures(
        income_received,
        income_expected,
        fixed,
        spent,
        reste,
        left,
        days,
        per_day,
        horizon,
        level_of(left, per_day),
    )


def level_of(left: int, per_day: int) -> str:
    """Over budget is its own level: "almost nothing left" would tell someone in debt a lie."""
    if left < 0:
        return "over"
    return "red" if per_day < RED_BELOW else "orange" if per_day < ORANGE_BELOW else "ok"
