"""The week's rules on plain values: repeating a pattern, Paris time, hours counted."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
# A pattern fills at most three months: a longer range is most likely a typing slip.
LONGEST_PATTERN = timedelta(days=92)


def paris_moment(day: date, at: time) -> datetime:
    """A day and a wall-clock time in Paris, as an aware UTC datetime (what is stored)."""
    return datetime.combine(day, at, tzinfo=PARIS).astimezone(UTC)


def in_paris(moment: datetime) -> datetime:
    """A stored moment (aware, or naive UTC as SQLite returns it) on the Paris clock."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(PARIS)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def pattern_days(first: date, last: date, weekdays: set[int]) -> list[date]:
    """Every day from first to last (both included) whose weekday (0 = Monday) is chosen."""
    days, day = [], first
    while day <= last:
        if day.weekday() in weekdays:
            days.append(day)
        day += timedelta(days=1)
    return days


def paris_day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """From midnight starting `first` to midnight ending `last`, in Paris, as UTC moments."""
    return paris_moment(first, time()), paris_moment(last + timedelta(days=1), time())


# --- attendance ----------------------------------------------------------------------------

# What each mark counts for the contract's hours: present and late people were there (a late
# arrival is noted, the session still counts: the workshop corrects by hand if it must);
# an excused absence is counted apart (it may be paid); an absence counts nothing.
STATUSES = ("present", "late", "absent", "excused")
WORKED = {"present", "late"}


@dataclass(frozen=True)
class Hours:
    """Minutes of sessions, split by what the attendance says."""

    worked: int = 0  # present or late
    excused: int = 0
    absent: int = 0
    unmarked: int = 0  # past sessions nobody marked yet

    def __add__(self, other: "Hours") -> "Hours":
        return Hours(
            self.worked + other.worked,
            self.excused + other.excused,
            self.absent + other.absent,
            self.unmarked + other.unmarked,
        )


def minutes_between(starts_at: datetime, ends_at: datetime) -> int:
    return int((ends_at - starts_at).total_seconds() // 60)


def count_hours(rows) -> Hours:
    """rows: (minutes, status or None). Hours of a week, a month or any span."""
    total = Hours()
    for minutes, status in rows:
        if status in WORKED:
            total += Hours(worked=minutes)
        elif status == "excused":
            total += Hours(excused=minutes)
        elif status == "absent":
            total += Hours(absent=minutes)
        else:
            total += Hours(unmarked=minutes)
    return total


def as_hours(minutes: int) -> str:
    """7 h 30 as "7:30" (what a pay sheet shows); never a float."""
    return f"{minutes // 60}:{minutes % 60:02d}"


def repeated_absences(days: list[date], today: date, *, window: int = 14, most: int = 3):
    """The latest day of the unexcused absences in the last `window` days when there are at
    least `most` of them, else None (the Today line is keyed by it: a new absence is a new
    reason to call)."""
    recent = sorted(day for day in days if today - timedelta(days=window) < day <= today)
    return recent[-1] if len(recent) >= most else None
