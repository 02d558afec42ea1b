"""The database out of reach: a bounded, pre-pinged pool, and 503s that say when to come back."""

import socket

import pytest

from webapp import config, create_app
from webapp.extensions import db

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/passerelle"


def settings(url: str, **figures) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "DB_POOL_SIZE": 8,
        "DB_MAX_OVERFLOW": 4,
        "DB_POOL_TIMEOUT": 10.0,
        "DB_CONNECT_TIMEOUT": 5,
    } | figures


def test_postgresql_gets_a_bounded_pool_tested_before_use():
    options = config.engine_options(settings(POSTGRES, DB_POOL_SIZE=3, DB_MAX_OVERFLOW=1))
    assert options["pool_pre_ping"] is True
    assert (options["pool_size"], options["max_overflow"]) == (3, 1)
    assert options["pool_timeout"] == 10.0
    assert options["connect_args"] == {"connect_timeout": 5}
    assert options["hide_parameters"] is True  # a failed statement's values stay out of logs


def test_sqlite_keeps_its_own_settings():
    options = config.engine_options(settings("sqlite:////tmp/x.db"))
    assert options == {"hide_parameters": True}


def test_pool_figures_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", POSTGRES)
    monkeypatch.setenv("DB_POOL_SIZE", "2")
    monkeypatch.setenv("DB_MAX_OVERFLOW", "0")
    monkeypatch.setenv("SECRET_KEY", "test")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": POSTGRES})
    with app.app_context():  # the engine is made, no connection opened
        pool = db.engine.pool
        assert (pool.size(), pool._max_overflow) == (2, 0)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def away(app):
    """An app whose PostgreSQL refuses connections, as during a restart."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/passerelle"
    gone = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": url} | settings(url))
    yield gone
    with gone.app_context():
        db.engine.dispose()


def test_healthz_is_503_while_the_database_is_gone(away):
    response = away.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error"
    assert response.json["db"] == "OperationalError"  # a reason, never the address or a trace


def test_a_write_with_the_database_gone_is_503_with_retry_after(away):
    sent = away.test_client().post(
        "/login",
        data={"username": "someone", "passphrase": "tulipe-orange-camion"},
        headers={"Accept-Language": "en"},
    )
    assert sent.status_code == 503
    assert sent.headers["Retry-After"] == "5"
    assert "nothing was saved" in sent.text


def test_a_pool_with_no_free_connection_is_503_not_500(app, monkeypatch):
    import sqlalchemy as sa

    def exhausted(*args, **kwargs):  # what the pool raises after DB_POOL_TIMEOUT
        raise sa.exc.TimeoutError("QueuePool limit of size 8 overflow 4 reached")

    monkeypatch.setattr(db.session, "execute", exhausted)
    monkeypatch.setattr(db.session, "scalar", exhausted)
    sent = app.test_client().post(
        "/login", data={"username": "someone", "passphrase": "tulipe-orange-camion"}
    )
    assert sent.status_code == 503 and sent.headers["Retry-After"] == "5"
    health = app.test_client().get("/healthz")
    assert health.status_code == 503 and health.json["db"] == "TimeoutError"


def test_a_signed_in_persons_page_with_the_database_gone_is_503_not_500(
    app, client, make_user, login, monkeypatch
):
    import sqlalchemy as sa

    trainee = make_user()
    login(trainee)

    def restarting(*args, **kwargs):  # what psycopg says while PostgreSQL shuts down
        raise sa.exc.OperationalError("SELECT", {}, ConnectionRefusedError("shutting down"))

    # Looking the person up is what fails; the error page must not look them up again.
    monkeypatch.setattr(db.session, "execute", restarting)
    for page in ("/", "/journal"):
        away = client.get(page, headers={"Accept-Language": "en"})
        assert away.status_code == 503 and away.headers["Retry-After"] == "5"
        assert "nothing was saved" in away.text


def test_a_connection_cut_after_the_answer_is_made_does_not_fail_it(app, client, monkeypatch):
    import sqlalchemy as sa

    closing = sa.orm.Session.close

    def cut(self):  # the session's closing ROLLBACK, on a connection PostgreSQL terminated
        monkeypatch.setattr(sa.orm.Session, "close", closing)
        raise sa.exc.OperationalError("ROLLBACK", {}, ConnectionResetError("admin shutdown"))

    monkeypatch.setattr(sa.orm.Session, "close", cut)
    assert client.get("/healthz").status_code == 200  # the answer, not a 500
    assert client.get("/healthz").status_code == 200  # and the next request has a session


def test_a_page_read_as_plain_rows_sees_what_the_request_just_changed(make_group):
    """rows_of reads without the ORM, on the request's transaction: a change not yet committed
    is flushed first, as the ORM's own reads do, so a page never shows the old value."""
    import sqlalchemy as sa

    from webapp.accounts.models import Group
    from webapp.core.database import rows_of
    from webapp.extensions import db

    group = make_group(name="Matin")
    group.name = "Après-midi"  # pending, not committed
    query = sa.select(Group.__table__.c.name).where(Group.__table__.c.id == sa.bindparam("id"))
    [row] = rows_of(query, {"id": group.id}).all()
    assert row.name == "Après-midi"
    db.session.rollback()
    assert rows_of(query, {"id": group.id}).one().name == "Matin"
