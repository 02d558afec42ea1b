"""The group's calendar, what changed in it, the trainee's appointments, feeds and attendance."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.time import utcnow
from webapp.extensions import db


class Session(db.Model):
    """One slot of a group's alternance: a day at the training centre, a day of a company
    placement, a workshop session. A placement period is its days, one row each, so attendance
    and hours are counted the same way for all three."""

    __tablename__ = "week_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("cohort.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(10))  # centre, company, workshop
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    __table_args__ = (
        sa.Index("ix_week_session_group_starts", "group_id", "starts_at"),
        sa.CheckConstraint("ends_at > starts_at", name="week_session_times_ordered"),
    )


class Change(db.Model):
    """A change to a group's calendar the trainees have to notice: a session added, moved or
    cancelled. Shown on the home screen as "changed:" until the trainee says they saw it."""

    __tablename__ = "week_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohort.id", ondelete="CASCADE"), index=True
    )
    what: Mapped[str] = mapped_column(sa.String(10))  # added, changed, cancelled
    kind: Mapped[str] = mapped_column(sa.String(10))
    # The first and last session it touches: a change whose sessions are all past is not shown.
    first_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    last_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    count: Mapped[int] = mapped_column(default=1)  # sessions the change covers
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class Seen(db.Model):
    """Until when a trainee has seen the changes to their calendar."""

    __tablename__ = "week_seen"
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    seen_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class Appointment(db.Model):
    """The trainee's own appointment (probation service, judge, France Travail, doctor...):
    private unless they share it, item by item, with the staff of their group."""

    __tablename__ = "week_appointment"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    title: Mapped[str] = mapped_column(sa.String(120), default="")
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    bring: Mapped[str] = mapped_column(sa.String(500), default="")
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    # How long before it the phone's calendar rings (minutes); None: no reminder.
    remind_minutes: Mapped[int | None]
    shared: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class Feed(db.Model):
    """A private calendar feed: a trainee's week (group_id None) or a teacher's group calendar.

    Only the SHA-256 of its long random token is stored: the address is shown once, when made;
    a new one replaces it, and revoking deletes the row (the old address then answers 404)."""

    __tablename__ = "week_feed"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cohort.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class Attendance(db.Model):
    """A teacher's mark for one trainee at one session: present, late, absent or excused."""

    __tablename__ = "week_attendance"
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("week_session.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    status: Mapped[str] = mapped_column(sa.String(8))
    marked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    marked_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
