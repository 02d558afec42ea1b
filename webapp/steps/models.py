"""The steps after release (content rows from the file), each trainee's own state of a step, and
the social worker's comments on a step the trainee shared."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.time import utcnow
from webapp.extensions import db


class Step(db.Model):
    """One step of webapp/steps/after-release.yaml, by its stable id (never deleted: retired)."""

    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    position: Mapped[int]
    content: Mapped[dict] = mapped_column(sa.JSON)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    retired: Mapped[bool] = mapped_column(default=False)


class TraineeStep(db.Model):
    """Where one trainee is with one step: private until they share it.

    One row per (trainee, step), made at their first write: every write sets a state (done or
    not, the note, the dates), so a write a phone sends twice changes nothing the second time.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    step_id: Mapped[str] = mapped_column(sa.ForeignKey("step.id"))
    done: Mapped[bool] = mapped_column(default=False)
    done_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    waiting_since: Mapped[date | None]  # "waiting for an answer since"
    remind_on: Mapped[date | None]
    shared: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    __table_args__ = (
        sa.UniqueConstraint("user_id", "step_id"),
        # The week's reminders: a trainee's dates in a range.
        sa.Index("ix_trainee_step_user_remind", "user_id", "remind_on"),
    )


class StepComment(db.Model):
    """A social worker's comment on a step the trainee shares (gone with the step's row)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_step_id: Mapped[int] = mapped_column(
        sa.ForeignKey("trainee_step.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
