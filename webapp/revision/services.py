"""Rules for revision: loading the bank, today's review, answering once, mastery, mock exams."""

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from webapp.accounts.models import Group, group_membership
from webapp.core import grading, titles
from webapp.core.content import content_hash, sync_rows
from webapp.core.database import rows_of
from webapp.core.errors import NotYours
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.outbox import note
from webapp.core.time import as_utc, utcnow
from webapp.extensions import db
from webapp.revision import scheduler
from webapp.revision.models import MockExam, Question, ReviewCard, ReviewLog, RevisionSettings

PARIS = ZoneInfo("Europe/Paris")
EXAM_SIZE = 20
PRACTICE_SIZE = 5
CARD_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review")
TOPIC_NAMES = {
    "hygiene": _l("Hygiene and HACCP"),
    "allergens": _l("The 14 allergens"),
    "safety": _l("Safety at work"),
    "customers": _l("Customer relations"),
}
# Every CCP of every title, then the cross-cutting topics: a scope key names one of them.
SCOPE_NAMES = {**{scope: unit.name for scope, unit in titles.UNITS.items()}, **TOPIC_NAMES}
SCOPES = tuple(SCOPE_NAMES)


# --- the bank -------------------------------------------------------------------------------


def load_bank(questions: list[dict]) -> Counter:
    """Insert, update or retire questions by stable id; cards and history are kept. Idempotent."""
    existing = {q.id: q for q in db.session.scalars(sa.select(Question))}
    wanted = {
        data["id"]: {
            "topic": data.get("topic"),
            "competency": data.get("competency"),
            "kind": data["type"],
            "difficulty": data["difficulty"],
            "content": data,
            "content_hash": content_hash(data),
        }
        for data in questions
    }
    return sync_rows(Question, wanted, existing)


def question_texts(question: dict) -> list[tuple[str, str]]:
    """Everything a bank question can read aloud (revision, mock exam, live quiz): all French."""
    return [
        (question["question"], "fr"),
        (question["explanation"], "fr"),
        *((text, "fr") for text in grading.spoken_choices(question)),
    ]


def spoken_texts() -> list[tuple[str, str]]:
    """What every current bank question reads aloud (`flask audio build`)."""
    return [
        text
        for question in db.session.scalars(
            sa.select(Question).where(Question.retired.is_(False)).order_by(Question.id)
        )
        for text in question_texts(question.content)
    ]


def get_question(question_id: str) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.retired:
        raise NotYours
    return question


# --- for other features (the live quiz): questions by id, drawn, searched, or written ---------


def question_by_id(question_id: str) -> Question | None:
    """A question by id, retired or not (a live session shows what it asked, even since
    removed from the bank, and a set's own questions are retired rows)."""
    return db.session.get(Question, question_id)


def questions_by_id(question_ids: list[str]) -> dict[str, Question]:
    """Those of these questions that exist, by id, retired or not (one query)."""
    if not question_ids:
        return {}
    rows = db.session.scalars(sa.select(Question).where(Question.id.in_(question_ids)))
    return {row.id: row for row in rows}


def current_ids(question_ids: list[str]) -> set[str]:
    """Those of these ids that are current bank questions (one query)."""
    if not question_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Question.id).where(Question.id.in_(question_ids), Question.retired.is_(False))
        )
    )


def ids_in_scopes(scopes: list[str]) -> list[str]:
    """Every current bank question of these CCPs or topics, by id, sorted."""
    return sorted(
        db.session.scalars(
            sa.select(Question.id).where(
                Question.retired.is_(False), sa.or_(*[in_scope(scope) for scope in scopes])
            )
        )
    )


def bank_in_scope(scope: str | None) -> list[Question]:
    """The current bank questions of a CCP or topic (all of them without one), by id."""
    query = sa.select(Question).where(Question.retired.is_(False))
    if scope:
        query = query.where(in_scope(scope))
    return list(db.session.scalars(query.order_by(Question.id)))


def keep_private_question(question_id: str, content: dict, digest: str) -> Question:
    """Store a question written for one purpose (a live question set) as a retired row: the
    room reads it like any question, but the bank, revision and mock exams never draw it. The
    same id twice is the same row (no commit)."""
    row = db.session.get(Question, question_id)
    if row is None:
        row = Question(
            id=question_id,
            topic=None,
            competency=content.get("competency"),
            kind=content["type"],
            difficulty=content.get("difficulty", 1),
            content=content,
            content_hash=digest,
            retired=True,
        )
        db.session.add(row)
    return row


def private_contents(prefix: str) -> list[dict]:
    """The contents of the private questions (keep_private_question) whose ids start with
    `prefix`: what a feature that wrote them still refers to (a live set's pictures)."""
    return list(
        db.session.scalars(
            sa.select(Question.content).where(
                Question.retired.is_(True), Question.id.startswith(prefix, autoescape=True)
            )
        )
    )


def in_scope(scope: str):
    """The SQL condition for a title's CCP ("1".."4", "epr1".."epr3") or a cross-cutting topic."""
    if scope not in SCOPES:
        raise NotYours
    if scope in titles.UNITS:
        return Question.competency.in_(titles.UNITS[scope].competencies)
    return Question.topic == scope


def title_codes(user_ids: list[int]) -> dict[int, str]:
    """The title each trainee prepares: their group's (the latest one if they are in several).

    One query; a trainee in no group gets the default title."""
    found = dict.fromkeys(user_ids, titles.DEFAULT)
    if user_ids:
        for user_id, code in rows_of(_TITLE_CODES, {"user_ids": list(user_ids)}):
            found[user_id] = code  # the latest start wins
    return found


# Built once, like the statements below that pages run at every view: building a statement
# (and its cache key) cost SQLAlchemy about three times what running it did.
_TITLE_CODES = (
    sa.select(group_membership.c.user_id, Group.title)
    .join(Group, Group.id == group_membership.c.group_id)
    .where(group_membership.c.user_id.in_(sa.bindparam("user_ids", expanding=True)))
    .order_by(Group.starts_on, Group.id)
)


# --- settings and today's review ------------------------------------------------------------


def settings_for(user) -> RevisionSettings:
    # A statement built once rather than Session.get, which built its own at every call (as
    # much CPU as the three counts of today together); no caller loads the row before, so it
    # is one query all the same.
    return db.session.scalar(_SETTINGS, {"user_id": user.id}) or RevisionSettings(
        user_id=user.id, daily_target=10, new_per_day=5, exam_minutes=30
    )


_SETTINGS = sa.select(RevisionSettings).where(RevisionSettings.user_id == sa.bindparam("user_id"))


def exam_minutes(users) -> dict[int, int]:
    """Each user's mock-exam time where a teacher changed it (one query)."""
    ids = [user.id for user in users]
    return (
        {
            row.user_id: row.exam_minutes
            for row in db.session.scalars(
                sa.select(RevisionSettings).where(RevisionSettings.user_id.in_(ids))
            )
        }
        if ids
        else {}
    )


def save_settings(user, **values) -> None:
    row = db.session.get(RevisionSettings, user.id)
    if row is None:
        row = settings_for(user)
        db.session.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    db.session.commit()


def start_of_day(now: datetime) -> datetime:
    """Midnight in Paris, in UTC: "today" is the trainee's day, not the server's."""
    local = as_utc(now).astimezone(PARIS)
    return datetime.combine(local.date(), time(), tzinfo=PARIS).astimezone(ZoneInfo("UTC"))


@dataclass(frozen=True)
class Today:
    """Where a trainee's review stands today."""

    done: int  # questions reviewed since midnight in Paris
    due: int  # cards due now
    target: int  # the trainee's daily target
    new_left: int  # new questions still allowed today

    @property
    def left(self) -> int:
        """How many questions today's review still asks (due and new ones, up to the target)."""
        return max(0, min(self.target - self.done, self.due + self.new_left))


def today(user, now: datetime) -> Today:
    """Counts for the review screen: done today, due now, new cards still allowed today."""
    settings = settings_for(user)
    midnight = start_of_day(now)
    # Counts read on the request's connection (rows_of): the ORM session's path cost more.
    done = rows_of(_DONE_TODAY, {"user_id": user.id, "midnight": midnight}).scalar()
    due = rows_of(_DUE_NOW, {"user_id": user.id, "now": now}).scalar()
    new_today = rows_of(_NEW_TODAY, {"user_id": user.id, "midnight": midnight}).scalar()
    return Today(
        done=done,
        due=due,
        target=settings.daily_target,
        new_left=max(0, settings.new_per_day - new_today),
    )


_DONE_TODAY = (
    sa.select(sa.func.count())
    .select_from(ReviewLog)
    .where(
        ReviewLog.user_id == sa.bindparam("user_id"),
        ReviewLog.mode == "review",
        ReviewLog.reviewed_at >= sa.bindparam("midnight"),
    )
)
_DUE_NOW = (
    sa.select(sa.func.count())
    .select_from(ReviewCard)
    .where(ReviewCard.user_id == sa.bindparam("user_id"), ReviewCard.due <= sa.bindparam("now"))
)
_NEW_TODAY = (
    sa.select(sa.func.count())
    .select_from(ReviewCard)
    .where(
        ReviewCard.user_id == sa.bindparam("user_id"),
        ReviewCard.created_at >= sa.bindparam("midnight"),
    )
)


def left_today(user, now: datetime) -> int:
    """How many questions today's review still asks (due ones and new ones, up to the target)."""
    return today(user, now).left


def next_review(user, now: datetime, counts: Today, more: bool = False) -> Question | None:
    """The due card answered longest ago, else a new question, until the daily target is met."""
    if counts.done >= counts.target and not more:
        return None
    due = db.session.scalar(_DUE_FIRST, {"user_id": user.id, "until": now, "wanted": 1})
    if due is not None or (counts.new_left == 0 and not more):
        return due
    return _new_question(user)


# A trainee's cards due by a time, the first due first, as many as wanted: the next card (due
# now) and the offline set (due within half a day, the phone keeps it for the day). Built once.
_DUE_FIRST = (
    sa.select(Question)
    .join(ReviewCard, ReviewCard.question_id == Question.id)
    .where(
        ReviewCard.user_id == sa.bindparam("user_id"),
        ReviewCard.due <= sa.bindparam("until"),
        Question.retired.is_(False),
    )
    .order_by(ReviewCard.due)
    .limit(sa.bindparam("wanted"))
)


def offline_set(user, now: datetime, counts: Today) -> list[Question]:
    """The questions today's review would ask, for answering without network."""
    wanted = max(0, counts.target - counts.done)
    due = list(
        db.session.scalars(
            _DUE_FIRST, {"user_id": user.id, "until": now + timedelta(hours=12), "wanted": wanted}
        )
    )
    fresh = _new_questions(user, min(counts.new_left, wanted - len(due)))
    return due + fresh


def _new_question(user) -> Question | None:
    found = _new_questions(user, 1)
    return found[0] if found else None


def _new_questions(user, count: int) -> list[Question]:
    """Unseen questions, easy ones first, mixed across CCPs and topics in a stable order."""
    if count <= 0:  # before reading every unseen question (600 rows: half the set's queries)
        return []
    rows = db.session.execute(_UNSEEN, {"user_id": user.id}).all()
    if not rows:
        return []
    shuffle = random.Random(user.id)
    order = {row.id: (row.difficulty, shuffle.random()) for row in sorted(rows)}
    chosen = sorted(order, key=order.get)[:count]
    found = {q.id: q for q in db.session.scalars(_QUESTIONS, {"ids": chosen})}
    return [found[qid] for qid in chosen]


_UNSEEN = sa.select(Question.id, Question.difficulty).where(
    Question.retired.is_(False),
    Question.id.not_in(
        sa.select(ReviewCard.question_id).where(ReviewCard.user_id == sa.bindparam("user_id"))
    ),
)
_QUESTIONS = sa.select(Question).where(Question.id.in_(sa.bindparam("ids", expanding=True)))


def practice_set(scope: str, seed: str) -> list[str]:
    """A short set of questions from one CCP or topic, the same for the same seed."""
    ids = sorted(
        db.session.scalars(
            sa.select(Question.id).where(in_scope(scope), Question.retired.is_(False))
        )
    )
    if not ids:
        raise NotYours
    return random.Random(f"{scope}-{seed}").sample(ids, min(PRACTICE_SIZE, len(ids)))


# --- answering ------------------------------------------------------------------------------


def _card_dict(card: ReviewCard) -> dict:
    data = {field: getattr(card, field) for field in CARD_FIELDS}
    for field in ("due", "last_review"):
        data[field] = as_utc(data[field]).isoformat() if data[field] else None
    return data


def answer(
    user,
    question: Question,
    given: list[str],
    client_id: str,
    mode: str,
    seconds: float,
    guessed: bool,
    when: datetime,
    tries: int = 3,
) -> ReviewLog:
    """Grade, reschedule the card with FSRS and log the review, once per client id.

    Concurrent replays race to insert the log: the unique client id decides, the losers roll
    back and answer with the stored log (never an error)."""
    done = db.session.scalar(sa.select(ReviewLog).where(ReviewLog.client_id == client_id))
    if done is not None:
        return _already(done, user)
    correct = grading.is_correct(question.content, given)
    rating = scheduler.rating_for(correct, seconds, guessed, question.kind)
    try:
        card = db.session.scalar(
            sa.select(ReviewCard).where(
                ReviewCard.user_id == user.id, ReviewCard.question_id == question.id
            )
        )
        if card is None:
            card = ReviewCard(
                user_id=user.id, question_id=question.id, **_columns(scheduler.new_card(when))
            )
            db.session.add(card)
        before = _card_dict(card)
        after = scheduler.review(before, rating, when, int(seconds * 1000))
        for field, value in _columns(after).items():
            setattr(card, field, value)
        log = ReviewLog(
            client_id=client_id,
            user_id=user.id,
            question_id=question.id,
            mode=mode,
            answer=given,
            correct=correct,
            guessed=guessed,
            rating=int(rating),
            duration_ms=int(seconds * 1000),
            reviewed_at=when,
            card_before=before,
            card_after=after,
            content_hash=question.content_hash,
        )
        db.session.add(log)
        db.session.commit()
    except sa.exc.IntegrityError:  # the same answer arrived twice at once
        db.session.rollback()
        stored = db.session.scalar(sa.select(ReviewLog).where(ReviewLog.client_id == client_id))
        if stored is not None:
            return _already(stored, user)
        if tries <= 1:  # another answer created the card meanwhile: try again
            raise
        return answer(user, question, given, client_id, mode, seconds, guessed, when, tries - 1)
    note("stored")
    return log


def bring_forward(wanted: dict[int, list[str]], now: datetime, tries: int = 2) -> None:
    """Make these questions due now in these trainees' revision (a new card where they have
    none): after a live session, the questions they missed come first. Asking again changes
    nothing more; a card already due keeps its date. No commit on success: the caller's."""
    pairs = {(user_id, qid) for user_id, ids in wanted.items() for qid in ids}
    if not pairs:
        return
    live_ids = set(
        db.session.scalars(
            sa.select(Question.id).where(
                Question.id.in_({qid for _u, qid in pairs}), Question.retired.is_(False)
            )
        )
    )
    cards = {
        (card.user_id, card.question_id): card
        for card in db.session.scalars(
            sa.select(ReviewCard).where(
                ReviewCard.user_id.in_(set(wanted)), ReviewCard.question_id.in_(live_ids)
            )
        )
    }
    for user_id, qid in sorted(pairs):
        if qid not in live_ids:
            continue
        card = cards.get((user_id, qid))
        if card is None:
            db.session.add(
                ReviewCard(user_id=user_id, question_id=qid, **_columns(scheduler.new_card(now)))
            )
        elif as_utc(card.due) > now:
            card.due = now
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # the trainee answered one of them meanwhile: again
        db.session.rollback()
        if tries <= 1:
            raise
        bring_forward(wanted, now, tries - 1)


def _already(log: ReviewLog, user) -> ReviewLog:
    if log.user_id != user.id:
        raise NotYours
    note("duplicate")
    return log


def _columns(card: dict) -> dict:
    values = {field: card[field] for field in CARD_FIELDS}
    for field in ("due", "last_review"):
        values[field] = datetime.fromisoformat(values[field]) if values[field] else None
    return values


def plausible_time(sent: str | None, now: datetime) -> datetime:
    """When an answer was given offline (sent by the phone), kept only if it is believable."""
    try:
        moment = as_utc(datetime.fromisoformat(sent)) if sent else None
    except (ValueError, OverflowError):  # year 1 or 9999 in another time zone
        moment = None
    if moment is None or not now - timedelta(days=7) <= moment <= now:
        return now
    return moment


# --- mastery (also read by the educator dashboard) ------------------------------------------


def mastery(user_ids: list[int], now: datetime | None = None) -> dict[int, dict]:
    """Per user, per CCP or topic and per competency: (questions mastered, questions in the bank).

    A question is mastered when FSRS gives a recall probability above 90 %. Two queries,
    whatever the number of users.
    """
    now = now or utcnow()
    codes = title_codes(user_ids)
    groups = Counter()  # (competency, topic) -> questions in the bank
    for competency, topic, count in rows_of(_BANK_GROUPS):
        groups[(competency, topic)] += count
    totals = {code: _scope_totals(code, groups) for code in set(codes.values())}
    result = {}
    for user_id, code in codes.items():
        competencies = Counter()
        for (competency, _topic), count in groups.items():
            if competency:
                competencies[competency] += count
        result[user_id] = {
            "title": code,
            "scopes": {scope: [0, total] for scope, total in totals[code].items()},
            "competencies": {name: [0, count] for name, count in competencies.items()},
        }
    cards = rows_of(_CARDS_OF, {"user_ids": list(user_ids)})
    for user_id, stability, last_review, topic, competency in cards:
        last_review = as_utc(last_review) if last_review else None
        if scheduler.recall_probability(stability, last_review, now) > scheduler.MASTERED:
            found = result[user_id]
            for scope in _scopes_of(found["title"], competency, topic):
                found["scopes"][scope][0] += 1
            if competency:
                found["competencies"][competency][0] += 1
    return result


_BANK_GROUPS = (
    sa.select(Question.competency, Question.topic, sa.func.count())
    .where(Question.retired.is_(False))
    .group_by(Question.competency, Question.topic)
)
_CARDS_OF = (  # rows: hundreds of cards a trainee, and only what decides their recall
    sa.select(
        ReviewCard.user_id,
        ReviewCard.stability,
        ReviewCard.last_review,
        Question.topic,
        Question.competency,
    )
    .join(Question, Question.id == ReviewCard.question_id)
    .where(
        ReviewCard.user_id.in_(sa.bindparam("user_ids", expanding=True)),
        Question.retired.is_(False),
    )
)


def _scopes_of(code: str, competency: str | None, topic: str | None) -> list[str]:
    """A question counts in its CCP for the title and, if it has one, in its topic too."""
    unit = titles.unit_scope(code, competency)
    return [scope for scope in (unit, topic) if scope]


def _scope_totals(code: str, groups: Counter) -> dict[str, int]:
    """Questions per scope for a title: its CCPs in order, then the topics that have some."""
    totals = Counter()
    for (competency, topic), count in groups.items():
        for scope in _scopes_of(code, competency, topic):
            totals[scope] += count
    order = [*titles.title(code).scopes, *TOPIC_NAMES]
    return {scope: totals[scope] for scope in order if totals[scope]}


# --- mock exams -----------------------------------------------------------------------------


def start_exam(user, client_id: str) -> MockExam:
    """Draw questions in equal parts from the CCPs of the trainee's title; starting twice starts
    once. One query for the bank, whatever its size."""
    exam = db.session.scalar(sa.select(MockExam).where(MockExam.client_id == client_id))
    if exam is not None:
        if exam.user_id != user.id:
            raise NotYours
        return exam
    code = title_codes([user.id])[user.id]
    by_competency = defaultdict(list)
    for question_id, competency in db.session.execute(
        sa.select(Question.id, Question.competency)
        .where(Question.retired.is_(False))
        .order_by(Question.id)
    ):
        by_competency[competency].append(question_id)
    rng = random.Random(client_id)
    chosen = []
    for unit, count in titles.exam_plan(code, EXAM_SIZE):
        ids = [qid for competency in unit.competencies for qid in by_competency[competency]]
        chosen += rng.sample(ids, min(count, len(ids)))
    exam = MockExam(
        user_id=user.id,
        client_id=client_id,
        minutes=settings_for(user).exam_minutes,
        question_ids=chosen,
        answers={},
        title=code,
    )
    db.session.add(exam)
    db.session.commit()
    return exam


def exam_for(user, exam_id: int) -> MockExam:
    exam = db.session.get(MockExam, exam_id)
    if exam is None or exam.user_id != user.id:
        raise NotYours
    return exam


def exam_questions(exam: MockExam) -> list[Question]:
    found = {
        q.id: q
        for q in db.session.scalars(sa.select(Question).where(Question.id.in_(exam.question_ids)))
    }
    return [found[qid] for qid in exam.question_ids if qid in found]


def finish_exam(exam: MockExam, answers: dict[str, list[str]], now: datetime) -> MockExam:
    """Grade once: a second submission of the same exam changes nothing."""
    if exam.finished_at is not None:
        return exam
    per_ccp = defaultdict(lambda: [0, 0])
    for question in exam_questions(exam):
        given = answers.get(question.id)
        right = given is not None and grading.is_correct(question.content, given)
        scope = titles.unit_scope(exam.title, question.competency)
        per_ccp[scope][0] += int(right)
        per_ccp[scope][1] += 1
    exam.answers = {qid: value for qid, value in answers.items() if value is not None}
    exam.per_ccp = dict(per_ccp)
    exam.score = sum(right for right, _asked in per_ccp.values())
    exam.finished_at = now
    db.session.commit()
    return exam


def exam_passed(exam: MockExam | sa.Row) -> bool:
    """Our rule for a mock exam: at least half right in every CCP."""
    return bool(exam.per_ccp) and all(2 * right >= asked for right, asked in exam.per_ccp.values())


def exam_deadline(exam: MockExam) -> datetime:
    return as_utc(exam.started_at) + timedelta(minutes=exam.minutes)


def exam_history(user) -> list[MockExam]:
    return list(db.session.scalars(_EXAM_HISTORY, {"user_id": user.id}))


_EXAM_HISTORY = (
    sa.select(MockExam)
    .where(MockExam.user_id == sa.bindparam("user_id"), MockExam.finished_at.is_not(None))
    .order_by(MockExam.finished_at.desc())
    .limit(10)
)


def log_for(user, client_id: str | None) -> ReviewLog | None:
    """The user's own review by its client id (for the feedback page), else None."""
    if not client_id:
        return None
    log = db.session.scalar(_LOG_BY_CLIENT_ID, {"client_id": client_id})
    return log if log is not None and log.user_id == user.id else None


_LOG_BY_CLIENT_ID = sa.select(ReviewLog).where(ReviewLog.client_id == sa.bindparam("client_id"))


# --- for the educator dashboard -------------------------------------------------------------


def exams_of(user_ids: list[int]) -> dict[int, list[sa.Row]]:
    """Finished mock exams per user, newest first (one query). Rows with what the home, the
    dashboard and the CV read of them (exam_passed takes them too), not objects: a trainee's
    home asks at every visit when an exam is assigned, and the ORM cost more than the query."""
    found: dict[int, list[sa.Row]] = {user_id: [] for user_id in user_ids}
    for exam in rows_of(_EXAMS_OF, {"user_ids": list(user_ids)}):
        found[exam.user_id].append(exam)
    return found


_EXAMS_OF = (
    sa.select(
        MockExam.id,
        MockExam.user_id,
        MockExam.finished_at,
        MockExam.score,
        MockExam.question_ids,
        MockExam.per_ccp,
    )
    .where(
        MockExam.user_id.in_(sa.bindparam("user_ids", expanding=True)),
        MockExam.finished_at.is_not(None),
    )
    .order_by(MockExam.finished_at.desc())
)


def practised(user_ids: list[int], since: datetime, title: str | None = None) -> dict[int, Counter]:
    """How many questions of each CCP or topic each user answered since a date (one query)."""
    found: dict[int, Counter] = {user_id: Counter() for user_id in user_ids}
    # Everyone's title is `title` when given (a group's page), else each one's own (one query).
    codes = dict.fromkeys(user_ids, title) if title else title_codes(user_ids)
    for user_id, competency, topic, count in rows_of(
        _PRACTISED, {"user_ids": list(user_ids), "since": since}
    ):
        for scope in _scopes_of(codes[user_id], competency, topic):
            found[user_id][scope] += count
    return found


_PRACTISED = (
    sa.select(ReviewLog.user_id, Question.competency, Question.topic, sa.func.count())
    .join(Question, Question.id == ReviewLog.question_id)
    .where(
        ReviewLog.user_id.in_(sa.bindparam("user_ids", expanding=True)),
        ReviewLog.reviewed_at >= sa.bindparam("since"),
    )
    .group_by(ReviewLog.user_id, Question.competency, Question.topic)
)


# --- data rights: export and erase ----------------------------------------------------------


def export_for(user) -> dict:
    """A trainee's revision settings, answers and mock exams, as plain values (for "My data")."""
    settings = settings_for(user)
    logs = db.session.scalars(
        sa.select(ReviewLog).where(ReviewLog.user_id == user.id).order_by(ReviewLog.reviewed_at)
    )
    cards = db.session.scalar(sa.select(sa.func.count()).where(ReviewCard.user_id == user.id))
    exams = db.session.scalars(
        sa.select(MockExam).where(MockExam.user_id == user.id).order_by(MockExam.started_at)
    )
    return {
        "settings": {
            "daily_target": settings.daily_target,
            "new_per_day": settings.new_per_day,
            "exam_minutes": settings.exam_minutes,
        },
        "cards": cards,
        "answers": [
            {
                "question": log.question_id,
                "mode": log.mode,
                "answer": log.answer,
                "correct": log.correct,
                "at": log.reviewed_at.isoformat(),
            }
            for log in logs
        ],
        "mock_exams": [
            {
                "started_at": e.started_at.isoformat(),
                "minutes": e.minutes,
                "finished_at": e.finished_at and e.finished_at.isoformat(),
                "score": e.score,
                "questions": len(e.question_ids),
                "title": e.title,
                "per_ccp": e.per_ccp,
            }
            for e in exams
        ],
    }


def erase_user(user_id: int) -> None:
    """Remove a trainee's cards, answers, settings and exams (no commit)."""
    for model in (ReviewLog, ReviewCard, RevisionSettings, MockExam):
        db.session.execute(sa.delete(model).where(model.user_id == user_id))
