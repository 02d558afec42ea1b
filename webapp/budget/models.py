"""A trainee's budget: entries, recurring items, own categories, and shared month summaries."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.time import utcnow
from webapp.extensions import db


class Entry(db.Model):
    """Money in or out, in cents. The client id makes a replayed quick add count once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    income: Mapped[bool]
    cents: Mapped[int]
    day: Mapped[date]
    category: Mapped[str] = mapped_column(sa.String(20))  # a built-in key or "c<id>"
    note: Mapped[str] = mapped_column(sa.String(140), default="")
    recurring_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("recurring_item.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    __table_args__ = (sa.Index("ix_entry_user_day", "user_id", "day"),)


class RecurringItem(db.Model):
    """Rent, phone, salary, benefits...: written into each month on their day."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    income: Mapped[bool]
    cents: Mapped[int]
    day_of_month: Mapped[int]
    category: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.String(140), default="")
    starts_on: Mapped[date]
    active: Mapped[bool] = mapped_column(default=True)


class OwnCategory(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(30))
    picture: Mapped[str] = mapped_column(sa.String(8), default="🏷️")


class SharedMonth(db.Model):
    """A month whose summary (totals per category, reste à vivre) the trainee shares."""

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[date] = mapped_column(primary_key=True)  # first day of the month
    shared_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
