"""Helpers every feature uses for what belongs to someone and for writes sent twice."""

import sqlalchemy as sa
from flask import abort, g, has_request_context

from webapp.extensions import db


def owned(model, row_id, user):
    """The row if it belongs to user, else 404: what is not yours does not exist."""
    row = db.session.get(model, row_id)
    if row is None or row.user_id != user.id:
        abort(404)
    return row


def already_sent(model, client_id: str, user):
    """The row a phone already sent with this client id (a double tap, an offline replay).

    Someone else's client id is a 404, never a way to reach their data.
    """
    row = db.session.scalar(sa.select(model).where(model.client_id == client_id))
    if row is not None and row.user_id != user.id:
        abort(404)
    if row is not None:
        _mark_duplicate()
    return row


def save_once(row, model, client_id: str):
    """Commit a new row; if the same client id won a race, return the row that was stored."""
    db.session.add(row)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        _mark_duplicate()
        return db.session.scalar(sa.select(model).where(model.client_id == client_id))
    return row


def _mark_duplicate() -> None:
    """Tell the outbox answer (webapp.pwa.outbox) that this write was already stored."""
    if has_request_context():
        g.outbox_duplicate = True
