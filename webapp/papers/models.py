"""My papers: each trainee's documents (encrypted), their data key, and what they share."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.time import utcnow
from webapp.extensions import db


class PaperKey(db.Model):
    """A trainee's data key, wrapped by the master key named by master_key_id (crypto.py)."""

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    wrapped: Mapped[bytes] = mapped_column(sa.LargeBinary)
    master_key_id: Mapped[str] = mapped_column(sa.String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class PaperDocument(db.Model):
    """A document's facts in the clear (its kind and expiry drive the reminders); its bytes
    and thumbnail are sealed blobs in the store, under blob_key."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    expires_on: Mapped[date | None]
    media_type: Mapped[str] = mapped_column(sa.String(40))
    blob_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    has_thumb: Mapped[bool] = mapped_column(default=False)
    # Plaintext bytes of the kept file, and what the store holds for it (figures, export).
    size: Mapped[int]
    stored_size: Mapped[int]
    uploaded_bytes: Mapped[int]
    pages: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class PaperShare(db.Model):
    """One document shown to one named staff member until a moment (revoked: the row goes)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        sa.ForeignKey("paper_document.id", ondelete="CASCADE"), index=True
    )
    staff_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    until: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    __table_args__ = (sa.UniqueConstraint("document_id", "staff_id"),)


class PaperBlob(db.Model):
    """An encrypted blob of the database store (storage.DatabaseStore; crypto.py's layout)."""

    key: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
