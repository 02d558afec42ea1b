"""Plausible dates: every date typed in a form or read from an address is between these.

A date in year 9999 or 1 made pages fail (the month after 9999-12 does not exist); nobody in the
programme writes about a day before 2000 or after 2100.
"""

from datetime import date

from wtforms.validators import ValidationError

from webapp.core.i18n import format_date
from webapp.core.i18n import lazy_gettext as _l

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def plausible(day: date) -> bool:
    return EARLIEST <= day <= LATEST


def parse_day(text: str | None) -> date | None:
    """A day written 2026-05-31 (what a date input sends), or None if it is not a plausible one."""
    if not text or len(text) != 10:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if plausible(day) else None


def parse_month(year: int, number: int) -> date | None:
    """The first day of a month named in an address, or None if there is no such month here."""
    if not (EARLIEST.year <= year <= LATEST.year and 1 <= number <= 12):
        return None
    return date(year, number, 1)


def out_of_range():
    """What a person reads when a typed date is not plausible."""
    return _l(
        "Choose a date between %(first)s and %(last)s.",
        first=format_date(EARLIEST),
        last=format_date(LATEST),
    )


class PlausibleDate:
    """WTForms validator: the date must be between EARLIEST and LATEST (empty is left to others)."""

    def __call__(self, form, field):
        if field.data is not None and not plausible(field.data):
            raise ValidationError(out_of_range())
