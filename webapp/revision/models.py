"""The question bank (content), each trainee's cards and review log, settings and mock exams."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.time import utcnow
from webapp.extensions import db


class Question(db.Model):
    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    topic: Mapped[str | None] = mapped_column(sa.String(20), index=True)
    # One of titles.COMPETENCIES: the group's title maps it to a CCP.
    competency: Mapped[str | None] = mapped_column(sa.String(120), index=True)
    kind: Mapped[str] = mapped_column(sa.String(12))
    difficulty: Mapped[int]
    content: Mapped[dict] = mapped_column(sa.JSON)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    retired: Mapped[bool] = mapped_column(default=False)


class ReviewCard(db.Model):
    """One trainee's memory of one question, as FSRS models it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(sa.ForeignKey("question.id"))
    state: Mapped[int]
    step: Mapped[int | None]
    stability: Mapped[float | None]
    difficulty: Mapped[float | None]
    due: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    last_review: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    __table_args__ = (
        sa.UniqueConstraint("user_id", "question_id"),
        sa.Index("ix_review_card_user_due", "user_id", "due"),
    )


class ReviewLog(db.Model):
    """Every answer, with the card before and after, so the scheduler can be re-fitted later."""

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(sa.ForeignKey("question.id"))
    mode: Mapped[str] = mapped_column(sa.String(10))  # review, practice, exam, live
    answer: Mapped[list] = mapped_column(sa.JSON)
    correct: Mapped[bool]
    guessed: Mapped[bool] = mapped_column(default=False)
    rating: Mapped[int]
    duration_ms: Mapped[int | None]
    reviewed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    card_before: Mapped[dict] = mapped_column(sa.JSON)
    card_after: Mapped[dict] = mapped_column(sa.JSON)
    content_hash: Mapped[str] = mapped_column(sa.String(64))


class RevisionSettings(db.Model):
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    daily_target: Mapped[int] = mapped_column(default=10)
    new_per_day: Mapped[int] = mapped_column(default=5)
    # Set by a teacher: extra time for the mock exam, as the real exam allows arrangements.
    exam_minutes: Mapped[int] = mapped_column(default=30)


class MockExam(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    minutes: Mapped[int]
    question_ids: Mapped[list] = mapped_column(sa.JSON)
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # question id -> answer
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    score: Mapped[int | None]
    per_ccp: Mapped[dict | None] = mapped_column(sa.JSON)  # scope ("1", "epr2") -> [right, asked]
    # The title the exam was drawn for: it is graded per that title's CCPs, even if the group
    # changes title before it is handed in.
    title: Mapped[str] = mapped_column(sa.String(8), default="AR", server_default="AR")
