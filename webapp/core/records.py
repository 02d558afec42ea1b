"""Helpers every feature uses for what belongs to someone and for writes sent twice."""

import uuid

import sqlalchemy as sa
from flask import abort

from webapp.core.outbox import note
from webapp.extensions import db


def owned(model, row_id, user):
    """The row if it belongs to user, else 404: what is not yours does not exist."""
    row = db.session.get(model, row_id)
    if row is None or row.user_id != user.id:
        abort(404)
    return row


def sent_client_id(value: str | None, reserved: tuple[str, ...] = ()) -> str:
    """The client id a phone sent (at most 64 characters), or a fresh random one when none came
    or when it starts like the ids the app makes itself (reserved prefixes): those are
    guessable ("rec-<item>-<month>", "live-<answer>"), and someone else sending one first
    would take another person's line and break their own writes."""
    value = (value or "")[:64]
    if not value or value.startswith(reserved):
        return uuid.uuid4().hex
    return value


def already_sent(model, client_id: str, user):
    """The row a phone already sent with this client id (a double tap, an offline replay).

    Someone else's client id is a 404, never a way to reach their data.
    """
    row = db.session.scalar(sa.select(model).where(model.client_id == client_id))
    if row is not None and row.user_id != user.id:
        abort(404)
    if row is not None:
        note("duplicate")
    return row


def save_once(row, model, client_id: str):
    """Commit a new row; if the same client id won a race, return the row that was stored."""
    db.session.add(row)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        return winner(model, client_id, row.user_id) or abort(404)  # e.g. its goal was deleted
    note("stored")
    return row


def winner(model, client_id: str, user_id: int):
    """After a unique-constraint clash: the row stored first with this client id, or None when
    the clash was on another constraint (the caller may try again)."""
    stored = db.session.scalar(sa.select(model).where(model.client_id == client_id))
    if stored is not None:
        if stored.user_id != user_id:
            abort(404)
        note("duplicate")
    return stored
