"""Fixtures: one migrated database per run, emptied after each test; factories; sign-in helper."""

import io
import os
import re
from datetime import date, timedelta
from itertools import count

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from hypothesis import settings
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from tests.measure import IsolatedClient
from webapp import create_app
from webapp.accounts import passphrases
from webapp.accounts.models import Group, Role, Site, User
from webapp.extensions import db, limiter
from webapp.revision import bank as bank_files

# No deadline for property tests: a test must never fail because the machine is busy (CI runs two
# workers and browsers on two cores; one example took 256 ms against the default 200 ms).
settings.register_profile("passerelle", deadline=None)
settings.load_profile("passerelle")

PASSPHRASE = "tulipe-orange-camion"


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets its own PostgreSQL database (test_gw0, test_gw1…),
    created on first use, so parallel workers never empty each other's tables."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not url.startswith("postgresql"):
        return url
    base = sa.make_url(url)
    name = f"{base.database}_{worker}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).scalar()
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _reset_schema(url: str) -> None:
    """Start PostgreSQL runs from an empty schema, so migrations are tested from scratch."""
    if url.startswith("postgresql"):
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    url = _worker_database(os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'test.db'}")
    _reset_schema(url)
    os.environ["PASSERELLE_INSTANCE"] = str(instance)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_PROFILE": "CHEAPEST",
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def _empty_postgresql(tables: list[str]) -> None:
    """Empty every table and restart every id sequence, as a fresh database would number rows.
    DELETE is used rather than TRUNCATE: on these near-empty tables it takes about 10 ms against
    130 ms (TRUNCATE makes new files for 64 tables), minutes over a run. A browser test's last
    request (a service worker's sync, say) may still hold rows when the test ends: PostgreSQL may
    then pick this statement as a deadlock's victim, and it is simply run again."""
    sequences = db.session.execute(
        sa.text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")
    ).scalars()
    statement = "; ".join(
        [f"DELETE FROM {table}" for table in tables]
        + [f"ALTER SEQUENCE {sequence} RESTART" for sequence in sequences]
    )
    for attempt in range(10):
        try:
            db.session.execute(sa.text(statement))
            return
        except sa.exc.OperationalError:
            db.session.rollback()
            if attempt == 9:
                raise


@pytest.fixture(autouse=True)
def _clean(app):
    """Each test starts with empty tables and fresh throttling counters."""
    yield
    with app.app_context():
        db.session.remove()
        tables = [table.name for table in reversed(db.metadata.sorted_tables)]
        if db.engine.dialect.name == "postgresql":
            _empty_postgresql(tables)
        else:
            for table in tables:
                db.session.execute(sa.text(f"DELETE FROM {table}"))
        db.session.commit()
        limiter.reset()
        app.extensions["live_versions"].clear()  # rooms polled in this test (live.versions)
        app.extensions["live_panels"].clear()  # and their panels (live.panels)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


_numbers = count(1)


@pytest.fixture
def make_group(ctx):
    def make(name=None, site=None) -> Group:
        number = next(_numbers)
        site = site or Site(name=f"Site {number}")
        group = Group(
            site=site,
            name=name or f"Group {number}",
            starts_on=date(2026, 9, 1),
            ends_on=date(2026, 9, 1) + timedelta(days=300),
        )
        db.session.add(group)
        db.session.commit()
        return group

    return make


@pytest.fixture
def make_user(ctx):
    def make(role=Role.TRAINEE, group=None, username=None, passphrase=PASSPHRASE, **fields) -> User:
        number = next(_numbers)
        user = User(
            username=username or f"{role.value}{number}",
            role=role,
            display_name=fields.pop("display_name", f"Person {number}"),
            password_hash=passphrases.hash_passphrase(passphrase),
            site_id=group.site_id if group else None,
            **fields,
        )
        if group:
            user.groups.append(group)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def login(client):
    """Sign a user in through the real sign-in form."""

    def sign_in(user, passphrase=PASSPHRASE, remember=False, http=None):
        http = http or client
        data = {"username": user.username, "passphrase": passphrase}
        if remember:
            data["remember"] = "y"
        response = http.post("/login", data=data)
        assert response.status_code == 303, response.text
        return response

    return sign_in


def post_multipart(client, url: str, data: dict):
    """A multipart POST encoded in memory (the test client's own temporary file for a body over
    500 KB is never closed when the server does not read it all). A file is (bytes or stream,
    name)."""
    fields = {
        key: FileStorage(
            io.BytesIO(value[0]) if isinstance(value[0], bytes) else value[0], filename=value[1]
        )
        if isinstance(value, tuple)
        else value
        for key, value in data.items()
    }
    body, length, boundary = stream_encode_multipart(fields, use_tempfile=False)
    return client.post(
        url,
        input_stream=body,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


@pytest.fixture(scope="session")
def bank_sample():
    """Six questions of each CCP and two of each topic, from the real bank."""
    from webapp.core import titles

    questions, problems = bank_files.read_bank()
    assert problems == []
    sample = []
    for scope in ("1", "2", "3", "4", "hygiene", "allergens", "safety", "customers"):
        inside = [
            q
            for q in questions
            if (q.get("topic") or titles.unit_scope("AR", q["competency"])) == scope
        ]
        sample += inside[: 6 if scope.isdigit() else 2]
    return sample


@pytest.fixture
def bank(ctx, bank_sample):
    from webapp.revision.services import load_bank

    load_bank(bank_sample)
    return bank_sample


@pytest.fixture
def voice_tools():
    """espeak-ng and opusenc, which `make test` installs (`make voice`): a test that records
    audio fails without them, it never skips."""
    from webapp.core import audio

    assert audio.available(), "espeak-ng and opusenc are missing: run make voice"


@pytest.fixture
def server_env(tmp_path):
    """The environment of a server a test starts (gunicorn, a cluster): its own SQLite file and
    papers key in tmp_path, none of the machine's Redis or database settings, no request log."""
    from webapp.papers import crypto

    machine = ("REDIS_URL", "DATABASE_URL", "RATELIMIT_STORAGE_URI")
    return {key: value for key, value in os.environ.items() if key not in machine} | {
        "PASSERELLE_INSTANCE": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/app.db",
        "SECRET_KEY": "a-test-server-only",
        "PAPERS_MASTER_KEY": crypto.new_master_key(),
        "LOG_REQUESTS": "0",
    }
