"""A trainee's CV profile, their earlier jobs and their job applications (all private)."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.time import utcnow
from webapp.extensions import db


class CvProfile(db.Model):
    """What the trainee writes on their CV, one row each (made at their first save). Saving sets
    every value, so a form sent twice changes nothing the second time."""

    __tablename__ = "career_cv"
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    full_name: Mapped[str] = mapped_column(sa.String(80), default="")
    phone: Mapped[str] = mapped_column(sa.String(30), default="")
    email: Mapped[str] = mapped_column(sa.String(120), default="")
    town: Mapped[str] = mapped_column(sa.String(80), default="")
    summary: Mapped[str] = mapped_column(sa.String(400), default="")
    # The workshop, as the employer and the job: never where the trainee comes from.
    employer: Mapped[str] = mapped_column(sa.String(120), default="")
    job: Mapped[str] = mapped_column(sa.String(120), default="")
    show_title: Mapped[bool] = mapped_column(default=True)
    languages: Mapped[str] = mapped_column(sa.String(200), default="")
    licence: Mapped[str] = mapped_column(sa.String(16), default="none")
    qualities: Mapped[str] = mapped_column(sa.String(300), default="")
    gap: Mapped[str] = mapped_column(sa.String(300), default="")  # the trainee's own words
    layout: Mapped[str] = mapped_column(sa.String(16), default="classic")
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class EarlierJob(db.Model):
    """A job the trainee had before, as they want it on the CV."""

    __tablename__ = "career_job"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    job: Mapped[str] = mapped_column(sa.String(120))
    employer: Mapped[str] = mapped_column(sa.String(120), default="")
    place: Mapped[str] = mapped_column(sa.String(80), default="")
    from_year: Mapped[int]
    to_year: Mapped[int | None]
    tasks: Mapped[str] = mapped_column(sa.String(400), default="")


class Application(db.Model):
    """A job application the trainee follows: private unless they share it (then their
    teachers count it among the group's applications in progress, nothing more)."""

    __tablename__ = "career_application"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    company: Mapped[str] = mapped_column(sa.String(120))
    job: Mapped[str] = mapped_column(sa.String(120), default="")
    seen_where: Mapped[str] = mapped_column(sa.String(120), default="")
    sent_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(sa.String(16), default="to_send")
    next_action: Mapped[str] = mapped_column(sa.String(200), default="")
    next_on: Mapped[date | None]
    notes: Mapped[str] = mapped_column(sa.String(1000), default="")
    shared: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    __table_args__ = (
        # My week's next actions: a trainee's dates in a range.
        sa.Index("ix_career_application_user_next", "user_id", "next_on"),
    )
