"""Assignments a teacher gives a group or chosen trainees, and each group's dashboard settings."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.time import utcnow
from webapp.extensions import db

assignment_trainee = sa.Table(
    "assignment_trainee",
    db.metadata,
    sa.Column("assignment_id", sa.ForeignKey("assignment.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
)


class Assignment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(10))  # module, lesson, practice, exam
    target: Mapped[str] = mapped_column(sa.String(80))  # module key, lesson id, CCP/topic, "exam"
    label: Mapped[str] = mapped_column(sa.String(120), default="")  # a lesson's title
    due_on: Mapped[date | None]
    message: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    withdrawn: Mapped[bool] = mapped_column(default=False)


class GroupSettings(db.Model):
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("cohort.id", ondelete="CASCADE"),
                                          primary_key=True)
    inactive_days: Mapped[int] = mapped_column(default=7)
