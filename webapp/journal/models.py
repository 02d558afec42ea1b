"""Goals with steps, journal entries with a mood, comments on shared items, self-assessments."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.time import utcnow
from webapp.extensions import db


class Goal(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    themes: Mapped[str] = mapped_column(sa.String(200), default="")
    why: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(10), default="todo")
    target_on: Mapped[date | None]
    shared: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    steps: Mapped[list["GoalStep"]] = relationship(
        order_by="GoalStep.id", cascade="all, delete-orphan", back_populates="goal"
    )


class GoalStep(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(sa.ForeignKey("goal.id", ondelete="CASCADE"), index=True)
    # Made on the phone (or in the form): a step sent twice is added once. None for older steps.
    client_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    text: Mapped[str] = mapped_column(sa.String(120))
    due_on: Mapped[date | None]
    done: Mapped[bool] = mapped_column(default=False)
    goal: Mapped[Goal] = relationship(back_populates="steps")


class JournalEntry(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    day: Mapped[date]
    mood: Mapped[int]  # 1 (very bad) to 5 (very good)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    goal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("goal.id", ondelete="SET NULL"))
    shared: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    __table_args__ = (sa.Index("ix_journal_entry_user_day", "user_id", "day"),)


class Comment(db.Model):
    """A teacher's comment on a goal or entry the trainee shared."""

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    goal_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("goal.id", ondelete="CASCADE"), index=True
    )
    entry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("journal_entry.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class SelfAssessment(db.Model):
    """The eleven themes rated 1 to 4 at a stage (entry, mid-course, exit, or any time)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    stage: Mapped[str] = mapped_column(sa.String(5))
    ratings: Mapped[dict] = mapped_column(sa.JSON)  # theme -> 1..4
    words: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # theme -> an optional word
    shared: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
