"""Dashboard rules. Other features are read only through their service functions."""

import uuid
from collections import namedtuple
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from webapp.accounts import services as accounts
from webapp.accounts.models import Group, Role, User, group_membership
from webapp.core.database import rows_of
from webapp.core.errors import NotYours
from webapp.core.themes import THEME_NAMES
from webapp.core.time import as_utc, utcnow
from webapp.dashboard import impact as impact_rules
from webapp.dashboard.models import (
    Assignment,
    GroupSettings,
    HandledLine,
    ImpactCell,
    assignment_trainee,
)
from webapp.extensions import db
from webapp.journal import services as journal
from webapp.lessons import services as lessons
from webapp.live import services as live
from webapp.privacy.services import audit
from webapp.revision import services as revision
from webapp.week import services as week

PARIS = ZoneInfo("Europe/Paris")  # quarters start at midnight in Paris
PRACTICE_DONE = 5  # questions answered in the CCP or topic since it was assigned
KINDS = ("module", "lesson", "practice", "exam")


@dataclass(frozen=True)
class Status:
    done: bool
    label: str  # "3/8", "12/20", "" ...
    score: float  # 0..1, for sorting by progress


def settings_for(group: Group) -> GroupSettings:
    return db.session.get(GroupSettings, group.id) or GroupSettings(
        group_id=group.id, inactive_days=7
    )


def save_settings(group: Group, days: int, title: str) -> None:
    """The group's inactivity threshold and the title it prepares (a title code of TITLES)."""
    row = db.session.get(GroupSettings, group.id)
    if row is None:
        row = GroupSettings(group_id=group.id, inactive_days=days)
        db.session.add(row)
    row.inactive_days = days
    group.title = title
    db.session.commit()


# --- assignments ----------------------------------------------------------------------------


class Unreadable(ValueError):
    """A lesson the trainees of the group may not open (a co-teacher's, not in this group)."""


def assign(
    teacher,
    group: Group,
    client_id: str,
    kind: str,
    target: str,
    due_on: date | None,
    message: str,
    trainee_ids: list[int],
) -> Assignment:
    """Give the group (or chosen trainees) something to do; the same client id assigns once.

    The client id counts only for this teacher and this group, for a day: the same id sent by
    someone else, or on another group's form, is a new request and never returns their row.
    A lesson must be one the group's trainees may open now, else Unreadable.
    """
    target_key = f"group={group.id}"
    done = accounts.replayed(client_id, teacher, "assign", target_key)
    if done is not None and (found := db.session.get(Assignment, done)) is not None:
        return found
    if kind == "lesson" and not lessons.group_may_read(group.id, target):
        raise Unreadable(target)
    label = lessons.titles([target]).get(target, "") if kind == "lesson" else ""
    # The row's own id for replays is random: the request id lives (scoped) in the request log.
    assignment = Assignment(
        group_id=group.id,
        created_by=teacher.id,
        client_id=uuid.uuid4().hex,
        kind=kind,
        target=target,
        label=label,
        due_on=due_on,
        message=message.strip()[:200],
    )
    db.session.add(assignment)
    db.session.flush()
    members = {m.id for m in group.members if m.role is Role.TRAINEE}
    for user_id in set(trainee_ids) & members:
        db.session.execute(
            assignment_trainee.insert().values(assignment_id=assignment.id, user_id=user_id)
        )
    return accounts.commit_once(client_id, teacher, "assign", target_key, assignment)


def group_assignments(group: Group) -> tuple[list[Assignment], dict[int, set[int]]]:
    """A group's current assignments, and for each the chosen trainees (empty: everyone)."""
    return _assignments_of([group.id])


def _assignments_of(group_ids: list[int]) -> tuple[list, dict[int, set[int]]]:
    """These groups' current assignments, soonest due first, and for each the chosen trainees
    (empty: everyone): one query, a statement built once (every trainee's home asks it).

    The assignments are named tuples of their columns (AssignmentRow), not the ORM's objects:
    the pages only show them, and forty objects cost the ORM more than the query did.
    Changing one goes through `assignment_for`."""
    rows, targets = [], {}
    for found in rows_of(_GROUPS_ASSIGNMENTS, {"group_ids": group_ids}):
        row = AssignmentRow._make(found)
        if row.id not in targets:
            rows.append(row)
            targets[row.id] = set()
        if row.chosen is not None:
            targets[row.id].add(row.chosen)
    return rows, targets


def assignment_for(teacher, assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.group_id not in {g.id for g in teacher.groups}:
        raise NotYours
    return assignment


def withdraw(teacher: User, assignment: Assignment) -> None:
    """Take an assignment off the trainees' lists; their progress stays. Audited once."""
    if not assignment.withdrawn:
        assignment.withdrawn = True
        audit(teacher, "assignment_withdrawn", None, f"assignment={assignment.id}")
    db.session.commit()


def concerns(assignment: Assignment, targets: dict[int, set[int]], user_id: int) -> bool:
    chosen = targets.get(assignment.id)
    return not chosen or user_id in chosen


def statuses(
    assignments: list[Assignment],
    user_ids: list[int],
    exams: dict | None = None,
    title: str | None = None,
) -> dict[tuple[int, int], Status]:
    """Each trainee's status on each assignment, in a fixed number of queries."""
    if not assignments or not user_ids:
        return {}
    wanted = sorted({a.target for a in assignments if a.kind == "module"})
    done_lessons, modules = lessons.completion(user_ids, wanted)
    since = min(a.created_at for a in assignments)
    practice = (
        revision.practised(user_ids, since, title)
        if any(a.kind == "practice" for a in assignments)
        else {}
    )
    if exams is None and any(a.kind == "exam" for a in assignments):
        exams = revision.exams_of(user_ids)
    # Made once here, not at each of the (assignment, trainee) pairs (2,000 on a grid): each
    # module's lessons as a set, each trainee's exams with their end as an aware moment.
    module_lessons = {module: set(ids) for module, ids in modules.items()}
    finished = {
        user_id: [(as_utc(exam.finished_at), exam) for exam in found]
        for user_id, found in (exams or {}).items()
    }
    result = {}
    for assignment in assignments:
        for user_id in user_ids:
            result[(user_id, assignment.id)] = _status(
                assignment, user_id, done_lessons, module_lessons, practice, finished
            )
    return result


def _status(assignment, user_id, done_lessons, module_lessons, practice, finished) -> Status:
    """One trainee's status on one assignment. finished: each trainee's mock exams, newest
    first, with their aware end."""
    if assignment.kind == "module":
        ids = module_lessons.get(assignment.target, set())
        count = len(done_lessons[user_id] & ids)
        return Status(
            bool(ids) and count == len(ids), f"{count}/{len(ids)}", count / len(ids) if ids else 0
        )
    if assignment.kind == "lesson":
        done = assignment.target in done_lessons[user_id]
        return Status(done, "", 1.0 if done else 0)  # the grid shows the tick itself
    if assignment.kind == "practice":
        count = practice.get(user_id, {}).get(assignment.target, 0)
        return Status(
            count >= PRACTICE_DONE,
            f"{min(count, PRACTICE_DONE)}/{PRACTICE_DONE}",
            min(count, PRACTICE_DONE) / PRACTICE_DONE,
        )
    created = as_utc(assignment.created_at)
    # The newest exam taken since the assignment was given.
    exam = next((exam for end, exam in finished.get(user_id, ()) if end >= created), None)
    if exam is not None:
        return Status(
            True,
            f"{exam.score}/{len(exam.question_ids)}",
            exam.score / max(1, len(exam.question_ids)),
        )
    return Status(False, "", 0)


GRID_STATES = ("done", "late", "started", "todo")


def cell_state(status: Status, assignment: Assignment, today: date) -> str:
    """What a grid cell says besides its figure: done, late (due date passed), started, todo."""
    if status.done:
        return "done"
    if assignment.due_on is not None and assignment.due_on < today:
        return "late"
    return "started" if status.score > 0 else "todo"


def board(group: Group, trainees: list[User]):
    """Assignments, who they concern, every status, and the mock exams (shared with Today)."""
    assignments, targets = group_assignments(group)
    ids = [t.id for t in trainees]
    exams = revision.exams_of(ids) if ids else {}
    # Seen through this group, its trainees practise for the group's title.
    return assignments, targets, statuses(assignments, ids, exams, group.title), exams


def for_trainee(user) -> list[tuple[Assignment, Status]]:
    """What this trainee has been assigned, with where they are (for their home screen)."""
    group_ids = [g.id for g in user.groups]
    if not group_ids:
        return []
    rows, chosen = _assignments_of(group_ids)
    mine = [r for r in rows if not chosen[r.id] or user.id in chosen[r.id]]
    # A lesson they may no longer open (its author left their groups) is not theirs to do.
    readable = lessons.readable_ids(user, [r.target for r in mine if r.kind == "lesson"])
    mine = [r for r in mine if r.kind != "lesson" or r.target in readable]
    # Their title is their latest group's (as revision.title_codes decides), already loaded.
    title = max(user.groups, key=lambda group: (group.starts_on, group.id)).title
    found = statuses(mine, [user.id], title=title)
    return [(a, found[(user.id, a.id)]) for a in mine if not found[(user.id, a.id)].done]


# Building a statement cost SQLAlchemy more than running it.
_GROUPS_ASSIGNMENTS = (
    sa.select(*Assignment.__table__.c, assignment_trainee.c.user_id.label("chosen"))
    .outerjoin(assignment_trainee, assignment_trainee.c.assignment_id == Assignment.id)
    .where(
        Assignment.group_id.in_(sa.bindparam("group_ids", expanding=True)),
        Assignment.withdrawn.is_(False),
    )
    .order_by(Assignment.due_on.is_(None), Assignment.due_on, Assignment.id)
)
# An assignment as a named tuple: reading a field of a database row cost ten times a tuple's,
# and the home and the grid read each assignment's fields a dozen times (40 assignments).
AssignmentRow = namedtuple("AssignmentRow", _GROUPS_ASSIGNMENTS.selected_columns.keys())


# --- who needs help today -------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    trainee: User
    kind: str  # inactive, overdue, exam, mood, absences, assessment
    detail: object = ""  # days, the overdue assignment, a score, a mood, a stage
    # What this reason is, stably: a mark of "handled" covers it; a new reason gets a new key
    # (another assignment, another failed exam, a new hard day, a new absence).
    key: str = ""


def today_lines(
    group: Group,
    trainees: list[User],
    assignments,
    targets,
    grid,
    exams,
    today: date,
    *,
    inactive_days: int | None = None,
) -> list[Line]:
    """Each reason to look at each trainee today (the caller may pass the group's threshold it
    already read, to spare a query)."""
    ids = [t.id for t in trainees]
    days = inactive_days if inactive_days is not None else settings_for(group).inactive_days
    moods, stages = journal.flags(ids, today - timedelta(days=7))
    absences = week.repeated_absences(ids, today)
    lines = []
    for trainee in trainees:
        if trainee.last_seen_on is None or (today - trainee.last_seen_on).days > days:
            lines.append(
                Line(
                    trainee,
                    "inactive",
                    str((today - trainee.last_seen_on).days) if trainee.last_seen_on else "",
                    f"inactive:{trainee.last_seen_on}",
                )
            )
        for assignment in assignments:
            if (
                assignment.due_on
                and assignment.due_on < today
                and concerns(assignment, targets, trainee.id)
                and not grid[(trainee.id, assignment.id)].done
            ):
                lines.append(Line(trainee, "overdue", assignment, f"overdue:{assignment.id}"))
        recent = [
            e
            for e in exams.get(trainee.id, [])
            if e.finished_at.date() >= today - timedelta(days=14)
        ]
        if recent and not revision.exam_passed(recent[0]):
            lines.append(
                Line(
                    trainee,
                    "exam",
                    f"{recent[0].score}/{len(recent[0].question_ids)}",
                    f"exam:{recent[0].id}",
                )
            )
        if trainee.id in moods:
            mood, day = moods[trainee.id]
            lines.append(Line(trainee, "mood", str(mood), f"mood:{day}"))
        if trainee.id in absences:
            count, latest = absences[trainee.id]
            lines.append(Line(trainee, "absences", str(count), f"absences:{latest}"))
        if stage := journal.stage_due_in(group, stages[trainee.id], today):
            lines.append(Line(trainee, "assessment", stage, f"assessment:{stage}"))
    return lines


@dataclass(frozen=True)
class Handled:
    """The last "handled" mark on a trainee's line: by whom (None: account gone), when, and
    the reason keys it covered."""

    by: str | None
    at: datetime
    reasons: frozenset[str]


@dataclass(frozen=True)
class Entry:
    """One trainee on Today, with every reason to look at them."""

    trainee: User
    reasons: tuple[Line, ...]
    handled: Handled | None  # only when the mark covers every reason shown now

    @property
    def keys(self) -> str:
        return " ".join(line.key for line in self.reasons)


def by_trainee(lines: list[Line], marks: dict[int, Handled]) -> list[Entry]:
    """One entry per trainee, in the order they come; lines still to handle first.

    A mark counts only while it covers every current reason: a reason that appeared after it
    puts the trainee back among those to handle.
    """
    reasons: dict[int, list[Line]] = {}
    for line in lines:
        reasons.setdefault(line.trainee.id, []).append(line)
    entries = []
    for found in reasons.values():
        mark = marks.get(found[0].trainee.id)
        covered = mark is not None and {line.key for line in found} <= mark.reasons
        entries.append(Entry(found[0].trainee, tuple(found), mark if covered else None))
    return sorted(entries, key=lambda entry: entry.handled is not None)


def handled_marks(group: Group, trainee_ids: list[int]) -> dict[int, Handled]:
    """The last mark on each of these trainees' lines in this group, in one query."""
    if not trainee_ids:
        return {}
    rows = db.session.execute(
        sa.select(HandledLine, User.display_name)
        .outerjoin(User, User.id == HandledLine.handled_by)
        .where(HandledLine.group_id == group.id, HandledLine.trainee_id.in_(trainee_ids))
    )
    return {
        row.trainee_id: Handled(name, as_utc(row.handled_at), frozenset(row.reasons))
        for row, name in rows
    }


def mark_handled(
    teacher: User, group: Group, trainee: User, client_id: str, sent: list[str], current: list[Line]
) -> bool:
    """Mark the reasons the teacher saw (and still current) as handled; audited for the trainee.

    The same client id marks once (a double tap writes one mark and one audit row). Reasons
    sent that are not current any more are dropped; False when none is left.
    """
    target = f"group={group.id} trainee={trainee.id}"
    if accounts.replayed(client_id, teacher, "today_handled", target) is not None:
        return True
    keys = sorted(set(sent) & {line.key for line in current})
    if not keys:
        return False
    row = db.session.get(HandledLine, (group.id, trainee.id))
    if row is None:
        row = HandledLine(group_id=group.id, trainee_id=trainee.id)
        db.session.add(row)
    row.reasons, row.handled_by, row.handled_at = keys, teacher.id, utcnow()
    kinds = ",".join(sorted({key.split(":")[0] for key in keys}))  # no content, only kinds
    audit(teacher, "today_handled", trainee, f"group={group.id} reasons={kinds}")
    accounts.remember(client_id, teacher, "today_handled", target, True)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()  # the same tap, a moment ago: its mark stands
        if accounts.replayed(client_id, teacher, "today_handled", target) is None:
            raise
    return True


# --- the impact report ----------------------------------------------------------------------


@dataclass(frozen=True)
class ImpactReport:
    """One report: the cells it is made of (each group x ended quarter) and their sums."""

    period: impact_rules.Period
    quarters: tuple[impact_rules.Quarter, ...]  # the ended quarters of the period
    cells: list[impact_rules.Cell]
    figures: dict[str, impact_rules.Figure]

    @property
    def several(self) -> bool:
        """A site or a year: more than one group or quarter, so its cells are listed too (and
        its head counts count a trainee once per cell, not once)."""
        return len({(cell.group_id, cell.quarter) for cell in self.cells}) > 1

    @property
    def open(self) -> bool:
        """Nothing of the period has ended yet: nothing is published."""
        return not self.quarters


def impact_report(groups: list[Group], period: impact_rules.Period, today: date) -> ImpactReport:
    """The report for these groups: frozen cells of the period's ended quarters, summed.

    A handful of queries whatever the size: one to read the cells, and the first time a quarter
    is asked for after it ended, a few more to publish its cells.
    """
    quarters = period.closed_quarters(today)
    wanted = {
        (g.id, str(q)) for g in groups for q in quarters if q.overlaps(g.starts_on, g.ends_on)
    }
    for _attempt in range(3):  # another reader may publish some of them at the same moment
        cells = _stored_cells(wanted)
        missing = wanted - {(c.group_id, c.quarter) for c in cells}
        if not missing:
            break
        publish_cells(missing)
    cells.sort(key=lambda c: (c.quarter, c.group_id, impact_rules.FAMILIES.index(c.family)))
    return ImpactReport(period, quarters, cells, impact_rules.combine(cells))


def _stored_cells(wanted: set[tuple[int, str]]) -> list[impact_rules.Cell]:
    if not wanted:
        return []
    rows = db.session.scalars(
        sa.select(ImpactCell).where(
            ImpactCell.group_id.in_({g for g, _q in wanted}),
            ImpactCell.quarter.in_({q for _g, q in wanted}),
        )
    )
    return [
        impact_rules.Cell(row.group_id, row.quarter, row.family, row.people, row.figures)
        for row in rows
        if (row.group_id, row.quarter) in wanted
    ]


def publish_cells(wanted: set[tuple[int, str]]) -> int:
    """Compute and freeze the cells of these (group, ended quarter) pairs; return how many.

    Anonymous totals, not user data: a GET that publishes writes no one's data. Two readers
    publishing at once: the first wins, the second reads what it wrote.
    """
    quarters = sorted({impact_rules.Quarter.parse(q) for _g, q in wanted})
    group_ids = {g for g, _q in wanted}
    members: dict[int, set[int]] = {g: set() for g in group_ids}
    for group_id, user_id in db.session.execute(
        sa.select(group_membership.c.group_id, User.id)
        .join(User, User.id == group_membership.c.user_id)
        .where(group_membership.c.group_id.in_(group_ids), User.role == Role.TRAINEE)
    ):
        members[group_id].add(user_id)
    ids = sorted(set().union(*members.values()))
    since = _paris_midnight(quarters[0].first_day)
    until = _paris_midnight(quarters[-1].next.first_day)

    def inside(moment: datetime | None) -> bool:
        return moment is not None and since <= as_utc(moment) < until

    facts = impact_rules.Facts(
        members={g: frozenset(found) for g, found in members.items()},
        answers=[
            impact_rules.Answer(user, stage, _paris_day(at), ratings, shared)
            for user, stage, at, ratings, shared in journal.stage_answers(ids, since, until)
        ],
        lessons=[(user, _paris_day(at)) for user, at in lessons.completions(ids, since, until)],
        exams=[
            (exam.user_id, _paris_day(exam.finished_at), revision.exam_passed(exam))
            for found in (revision.exams_of(ids) if ids else {}).values()
            for exam in found
            if inside(exam.finished_at)
        ],
        live=[
            (user, session, _paris_day(at)) for user, session, at in live.plays(ids, since, until)
        ],
        mastery={
            user: {scope: tuple(pair) for scope, pair in found["scopes"].items()}
            for user, found in (revision.mastery(ids) if ids else {}).items()
        },
    )
    written = 0
    for quarter in quarters:
        for cell in impact_rules.build_cells(quarter, facts, list(THEME_NAMES)):
            if (cell.group_id, cell.quarter) in wanted:
                db.session.add(
                    ImpactCell(
                        group_id=cell.group_id,
                        quarter=cell.quarter,
                        family=cell.family,
                        people=cell.people,
                        figures=dict(cell.figures),
                    )
                )
                written += 1
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()  # someone published them a moment ago: theirs stand
        return 0
    return written


def publish_ended(today: date) -> int:
    """Freeze every cell of every ended quarter not published yet (`flask impact publish`)."""
    wanted = set()
    for group in db.session.scalars(sa.select(Group)):
        quarter = impact_rules.Quarter.of(group.starts_on)
        while quarter.overlaps(group.starts_on, group.ends_on) and quarter.closed(today):
            wanted.add((group.id, str(quarter)))
            quarter = quarter.next
    published = {
        tuple(row)
        for row in db.session.execute(sa.select(ImpactCell.group_id, ImpactCell.quarter).distinct())
    }
    written = 0
    for quarter in sorted({q for _g, q in wanted - published}):  # one quarter at a time
        written += publish_cells({(g, q) for g, q in wanted - published if q == quarter})
    return written


def impact_rows(report: ImpactReport, title: str, names: dict[int, str]) -> list[list]:
    """The CSV: the report's figures, then (for a site or a year) each cell it adds up."""
    rows = [["perimetre", "periode", "indicateur", "valeur"]]
    for family, figure in report.figures.items():
        rows += [
            [title, report.period.label, key, value] for key, value in _figure_lines(family, figure)
        ]
    for cell in report.cells if report.several else []:
        figure = impact_rules.combine([cell])[cell.family]
        rows += [
            [names[cell.group_id], cell.quarter, key, value]
            for key, value in _figure_lines(cell.family, figure)
        ]
    return rows


def _figure_lines(family: str, figure: impact_rules.Figure) -> list[tuple[str, object]]:
    """One figure as (indicator, value) lines; a figure made of no shown cell says "<5"."""
    prefix = "activity" if family == impact_rules.ACTIVITY else f"assessment_{family}"
    if not figure.shown:
        return [(f"{prefix}_people", f"<{impact_rules.MIN_PEOPLE}")]
    lines: list[tuple[str, object]] = [(f"{prefix}_people", figure.people)]
    if family == impact_rules.ACTIVITY:
        lines += [
            (key, figure.sums[key]) for key in ("lessons", "exams", "passed", "players", "sessions")
        ]
        lines += [(f"mastery_{scope}_percent", value) for scope, value in figure.mastery().items()]
        return lines
    for theme in THEME_NAMES:
        average = figure.average(theme)
        lines.append(
            (f"{prefix}_{theme}_average", "" if average is None else str(average).replace(".", ","))
        )
        lines += [
            (f"{prefix}_{theme}_level{level}", count)
            for level, count in zip(impact_rules.LEVELS, figure.levels(theme), strict=True)
        ]
    return lines


def _paris_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=PARIS).astimezone(UTC)


def _paris_day(moment: datetime) -> date:
    return as_utc(moment).astimezone(PARIS).date()
