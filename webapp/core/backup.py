"""Back up and restore the whole database, papers included (they live in it, encrypted).

SQLite: the database's own online backup (sqlite3's backup API): a consistent copy taken while
the app runs and writes, page by page, never a half-written file. PostgreSQL: `pg_dump` in its
custom format and `pg_restore --clean`, the tools made for it; their exit status and the file
are checked, so a failed dump is never taken for a backup.

Papers stay encrypted in the copy: the master key (PAPERS_MASTER_KEY) is not in the database
and must be kept apart (README, "My papers"); a backup without it cannot be read.
"""

import hashlib
import os
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from webapp.extensions import db


class BackupError(RuntimeError):
    """A backup or restore that did not happen; the message says why (no personal data)."""


def _sqlite_copy(source_path, target_path) -> None:
    """Copy one SQLite database onto another with SQLite's own backup (consistent while the
    source is being written)."""
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(target_path)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()


def _pg_args(url) -> tuple[list[str], dict]:
    args = ["--host", url.host or "127.0.0.1", "--port", str(url.port or 5432)]
    args += ["--username", url.username or "postgres", "--dbname", url.database]
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = url.password
    return args, env


def backup(path: Path) -> Path:
    """Write a copy of the database to `path` (a new file); returns it."""
    url = make_url(str(db.engine.url))
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} exists already: choose a new name")
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(url.database, path)
    else:
        args, env = _pg_args(url)
        done = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(path), *args],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0 or not path.exists() or path.stat().st_size == 0:
            raise BackupError(f"pg_dump failed ({done.returncode}): {done.stderr.strip()[:300]}")
    return path


def restore(path: Path) -> None:
    """Replace the database's content with the backup at `path`."""
    url = make_url(str(db.engine.url))
    path = Path(path)
    if not path.exists():
        raise BackupError(f"{path} does not exist")
    db.session.remove()
    db.engine.dispose()  # no connection of ours holds the old content open
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(path, url.database)
    else:
        args, env = _pg_args(url)
        done = subprocess.run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", *args, str(path)],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed ({done.returncode}): {done.stderr.strip()[:300]}")


def fingerprint() -> dict[str, tuple[int, str]]:
    """Each table's row count and a checksum of its rows: two databases with the same
    fingerprint hold the same data (what the restore test and an operator compare)."""
    found = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
        digest = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()[:16]
        found[table.name] = (len(rows), digest)
    return found
