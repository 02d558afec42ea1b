"""Synthetic data at national scale: `flask --app webapp demo scale --trainees N`.

Sites, groups of 15, their teachers and a year of each trainee's activity (lessons, revision,
budget, journal, audit), written in bulk: PostgreSQL's COPY, or batched inserts on SQLite. The
accounts are synthetic (usernames "scale.N", generated names) and all share one passphrase,
hashed once: argon2 takes tens of milliseconds by design, so 100,000 hashes would take hours.
Never for real people: the command refuses a database that already has accounts unless told.

Each group and each trainee draws from its own seeded generator, so trainee "scale.1" has the
same history in a 1,000- and a 100,000-trainee database: benchmarks compare like with like.
"""

import json
import multiprocessing
import random
import time as time_module
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from webapp.accounts import passphrases
from webapp.accounts.models import AuthSession, Group, Role, Site, User, group_membership
from webapp.budget.models import Entry, RecurringItem
from webapp.core import grading
from webapp.core.themes import THEME_NAMES
from webapp.extensions import db
from webapp.journal.models import Comment, Goal, GoalStep, JournalEntry, SelfAssessment
from webapp.lessons import content as lesson_content
from webapp.lessons.models import ExerciseAttempt, Lesson, LessonProgress
from webapp.privacy.models import AuditEvent
from webapp.revision import bank
from webapp.revision import services as revision_services
from webapp.revision.models import MockExam, Question, ReviewCard, ReviewLog

# Printed by the command and in the README: every generated account signs in with it.
PASSPHRASE = "echelle-synthese-nationale"
PREFIX = "scale."
GROUP_SIZE = 15
TRAINEES_PER_SITE = 1000  # about 100 probation services for 100,000 trainees
GROUPS_PER_TEACHER = 2
CHUNK = 1000  # trainees generated, then written, at a time (bounded memory)
# Bounded yearly volumes per trainee (a 9-11 month contract, used most working days).
ATTEMPTS, CARDS, REVIEWS_PER_CARD = 40, 50, 3
BUDGET_ENTRIES, JOURNAL_ENTRIES = 120, 60
SIGN_INS, STAFF_READS = 40, 60
RECURRING = (  # income, cents, day of month, category, note
    (True, 98000, 5, "salary", ""),
    (True, 18000, 6, "activity", ""),
    (False, 42000, 1, "rent", ""),
    (False, 1599, 10, "phone", ""),
    (False, 4320, 3, "transport", "Navigo"),
)
SPENDING = ("food", "food", "food", "clothes", "leisure", "health", "family", "other")
MOODS_TEXTS = (
    "Bonne journée en cuisine.",
    "Fatigué. Dur de dormir.",
    "J'ai réussi le service du midi !",
    "Rendez-vous au SPIP ce matin, ça s'est bien passé.",
    "Appris la découpe des légumes. Encore à travailler.",
    "",
    "Un peu de stress avant l'évaluation.",
    "Le chef m'a félicité pour le dressage.",
)
FIRST_NAMES = (
    "Samir",
    "Fatou",
    "Kevin",
    "Nadia",
    "Olek",
    "Lucas",
    "Inès",
    "Moussa",
    "Julie",
    "Yanis",
    "Sarah",
    "Mehdi",
    "Aïcha",
    "Thomas",
    "Léa",
    "Ibrahim",
    "Chloé",
    "Karim",
)
LAST_NAMES = (
    "Martin",
    "Benali",
    "Diallo",
    "Kaci",
    "Wisniewski",
    "Bernard",
    "Traoré",
    "Petit",
    "Haddad",
    "Moreau",
    "Nguyen",
    "Robert",
    "Camara",
    "Lefebvre",
    "Mendy",
    "Garcia",
)
GOALS = ("Ouvrir un compte bancaire", "Trouver un logement")
GOAL_STEPS = ("Prendre rendez-vous", "Apporter les papiers")
COMMENT = "Bravo ! On en parle jeudi ?"
WRONG = '["?"]'
MONTH = timedelta(days=30)
# The most rows of a table one trainee can have: the size of their block of ids.
PER_TRAINEE = {
    "user_account": 1,
    "lesson_progress": ATTEMPTS + 11,
    "exercise_attempt": ATTEMPTS + 12,
    "review_card": CARDS,
    "review_log": CARDS * REVIEWS_PER_CARD,
    "mock_exam": 1,
    "recurring_item": len(RECURRING),
    "entry": BUDGET_ENTRIES + 13 * len(RECURRING),
    "goal": 2,
    "goal_step": 4,
    "journal_entry": JOURNAL_ENTRIES,
    "comment": JOURNAL_ENTRIES,
    "self_assessment": 1,
    "audit_event": SIGN_INS + STAFF_READS,
    "auth_session": 1,
}
STAFF_READS_ACTIONS = ("today_viewed", "grid_viewed", "group_page_viewed", "trainee_page_viewed")


def synthetic_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(User).where(User.username.startswith(PREFIX))
    )


def account_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def ensure_content() -> None:
    """The lessons and the question bank are the generated activity's subject: load them once."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Lesson)) == 0:
        lesson_content.load_lessons(lesson_content.read_lessons()[0])
    if db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0:
        revision_services.load_bank(bank.read_bank()[0])
    db.session.commit()


# --- writing ---------------------------------------------------------------------------------


class Writer:
    """Rows to tables in bulk: COPY on PostgreSQL, inserts in batches of 10,000 on SQLite.

    Rows are tuples in the order of `columns`; JSON columns come as text already serialised
    (a card's JSON is built by a format string: json.dumps per row would double the time)."""

    def __init__(self, connection: sa.Connection):
        self.connection = connection
        self.copy = connection.dialect.name == "postgresql"
        self.counts: Counter = Counter()
        if self.copy:
            # For this transaction only: no wait for the disk at commit (a crash loses a chunk
            # of synthetic rows, nothing else), and, where the role may, no foreign key checks
            # (the rows name ids generated with them): 1,000 trainees took 37 s with the
            # checks, 20 s without.
            connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
            if connection.exec_driver_sql(
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
            ).scalar():
                connection.exec_driver_sql("SET LOCAL session_replication_role = replica")

    def write(self, table: sa.Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        self.counts[table.name] += len(rows)
        if self.copy:
            cursor = self.connection.connection.driver_connection.cursor()
            names = ", ".join(f'"{name}"' for name in columns)
            with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
            return
        # SQLite: the table's own types (dates, booleans); JSON and roles as the text they are.
        plain = sa.table(
            table.name, *(sa.column(name, _as_written(table.c[name].type)) for name in columns)
        )
        for start in range(0, len(rows), 10_000):
            batch = [dict(zip(columns, row, strict=True)) for row in rows[start : start + 10_000]]
            self.connection.execute(sa.insert(plain), batch)


def _as_written(kind):
    return sa.Text() if isinstance(kind, sa.JSON | sa.Enum) else kind


# --- what the generated activity is about ----------------------------------------------------


@dataclass
class Catalogue:
    lessons: list[tuple[str, str, list[tuple[str, str]]]]  # id, hash, [(exercise id, answer)]
    questions: list[tuple[str, str, str]]  # id, hash, right answer as JSON
    exams: list[tuple[str, str, str]] = field(default_factory=list)  # ids, answers, per CCP

    @classmethod
    def read(cls, rng: random.Random) -> "Catalogue":
        lessons = []
        for lesson in db.session.scalars(
            sa.select(Lesson)
            .where(Lesson.retired.is_(False), Lesson.module != "app")
            .order_by(Lesson.module, Lesson.position)
        ):
            exercises = [
                (item["id"], _json(grading.expected(item))) for item in lesson.content["exercises"]
            ]
            lessons.append((lesson.id, lesson.content_hash, exercises))
        questions = [
            (q.id, q.content_hash, _json(grading.expected(q.content)))
            for q in db.session.scalars(
                sa.select(Question).where(Question.retired.is_(False)).order_by(Question.id)
            )
        ]
        catalogue = cls(lessons, questions)
        # A few mock exams reused by everyone: their JSON is what weighs, not its variety.
        for _ in range(20):
            drawn = rng.sample(questions, min(20, len(questions)))
            answers = {qid: json.loads(right) for qid, _hash, right in drawn}
            catalogue.exams.append(
                (_json([qid for qid, _h, _r in drawn]), _json(answers), _json({"1": [8, 10]}))
            )
        return catalogue


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _card(state, stability, difficulty, due: datetime, last: datetime | None) -> str:
    """A card as py-fsrs writes it to the review log (scheduler._plain), without json.dumps."""
    if stability is None:
        return (
            f'{{"state": {state}, "step": 0, "stability": null, "difficulty": null, '
            f'"due": "{_iso(due)}", "last_review": null}}'
        )
    return (
        f'{{"state": {state}, "step": null, "stability": {stability:.4f}, '
        f'"difficulty": {difficulty:.4f}, "due": "{_iso(due)}", "last_review": "{_iso(last)}"}}'
    )


# --- the plan: sites, groups, staff ------------------------------------------------------------


@dataclass
class Plan:
    trainees: int
    seed: int
    today: date
    sites: int = 0
    groups: list[tuple[date, date]] = field(default_factory=list)  # start, end per group

    def __post_init__(self):
        self.sites = max(1, -(-self.trainees // TRAINEES_PER_SITE))
        count = -(-self.trainees // GROUP_SIZE)
        for number in range(count):
            rng = random.Random(f"{self.seed}-group-{number}")
            # Contracts of 9-11 months started over the past year: most run now, some ended.
            starts = self.today - timedelta(days=rng.randint(40, 365))
            self.groups.append((starts, starts + timedelta(days=rng.randint(270, 330))))

    @property
    def teachers(self) -> int:
        return -(-len(self.groups) // GROUPS_PER_TEACHER)

    def site_of_group(self, number: int) -> int:
        return number * self.sites // len(self.groups)


@dataclass
class Ids:
    """The next free id of each table, so rows can name each other before they are written."""

    next: dict[str, int]

    @classmethod
    def read(cls, tables) -> "Ids":
        return cls(
            {
                table.name: (db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1
                for table in tables
            }
        )

    def take(self, table: str, count: int = 1) -> int:
        first = self.next[table]
        self.next[table] += count
        return first


# --- generation ------------------------------------------------------------------------------

TABLES = {
    "site": (Site.__table__, ("id", "name")),
    "cohort": (Group.__table__, ("id", "site_id", "name", "starts_on", "ends_on", "title")),
    "user_account": (
        User.__table__,
        (
            "id",
            "username",
            "display_name",
            "role",
            "password_hash",
            "site_id",
            "created_at",
            "last_seen_on",
            "notices_seen_at",
        ),
    ),
    "group_membership": (group_membership, ("group_id", "user_id")),
    "lesson_progress": (
        LessonProgress.__table__,
        (
            "id",
            "user_id",
            "lesson_id",
            "started_at",
            "last_activity_at",
            "completed_at",
            "seconds_spent",
            "answered",
            "correct_first",
            "attempts",
        ),
    ),
    "exercise_attempt": (
        ExerciseAttempt.__table__,
        (
            "id",
            "client_id",
            "user_id",
            "lesson_id",
            "exercise_id",
            "answer",
            "correct",
            "first",
            "content_hash",
            "answered_at",
        ),
    ),
    "review_card": (
        ReviewCard.__table__,
        (
            "id",
            "user_id",
            "question_id",
            "state",
            "step",
            "stability",
            "difficulty",
            "due",
            "last_review",
            "created_at",
        ),
    ),
    "review_log": (
        ReviewLog.__table__,
        (
            "id",
            "client_id",
            "user_id",
            "question_id",
            "mode",
            "answer",
            "correct",
            "guessed",
            "rating",
            "duration_ms",
            "reviewed_at",
            "card_before",
            "card_after",
            "content_hash",
        ),
    ),
    "mock_exam": (
        MockExam.__table__,
        (
            "id",
            "user_id",
            "client_id",
            "started_at",
            "minutes",
            "question_ids",
            "answers",
            "finished_at",
            "score",
            "per_ccp",
            "title",
        ),
    ),
    "recurring_item": (
        RecurringItem.__table__,
        (
            "id",
            "user_id",
            "income",
            "cents",
            "day_of_month",
            "category",
            "note",
            "starts_on",
            "active",
        ),
    ),
    "entry": (
        Entry.__table__,
        (
            "id",
            "user_id",
            "client_id",
            "income",
            "cents",
            "day",
            "category",
            "note",
            "recurring_id",
            "created_at",
        ),
    ),
    "goal": (
        Goal.__table__,
        (
            "id",
            "user_id",
            "client_id",
            "title",
            "themes",
            "why",
            "status",
            "target_on",
            "shared",
            "created_at",
        ),
    ),
    "goal_step": (GoalStep.__table__, ("id", "goal_id", "client_id", "text", "due_on", "done")),
    "journal_entry": (
        JournalEntry.__table__,
        ("id", "user_id", "client_id", "day", "mood", "text", "goal_id", "shared", "created_at"),
    ),
    "comment": (
        Comment.__table__,
        ("id", "author_id", "goal_id", "entry_id", "text", "created_at"),
    ),
    "self_assessment": (
        SelfAssessment.__table__,
        ("id", "user_id", "client_id", "stage", "ratings", "words", "shared", "created_at"),
    ),
    "audit_event": (
        AuditEvent.__table__,
        ("id", "at", "actor_id", "action", "subject_id", "detail"),
    ),
    "auth_session": (
        AuthSession.__table__,
        ("id", "token_hash", "user_id", "created_at", "expires_at"),
    ),
}


class Rows(dict):
    """Rows waiting to be written, by table name."""

    def __missing__(self, key):
        self[key] = []
        return self[key]

    def flush(self, writer: Writer) -> None:
        for name, (table, columns) in TABLES.items():  # parents before children
            writer.write(table, columns, self.pop(name, []))


def generate(
    trainees: int,
    seed: int = 1,
    today: date | None = None,
    workers: int = 1,
    resume: bool = False,
) -> Counter:
    """Write the whole synthetic network; return the rows written per table.

    On PostgreSQL, `workers` processes generate and COPY chunks of trainees side by side (each
    chunk has its own block of ids, so none waits for another); SQLite takes one writer. Each
    chunk is one transaction: `resume` writes the chunks an interrupted run (a database
    restart) did not, the same day and into a database that had no activity before."""
    ensure_content()
    network = Network(trainees, seed, today or date.today())
    writer = Writer(db.session.connection())
    chunks = range(-(-trainees // CHUNK))
    if resume:
        chunks = network.recover(chunks)
    else:
        network.staff()
        network.rows.flush(writer)
        network.base = dict(network.next)
    db.session.commit()
    counts = writer.counts
    if writer.copy and workers > 1:
        global _forked
        _forked = network
        db.engine.dispose(close=False)  # each process opens its own connections
        context = multiprocessing.get_context("fork")  # the app and catalogue, inherited
        with context.Pool(workers, initializer=_in_worker) as pool:
            for written in pool.imap_unordered(_chunk_in_worker, chunks):
                counts.update(written)
    else:
        for chunk in chunks:
            counts.update(_retried(network, chunk))
    if writer.copy:
        _after_copy(db.session.connection())
        db.session.commit()
    return counts


_forked: "Network | None" = None  # the generator a forked worker inherits


def _in_worker() -> None:
    db.engine.dispose(close=False)  # the parent's pooled connections are not this process's


def _chunk_in_worker(chunk: int) -> Counter:
    from flask import current_app

    with current_app.app_context():
        return _retried(_forked, chunk)


def _retried(network: "Network", chunk: int, tries: int = 10) -> Counter:
    """A chunk is one transaction: if the database restarts meanwhile, write it again."""
    for attempt in range(tries):
        try:
            return network.chunk(chunk)
        except sa.exc.OperationalError:
            db.session.invalidate()  # the connection is gone: no rollback to send on it
            db.session.remove()
            if attempt == tries - 1:
                raise
            time_module.sleep(2 + 2 * attempt)
    raise AssertionError("unreachable")


def _after_copy(connection: sa.Connection) -> None:
    """Sequences past the ids written by hand, and fresh planner statistics."""
    for table, columns in TABLES.values():
        if "id" in columns:
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                f'(SELECT COALESCE(MAX(id), 1) FROM "{table.name}"))'
            )
    connection.exec_driver_sql("ANALYZE")


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


class Network:
    """The generator: sites, groups and staff first, then one trainee at a time.

    Written for speed (100,000 trainees make about 50 million rows): ids counted by hand,
    random() rather than randint(), rows as tuples in the tables' column order."""

    def __init__(self, trainees: int, seed: int, today: date):
        self.seed, self.today = seed, today
        self.now = datetime.now(UTC)
        self.plan = Plan(trainees, seed, today)
        self.catalogue = Catalogue.read(random.Random(f"{seed}-catalogue"))
        self.next = Ids.read([table for table, columns in TABLES.values() if "id" in columns]).next
        self.password_hash = passphrases.hash_passphrase(PASSPHRASE)
        self.rows = Rows()
        self.client_number = 0
        self.client_prefix = f"{seed % 0xFFFF:04x}5ca1-0000"
        self.base: dict[str, int] = {}
        self.first_site = self.first_group = self.first_teacher = 0

    def take(self, table: str, count: int = 1) -> int:
        first = self.next[table]
        self.next[table] += count
        return first

    def client_id(self, kind: int) -> str:
        """Shaped like the phones' UUIDs (36 characters, so indexes weigh what they will),
        counting up so the unique indexes fill in order."""
        self.client_number += 1
        return f"{self.client_prefix}-4{kind:03x}-8000-{self.client_number:012x}"

    def recover(self, chunks: range) -> list[int]:
        """Where an interrupted run stood: its sites, groups and staff, its blocks of ids, and
        the chunks it did not write (a chunk is there whole or not at all)."""
        users = dict(
            db.session.execute(
                sa.select(User.username, User.id).where(User.username.startswith(PREFIX))
            ).all()
        )
        self.first_teacher = users[f"{PREFIX}prof1"]
        self.first_site = db.session.scalar(
            sa.select(sa.func.min(Site.id)).where(Site.name.startswith(f"Service {self.seed}-"))
        )
        self.first_group = db.session.scalar(
            sa.select(sa.func.min(Group.id)).where(Group.site_id == self.first_site)
        )
        self.base = dict.fromkeys(self.next, 1)  # the activity tables were empty
        self.base["user_account"] = self.first_teacher + self.plan.teachers + 2 * self.plan.sites
        return [chunk for chunk in chunks if f"{PREFIX}{chunk * CHUNK + 1}" not in users]

    def chunk(self, chunk: int) -> Counter:
        """Generate and write trainees chunk * CHUNK onwards, ids from the chunk's own blocks."""
        self.next = {
            table: first + chunk * CHUNK * PER_TRAINEE.get(table, 0)
            for table, first in self.base.items()
        }
        self.client_number = 0
        self.client_prefix = f"{self.seed % 0xFFFF:04x}5ca1-{chunk:04x}"
        self.rows = Rows()  # nothing left over from a try the database cut short
        for number in range(chunk * CHUNK, min((chunk + 1) * CHUNK, self.plan.trainees)):
            self.trainee(number)
        writer = Writer(db.session.connection())
        self.rows.flush(writer)
        db.session.commit()
        return writer.counts

    def account(self, user_id, username, name, role, site, created, seen) -> None:
        self.rows["user_account"].append(
            (user_id, username, name, role.name, self.password_hash, site, created, seen, created)
        )

    def staff(self) -> None:
        """Sites, groups, a teacher for every two groups, a volunteer and an admin a site."""
        plan, rows = self.plan, self.rows
        self.first_site = self.take("site", plan.sites)
        for number in range(plan.sites):
            rows["site"].append(
                (self.first_site + number, f"Service {self.seed}-{number + 1:03d} (synthétique)")
            )
        self.first_group = self.take("cohort", len(plan.groups))
        for number, (starts, ends) in enumerate(plan.groups):
            site = self.first_site + plan.site_of_group(number)
            rows["cohort"].append(
                (self.first_group + number, site, f"Groupe {number + 1}", starts, ends, "AR")
            )
        self.first_teacher = self.take("user_account", plan.teachers)
        for number in range(plan.teachers):
            user_id, group = self.first_teacher + number, number * GROUPS_PER_TEACHER
            site = self.first_site + plan.site_of_group(group)
            name = f"Formateur {number + 1}"
            self.account(
                user_id, f"{PREFIX}prof{number + 1}", name, Role.TEACHER, site, self.now, self.today
            )
            for member in range(group, min(group + GROUPS_PER_TEACHER, len(plan.groups))):
                rows["group_membership"].append((self.first_group + member, user_id))
        for number in range(plan.sites):
            for role, label in ((Role.VOLUNTEER, "benevole"), (Role.ADMIN, "admin")):
                self.account(
                    self.take("user_account"),
                    f"{PREFIX}{label}{number + 1}",
                    f"{label.title()} {number + 1}",
                    role,
                    self.first_site + number,
                    self.now,
                    self.today,
                )

    def trainee(self, number: int) -> None:
        """One trainee: account, membership and a contract's worth of activity."""
        group = number // GROUP_SIZE
        starts, ends = self.plan.groups[group]
        last = min(ends, self.today)
        rng = random.Random(f"{self.seed}-trainee-{number}")
        self.rng, self.random = rng, rng.random
        self.starts, self.last, self.span = starts, last, (last - starts).days + 1
        self.t0 = _at(starts, 8)
        self.user_id = user_id = self.take("user_account")
        self.group_id = self.first_group + group
        self.teacher_id = self.first_teacher + group // GROUPS_PER_TEACHER
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        seen = max(starts, last - timedelta(days=int(rng.expovariate(1 / 4))))
        site = self.first_site + self.plan.site_of_group(group)
        self.account(
            user_id, f"{PREFIX}{number + 1}", name, Role.TRAINEE, site, _at(starts, 9), seen
        )
        self.rows["group_membership"].append((self.group_id, user_id))
        self.lessons()
        self.revision()
        self.budget()
        self.journal()
        self.audit()
        if self.today - seen < timedelta(days=30):  # signed in within a session's 30 days
            session_id = self.take("auth_session")
            self.rows["auth_session"].append(
                (session_id, f"{session_id:064x}", user_id, _at(seen, 9), _at(seen, 9) + MONTH)
            )

    def moment(self) -> datetime:
        """A moment during the working hours of a day of the trainee's contract (so far)."""
        r = self.random
        return self.t0 + timedelta(days=int(r() * self.span), seconds=int(r() * 39600))

    def lessons(self) -> None:
        """Lessons in teaching order from some point, first tries mostly right, wrong ones
        redone."""
        r, user_id, rows = self.random, self.user_id, self.rows
        attempts_out, progress_out = rows["exercise_attempt"], rows["lesson_progress"]
        wanted = ATTEMPTS - 10 + int(r() * 21)
        lessons = self.catalogue.lessons
        done = 0
        attempt_id = self.next["exercise_attempt"]
        for lesson_id, digest, exercises in lessons[int(r() * len(lessons) / 2) :]:
            if done >= wanted:
                break
            moment = began = self.moment()
            answered = right_first = tries = 0
            for exercise_id, right in exercises:
                if done >= wanted:
                    break
                correct = r() < 0.8
                for attempt in range(1 if correct else 2):
                    ok = correct or attempt == 1
                    attempts_out.append(
                        (
                            attempt_id,
                            self.client_id(1),
                            user_id,
                            lesson_id,
                            exercise_id,
                            right if ok else WRONG,
                            ok,
                            attempt == 0,
                            digest,
                            moment,
                        )
                    )
                    attempt_id += 1
                    moment += timedelta(seconds=10 + int(r() * 80))
                    done += 1
                    tries += 1
                answered += 1
                right_first += correct
            progress_out.append(
                (
                    self.take("lesson_progress"),
                    user_id,
                    lesson_id,
                    began,
                    moment,
                    moment if answered == len(exercises) else None,
                    int((moment - began).total_seconds()),
                    answered,
                    right_first,
                    tries,
                )
            )
        self.next["exercise_attempt"] = attempt_id

    def revision(self) -> None:
        """Cards reviewed a few times each (FSRS-shaped states), a mock exam for most."""
        r, user_id, rows = self.random, self.user_id, self.rows
        logs, cards = rows["review_log"], rows["review_card"]
        until = min(self.now, _at(self.last, 23))
        questions = self.catalogue.questions
        log_id = self.next["review_log"]
        for question_id, digest, right in self.rng.sample(questions, min(CARDS, len(questions))):
            moment = created = self.moment()
            before = _card(1, None, None, moment, None)
            stability, difficulty = 0.0, 3 + r() * 4
            for review in range(REVIEWS_PER_CARD):
                correct = r() < 0.8
                stability = stability * (2 + r()) + 2 if correct else max(0.5, stability / 3)
                reviewed, due = moment, moment + timedelta(days=stability)
                after = _card(2 if correct else 3, stability, difficulty, due, reviewed)
                logs.append(
                    (
                        log_id,
                        self.client_id(2),
                        user_id,
                        question_id,
                        "practice" if review == 0 and r() < 0.3 else "review",
                        right if correct else WRONG,
                        correct,
                        False,
                        3 if correct else 1,
                        3000 + int(r() * 37000),
                        reviewed,
                        before,
                        after,
                        digest,
                    )
                )
                log_id += 1
                before = after
                moment = due + timedelta(hours=1 + int(r() * 72))  # answered a little after due
                if moment >= until:
                    break
            cards.append(
                (
                    self.take("review_card"),
                    user_id,
                    question_id,
                    2,
                    None,
                    stability,
                    difficulty,
                    due,
                    reviewed,
                    created,
                )
            )
        self.next["review_log"] = log_id
        if r() < 0.7:
            exam_ids, answers, per_ccp = self.rng.choice(self.catalogue.exams)
            taken = self.moment()
            rows["mock_exam"].append(
                (
                    self.take("mock_exam"),
                    user_id,
                    self.client_id(3),
                    taken,
                    30,
                    exam_ids,
                    answers,
                    taken + timedelta(minutes=12 + int(r() * 18)),
                    6 + int(r() * 14),
                    per_ccp,
                    "AR",
                )
            )

    def budget(self) -> None:
        """Pay, benefits, rent, phone and transport each month, and the shopping around them."""
        r, user_id, rows, starts, last = (
            self.random,
            self.user_id,
            self.rows,
            self.starts,
            self.last,
        )
        entries = rows["entry"]
        items = []
        for income, cents, day, category, note in RECURRING:
            item_id = self.take("recurring_item")
            items.append((item_id, income, cents, day, category, note))
            rows["recurring_item"].append(
                (item_id, user_id, income, cents, day, category, note, starts, True)
            )
        entry_id = self.next["entry"]
        month = starts.replace(day=1)
        while month <= last:
            for item_id, income, cents, day, category, note in items:
                on = month.replace(day=day)
                if starts <= on <= last:
                    entries.append(
                        (
                            entry_id,
                            user_id,
                            f"rec-{item_id}-{month:%Y-%m}",
                            income,
                            cents,
                            on,
                            category,
                            note,
                            item_id,
                            _at(on, 7),
                        )
                    )
                    entry_id += 1
            month = (month + timedelta(days=32)).replace(day=1)
        for _ in range(BUDGET_ENTRIES - (entry_id - self.next["entry"])):
            on = starts + timedelta(days=int(r() * self.span))
            entries.append(
                (
                    entry_id,
                    user_id,
                    self.client_id(4),
                    False,
                    150 + int(r() * 5850),
                    on,
                    SPENDING[int(r() * len(SPENDING))],
                    "",
                    None,
                    _at(on, 18),
                )
            )
            entry_id += 1
        self.next["entry"] = entry_id

    def journal(self) -> None:
        """Two goals with steps, a journal day about once a week, the entry self-assessment."""
        r, user_id, rows, starts = self.random, self.user_id, self.rows, self.starts
        goals = []
        for title in GOALS:
            goal_id = self.take("goal")
            goals.append(goal_id)
            rows["goal"].append(
                (
                    goal_id,
                    user_id,
                    self.client_id(5),
                    title,
                    "budget rights",
                    "",
                    "doing",
                    None,
                    r() < 0.5,
                    _at(starts, 10),
                )
            )
            for step in GOAL_STEPS:
                rows["goal_step"].append(
                    (self.take("goal_step"), goal_id, self.client_id(6), step, None, r() < 0.5)
                )
        entries, comments = rows["journal_entry"], rows["comment"]
        for offset in sorted(self.rng.sample(range(self.span), min(self.span, JOURNAL_ENTRIES))):
            entry_id = self.take("journal_entry")
            day = starts + timedelta(days=offset)
            shared = r() < 0.1
            entries.append(
                (
                    entry_id,
                    user_id,
                    self.client_id(7),
                    day,
                    1 + int(r() * 5),
                    MOODS_TEXTS[int(r() * len(MOODS_TEXTS))],
                    goals[int(r() * len(goals))] if r() < 0.2 else None,
                    shared,
                    _at(day, 20),
                )
            )
            if shared and r() < 0.5:
                comments.append(
                    (
                        self.take("comment"),
                        self.teacher_id,
                        None,
                        entry_id,
                        COMMENT,
                        _at(day + timedelta(days=1), 9),
                    )
                )
        ratings = _json({theme: 1 + int(r() * 4) for theme in THEME_NAMES})
        rows["self_assessment"].append(
            (
                self.take("self_assessment"),
                user_id,
                self.client_id(8),
                "entry",
                ratings,
                "{}",
                False,
                _at(starts, 11),
            )
        )

    def audit(self) -> None:
        """Sign-ins, and the teacher's pages that show the trainee (one row per trainee)."""
        r, user_id, audit = self.random, self.user_id, self.rows["audit_event"]
        event_id = self.next["audit_event"]
        for _ in range(SIGN_INS):
            audit.append((event_id, self.moment(), user_id, "sign_in", user_id, "known_device"))
            event_id += 1
        detail = f"group={self.group_id}"
        for _ in range(STAFF_READS):
            action = STAFF_READS_ACTIONS[int(r() * len(STAFF_READS_ACTIONS))]
            audit.append((event_id, self.moment(), self.teacher_id, action, user_id, detail))
            event_id += 1
        self.next["audit_event"] = event_id
