"""Time helpers: everything is stored in UTC."""

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Return the current time in UTC, timezone-aware."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Return moment as aware UTC (SQLite hands back naive datetimes that were stored in UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def local_today():
    """Today in the user's time zone (Europe/Paris): a trainee's day, not the server's."""
    from webapp.core.i18n import zone

    return utcnow().astimezone(zone()).date()


def first_of_month(year: int | None, number: int | None) -> date | None:
    """The month asked for in an address (None if there is no such plausible month), else this
    month."""
    from webapp.core.dates import parse_month

    if year is None:
        return local_today().replace(day=1)
    return parse_month(year, number)
