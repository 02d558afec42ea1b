"""Connection settings the embedded SQLite database needs to be safe under concurrent use."""

import sqlalchemy as sa
from flask import Flask

from webapp.extensions import db


def tune_connections(app: Flask) -> None:
    """Turn on WAL, foreign keys and a busy timeout on every SQLite connection."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        # In WAL mode NORMAL is safe from corruption and saves an fsync per commit; at worst a
        # power cut loses the last instants of writes, never the database.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def check_database() -> str | None:
    """Return None when the database answers, else a short reason."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        return None
    except sa.exc.SQLAlchemyError as error:
        db.session.rollback()
        return type(error.orig or error).__name__
