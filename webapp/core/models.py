"""Records of requests already processed, so a replayed write changes nothing."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.time import utcnow
from webapp.extensions import db


class ProcessedRequest(db.Model):
    """A client-generated request id and what it produced (a short JSON result)."""

    client_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    result: Mapped[str] = mapped_column(sa.Text, default="")
