"""Rules for my steps: the checklist, ticks and notes sent twice counted once, sharing a step with
the social worker (a teacher of the trainee's group now), comments, what is stuck the longest,
the week's reminders, export and erasure."""

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from webapp.accounts import services as accounts
from webapp.accounts.models import Group, User
from webapp.core.database import rows_of
from webapp.core.errors import NotYours
from webapp.core.outbox import note
from webapp.core.time import as_utc, utcnow
from webapp.extensions import db
from webapp.steps.models import Step, StepComment, TraineeStep


@dataclass(frozen=True)
class Line:
    """A step of the checklist and where this trainee is with it (None: not started)."""

    step: Step
    mine: TraineeStep | None

    @property
    def done(self) -> bool:
        return bool(self.mine and self.mine.done)

    @property
    def shared(self) -> bool:
        return bool(self.mine and self.mine.shared)


@dataclass(frozen=True)
class Reminder:
    """A date a trainee set to be reminded of a step (for My week)."""

    step_id: str
    title: str
    on: date
    done: bool


@dataclass(frozen=True)
class Stuck:
    """A shared step not done yet, and since when it waits (for the teacher's Today)."""

    trainee: User
    step_id: str
    title: str
    picture: str
    since: date
    note: str


# --- the content ----------------------------------------------------------------------------


def current_steps() -> list[Step]:
    return list(
        db.session.scalars(
            sa.select(Step).where(Step.retired.is_(False)).order_by(Step.position, Step.id)
        )
    )


def get_step(step_id: str) -> Step:
    step = db.session.get(Step, step_id)
    if step is None or step.retired:
        raise NotYours
    return step


def spoken_texts() -> list[tuple[str, str]]:
    """What the steps read aloud (French), for `flask audio build`."""
    return [(text, "fr") for step in current_steps() for text in step_texts(step.content)]


def step_texts(content: dict) -> list[str]:
    """Every French text a step's page reads aloud, in the page's order."""
    return [
        content["title"],
        content["why"],
        content["text"],
        *content["bring"],
        content["where"],
        content["delay"],
    ]


# --- the trainee's checklist ----------------------------------------------------------------


def checklist(user) -> list[Line]:
    """Every current step with this trainee's state, in the file's order (two queries)."""
    mine = {
        row.step_id: row
        for row in db.session.scalars(sa.select(TraineeStep).where(TraineeStep.user_id == user.id))
    }
    return [Line(step, mine.get(step.id)) for step in current_steps()]


def line_of(user, step_id: str) -> Line:
    step = get_step(step_id)
    return Line(step, _mine(user.id, step.id))


def _mine(user_id: int, step_id: str) -> TraineeStep | None:
    return db.session.scalar(
        sa.select(TraineeStep).where(TraineeStep.user_id == user_id, TraineeStep.step_id == step_id)
    )


def _write(user, step_id: str, **values) -> TraineeStep:
    """Set these values on the trainee's row of the step (made on first write), once: the same
    values sent again (a double tap, an offline replay) change nothing and say "duplicate"."""
    step = get_step(step_id)
    for _attempt in range(2):
        row = _mine(user.id, step.id)
        if row is None:
            row = TraineeStep(user_id=user.id, step_id=step.id, note="")
            db.session.add(row)
        elif all(getattr(row, key) == value for key, value in values.items()):
            note("duplicate")
            return row
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = utcnow()
        try:
            db.session.commit()
        except sa.exc.IntegrityError:  # the same first write arrived twice at once
            db.session.rollback()
            continue
        note("stored")
        return row
    raise NotYours  # pragma: no cover - two clashes in a row: the row is gone


def tick(user, step_id: str, done: bool, today: date) -> TraineeStep:
    """Tick or untick a step: the state wanted is sent, so a replay changes nothing."""
    current = _mine(user.id, step_id)
    if current is not None and current.done == done:
        get_step(step_id)
        note("duplicate")
        return current
    return _write(user, step_id, done=done, done_on=today if done else None)


def set_status(
    user, step_id: str, *, note_text: str, waiting_since: date | None, remind_on: date | None
) -> TraineeStep:
    """Where I am with a step: a few words, waiting for an answer since, remind me on."""
    return _write(
        user,
        step_id,
        note=note_text.strip()[:200],
        waiting_since=waiting_since,
        remind_on=remind_on,
    )


def set_shared(user, step_id: str, shared: bool) -> TraineeStep:
    return _write(user, step_id, shared=shared)


def forget(user, step_id: str) -> None:
    """Wipe what the trainee wrote about a step (tick, note, dates, sharing) and the comments on
    it: the step is as new, for them and for staff. Nothing there is not an error."""
    get_step(step_id)
    row = _mine(user.id, step_id)
    if row is not None:
        db.session.execute(sa.delete(StepComment).where(StepComment.trainee_step_id == row.id))
        db.session.delete(row)
        db.session.commit()


def readers(user) -> list[User]:
    """Who sees a step this trainee shares: the teachers (social and educational staff) of
    their groups, now."""
    return accounts.teachers_of_trainee(user)


def comments_for(row_ids: list[int]) -> dict[int, list[tuple[StepComment, str]]]:
    """Comments by trainee-step row, with their authors' names (one query)."""
    found: dict[int, list] = {row_id: [] for row_id in row_ids}
    if not row_ids:
        return found
    for comment, author in db.session.execute(
        sa.select(StepComment, User.display_name)
        .outerjoin(User, User.id == StepComment.author_id)
        .where(StepComment.trainee_step_id.in_(row_ids))
        .order_by(StepComment.id)
    ):
        found[comment.trainee_step_id].append((comment, author or ""))
    return found


def reminders_between(user, start: date, end: date) -> list[Reminder]:
    """The reminder dates this trainee set on steps, start <= date <= end, soonest first, done
    steps included (marked): what My week shows (one query)."""
    rows = rows_of(_REMINDERS, {"user_id": user.id, "start": start, "end": end})
    return [Reminder(step_id, content["title"], on, done) for step_id, on, done, content in rows]


# Built once: the home page and My week ask it at every visit (building a statement cost
# SQLAlchemy more than running it).
_REMINDERS = (
    sa.select(TraineeStep.step_id, TraineeStep.remind_on, TraineeStep.done, Step.content)
    .join(Step, Step.id == TraineeStep.step_id)
    .where(
        TraineeStep.user_id == sa.bindparam("user_id"),
        TraineeStep.remind_on.is_not(None),
        TraineeStep.remind_on >= sa.bindparam("start"),
        TraineeStep.remind_on <= sa.bindparam("end"),
        Step.retired.is_(False),
    )
    .order_by(TraineeStep.remind_on, Step.position)
)


# --- staff: shared steps, comments, what is stuck -------------------------------------------


def shared_with_staff(trainee) -> list[tuple[Step, TraineeStep]]:
    """The steps this trainee shares, in the file's order (the caller audits the read)."""
    return list(
        db.session.execute(
            sa.select(Step, TraineeStep)
            .join(TraineeStep, TraineeStep.step_id == Step.id)
            .where(TraineeStep.user_id == trainee.id, TraineeStep.shared.is_(True))
            .order_by(Step.position)
        ).tuples()
    )


def add_comment(teacher, trainee, row_id: int, text: str) -> StepComment:
    """Comment on a step this trainee shares now; anything else is 404."""
    row = db.session.get(TraineeStep, row_id)
    if row is None or row.user_id != trainee.id or not row.shared:
        raise NotYours
    comment = StepComment(trainee_step_id=row.id, author_id=teacher.id, text=text.strip()[:500])
    db.session.add(comment)
    db.session.commit()
    return comment


def stuck_since(row: TraineeStep) -> date:
    """Since when a step waits: the day the trainee said they wait from, else their last change."""
    return row.waiting_since or as_utc(row.updated_at).date()


def stuck(group: Group, trainee_ids: list[int], limit: int = 5) -> list[Stuck]:
    """The shared, unfinished steps of these trainees that have waited the longest (one query;
    the caller checked the group is the staff member's now and audits the trainees shown)."""
    if not trainee_ids:
        return []
    rows = db.session.execute(
        sa.select(TraineeStep, Step.content, User)
        .join(Step, Step.id == TraineeStep.step_id)
        .join(User, User.id == TraineeStep.user_id)
        .where(
            TraineeStep.user_id.in_(trainee_ids),
            TraineeStep.shared.is_(True),
            TraineeStep.done.is_(False),
            Step.retired.is_(False),
        )
    ).all()
    found = [
        Stuck(
            trainee, row.step_id, content["title"], content["picture"], stuck_since(row), row.note
        )
        for row, content, trainee in rows
    ]
    return sorted(found, key=lambda item: (item.since, item.trainee.display_name))[:limit]


# --- data rights ----------------------------------------------------------------------------


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_for(user) -> list[dict]:
    """Everything My steps holds about user, as plain values (for "My data")."""
    rows = list(
        db.session.execute(
            sa.select(TraineeStep, Step.content)
            .join(Step, Step.id == TraineeStep.step_id)
            .where(TraineeStep.user_id == user.id)
            .order_by(Step.position)
        ).tuples()
    )
    comments = comments_for([row.id for row, _content in rows])
    return [
        {
            "step": row.step_id,
            "title": content["title"],
            "done": row.done,
            "done_on": _iso(row.done_on),
            "note": row.note,
            "waiting_since": _iso(row.waiting_since),
            "remind_on": _iso(row.remind_on),
            "shared": row.shared,
            "updated_at": _iso(row.updated_at),
            "comments": [
                {"by": author, "text": comment.text, "at": _iso(comment.created_at)}
                for comment, author in comments[row.id]
            ],
        }
        for row, content in rows
    ]


def erase_user(user_id: int) -> None:
    """Remove the trainee's steps and the comments on them (no commit: privacy commits)."""
    rows = sa.select(TraineeStep.id).where(TraineeStep.user_id == user_id)
    db.session.execute(sa.delete(StepComment).where(StepComment.trainee_step_id.in_(rows)))
    db.session.execute(sa.delete(TraineeStep).where(TraineeStep.user_id == user_id))
