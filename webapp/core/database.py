"""Connection settings the embedded SQLite database needs to be safe under concurrent use."""

import sqlalchemy as sa
from flask import Flask

from webapp.extensions import db


def tune_connections(app: Flask) -> None:
    """End each request's session safely; turn on WAL, foreign keys and a busy timeout on
    every SQLite connection."""
    # Registered after Flask-SQLAlchemy's own teardown, so it runs first (Flask runs them in
    # reverse) and leaves that one nothing to do.
    app.teardown_appcontext(end_session)
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


def rows_of(statement, params: dict | None = None) -> sa.CursorResult:
    """A read for a page that only shows what it finds: plain rows (columns by name, like
    the model's attributes), on the request's session and transaction, without the ORM.

    The ORM costs about 30 µs a query before it reads a row, and some 3 µs a row it makes
    into an object: most of the query on a page's short lists. A row cannot be changed or
    follow a relationship; a write loads the object. Pending changes are flushed first, as
    the ORM's own queries do, so the read sees them."""
    session = db.session()
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection().execute(statement, params or {})


def end_session(_error=None) -> None:
    """Close the request's session. Its closing ROLLBACK fails when the database cut the
    connection meanwhile (PostgreSQL restarting: "terminating connection due to administrator
    command"); raised from a teardown it turned an answer already made into a 500. The
    connection is dropped instead; the pool's pre-ping replaces it."""
    try:
        db.session.remove()
    except sa.exc.SQLAlchemyError:
        try:
            db.session.registry().invalidate()  # (scoped_session does not pass it on)
        except sa.exc.SQLAlchemyError:
            pass
        db.session.registry.clear()


def check_database() -> str | None:
    """Return None when the database answers, else a short reason."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        return None
    except sa.exc.SQLAlchemyError as error:
        db.session.rollback()
        return type(getattr(error, "orig", None) or error).__name__


def check_database_writes() -> str | None:
    """Return None when the database takes a write, else a short reason. The write (a
    temporary table) is rolled back: it finds a read-only file, a lock or a lost permission
    without keeping anything. A full disk shows at commit, so readiness checks the disk too."""
    try:
        with db.engine.connect() as connection:
            with connection.begin() as transaction:
                connection.execute(sa.text("CREATE TEMPORARY TABLE ready_probe (n INTEGER)"))
                connection.execute(sa.text("INSERT INTO ready_probe VALUES (1)"))
                transaction.rollback()
        return None
    except sa.exc.SQLAlchemyError as error:
        return type(getattr(error, "orig", None) or error).__name__


def free_megabytes(path: str) -> int:
    import shutil

    return shutil.disk_usage(path).free // (1024 * 1024)
