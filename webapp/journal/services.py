"""Rules for goals, the journal and self-assessments: private by default, shared by choice."""

from collections import defaultdict
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from webapp.accounts import services as accounts
from webapp.accounts.models import User
from webapp.core.database import rows_of
from webapp.core.errors import NotYours
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.outbox import note
from webapp.core.records import already_sent, owned, save_once
from webapp.extensions import db
from webapp.journal.models import Comment, Goal, GoalStep, JournalEntry, SelfAssessment

STATUSES = {
    "todo": _l("To do"),
    "doing": _l("In progress"),
    "done": _l("Done"),
    "dropped": _l("Dropped"),
}
MOODS = {
    1: ("😞", _l("Very bad")),
    2: ("🙁", _l("Bad")),
    3: ("😐", _l("So-so")),
    4: ("🙂", _l("Good")),
    5: ("😄", _l("Very good")),
}
STAGES = {
    "entry": _l("At the start"),
    "mid": _l("Mid-course"),
    "exit": _l("At the end"),
    "free": _l("Any time"),
}
SCALE = {
    1: ("🔴", _l("Hard for me")),
    2: ("🟠", _l("So-so")),
    3: ("🟡", _l("Quite good")),
    4: ("🟢", _l("Good")),
}
# Goals to start from, per theme: (key, theme, title).
SUGGESTIONS = [
    ("id-card", "rights", _l("Get an ID card")),
    ("bank", "rights", _l("Open a bank account")),
    ("vitale", "health", _l("Get my carte Vitale")),
    ("doctor", "health", _l("See a doctor")),
    ("housing", "housing", _l("Find a place to live")),
    ("france-travail", "employment", _l("Register with France Travail")),
    ("ccp1", "employment", _l("Pass CCP 1")),
    ("budget", "budget", _l("Keep my budget every week")),
    ("spip", "law", _l("Go to every probation appointment")),
    ("family", "family", _l("Call my family every week")),
    ("sport", "social", _l("Join a sports club")),
    ("french", "basics", _l("Read a short text every day")),
]


# --- goals ----------------------------------------------------------------------------------


def goals_of(user) -> list[Goal]:
    return list(db.session.scalars(_GOALS_OF, {"user_id": user.id}))


# The journal's statements, built once: its page asks them at every visit, and building a
# statement cost SQLAlchemy more than running it.
_GOALS_OF = (
    sa.select(Goal)
    .options(sa.orm.selectinload(Goal.steps))
    .where(Goal.user_id == sa.bindparam("user_id"))
    .order_by(Goal.status == "done", Goal.created_at.desc())
)


def own_goal(user, goal_id: int) -> Goal:
    return owned(Goal, goal_id, user)


def create_goal(
    user,
    client_id: str,
    title: str,
    themes: list[str],
    why: str,
    target_on: date | None,
    steps: list[str],
) -> Goal:
    if done := already_sent(Goal, client_id, user):
        return done
    goal = Goal(
        user_id=user.id,
        client_id=client_id,
        title=title.strip(),
        themes=" ".join(themes),
        why=why.strip(),
        status="todo",
        target_on=target_on,
        shared=False,
    )
    goal.steps = [GoalStep(text=text.strip()[:120]) for text in steps if text.strip()]
    return save_once(goal, Goal, client_id)


def add_step(user, goal: Goal, client_id: str | None, text: str, due_on: date | None) -> GoalStep:
    """Add a step once per client id (a double tap or an offline replay adds nothing)."""
    if client_id:
        done = db.session.scalar(sa.select(GoalStep).where(GoalStep.client_id == client_id))
        if done is not None:
            if done.goal.user_id != user.id:
                raise NotYours
            note("duplicate")
            return done
    step = GoalStep(
        goal_id=goal.id, client_id=client_id or None, text=text.strip()[:120], due_on=due_on
    )
    db.session.add(step)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same step arrived twice at once
        db.session.rollback()
        stored = db.session.scalar(sa.select(GoalStep).where(GoalStep.client_id == client_id))
        if stored is None or stored.goal.user_id != user.id:
            raise NotYours from None
        note("duplicate")
        return stored
    note("stored")
    return step


def toggle_step(user, step_id: int, done: bool | None = None) -> GoalStep:
    """Tick or untick a step. With `done` given (the state the person saw change) a replay
    changes nothing; one atomic update, so of concurrent replays exactly one is "stored"."""
    step = db.session.get(GoalStep, step_id)
    if step is None or step.goal.user_id != user.id:
        raise NotYours
    wanted = (not step.done) if done is None else done
    changed = db.session.execute(
        sa.update(GoalStep)
        .where(GoalStep.id == step.id, GoalStep.done != wanted)
        .values(done=wanted)
    ).rowcount
    if wanted:
        db.session.execute(
            sa.update(Goal)
            .where(Goal.id == step.goal_id, Goal.status == "todo")
            .values(status="doing")
        )
    db.session.commit()
    db.session.refresh(step)
    note("stored" if changed else "duplicate")
    return step


# --- journal --------------------------------------------------------------------------------


def write_entry(
    user, client_id: str, day: date, mood: int, text: str, goal_id: int | None
) -> JournalEntry:
    """Record an entry once per client id: a replay from a phone that was offline adds nothing."""
    if done := already_sent(JournalEntry, client_id, user):
        return done
    if goal_id is not None:
        own_goal(user, goal_id)
    return save_once(
        JournalEntry(
            user_id=user.id,
            client_id=client_id,
            day=day,
            mood=mood,
            text=text,
            goal_id=goal_id,
            shared=False,
        ),
        JournalEntry,
        client_id,
    )


def own_entry(user, entry_id: int) -> JournalEntry:
    return owned(JournalEntry, entry_id, user)


def entries_in_month(user, month: date) -> list[JournalEntry]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return list(
        db.session.scalars(
            _ENTRIES_BETWEEN, {"user_id": user.id, "first": first, "following": following}
        )
    )


_ENTRIES_BETWEEN = (
    sa.select(JournalEntry)
    .where(
        JournalEntry.user_id == sa.bindparam("user_id"),
        JournalEntry.day >= sa.bindparam("first"),
        JournalEntry.day < sa.bindparam("following"),
    )
    .order_by(JournalEntry.day.desc(), JournalEntry.id.desc())
)


def comments_for(goal_ids: list[int], entry_ids: list[int]) -> dict[tuple[str, int], list]:
    """Comments by ("goal", id) or ("entry", id), with their authors' names (one query)."""
    found = defaultdict(list)
    if not goal_ids and not entry_ids:
        return found
    rows = db.session.execute(_COMMENTS_ON, {"goal_ids": goal_ids, "entry_ids": entry_ids})
    for comment, author in rows:
        key = ("goal", comment.goal_id) if comment.goal_id else ("entry", comment.entry_id)
        found[key].append((comment, author))
    return found


_COMMENTS_ON = (
    sa.select(Comment, User.display_name)
    .outerjoin(User, User.id == Comment.author_id)
    .where(
        sa.or_(
            Comment.goal_id.in_(sa.bindparam("goal_ids", expanding=True)),
            Comment.entry_id.in_(sa.bindparam("entry_ids", expanding=True)),
        )
    )
    .order_by(Comment.id)
)


def set_shared(item, shared: bool) -> None:
    item.shared = shared
    db.session.commit()


def readers(user) -> list[User]:
    """Who can see what this trainee shares: the teachers of their groups."""
    return accounts.teachers_of_trainee(user)


# --- self-assessment ------------------------------------------------------------------------


def save_assessment(
    user, client_id: str, stage: str, ratings: dict, words: dict, shared: bool
) -> SelfAssessment:
    if done := already_sent(SelfAssessment, client_id, user):
        return done
    return save_once(
        SelfAssessment(
            user_id=user.id,
            client_id=client_id,
            stage=stage,
            ratings=ratings,
            words={k: v.strip()[:40] for k, v in words.items() if v and v.strip()},
            shared=shared,
        ),
        SelfAssessment,
        client_id,
    )


def assessments_of(user) -> list[SelfAssessment]:
    return list(
        db.session.scalars(
            sa.select(SelfAssessment)
            .where(SelfAssessment.user_id == user.id)
            .order_by(SelfAssessment.created_at)
        )
    )


def own_assessment(user, assessment_id: int) -> SelfAssessment:
    return owned(SelfAssessment, assessment_id, user)


def stage_answers(user_ids: list[int], since: datetime, until: datetime) -> list[tuple]:
    """For the impact report: (user id, stage, when, ratings, shared) of the stage answers given
    in [since, until), oldest first; never a name, a word or a free answer.

    The report adds them up per group and quarter (webapp/dashboard/impact.py), where the rule
    "fewer than five people: not shown" is applied to whole cells.
    """
    if not user_ids:
        return []
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(
                SelfAssessment.user_id,
                SelfAssessment.stage,
                SelfAssessment.created_at,
                SelfAssessment.ratings,
                SelfAssessment.shared,
            )
            .where(
                SelfAssessment.user_id.in_(user_ids),
                SelfAssessment.stage != "free",
                SelfAssessment.created_at >= since,
                SelfAssessment.created_at < until,
            )
            .order_by(SelfAssessment.created_at, SelfAssessment.id)
        )
    ]


# --- what staff may see ---------------------------------------------------------------------


def shared_with_staff(trainee) -> dict:
    goals = list(
        db.session.scalars(
            sa.select(Goal)
            .options(sa.orm.selectinload(Goal.steps))
            .where(Goal.user_id == trainee.id, Goal.shared.is_(True))
        )
    )
    entries = list(
        db.session.scalars(
            sa.select(JournalEntry)
            .where(JournalEntry.user_id == trainee.id, JournalEntry.shared.is_(True))
            .order_by(JournalEntry.day.desc())
            .limit(50)
        )
    )
    assessments = list(
        db.session.scalars(
            sa.select(SelfAssessment)
            .where(SelfAssessment.user_id == trainee.id, SelfAssessment.shared.is_(True))
            .order_by(SelfAssessment.created_at)
        )
    )
    return {
        "goals": goals,
        "entries": entries,
        "assessments": assessments,
        "comments": comments_for([g.id for g in goals], [e.id for e in entries]),
    }


def add_comment(teacher, trainee, kind: str, item_id: int, text: str) -> None:
    """Comment on a shared goal or entry of this trainee; anything else is 404."""
    model = Goal if kind == "goal" else JournalEntry
    item = db.session.get(model, item_id)
    if item is None or item.user_id != trainee.id or not item.shared:
        raise NotYours
    db.session.add(
        Comment(
            author_id=teacher.id,
            text=text.strip()[:500],
            goal_id=item.id if kind == "goal" else None,
            entry_id=item.id if kind == "entry" else None,
        )
    )
    db.session.commit()


# --- reminders for the home screen ----------------------------------------------------------


def reminders(user, today: date) -> list[str]:
    """A step due soon, no journal entry this week, a self-assessment stage due."""
    found = []
    # A row (the step's goal and text are all the home shows), not the ORM's object.
    soon = rows_of(_STEP_DUE_SOON, {"user_id": user.id, "until": today + timedelta(days=3)}).first()
    if soon is not None:
        found.append(("step", soon))
    monday = today - timedelta(days=today.weekday())
    seen = set(rows_of(_WROTE_AND_STAGES, {"user_id": user.id, "monday": monday}).scalars())
    if "journal" not in seen:
        found.append(("journal", None))
    stages = seen - {"journal"}
    due = stage_due(user, today, stages)
    if due:
        found.append(("assessment", due))
    return found


# The home page asks both at every visit: built once (building a statement cost SQLAlchemy
# more than running it).
_STEP_DUE_SOON = (
    sa.select(GoalStep.goal_id, GoalStep.text)
    .join(Goal)
    .where(
        Goal.user_id == sa.bindparam("user_id"),
        GoalStep.done.is_(False),
        GoalStep.due_on.is_not(None),
        GoalStep.due_on <= sa.bindparam("until", type_=sa.Date),
    )
    .order_by(GoalStep.due_on)
    .limit(1)
)
# One query for both: an entry this week ("journal") and the stages already answered.
_WROTE_AND_STAGES = sa.union(
    sa.select(sa.literal("journal"))
    .where(
        JournalEntry.user_id == sa.bindparam("user_id"),
        JournalEntry.day >= sa.bindparam("monday", type_=sa.Date),
    )
    .limit(1)
    .subquery()
    .select(),
    sa.select(SelfAssessment.stage).where(SelfAssessment.user_id == sa.bindparam("user_id")),
)


def stage_due(user, today: date, done: set[str]) -> str | None:
    """The self-assessment stage this trainee should fill in now, in their current group."""
    return stage_due_in(user.groups[-1] if user.groups else None, done, today)


def stage_due_in(group, done: set[str], today: date) -> str | None:
    """The one rule (the trainee's home and the teacher's Today both ask it): entry at the
    start, mid-course past half of the contract, exit in its last month."""
    if "entry" not in done:
        return "entry"
    if group is None:
        return None
    middle = group.starts_on + (group.ends_on - group.starts_on) / 2
    if today >= middle and "mid" not in done:
        return "mid"
    if today >= group.ends_on - timedelta(days=30) and "exit" not in done:
        return "exit"
    return None


def flags(
    user_ids: list[int], since: date
) -> tuple[dict[int, tuple[int, date]], dict[int, set[str]]]:
    """For the Today list, in one query: each trainee's lowest mood among recent shared entries
    (2 or less) with the day of the latest such entry (a new hard day is a new reason to call),
    and the self-assessment stages they have done."""
    moods: dict[int, tuple[int, date]] = {}
    stages: dict[int, set[str]] = {user_id: set() for user_id in user_ids}
    low = sa.select(
        JournalEntry.user_id,
        sa.literal("mood"),
        sa.cast(JournalEntry.mood, sa.String),
        JournalEntry.day,
    ).where(
        JournalEntry.user_id.in_(user_ids),
        JournalEntry.shared.is_(True),
        JournalEntry.mood <= 2,
        JournalEntry.day >= since,
    )
    done = sa.select(
        SelfAssessment.user_id,
        sa.literal("stage"),
        SelfAssessment.stage,
        sa.cast(sa.null(), sa.Date),
    ).where(SelfAssessment.user_id.in_(user_ids))
    for user_id, kind, value, day in db.session.execute(sa.union_all(low, done)):
        if kind == "mood":
            lowest, latest = moods.get(user_id, (5, day))
            moods[user_id] = (min(int(value), lowest), max(day, latest))
        else:
            stages[user_id].add(value)
    return moods, stages


# --- data rights: export, delete, erase -----------------------------------------------------


def _comments_export(found, key) -> list[dict]:
    return [
        {"by": author or "", "text": comment.text, "at": comment.created_at.isoformat()}
        for comment, author in found.get(key, [])
    ]


def export_for(user) -> dict:
    """Everything the journal holds about user, as plain values (for "My data")."""
    goals = goals_of(user)
    entries = list(
        db.session.scalars(
            sa.select(JournalEntry)
            .where(JournalEntry.user_id == user.id)
            .order_by(JournalEntry.day, JournalEntry.id)
        )
    )
    found = comments_for([g.id for g in goals], [e.id for e in entries])
    return {
        "goals": [
            {
                "title": g.title,
                "themes": g.themes.split(),
                "why": g.why,
                "status": g.status,
                "target_on": g.target_on and g.target_on.isoformat(),
                "shared": g.shared,
                "created_at": g.created_at.isoformat(),
                "steps": [
                    {"text": s.text, "due_on": s.due_on and s.due_on.isoformat(), "done": s.done}
                    for s in g.steps
                ],
                "comments": _comments_export(found, ("goal", g.id)),
            }
            for g in goals
        ],
        "entries": [
            {
                "day": e.day.isoformat(),
                "mood": e.mood,
                "text": e.text,
                "shared": e.shared,
                "created_at": e.created_at.isoformat(),
                "comments": _comments_export(found, ("entry", e.id)),
            }
            for e in entries
        ],
        "assessments": [
            {
                "stage": a.stage,
                "ratings": a.ratings,
                "words": a.words,
                "shared": a.shared,
                "created_at": a.created_at.isoformat(),
            }
            for a in assessments_of(user)
        ],
    }


def delete_goal(user, goal_id: int) -> None:
    """Delete a goal, its steps and the teachers' comments on it; entries lose the link."""
    goal = own_goal(user, goal_id)
    db.session.execute(sa.delete(Comment).where(Comment.goal_id == goal.id))
    db.session.execute(
        sa.update(JournalEntry).where(JournalEntry.goal_id == goal.id).values(goal_id=None)
    )
    db.session.delete(goal)
    db.session.commit()


def delete_entry(user, entry_id: int) -> None:
    """Delete an entry and the teachers' comments on it: it is gone from every staff view."""
    entry = own_entry(user, entry_id)
    db.session.execute(sa.delete(Comment).where(Comment.entry_id == entry.id))
    db.session.delete(entry)
    db.session.commit()


def delete_assessment(user, assessment_id: int) -> None:
    db.session.delete(own_assessment(user, assessment_id))
    db.session.commit()


def erase_user(user_id: int) -> None:
    """Remove every goal, entry, assessment of user_id and the comments on them (no commit)."""
    goals = sa.select(Goal.id).where(Goal.user_id == user_id)
    entries = sa.select(JournalEntry.id).where(JournalEntry.user_id == user_id)
    db.session.execute(
        sa.delete(Comment).where(sa.or_(Comment.goal_id.in_(goals), Comment.entry_id.in_(entries)))
    )
    db.session.execute(sa.delete(JournalEntry).where(JournalEntry.user_id == user_id))
    db.session.execute(sa.delete(GoalStep).where(GoalStep.goal_id.in_(goals)))
    db.session.execute(sa.delete(Goal).where(Goal.user_id == user_id))
    db.session.execute(sa.delete(SelfAssessment).where(SelfAssessment.user_id == user_id))
