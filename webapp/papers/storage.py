"""Where the papers' encrypted blobs live: a small interface, the database by default.

A store holds opaque, already encrypted bytes under a key (random hex, no name or id of a
person in it): `put`, `get` (KeyError when absent) and `delete` (nothing when absent). The
document rows, keys and shares stay in the database whatever the store.

`DatabaseStore` (the default, `PAPERS_STORE=database`) keeps each blob in a row of the
`paper_blob` table (LargeBinary: BLOB on SQLite, bytea on PostgreSQL), in the same transaction
as the document's row: a document is stored with its blobs or not at all, and the database's
own backups carry them.

**Plugging in an S3-compatible store** (MinIO, Garage, Scaleway, OVH...): write a class with
the same three methods, e.g. with boto3's client, `put_object(Bucket=..., Key=key,
Body=data)`, `get_object(...)["Body"].read()` (turn its `NoSuchKey` into KeyError) and
`delete_object(...)`; build it from the app's configuration in its `__init__(app)`; set
`PAPERS_STORE=package.module:ClassName`. Nothing else changes: the blobs are encrypted before
they reach the store (the bucket needs no encryption of its own, and its operator reads
nothing), and their keys name no one. Two differences to mind, as the database store is
inside the transaction and an object store is not: a `put` whose transaction then fails leaves
an orphan blob (unreadable without its row and key; a periodic sweep may remove the keys no
`paper_document` row names), and `delete` is called inside the transaction that removes the
row, so an object store should queue the key and remove it once that transaction commits
(SQLAlchemy's `after_commit` event on `db.session`): a rolled back deletion keeps its blob.
"""

from importlib import import_module
from typing import Protocol

import sqlalchemy as sa
from flask import Flask, current_app

from webapp.extensions import db
from webapp.papers.models import PaperBlob


class BlobStore(Protocol):
    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


class DatabaseStore:
    """Blobs as rows, in the caller's transaction (the caller commits)."""

    def __init__(self, app: Flask | None = None):
        pass

    def put(self, key: str, data: bytes) -> None:
        db.session.add(PaperBlob(key=key, data=data))

    def get(self, key: str) -> bytes:
        data = db.session.scalar(sa.select(PaperBlob.data).where(PaperBlob.key == key))
        if data is None:
            raise KeyError(key)
        return data

    def delete(self, key: str) -> None:
        db.session.execute(sa.delete(PaperBlob).where(PaperBlob.key == key))


def make_store(app: Flask) -> BlobStore:
    """The store PAPERS_STORE names: "database", or "package.module:Class" built with the app."""
    name = app.config["PAPERS_STORE"]
    if name == "database":
        return DatabaseStore(app)
    module, _, attribute = name.partition(":")
    return getattr(import_module(module), attribute)(app)


def store() -> BlobStore:
    return current_app.extensions["papers_store"]
