"""Rules and queries of My week: the group calendar and its changes."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from webapp.accounts import services as accounts
from webapp.accounts.models import Group, Role, User, group_membership
from webapp.core.database import rows_of
from webapp.core.errors import NotYours
from webapp.core.outbox import note
from webapp.core.records import already_sent, owned, save_once
from webapp.core.time import as_utc, utcnow
from webapp.extensions import db
from webapp.steps import services as steps
from webapp.week import attendance, rules
from webapp.week.models import Appointment, Attendance, Change, Feed, Seen, Session

# More than this in one pattern is refused (three months of every day is 92).
MOST_SESSIONS = 100


class TooMany(ValueError):
    """A pattern that would make more sessions than MOST_SESSIONS, or none."""


@dataclass(frozen=True)
class Item:
    """One line of a day: a group session or (later) the trainee's own appointment."""

    kind: str
    starts_at: datetime  # in Paris
    ends_at: datetime | None
    place: str
    note: str = ""
    row_id: int = 0
    own: bool = False  # the trainee's own appointment
    title: str = ""
    bring: str = ""
    shared: bool = False
    step: str = ""  # a step after release the trainee asked to be reminded of, this day


@dataclass
class Day:
    day: date
    items: list[Item] = field(default_factory=list)


# --- the teacher sets the calendar ----------------------------------------------------------


def add_pattern(
    teacher: User,
    group: Group,
    client_id: str,
    *,
    kind: str,
    place: str,
    note_text: str,
    first: date,
    last: date,
    weekdays: set[int],
    starts: time,
    ends: time,
) -> int:
    """Add one session on each chosen weekday from first to last; how many were added.

    The same form sent twice (a double tap, a replay) adds them once: the request id is
    remembered in the same transaction as the sessions."""
    target = f"group={group.id}"
    done = accounts.replayed(client_id, teacher, "week_pattern", target)
    if done is not None:
        note("duplicate")
        return int(done)
    days = rules.pattern_days(first, last, weekdays)
    if not days or len(days) > MOST_SESSIONS:
        raise TooMany(len(days))
    sessions = [
        Session(
            group_id=group.id,
            kind=kind,
            place=place.strip(),
            note=note_text.strip(),
            starts_at=rules.paris_moment(day, starts),
            ends_at=rules.paris_moment(day, ends),
            created_by_id=teacher.id,
        )
        for day in days
    ]
    db.session.add_all(sessions)
    _log_change(group, "added", kind, sessions)
    accounts.remember(client_id, teacher, "week_pattern", target, len(sessions))
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        done = accounts.replayed(client_id, teacher, "week_pattern", target)
        if done is None:
            raise
        note("duplicate")
        return int(done)
    note("stored")
    return len(sessions)


def _log_change(group: Group, what: str, kind: str, sessions: list[Session]) -> None:
    starts = sorted(as_utc(s.starts_at) for s in sessions)
    db.session.add(
        Change(
            group_id=group.id,
            what=what,
            kind=kind,
            first_at=starts[0],
            last_at=starts[-1],
            count=len(sessions),
        )
    )


def session_for(teacher: User, session_id: int) -> Session:
    """A session of a group the teacher is attached to now, else 404."""
    session = db.session.get(Session, session_id)
    if session is None:
        raise NotYours
    accounts.group_for(teacher, session.group_id)
    return session


def change_session(
    teacher: User,
    session: Session,
    *,
    kind: str,
    place: str,
    note_text: str,
    day: date,
    starts: time,
    ends: time,
) -> None:
    """Change one session; the trainees see it as changed (the same values again: nothing)."""
    new = {
        "kind": kind,
        "place": place.strip(),
        "note": note_text.strip(),
        "starts_at": rules.paris_moment(day, starts),
        "ends_at": rules.paris_moment(day, ends),
    }
    old = {name: getattr(session, name) for name in new}
    old["starts_at"], old["ends_at"] = as_utc(old["starts_at"]), as_utc(old["ends_at"])
    if old == new:
        return
    for name, value in new.items():
        setattr(session, name, value)
    _log_change(db.session.get(Group, session.group_id), "changed", kind, [session])
    db.session.commit()


def cancel_session(teacher: User, session: Session) -> None:
    """Remove a session (and its attendance marks); the trainees see it as cancelled."""
    _log_change(db.session.get(Group, session.group_id), "cancelled", session.kind, [session])
    db.session.delete(session)
    db.session.commit()


def group_sessions(group_ids: list[int], first: date, last: date) -> list[Session]:
    """The sessions of these groups from first to last (Paris days), in time order."""
    if not group_ids:
        return []
    since, until = rules.paris_day_bounds(first, last)
    return list(
        db.session.scalars(
            sa.select(Session)
            .where(
                Session.group_id.in_(group_ids),
                Session.starts_at >= since,
                Session.starts_at < until,
            )
            .order_by(Session.starts_at, Session.id)
        )
    )


def month_of_sessions(group: Group, month: date) -> list[Day]:
    """A group's month, day by day (days with no session left out), for the teacher."""
    last = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return by_day(
        session_items(group_sessions([group.id], month, last)), month, last, all_days=False
    )


def session_items(sessions: list[Session]) -> list[Item]:
    return [
        Item(
            s.kind,
            rules.in_paris(s.starts_at),
            rules.in_paris(s.ends_at),
            s.place,
            s.note,
            s.id,
        )
        for s in sessions
    ]


def by_day(items: list[Item], first: date, last: date, *, all_days: bool = True) -> list[Day]:
    days = {}
    day = first
    while day <= last:
        days[day] = Day(day)
        day += timedelta(days=1)
    for item in sorted(items, key=lambda i: i.starts_at):
        if item.starts_at.date() in days:
            days[item.starts_at.date()].items.append(item)
    return [d for d in days.values() if all_days or d.items]


# --- what the trainee sees ------------------------------------------------------------------


def days_of(user: User, first: date, last: date) -> list[Day]:
    """The trainee's days: their groups' sessions and their own appointments, in one query."""
    since, until = rules.paris_day_bounds(first, last)
    found = rows_of(
        _SESSIONS_AND_APPOINTMENTS, {"user_id": user.id, "since": since, "until": until}
    )
    # Each row unpacked as a tuple: reading a row's fields by name cost ten times as much.
    items = [
        Item(
            kind,
            rules.in_paris(starts_at),
            rules.in_paris(ends_at) if ends_at else None,
            place,
            remark,
            row_id,
            own=bool(own),
            title=title,
            bring=bring,
            shared=bool(shared),
        )
        for kind, starts_at, ends_at, place, remark, row_id, own, title, bring, shared in found
    ]
    # The reminders set on steps after release (My steps): a line of their day, first.
    items += [
        Item(
            "step",
            datetime.combine(reminder.on, time(0), tzinfo=rules.PARIS),
            None,
            "",
            title=reminder.title,
            step=reminder.step_id,
        )
        for reminder in steps.reminders_between(user, first, last)
        if not reminder.done
    ]
    return by_day(items, first, last)


def _sessions_and_appointments():
    """The statement of days_of, built once (the home page asks it at every visit, and building
    it cost SQLAlchemy more than running it)."""
    user_id, since, until = sa.bindparam("user_id"), sa.bindparam("since"), sa.bindparam("until")
    groups = sa.select(group_membership.c.group_id).where(group_membership.c.user_id == user_id)
    sessions = sa.select(
        Session.kind,
        Session.starts_at,
        Session.ends_at,
        Session.place,
        Session.note,
        Session.id,
        sa.literal(False).label("own"),
        sa.literal("").label("title"),
        sa.literal("").label("bring"),
        sa.literal(False).label("shared"),
    ).where(Session.group_id.in_(groups), Session.starts_at >= since, Session.starts_at < until)
    appointments = sa.select(
        Appointment.kind,
        Appointment.starts_at,
        sa.cast(sa.null(), sa.DateTime(timezone=True)),
        Appointment.place,
        sa.literal(""),
        Appointment.id,
        sa.literal(True),
        Appointment.title,
        Appointment.bring,
        Appointment.shared,
    ).where(
        Appointment.user_id == user_id,
        Appointment.starts_at >= since,
        Appointment.starts_at < until,
    )
    return sa.union_all(sessions, appointments)


_SESSIONS_AND_APPOINTMENTS = _sessions_and_appointments()


def week_of(user: User, monday: date) -> list[Day]:
    """The trainee's week, Monday to Sunday."""
    return days_of(user, monday, monday + timedelta(days=6))


@dataclass(frozen=True)
class Glance:
    """The home screen's card: today, and the next six days that hold something."""

    today: Day
    coming: list[Day]


def glance(user: User, today: date) -> Glance:
    days = days_of(user, today, today + timedelta(days=6))
    return Glance(days[0], [day for day in days[1:] if day.items])


# --- the trainee's own appointments ---------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What the trainee says about an appointment (the form's fields, checked)."""

    kind: str
    day: date
    at: time
    place: str = ""
    title: str = ""
    bring: str = ""
    remind_minutes: int | None = None

    def apply(self, row: Appointment) -> None:
        row.kind, row.title = self.kind, self.title.strip()
        row.place, row.bring = self.place.strip(), self.bring.strip()
        row.starts_at = rules.paris_moment(self.day, self.at)
        row.remind_minutes = self.remind_minutes or None


def add_appointment(user: User, client_id: str, plan: Plan) -> Appointment:
    """Record an appointment once per client id (a replay from an offline phone adds nothing).
    Private: nobody else sees it until the trainee shares it."""
    if done := already_sent(Appointment, client_id, user):
        return done
    row = Appointment(user_id=user.id, client_id=client_id, shared=False)
    plan.apply(row)
    return save_once(row, Appointment, client_id)


def own_appointment(user: User, appointment_id: int) -> Appointment:
    return owned(Appointment, appointment_id, user)


def change_appointment(appointment: Appointment, plan: Plan) -> None:
    """Save what the trainee changed (the same values sent again change nothing)."""
    plan.apply(appointment)
    db.session.commit()
    note("stored")


def set_shared(appointment: Appointment, shared: bool) -> None:
    appointment.shared = shared
    db.session.commit()


def delete_appointment(user: User, appointment_id: int) -> None:
    db.session.delete(own_appointment(user, appointment_id))
    db.session.commit()


def appointments_between(user: User, first: date, last: date, *, shared_only: bool = False):
    since, until = rules.paris_day_bounds(first, last)
    query = sa.select(Appointment).where(
        Appointment.user_id == user.id,
        Appointment.starts_at >= since,
        Appointment.starts_at < until,
    )
    if shared_only:
        query = query.where(Appointment.shared.is_(True))
    return list(db.session.scalars(query.order_by(Appointment.starts_at, Appointment.id)))


def appointment_items(appointments: list[Appointment]) -> list[Item]:
    return [
        Item(
            a.kind,
            rules.in_paris(a.starts_at),
            None,
            a.place,
            row_id=a.id,
            own=True,
            title=a.title,
            bring=a.bring,
            shared=a.shared,
        )
        for a in appointments
    ]


def shared_with_staff(trainee: User, today: date) -> list[Appointment]:
    """What a teacher of the trainee's group may read: the appointments the trainee shared,
    from a month ago on (the view audits the read)."""
    return appointments_between(
        trainee, today - timedelta(days=31), today + timedelta(days=366), shared_only=True
    )


def readers(user: User) -> list[User]:
    """Who sees what the trainee shares here: the teachers of their groups, now."""
    found = {
        member.id: member
        for group in user.groups
        for member in group.members
        if member.role is Role.TEACHER
    }
    return sorted(found.values(), key=lambda member: member.display_name)


def unseen_changes(user: User, now: datetime | None = None) -> list[sa.Row]:
    """Changes to the trainee's calendar since they last said they saw them (or since their
    account was made), about sessions still to come, newest first: one query."""
    now = now or utcnow()
    # Rows (what, kind, first day, count: all the sentence needs), not the ORM's objects.
    return rows_of(
        _UNSEEN_CHANGES,
        {
            "user_id": user.id,
            "created_at": as_utc(user.created_at),
            "recent": now - timedelta(hours=12),
        },
    ).all()


def _unseen_changes():
    """unseen_changes's statement, built once: the home page asks it at every visit."""
    user_id = sa.bindparam("user_id")
    seen = sa.select(Seen.seen_at).where(Seen.user_id == user_id).scalar_subquery()
    return (
        sa.select(*Change.__table__.c)
        .where(
            Change.group_id.in_(
                sa.select(group_membership.c.group_id).where(group_membership.c.user_id == user_id)
            ),
            Change.at > sa.func.coalesce(seen, sa.bindparam("created_at", type_=Change.at.type)),
            Change.last_at >= sa.bindparam("recent"),
        )
        .order_by(Change.at.desc(), Change.id.desc())
        .limit(5)
    )


_UNSEEN_CHANGES = _unseen_changes()


def mark_seen(user: User) -> None:
    """The trainee saw the changes: they leave the home screen (one row per trainee)."""
    row = db.session.get(Seen, user.id)
    if row is None:
        db.session.add(Seen(user_id=user.id, seen_at=utcnow()))
    else:
        row.seen_at = utcnow()
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same tap twice at once: the other one stored it
        db.session.rollback()
    note("stored")


# --- data rights ----------------------------------------------------------------------------


def repeated_absences(user_ids: list[int], today: date) -> dict[int, tuple[int, date]]:
    """For the teacher's Today: trainees with 3 or more unexcused absences in the last 14 days,
    with how many and the latest day (a new absence is a new reason to call)."""
    return attendance.repeated_absences(user_ids, today)


def export_for(user: User) -> dict:
    """Everything My week holds about user, as plain values (for "My data")."""
    appointments = db.session.scalars(
        sa.select(Appointment)
        .where(Appointment.user_id == user.id)
        .order_by(Appointment.starts_at, Appointment.id)
    )
    return {
        "appointments": [
            {
                "kind": a.kind,
                "title": a.title,
                "place": a.place,
                "bring": a.bring,
                "starts_at": rules.in_paris(a.starts_at).isoformat(),  # with its offset
                "remind_minutes_before": a.remind_minutes,
                "shared": a.shared,
                "created_at": as_utc(a.created_at).isoformat(),
            }
            for a in appointments
        ],
        "attendance": attendance.export_for(user),
    }


def erase_user(user_id: int) -> None:
    """Remove what My week holds about user_id (no commit)."""
    db.session.execute(sa.delete(Appointment).where(Appointment.user_id == user_id))
    db.session.execute(sa.delete(Attendance).where(Attendance.user_id == user_id))
    db.session.execute(sa.delete(Seen).where(Seen.user_id == user_id))
    db.session.execute(sa.delete(Feed).where(Feed.user_id == user_id))
