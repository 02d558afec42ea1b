"""Calendar feeds (RFC 5545) built with the icalendar library, behind long revocable tokens.

The library (icalendar, maintained by the collective/Plone community, the usual Python choice)
writes the text, folds long lines, escapes commas and adds the Europe/Paris VTIMEZONE the
events point at, so phones show Paris times whatever their own zone.
"""

import hashlib
import secrets
from datetime import date, timedelta

import icalendar
import sqlalchemy as sa
from flask_babel import force_locale

from webapp.accounts import services as accounts
from webapp.accounts.models import Group, Role, User
from webapp.core.errors import NotYours
from webapp.core.i18n import gettext as _
from webapp.core.time import utcnow
from webapp.extensions import db
from webapp.steps import services as steps
from webapp.week import rules
from webapp.week.models import Appointment, Feed
from webapp.week.names import APPOINTMENTS, KINDS
from webapp.week.services import group_sessions

# What a feed holds: from a month back to a year ahead.
PAST, AHEAD = timedelta(days=31), timedelta(days=366)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _mine(user: User, group: Group | None):
    return sa.select(Feed).where(
        Feed.user_id == user.id,
        Feed.group_id.is_(None) if group is None else Feed.group_id == group.id,
    )


def new_token(user: User, group: Group | None = None) -> str:
    """A fresh address for this person's feed (the old one stops working); shown once."""
    db.session.execute(
        sa.delete(Feed).where(Feed.id.in_(_mine(user, group).with_only_columns(Feed.id)))
    )
    token = secrets.token_urlsafe(32)  # 256 random bits
    db.session.add(
        Feed(user_id=user.id, group_id=group.id if group else None, token_hash=_digest(token))
    )
    db.session.commit()
    return token


def revoke(user: User, group: Group | None = None) -> None:
    db.session.execute(
        sa.delete(Feed).where(Feed.id.in_(_mine(user, group).with_only_columns(Feed.id)))
    )
    db.session.commit()


def made_on(user: User, group: Group | None = None):
    """When the current feed address was made, or None when there is none."""
    feed = db.session.scalar(_mine(user, group))
    return feed.created_at if feed else None


def calendar_for_token(token: str, today: date) -> bytes | None:
    """The feed's text, or None for a wrong or revoked token, or a teacher no longer attached
    to the group (checked now, not when the address was made)."""
    feed = db.session.scalar(sa.select(Feed).where(Feed.token_hash == _digest(token)))
    if feed is None:
        return None
    user = db.session.get(User, feed.user_id)
    with force_locale(user.locale or "fr"):
        if feed.group_id is None:
            return trainee_calendar(user, today).to_ical() if user.role is Role.TRAINEE else None
        if not _attached(user, feed.group_id):
            return None
        group = db.session.get(Group, feed.group_id)
        return group_calendar(group, today).to_ical()


def _attached(user: User, group_id: int) -> bool:
    try:
        accounts.group_for(user, group_id)
    except NotYours:
        return False
    return user.role is Role.TEACHER


def _calendar(name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Passerelle//My week//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Paris")
    return calendar


def _session_events(calendar, group_ids: list[int], today: date) -> None:
    for session in group_sessions(group_ids, today - PAST, today + AHEAD):
        event = icalendar.Event()
        event.add("uid", f"session-{session.id}@passerelle")
        event.add("dtstamp", utcnow())
        event.add("dtstart", rules.in_paris(session.starts_at))
        event.add("dtend", rules.in_paris(session.ends_at))
        event.add("summary", f"{KINDS[session.kind][0]} {KINDS[session.kind][1]}")
        if session.place:
            event.add("location", session.place)
        if session.note:
            event.add("description", session.note)
        calendar.add_component(event)


def trainee_calendar(user: User, today: date) -> icalendar.Calendar:
    """The trainee's groups' sessions and their own appointments, with their reminders."""
    calendar = _calendar(_("My week · Passerelle"))
    _session_events(calendar, [group.id for group in user.groups], today)
    since, until = rules.paris_day_bounds(today - PAST, today + AHEAD)
    for row in db.session.scalars(
        sa.select(Appointment).where(
            Appointment.user_id == user.id,
            Appointment.starts_at >= since,
            Appointment.starts_at < until,
        )
    ):
        event = icalendar.Event()
        event.add("uid", f"appointment-{row.id}@passerelle")
        event.add("dtstamp", utcnow())
        starts = rules.in_paris(row.starts_at)
        event.add("dtstart", starts)
        event.add("dtend", starts + timedelta(hours=1))
        picture, name = APPOINTMENTS[row.kind]
        event.add("summary", f"{picture} {name}" + (f" · {row.title}" if row.title else ""))
        if row.place:
            event.add("location", row.place)
        if row.bring:
            event.add("description", _("To bring: %(what)s", what=row.bring))
        if row.remind_minutes:
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"{name}" + (f" · {row.place}" if row.place else ""))
            alarm.add("trigger", timedelta(minutes=-row.remind_minutes))
            event.add_component(alarm)
        calendar.add_component(event)
    _step_reminders(calendar, user, today)
    calendar.add_missing_timezones()
    return calendar


def _step_reminders(calendar, user: User, today: date) -> None:
    """The reminders set on steps after release: a whole day each, the phone ringing at 9:00
    that morning (an alarm 9 hours after the day starts), until the step is done."""
    for reminder in steps.reminders_between(user, today - PAST, today + AHEAD):
        if reminder.done:
            continue
        event = icalendar.Event()
        event.add("uid", f"step-{reminder.step_id}-{reminder.on.isoformat()}@passerelle")
        event.add("dtstamp", utcnow())
        event.add("dtstart", reminder.on)  # a DATE: the whole day
        event.add("dtend", reminder.on + timedelta(days=1))
        event.add("summary", _("Reminder: %(step)s", step=reminder.title))
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", reminder.title)
        alarm.add("trigger", timedelta(hours=9))
        event.add_component(alarm)
        calendar.add_component(event)


def group_calendar(group: Group, today: date) -> icalendar.Calendar:
    """A group's sessions (nothing personal), for the teacher's own calendar."""
    calendar = _calendar(f"{group.name} · Passerelle")
    _session_events(calendar, [group.id], today)
    calendar.add_missing_timezones()
    return calendar
