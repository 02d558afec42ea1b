"""The schema comes from the migrations, and the migrations match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from webapp.extensions import db


def test_models_and_migrations_agree(ctx):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "run `flask --app webapp db migrate` and review the new migration"


def test_sqlite_runs_with_wal_and_foreign_keys(ctx):
    if db.engine.dialect.name != "sqlite":
        assert db.engine.dialect.name == "postgresql"
        return
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
