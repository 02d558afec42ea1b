"""Assignments a teacher gives a group or chosen trainees, and each group's dashboard settings."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.time import utcnow
from webapp.extensions import db

assignment_trainee = sa.Table(
    "assignment_trainee",
    db.metadata,
    sa.Column(
        "assignment_id", sa.ForeignKey("assignment.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("user_id", sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
)


class Assignment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohort.id", ondelete="CASCADE"), index=True
    )
    created_by: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(10))  # module, lesson, practice, exam
    target: Mapped[str] = mapped_column(sa.String(80))  # module key, lesson id, CCP/topic, "exam"
    label: Mapped[str] = mapped_column(sa.String(120), default="")  # a lesson's title
    due_on: Mapped[date | None]
    message: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    withdrawn: Mapped[bool] = mapped_column(default=False)


class GroupSettings(db.Model):
    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True
    )
    inactive_days: Mapped[int] = mapped_column(default=7)


class ImpactCell(db.Model):
    """A frozen cell of the impact report: one group's anonymous totals for an ended quarter.

    Written once, the first time the quarter is published (by `flask impact publish` or the
    first read after it ended), then never changed: later answers, moves between groups and
    erased accounts leave published totals as they were, so no two reports differ by one person.
    A hidden cell (fewer than 5 people) keeps no figures and no head count.
    """

    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True
    )
    quarter: Mapped[str] = mapped_column(sa.String(7), primary_key=True)  # "2026-Q3"
    family: Mapped[str] = mapped_column(sa.String(10), primary_key=True)  # activity, entry...
    people: Mapped[int] = mapped_column(default=0)
    figures: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    published_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class HandledLine(db.Model):
    """A teacher marked a trainee's Today line as handled: which of its reasons they saw.

    One row per group and trainee, replaced by the next mark (each mark is also in the audit
    trail). The line shows as handled while every reason it has now was among those marked, so
    a new reason (another overdue assignment, a new hard day) brings it back.
    """

    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True
    )
    trainee_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    reasons: Mapped[list] = mapped_column(sa.JSON, default=list)  # reason keys, see Line.key
    handled_by: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    handled_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
