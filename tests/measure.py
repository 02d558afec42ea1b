"""Measures shared by the budget tests and benchmarks/pages.py: bytes on the wire, SQL queries."""

import contextvars
import re
from contextlib import contextmanager

import sqlalchemy as sa
from flask.testing import FlaskClient

from webapp.extensions import db

COMPRESSED = {"Accept-Encoding": "br, gzip"}
# What a first visit downloads besides the page: styles, scripts, icon and manifest.
ASSET = re.compile(r'(?:href|src)="(/(?:static/[^"]+|manifest\.webmanifest))"')


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh context, as on a real server: no `g` or database session
    leaks from the caller's app context into the request."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def wire_size(client, url: str) -> int:
    response = client.get(url, headers=COMPRESSED)
    size = len(response.data)
    response.close()
    return size


def first_load(client, url: str) -> tuple[int, int]:
    """Compressed bytes of the page alone, and of the page with every file it pulls in."""
    response = client.get(url, headers=COMPRESSED)
    html = len(response.data)
    text = client.get(url).text
    assets = sorted(set(ASSET.findall(text)))
    return html, html + sum(wire_size(client, asset) for asset in assets)


@contextmanager
def count_queries():
    """Count SQL statements sent to the database while the block runs."""
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
