"""A candidate (staff-only data) and the dated history of their application's stages."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.time import utcnow
from webapp.extensions import db


class Candidate(db.Model):
    """Someone inside applying to a group. Staff only: the trainee never sees this row, not even
    once accepted (trainee_id links it, and erasing the trainee erases it)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohort.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(80))
    prison: Mapped[str] = mapped_column(sa.String(120), default="")
    release_on: Mapped[date | None]
    probation_contact: Mapped[str] = mapped_column(sa.String(200), default="")
    stage: Mapped[str] = mapped_column(sa.String(16), default="new")
    stage_since: Mapped[date]
    hearing_on: Mapped[date | None]
    start_on: Mapped[date | None]
    missing_documents: Mapped[str] = mapped_column(sa.Text, default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    trainee_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    moves: Mapped[list["CandidateMove"]] = relationship(
        order_by="CandidateMove.id", cascade="all, delete-orphan", passive_deletes=True
    )


class CandidateMove(db.Model):
    """One stage change of a candidate, with the day it happened."""

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("candidate.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[str] = mapped_column(sa.String(16))
    on: Mapped[date]
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class WelcomeCheckin(db.Model):
    """A new trainee's daily check-in in their first weeks: private unless shared."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    day: Mapped[date]
    mood: Mapped[int]  # 1 (bad) to 4 (very good)
    needs_help: Mapped[bool] = mapped_column(default=False)
    shared: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    __table_args__ = (sa.UniqueConstraint("user_id", "day"),)


class StaffPhoto(db.Model):
    """The photo a staff member chose to show new trainees in "who is who" (a small JPEG,
    re-encoded so nothing of the original file, its location above all, is kept)."""

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
