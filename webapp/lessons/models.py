"""Lesson content (stable ids, versioned by hash) kept apart from each trainee's progress."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.time import utcnow
from webapp.extensions import db


class Lesson(db.Model):
    """A lesson from a file in webapp/lessons/ or written by a teacher in the app."""

    id: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    module: Mapped[str] = mapped_column(sa.String(20), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(120))
    level: Mapped[str | None] = mapped_column(sa.String(2))
    clea: Mapped[int]
    themes: Mapped[str] = mapped_column(sa.String(200))  # space-separated theme ids
    minutes: Mapped[int]
    picture: Mapped[str] = mapped_column(sa.String(16), default="")
    content: Mapped[dict] = mapped_column(sa.JSON)  # the validated file, as data
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    source: Mapped[str | None] = mapped_column(sa.Text)  # YAML as a teacher typed it (app lessons)
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    retired: Mapped[bool] = mapped_column(default=False)  # file removed: kept for progress
    # A teacher's lesson is read in its author's groups only, unless an admin publishes it.
    published: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class LessonProgress(db.Model):
    """Where a trainee is in a lesson. Score counts first attempts only."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    lesson_id: Mapped[str] = mapped_column(sa.ForeignKey("lesson.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    seconds_spent: Mapped[int] = mapped_column(default=0)
    answered: Mapped[int] = mapped_column(default=0)  # exercises with a first attempt
    correct_first: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    __table_args__ = (sa.UniqueConstraint("user_id", "lesson_id"),)


class ExerciseAttempt(db.Model):
    """One answer to one exercise; the client id makes a replayed answer count once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    lesson_id: Mapped[str] = mapped_column(sa.ForeignKey("lesson.id"))
    exercise_id: Mapped[str] = mapped_column(sa.String(40))
    answer: Mapped[list] = mapped_column(sa.JSON)
    correct: Mapped[bool]
    first: Mapped[bool]
    content_hash: Mapped[str] = mapped_column(sa.String(64))  # the version answered
    answered_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    __table_args__ = (sa.Index("ix_attempt_user_lesson", "user_id", "lesson_id"),)


class VoiceRecording(db.Model):
    """A teacher's own voice reading one text of a lesson they wrote in the app: played instead
    of the synthetic voice. Kept in the database (Ogg Opus, a few KB a sentence), so every
    instance serves it; matched by the words it reads, so it follows the text through edits
    and falls silent (the synthetic voice again) when the words change."""

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[str] = mapped_column(sa.ForeignKey("lesson.id", ondelete="CASCADE"))
    words: Mapped[str] = mapped_column(sa.String(32))  # core.audio.words_key(text, lang)
    sha: Mapped[str] = mapped_column(sa.String(64), index=True)  # of data: its address
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    seconds: Mapped[float]
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    __table_args__ = (sa.UniqueConstraint("lesson_id", "words"),)
