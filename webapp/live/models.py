"""Live sessions, their players and answers: all state in the database, none in memory."""

import math
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.time import as_utc, utcnow
from webapp.extensions import db


def is_over(
    phase: str, ended_at: datetime | None, created_at: datetime, now: datetime | None = None
) -> bool:
    """Ended by its host, or left open longer than LIVE_SESSION_HOURS: then a session is over,
    computed on reading (a GET never writes)."""
    if ended_at is not None or phase == "end":
        return True
    lifetime = timedelta(hours=current_app.config["LIVE_SESSION_HOURS"])
    return as_utc(created_at) + lifetime <= (now or utcnow())


# Network delay after a countdown's end: answers sent in time still count, and the reveal
# comes only after it, so a phone never sees the answer while its own is on its way.
GRACE = timedelta(seconds=2)


def time_is_up(deadline: datetime | None, now: datetime | None = None) -> bool:
    """A question's countdown has run out (grace included); no deadline: no countdown, or
    paused. Computed on reading: the room moves to the reveal without anyone writing it."""
    return deadline is not None and as_utc(deadline) + GRACE <= (now or utcnow())


def seconds_left(deadline: datetime | None, now: datetime | None = None) -> int:
    """Whole seconds until the deadline (0 once passed), as the countdown shows them."""
    if deadline is None:
        return 0
    left = (as_utc(deadline) - (now or utcnow())).total_seconds()
    return max(0, math.ceil(left))


class LiveSession(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(6), unique=True)
    host_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cohort.id"), index=True)
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    question_ids: Mapped[list] = mapped_column(sa.JSON)
    phase: Mapped[str] = mapped_column(sa.String(10), default="lobby")
    current: Mapped[int] = mapped_column(default=-1)  # index of the question asked, -1 before
    version: Mapped[int] = mapped_column(default=1)  # bumps at every phase change; phones poll it
    time_limit: Mapped[int | None]  # seconds per question; None: no limit (the default)
    speed_bonus: Mapped[bool] = mapped_column(default=False)
    team_mode: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    question_started_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Players so far, counted up atomically: the room's cap holds under concurrent joins.
    player_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # The asked question's countdown (when the session has a time limit): its end, or, while
    # the host pauses it, the seconds that were left (then no deadline).
    deadline: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    paused_left: Mapped[int | None]
    # When the host sent the missed questions to the trainees' revision (once is enough).
    review_sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    def is_over(self, now: datetime | None = None) -> bool:
        return is_over(self.phase, self.ended_at, self.created_at, now)

    def time_is_up(self, now: datetime | None = None) -> bool:
        return self.phase == "question" and time_is_up(self.deadline, now)

    @property
    def state(self) -> str:
        """The phase as people see it: "end" once the session is over, "reveal" once the
        question's countdown has run out (the next host action writes it)."""
        if self.is_over():
            return "end"
        return "reveal" if self.time_is_up() else self.phase

    @property
    def paused(self) -> bool:
        return self.phase == "question" and self.paused_left is not None

    @property
    def left(self) -> int | None:
        """Seconds left to answer (None: no countdown running or paused)."""
        if self.paused:
            return self.paused_left
        return seconds_left(self.deadline) if self.deadline is not None else None


class LivePlayer(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("live_session.id", ondelete="CASCADE"))
    nickname: Mapped[str] = mapped_column(sa.String(24))
    # Digests of the nickname's confusable skeleton (see live.nicknames): case-insensitive,
    # and case-sensitive. Unique per session, so lookalike nicknames cannot sit side by side.
    nickname_key: Mapped[str] = mapped_column(sa.String(64))
    skeleton_key: Mapped[str] = mapped_column(sa.String(64))
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    joined_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    score: Mapped[int] = mapped_column(default=0)
    right: Mapped[int] = mapped_column(default=0)
    __table_args__ = (
        sa.UniqueConstraint("session_id", "nickname"),
        sa.UniqueConstraint("session_id", "nickname_key", name="uq_live_player_nickname_key"),
        sa.UniqueConstraint("session_id", "skeleton_key", name="uq_live_player_skeleton_key"),
        sa.Index("ix_live_player_session_user", "session_id", "user_id"),
    )


class LiveAnswer(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("live_session.id", ondelete="CASCADE"))
    player_id: Mapped[int] = mapped_column(sa.ForeignKey("live_player.id", ondelete="CASCADE"))
    question_index: Mapped[int]
    question_id: Mapped[str] = mapped_column(sa.String(40))
    answer: Mapped[list] = mapped_column(sa.JSON)
    correct: Mapped[bool]
    points: Mapped[int] = mapped_column(default=0)
    answered_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    __table_args__ = (
        # One answer per player per question: a second tap or a replay changes nothing.
        sa.UniqueConstraint("player_id", "question_index"),
        sa.Index("ix_live_answer_session_question", "session_id", "question_index"),
    )


class LiveNickname(db.Model):
    """The nickname a signed-in trainee chose last time, offered again next time."""

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    nickname: Mapped[str] = mapped_column(sa.String(24))


# --- question sets (webapp/live/sets.py) -----------------------------------------------------
# A set lists question ids in order: bank questions, and the author's own questions, which are
# stored as content-addressed rows of the bank's table (see sets.py: the room reads both alike).


class LiveSet(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)  # a double tap: one set
    title: Mapped[str] = mapped_column(sa.String(80))
    question_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class LiveSetShare(db.Model):
    """A set shown to the staff of a group; it counts only while its author is in that group."""

    set_id: Mapped[int] = mapped_column(
        sa.ForeignKey("live_set.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class LivePicture(db.Model):
    """An uploaded picture, re-encoded to WebP, named by the SHA-256 of its bytes: in the
    database so every instance serves it, and immutable so phones cache it for a year."""

    digest: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    width: Mapped[int]
    height: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
