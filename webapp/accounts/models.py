"""Organisation and identity: sites, groups, users, sign-in sessions and reset codes."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.time import utcnow
from webapp.extensions import db


class Role(enum.StrEnum):
    TRAINEE = "trainee"
    TEACHER = "teacher"
    VOLUNTEER = "volunteer"
    ADMIN = "admin"

    @property
    def is_staff(self) -> bool:
        return self is not Role.TRAINEE


group_membership = sa.Table(
    "group_membership",
    db.metadata,
    sa.Column("group_id", sa.ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    # The key starts with the group: "which groups is this person in" needs its own index.
    sa.Index("ix_group_membership_user_id", "user_id"),
)


class Site(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    groups: Mapped[list[Group]] = relationship(back_populates="site", order_by="Group.starts_on")


class Group(db.Model):
    """A cohort of trainees on a 9-11 month contract at one site."""

    __tablename__ = "cohort"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    # The catering title the group prepares (revision.titles): its CCPs shape practice, mock
    # exams, mastery and the impact report.
    title: Mapped[str] = mapped_column(sa.String(8), default="AR", server_default="AR")
    site: Mapped[Site] = relationship(back_populates="groups")
    members: Mapped[list[User]] = relationship(
        secondary=group_membership, back_populates="groups", order_by="User.display_name"
    )
    __table_args__ = (
        sa.UniqueConstraint("site_id", "name"),
        sa.CheckConstraint("ends_on > starts_on", name="group_dates_ordered"),
    )


class User(db.Model):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(40), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(80))
    role: Mapped[Role] = mapped_column(sa.Enum(Role, native_enum=False, length=16))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("site.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_seen_on: Mapped[date | None]
    # Account notices (card renewed, passphrase reset by a teacher's code) up to this moment
    # have been shown at sign-in; None until the first sign-in.
    notices_seen_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # The SHA-256 of the token in the QR code of the trainee's printed card, which signs them in
    # with the card alone (issue 14). None: no card QR works (staff, or turned off by a teacher).
    card_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    site: Mapped[Site | None] = relationship()
    groups: Mapped[list[Group]] = relationship(
        secondary=group_membership, back_populates="members", order_by="Group.starts_on"
    )

    # Set by the user loader: the sign-in session this request belongs to.
    session_token = None
    # What Flask-Login asks of a user. Not UserMixin: its __eq__ compares get_id(), which is
    # the session token here, so two users without one would compare equal.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str | None:
        """Flask-Login stores the session token, not the user id, so logout can revoke it."""
        return self.session_token

    @property
    def is_staff(self) -> bool:
        return self.role.is_staff


class AuthSession(db.Model):
    """A signed-in device; deleting the row signs that device out."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    user: Mapped[User] = relationship()


class ResetCode(db.Model):
    """A one-time code a teacher gives a trainee who forgot their passphrase."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    issued_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class SignInThrottle(db.Model):
    """Tries counted for one account, device or address (NIST SP 800-63B 5.2.2): after a few
    failures each try must wait longer. The key is a keyed hash, so neither usernames typed nor
    addresses are stored. Times are Unix seconds, so one UPDATE can count atomically on SQLite
    and PostgreSQL alike."""

    __tablename__ = "sign_in_throttle"
    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_at: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    not_before: Mapped[int] = mapped_column(sa.BigInteger, default=0)
