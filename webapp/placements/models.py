"""A placement in a company, its tutor's one-time link and evaluation, the trainee's review."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.time import utcnow
from webapp.extensions import db


class Placement(db.Model):
    """Recorded by a teacher of the trainee's group; the trainee reads it (user_id: the trainee)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    group_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cohort.id", ondelete="SET NULL"), index=True
    )
    created_by: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    company: Mapped[str] = mapped_column(sa.String(120))
    place: Mapped[str] = mapped_column(sa.String(200))
    tutor_name: Mapped[str] = mapped_column(sa.String(120))
    tutor_phone: Mapped[str] = mapped_column(sa.String(30), default="")
    tutor_email: Mapped[str] = mapped_column(sa.String(120), default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    hours_per_week: Mapped[int]
    tasks: Mapped[str] = mapped_column(sa.String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class TutorLink(db.Model):
    """The tutor's one-time link: only the SHA-256 of its token is kept. Revoked: the row goes.
    Used: used_at is set and the link refuses any further use."""

    __tablename__ = "placement_link"
    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("placement.id", ondelete="CASCADE"), unique=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class Evaluation(db.Model):
    """What the tutor said: six criteria on a 4-level scale (1 lowest), tasks done, a comment."""

    __tablename__ = "placement_evaluation"
    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("placement.id", ondelete="CASCADE"), unique=True
    )
    client_id: Mapped[str] = mapped_column(sa.String(64))
    punctuality: Mapped[int]
    hygiene: Mapped[int]
    teamwork: Mapped[int]
    instructions: Mapped[int]
    pace: Mapped[int]
    customers: Mapped[int]
    tasks_done: Mapped[list] = mapped_column(sa.JSON, default=list)
    comment: Mapped[str] = mapped_column(sa.String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class Review(db.Model):
    """The trainee's own review of a placement: private until they share it."""

    __tablename__ = "placement_review"
    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("placement.id", ondelete="CASCADE"), unique=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    did: Mapped[str] = mapped_column(sa.String(1000), default="")
    learned: Mapped[str] = mapped_column(sa.String(1000), default="")
    hard: Mapped[str] = mapped_column(sa.String(1000), default="")
    shared: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
