"""Rules for lessons: what a trainee sees, recording answers once, progress and the next lesson."""

import json
from collections import namedtuple
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

import sqlalchemy as sa
from flask import current_app

from webapp.accounts.models import Role, group_membership
from webapp.core import audio, grading
from webapp.core.database import rows_of
from webapp.core.errors import NotYours
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.outbox import note
from webapp.core.time import as_utc, utcnow
from webapp.extensions import db
from webapp.lessons import spoken
from webapp.lessons.models import ExerciseAttempt, Lesson, LessonProgress, VoiceRecording
from webapp.lessons.schema import MODULES

# Time between two answers counts as time spent, up to this (a phone left on the table doesn't).
MAX_GAP = timedelta(minutes=5)
MODULE_ORDER = {module: index for index, module in enumerate(MODULES)}


@dataclass
class ExerciseState:
    """What the trainee did on one exercise: shown as feedback on the lesson page."""

    attempts: int = 0
    correct: bool = False  # the last attempt was right
    first_correct: bool = False
    last_answer: list = field(default_factory=list)


# The modules by name, as trainees and teachers read them (the dashboard names assignments so).
MODULE_NAMES = {
    "lire": _l("First steps in reading"),
    "fle-a1": _l("French, level A1"),
    "fle-a2": _l("French, level A2"),
    "calcul": _l("Numbers and measures"),
    "numerique": _l("Phone and internet"),
    "travail": _l("Working together"),
    "securite": _l("Hygiene and safety"),
    "vie": _l("Daily life"),
    "app": _l("From your teachers"),
}


# What a list of lessons shows of each.
LISTED = (
    Lesson.id,
    Lesson.module,
    Lesson.position,
    Lesson.title,
    Lesson.picture,
    Lesson.minutes,
    Lesson.author_id,
    Lesson.published,
)
# A listed lesson as a named tuple: a database row's field cost ten times a tuple's, and the
# lessons page reads some seven fields of each of seventy lessons.
ListedLesson = namedtuple("ListedLesson", [column.key for column in LISTED])


def _ordered(lessons):
    return sorted(
        lessons, key=lambda lesson: (MODULE_ORDER.get(lesson.module, 99), lesson.position)
    )


# --- who reads which lesson -----------------------------------------------------------------


def readable_by(user):
    """SQL condition: the lessons this person may read. Every file lesson; a teacher's lesson
    only by its author and the people of the groups its author is attached to now (read at
    the moment of use, never remembered), unless an admin published it to every site."""
    if user.role is Role.ADMIN:
        return sa.true()
    return _readable_by_reader(False).params(reader=user.id)


@cache
def _readable_by_reader(admin: bool):
    """readable_by for the person given as the bound parameter "reader": built once."""
    if admin:
        return sa.true()
    mine = group_membership.alias("mine")
    theirs = group_membership.alias("theirs")
    colleagues = sa.select(theirs.c.user_id).where(
        theirs.c.group_id.in_(
            sa.select(mine.c.group_id).where(mine.c.user_id == sa.bindparam("reader"))
        )
    )
    return sa.or_(
        Lesson.module != "app",
        Lesson.published.is_(True),
        Lesson.author_id == sa.bindparam("reader"),
        Lesson.author_id.in_(colleagues),
    )


def readable_in_group(group_id: int):
    """SQL condition: the lessons every trainee of this group may read: every file lesson, a
    published one, or a teacher's lesson whose author is attached to this group now."""
    authors = sa.select(group_membership.c.user_id).where(group_membership.c.group_id == group_id)
    return sa.or_(Lesson.module != "app", Lesson.published.is_(True), Lesson.author_id.in_(authors))


def group_may_read(group_id: int, lesson_id: str) -> bool:
    """True if this current lesson may be given to the group (its trainees can open it)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Lesson)
            .where(Lesson.id == lesson_id, Lesson.retired.is_(False), readable_in_group(group_id))
        )
        > 0
    )


def for_group(user, group_id: int) -> list[Lesson]:
    """The current lessons this person may read that the group's trainees may read too (what a
    teacher may assign), in teaching order."""
    return _ordered(
        db.session.scalars(
            sa.select(Lesson)
            .options(sa.orm.defer(Lesson.content))
            .where(Lesson.retired.is_(False), readable_by(user), readable_in_group(group_id))
        )
    )


def readable_ids(user, lesson_ids) -> set[str]:
    """Which of these lessons this person may read now (one query)."""
    if not lesson_ids:
        return set()
    return set(
        db.session.scalars(
            _readable_ids_statement(user.role is Role.ADMIN),
            {"lesson_ids": list(set(lesson_ids)), "reader": user.id},
        )
    )


@cache
def _readable_ids_statement(admin: bool) -> sa.Select:
    """readable_ids' query for the bound "reader" (the home page asks), built once per kind."""
    return sa.select(Lesson.id).where(
        Lesson.id.in_(sa.bindparam("lesson_ids", expanding=True)), _readable_by_reader(admin)
    )


def may_read(user, lesson: Lesson) -> bool:
    """readable_by for one lesson already loaded: file lessons cost no query."""
    if (
        lesson.module != "app"
        or lesson.published
        or user.role is Role.ADMIN
        or lesson.author_id == user.id
    ):
        return True
    if lesson.author_id is None:
        return False
    return db.session.scalar(_MAY_READ, {"lesson_id": lesson.id, "reader": user.id}) > 0


# Built once, like the statements below that pages run at every view: building a statement
# (and its cache key) cost SQLAlchemy about three times what running it did.
_MAY_READ = (
    sa.select(sa.func.count())
    .select_from(Lesson)
    .where(Lesson.id == sa.bindparam("lesson_id"), _readable_by_reader(False))
)


_LESSON = sa.select(Lesson).where(Lesson.id == sa.bindparam("lesson_id"))


def lesson_for(user, lesson_id: str) -> Lesson:
    """A lesson this person may read, else 404 (the same as a lesson that does not exist)."""
    # A statement built once rather than Session.get, which built its own at every call; the
    # pages that ask load no lesson before, so it is one query all the same.
    lesson = db.session.scalar(_LESSON, {"lesson_id": lesson_id})
    if lesson is None or not may_read(user, lesson):
        raise NotYours
    return lesson


def catalogue(user) -> tuple[list[ListedLesson], dict[str, sa.Row]]:
    """Every current lesson this person may read, in teaching order, with their progress: the
    columns a list shows, as named tuples (building some 80 lesson objects cost more than the
    rest of the page)."""
    found = rows_of(_catalogue_statement(user.role is Role.ADMIN), {"reader": user.id})
    lessons = _ordered(map(ListedLesson._make, found))
    progress = {row.lesson_id: row for row in rows_of(_PROGRESS_LISTED, {"user_id": user.id})}
    return lessons, progress


@cache
def _catalogue_statement(admin: bool) -> sa.Select:
    """catalogue's lessons for the bound "reader", built once per kind of reader."""
    return sa.select(*LISTED).where(Lesson.retired.is_(False), _readable_by_reader(admin))


_PROGRESS_LISTED = sa.select(LessonProgress.lesson_id, LessonProgress.completed_at).where(
    LessonProgress.user_id == sa.bindparam("user_id")
)


def next_lesson(user) -> tuple[Lesson | None, LessonProgress | None]:
    """The lesson to do now: one in progress, else the first not done, in teaching order.
    One query that returns one row (reading the whole catalogue to pick one cost more than
    the rest of the home's queries)."""
    row = db.session.execute(
        _next_lesson_statement(user.role is Role.ADMIN), {"reader": user.id}
    ).first()
    return (row[0], row[1]) if row else (None, None)


def next_lesson_card(user) -> sa.Row | None:
    """What the home shows of the next lesson (the same choice as next_lesson): its id, title
    and picture, and whether it is started. A row, not objects: the home asks at every visit,
    and the ORM cost more than the query."""
    return rows_of(
        _next_lesson_statement(user.role is Role.ADMIN, card=True), {"reader": user.id}
    ).first()


@cache
def _next_lesson_statement(admin: bool, card: bool = False) -> sa.Select:
    """Built once per kind of reader and of answer: building it cost SQLAlchemy three times
    what running it did (1.0 ms against 0.3 ms)."""
    if card:
        started = LessonProgress.id.is_not(None).label("started")
        chosen = sa.select(Lesson.id, Lesson.title, Lesson.picture, started)
    else:
        chosen = sa.select(Lesson, LessonProgress).options(sa.orm.defer(Lesson.content))
    return (
        chosen.outerjoin(
            LessonProgress,
            sa.and_(
                LessonProgress.lesson_id == Lesson.id,
                LessonProgress.user_id == sa.bindparam("reader"),
            ),
        )
        .where(
            Lesson.retired.is_(False),
            _readable_by_reader(admin),
            LessonProgress.completed_at.is_(None),
        )
        .order_by(
            LessonProgress.id.is_(None),  # started ones first
            sa.case(MODULE_ORDER, value=Lesson.module, else_=99),
            Lesson.position,
        )
        .limit(1)
    )


def for_offline(user, limit: int = 2) -> list[Lesson]:
    """The lessons worth keeping on the phone: the next one and those after it (as the lesson
    page saves them), in teaching order."""
    lesson, _progress = next_lesson(user)
    found = []
    while lesson is not None and len(found) < limit:
        found.append(lesson)
        lesson = following(lesson, user)
    return found


def offline_bytes(lesson: Lesson) -> int:
    """About what a lesson's offline copy weighs: its text and exercises (not the page around),
    and the recordings saved with it for phones without a French voice."""
    return len(json.dumps(lesson.content, ensure_ascii=False).encode()) + audio.size(
        spoken.lesson_texts(lesson.content), current_app.config["AUDIO_DIR"]
    )


def spoken_texts() -> dict[str, list[tuple[str, str]]]:
    """What every current lesson reads aloud, by lesson id (`flask audio build`)."""
    lessons = db.session.scalars(
        sa.select(Lesson).where(Lesson.retired.is_(False)).order_by(Lesson.module, Lesson.position)
    )
    return {lesson.id: spoken.lesson_texts(lesson.content) for lesson in lessons}


def get_lesson(lesson_id: str) -> Lesson:
    """Any lesson, for scripts (the demo data); pages use lesson_for, which checks the reader."""
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None:
        raise NotYours
    return lesson


def following(lesson: Lesson, user) -> Lesson | None:
    """The lesson after this one in teaching order that this person may read (offline
    reading ahead)."""
    return db.session.scalar(
        _following_statement(user.role is Role.ADMIN),
        {"module": lesson.module, "position": lesson.position, "reader": user.id},
    )


@cache
def _following_statement(admin: bool) -> sa.Select:
    """following's query for the bound "reader", built once per kind of reader."""
    return (
        sa.select(Lesson)
        .options(sa.orm.defer(Lesson.content))
        .where(
            Lesson.module == sa.bindparam("module"),
            Lesson.retired.is_(False),
            Lesson.position > sa.bindparam("position"),
            _readable_by_reader(admin),
        )
        .order_by(Lesson.position)
        .limit(1)
    )


def exercise(lesson: Lesson, exercise_id: str) -> dict:
    for item in lesson.content["exercises"]:
        if item["id"] == exercise_id:
            return item
    raise NotYours


def states(user, lesson: Lesson) -> dict[str, ExerciseState]:
    """Each exercise's state for this user, from their attempts (one query)."""
    result: dict[str, ExerciseState] = {}
    attempts = db.session.scalars(_ATTEMPTS, {"user_id": user.id, "lesson_id": lesson.id})
    for attempt in attempts:
        state = result.setdefault(attempt.exercise_id, ExerciseState())
        state.attempts += 1
        state.correct, state.last_answer = attempt.correct, attempt.answer
        state.first_correct = state.first_correct or (attempt.first and attempt.correct)
    return result


_ATTEMPTS = (
    sa.select(ExerciseAttempt)
    .where(
        ExerciseAttempt.user_id == sa.bindparam("user_id"),
        ExerciseAttempt.lesson_id == sa.bindparam("lesson_id"),
    )
    .order_by(ExerciseAttempt.id)
)


def record_answer(
    user, lesson: Lesson, item: dict, answer: list[str], client_id: str, tries: int = 3
) -> bool:
    """Grade and store an answer once per client id; return whether it is right.

    Concurrent replays of one answer race to insert it: the unique client id decides, the
    losers roll back and answer with the stored grade (never an error)."""
    done = db.session.scalar(
        sa.select(ExerciseAttempt).where(ExerciseAttempt.client_id == client_id)
    )
    if done is not None:  # a double tap or an offline replay: nothing changes
        return _already(done, user)
    correct = grading.is_correct(item, answer)
    try:
        first = (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(ExerciseAttempt)
                .where(
                    ExerciseAttempt.user_id == user.id,
                    ExerciseAttempt.lesson_id == lesson.id,
                    ExerciseAttempt.exercise_id == item["id"],
                )
            )
            == 0
        )
        db.session.add(
            ExerciseAttempt(
                client_id=client_id,
                user_id=user.id,
                lesson_id=lesson.id,
                exercise_id=item["id"],
                answer=answer,
                correct=correct,
                first=first,
                content_hash=lesson.content_hash,
            )
        )
        # Flushed here (or by the progress query below): inside the try, like the commit.
        db.session.flush()
        _update_progress(user, lesson, first, correct)
        db.session.commit()
    except sa.exc.IntegrityError:  # the same answer arrived twice at once
        db.session.rollback()
        stored = db.session.scalar(
            sa.select(ExerciseAttempt).where(ExerciseAttempt.client_id == client_id)
        )
        if stored is not None:
            return _already(stored, user)
        if tries <= 1:  # another answer created the progress row meanwhile: try again
            raise
        return record_answer(user, lesson, item, answer, client_id, tries - 1)
    note("stored")
    return correct


def _already(attempt: ExerciseAttempt, user) -> bool:
    if attempt.user_id != user.id:
        raise NotYours
    note("duplicate")
    return attempt.correct


def _update_progress(user, lesson: Lesson, first: bool, correct: bool) -> None:
    now = utcnow()
    row = db.session.scalar(
        sa.select(LessonProgress).where(
            LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id
        )
    )
    if row is None:
        row = LessonProgress(
            user_id=user.id,
            lesson_id=lesson.id,
            started_at=now,
            last_activity_at=now,
            seconds_spent=0,
            answered=int(first),
            correct_first=int(first and correct),
            attempts=1,
        )
        db.session.add(row)
    else:
        gap = now - as_utc(row.last_activity_at)
        row.seconds_spent += int(min(gap, MAX_GAP).total_seconds())
        row.last_activity_at = now
        # Counted by the database: answers to two exercises sent at once both count.
        row.attempts = LessonProgress.attempts + 1
        if first:
            row.answered = LessonProgress.answered + 1
            row.correct_first = LessonProgress.correct_first + int(correct)
        db.session.flush()
    if row.answered >= len(lesson.content["exercises"]) and row.completed_at is None:
        row.completed_at = now


def progress_of(user, lesson: Lesson) -> LessonProgress | None:
    return db.session.scalar(_PROGRESS, {"user_id": user.id, "lesson_id": lesson.id})


_PROGRESS = sa.select(LessonProgress).where(
    LessonProgress.user_id == sa.bindparam("user_id"),
    LessonProgress.lesson_id == sa.bindparam("lesson_id"),
)


def save_app_lesson(author, data: dict, source: str, lesson: Lesson | None = None) -> Lesson:
    """Store a lesson a teacher wrote; its id gets an "app-" prefix so it never meets a file's."""
    from webapp.core.content import content_hash

    body = dict(data)
    if lesson is None:
        base = "app-" + data["id"].removeprefix("app-")
        lesson_id, number = base, 1
        while db.session.get(Lesson, lesson_id) is not None:
            number += 1
            lesson_id = f"{base}-{number}"
        count = db.session.scalar(
            sa.select(sa.func.count()).select_from(Lesson).where(Lesson.module == "app")
        )
        lesson = Lesson(id=lesson_id, module="app", position=count + 1, author_id=author.id)
        db.session.add(lesson)
    body["id"] = lesson.id
    if lesson.published and lesson.content_hash != content_hash(body):
        # An admin showed *that* text to every site: a changed text goes back to the author's
        # groups until an admin shows it again (the edit page says so).
        lesson.published = False
    lesson.title, lesson.level, lesson.clea = data["title"], data.get("level"), data["clea"]
    lesson.themes, lesson.minutes = " ".join(data["themes"]), data["minutes"]
    lesson.picture, lesson.content, lesson.source = data.get("picture", ""), body, source
    lesson.content_hash, lesson.updated_at = content_hash(body), utcnow()
    db.session.commit()
    return lesson


def set_published(admin, lesson_id: str, published: bool) -> Lesson:
    """An admin shows a teacher's lesson to every site, or back to its author's groups only."""
    if admin.role is not Role.ADMIN:
        raise NotYours
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or lesson.module != "app":
        raise NotYours
    lesson.published = published
    db.session.commit()
    return lesson


def authors(lessons: list[Lesson]) -> dict[int, str]:
    """The display names of the staff who wrote these lessons (one query)."""
    from webapp.accounts.models import User

    ids = {lesson.author_id for lesson in lessons if lesson.author_id}
    if not ids:
        return {}
    return dict(
        db.session.execute(sa.select(User.id, User.display_name).where(User.id.in_(ids))).all()
    )


def authored_lesson(author, lesson_id: str) -> Lesson:
    """A lesson this teacher wrote in the app, else 404."""
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or lesson.module != "app" or lesson.author_id != author.id:
        raise NotYours
    return lesson


# --- for the educator dashboard -------------------------------------------------------------


def completed(user_ids: list[int]) -> dict[int, set[str]]:
    """The lessons each user has finished (one query)."""
    done: dict[int, set[str]] = {user_id: set() for user_id in user_ids}
    for user_id, lesson_id in db.session.execute(
        sa.select(LessonProgress.user_id, LessonProgress.lesson_id).where(
            LessonProgress.user_id.in_(user_ids), LessonProgress.completed_at.is_not(None)
        )
    ):
        done[user_id].add(lesson_id)
    return done


def titles(lesson_ids: list[str]) -> dict[str, str]:
    return dict(
        db.session.execute(
            sa.select(Lesson.id, Lesson.title).where(Lesson.id.in_(lesson_ids))
        ).all()
    )


def completion(
    user_ids: list[int], modules: list[str]
) -> tuple[dict[int, set[str]], dict[str, list[str]]]:
    """Lessons each user finished, and the lessons of some modules: one query, for the
    dashboard's fixed query budget."""
    done: dict[int, set[str]] = {user_id: set() for user_id in user_ids}
    by_module: dict[str, list[str]] = {module: [] for module in modules}
    rows = rows_of(_COMPLETION, {"user_ids": list(user_ids), "modules": list(modules)}).all()
    for kind, owner, lesson_id, _position in sorted(rows, key=lambda row: row[3]):
        if kind == "done":
            done[int(owner)].add(lesson_id)
        else:
            by_module[owner].append(lesson_id)
    return done, by_module


_COMPLETION = sa.union_all(
    sa.select(
        sa.literal("done"),
        sa.cast(LessonProgress.user_id, sa.String),
        LessonProgress.lesson_id,
        sa.literal(0),
    ).where(
        LessonProgress.user_id.in_(sa.bindparam("user_ids", expanding=True)),
        LessonProgress.completed_at.is_not(None),
    ),
    sa.select(sa.literal("module"), Lesson.module, Lesson.id, Lesson.position).where(
        Lesson.module.in_(sa.bindparam("modules", expanding=True)), Lesson.retired.is_(False)
    ),
)


# --- data rights: export and erase ----------------------------------------------------------


def export_for(user) -> dict:
    """A trainee's lesson progress and answers, as plain values (for "My data")."""
    progress = list(
        db.session.scalars(
            sa.select(LessonProgress)
            .where(LessonProgress.user_id == user.id)
            .order_by(LessonProgress.started_at)
        )
    )
    attempts = list(
        db.session.scalars(
            sa.select(ExerciseAttempt)
            .where(ExerciseAttempt.user_id == user.id)
            .order_by(ExerciseAttempt.answered_at)
        )
    )
    names = titles(sorted({p.lesson_id for p in progress} | {a.lesson_id for a in attempts}))

    def when(moment):
        return moment.isoformat() if moment else None

    return {
        "progress": [
            {
                "lesson": names.get(p.lesson_id, p.lesson_id),
                "started_at": when(p.started_at),
                "completed_at": when(p.completed_at),
                "seconds_spent": p.seconds_spent,
                "answered": p.answered,
                "correct_first": p.correct_first,
            }
            for p in progress
        ],
        "answers": [
            {
                "lesson": names.get(a.lesson_id, a.lesson_id),
                "exercise": a.exercise_id,
                "answer": a.answer,
                "correct": a.correct,
                "at": when(a.answered_at),
            }
            for a in attempts
        ],
    }


def erase_user(user_id: int) -> None:
    """Remove a trainee's progress and answers, and a teacher's recordings of their voice (no
    commit: the caller erases in one go)."""
    for model in (ExerciseAttempt, LessonProgress):
        db.session.execute(sa.delete(model).where(model.user_id == user_id))
    db.session.execute(sa.delete(VoiceRecording).where(VoiceRecording.author_id == user_id))


def completions(user_ids: list[int], since, until) -> list[tuple[int, object]]:
    """(user id, when) of each lesson finished in [since, until), for the anonymous impact report
    (one query)."""
    if not user_ids:
        return []
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(LessonProgress.user_id, LessonProgress.completed_at).where(
                LessonProgress.user_id.in_(user_ids),
                LessonProgress.completed_at >= since,
                LessonProgress.completed_at < until,
            )
        )
    ]
