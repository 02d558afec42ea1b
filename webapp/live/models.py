"""Live sessions, their players and answers: all state in the database, none in memory."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.time import utcnow
from webapp.extensions import db


class LiveSession(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(6), unique=True)
    host_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
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


class LivePlayer(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("live_session.id", ondelete="CASCADE"))
    nickname: Mapped[str] = mapped_column(sa.String(24))
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    joined_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    score: Mapped[int] = mapped_column(default=0)
    right: Mapped[int] = mapped_column(default=0)
    __table_args__ = (
        sa.UniqueConstraint("session_id", "nickname"),
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

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"),
                                         primary_key=True)
    nickname: Mapped[str] = mapped_column(sa.String(24))
