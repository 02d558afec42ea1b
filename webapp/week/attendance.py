"""Attendance for the 26-hour contract: marks per session, hours per week and month, the
repeated absences Today flags, and the monthly sheet."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from webapp.accounts.models import Group, User, group_membership
from webapp.core.i18n import gettext as _
from webapp.core.time import utcnow
from webapp.extensions import db
from webapp.week import rules
from webapp.week.models import Attendance, Session
from webapp.week.names import KINDS, STATUS_NAMES

CONTRACT_MINUTES = 26 * 60  # a week of the contract


def marks_for(session: Session) -> dict[int, str]:
    """Each trainee's mark at this session (user id -> status)."""
    return dict(
        db.session.execute(
            sa.select(Attendance.user_id, Attendance.status).where(
                Attendance.session_id == session.id
            )
        ).all()
    )


def mark(teacher: User, session: Session, marks: dict[int, str], trainee_ids: set[int]) -> int:
    """Save the marks sent for the group's trainees in one transaction (the same form sent
    twice gives the same marks). Ids not in the group and unknown statuses are ignored."""
    wanted = {
        user_id: status
        for user_id, status in marks.items()
        if user_id in trainee_ids and status in rules.STATUSES
    }
    stored = {
        row.user_id: row
        for row in db.session.scalars(
            sa.select(Attendance).where(
                Attendance.session_id == session.id, Attendance.user_id.in_(list(wanted))
            )
        )
    }
    for user_id, status in wanted.items():
        row = stored.get(user_id)
        if row is None:
            db.session.add(
                Attendance(
                    session_id=session.id,
                    user_id=user_id,
                    status=status,
                    marked_by_id=teacher.id,
                )
            )
        elif row.status != status:
            row.status, row.marked_by_id, row.marked_at = status, teacher.id, utcnow()
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same form at the same moment: the other one is stored
        db.session.rollback()
    return len(wanted)


@dataclass(frozen=True)
class Line:
    """One session of a trainee's sheet."""

    starts_at: datetime  # Paris
    ends_at: datetime
    kind: str
    place: str
    status: str | None
    minutes: int


def lines_for(user: User, first: date, last: date, group_ids: list[int] | None = None):
    """The trainee's sessions from first to last with their marks (one query). group_ids: only
    these groups (a teacher sees the groups they share with the trainee)."""
    since, until = rules.paris_day_bounds(first, last)
    groups = sa.select(group_membership.c.group_id).where(group_membership.c.user_id == user.id)
    query = (
        sa.select(Session, Attendance.status)
        .outerjoin(
            Attendance,
            sa.and_(Attendance.session_id == Session.id, Attendance.user_id == user.id),
        )
        .where(Session.group_id.in_(groups), Session.starts_at >= since, Session.starts_at < until)
        .order_by(Session.starts_at)
    )
    if group_ids is not None:
        query = query.where(Session.group_id.in_(group_ids))
    return [
        Line(
            rules.in_paris(session.starts_at),
            rules.in_paris(session.ends_at),
            session.kind,
            session.place,
            status,
            rules.minutes_between(session.starts_at, session.ends_at),
        )
        for session, status in db.session.execute(query)
    ]


def totals(lines: list[Line], now: datetime) -> rules.Hours:
    """Hours of these lines; sessions still to come are not counted as unmarked."""
    return rules.count_hours(
        (line.minutes, line.status)
        for line in lines
        if line.status is not None or line.starts_at < now
    )


def by_week(lines: list[Line], now: datetime) -> list[tuple[date, rules.Hours]]:
    weeks: dict[date, list[Line]] = {}
    for line in lines:
        weeks.setdefault(rules.monday_of(line.starts_at.date()), []).append(line)
    return [(monday, totals(found, now)) for monday, found in sorted(weeks.items())]


def absence_days(user_ids: list[int], since: date) -> dict[int, list[date]]:
    """For Today, in one query: the Paris days of each trainee's unexcused absences since."""
    if not user_ids:
        return {}
    found: dict[int, list[date]] = {}
    rows = db.session.execute(
        sa.select(Attendance.user_id, Session.starts_at)
        .join(Session, Session.id == Attendance.session_id)
        .where(
            Attendance.user_id.in_(user_ids),
            Attendance.status == "absent",
            Session.starts_at >= rules.paris_day_bounds(since, since)[0],
        )
    )
    for user_id, starts_at in rows:
        found.setdefault(user_id, []).append(rules.in_paris(starts_at).date())
    return found


def repeated_absences(user_ids: list[int], today: date) -> dict[int, tuple[int, date]]:
    """Trainees with 3 or more unexcused absences in the last 14 days: (how many, latest)."""
    flagged = {}
    for user_id, days in absence_days(user_ids, today - timedelta(days=13)).items():
        latest = rules.repeated_absences(days, today)
        if latest is not None:
            flagged[user_id] = (len([d for d in days if d <= today]), latest)
    return flagged


def shared_groups(teacher: User, trainee: User) -> list[int]:
    mine = {group.id for group in teacher.groups}
    return [group.id for group in trainee.groups if group.id in mine]


def group_of(session: Session) -> Group:
    return db.session.get(Group, session.group_id)


def export_for(user: User) -> list[dict]:
    rows = db.session.execute(
        sa.select(Session.starts_at, Session.ends_at, Session.kind, Attendance.status)
        .join(Attendance, Attendance.session_id == Session.id)
        .where(Attendance.user_id == user.id)
        .order_by(Session.starts_at)
    )
    return [
        {
            "starts_at": rules.in_paris(starts).isoformat(),
            "ends_at": rules.in_paris(ends).isoformat(),
            "kind": kind,
            "status": status,
        }
        for starts, ends, kind, status in rows
    ]


def sheet_rows(name: str, month: date, lines: list[Line], total: rules.Hours) -> list[list]:
    """The monthly sheet as rows for a spreadsheet: a line per session, then the totals."""
    rows = [[_("Name"), name], [_("Month"), f"{month:%Y-%m}"], []]
    rows.append([_("Day"), _("From"), _("To"), _("What"), _("Where"), _("Mark"), _("Hours")])
    for line in lines:
        rows.append(
            [
                line.starts_at.date().isoformat(),
                f"{line.starts_at:%H:%M}",
                f"{line.ends_at:%H:%M}",
                str(KINDS[line.kind][1]),
                line.place,
                str(STATUS_NAMES[line.status][1]) if line.status else "",
                rules.as_hours(line.minutes),
            ]
        )
    rows.append([])
    rows.append([_("Hours present (present or late)"), rules.as_hours(total.worked)])
    rows.append([_("Hours of excused absence"), rules.as_hours(total.excused)])
    rows.append([_("Hours of absence"), rules.as_hours(total.absent)])
    rows.append([_("Hours not marked yet"), rules.as_hours(total.unmarked)])
    return rows
