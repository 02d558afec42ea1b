"""The health check a load balancer polls."""

import sqlalchemy as sa

from webapp.extensions import db


def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "db": "ok"}


def test_healthz_is_503_with_a_reason_when_database_is_down(app, client, monkeypatch):
    def broken(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("down"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error"
    assert response.json["db"] == "ConnectionRefusedError"


def test_readiness_checks_a_write_the_limits_storage_and_free_disk(app, client, monkeypatch):
    from webapp.core import routes
    from webapp.extensions import limiter

    ready = client.get("/healthz?ready=1")
    assert ready.status_code == 200
    assert ready.json == {"status": "ok", "db": "ok", "limits": "ok", "disk": "ok"}

    # A disk nearly full: the database still reads, but the instance must leave the pool.
    monkeypatch.setattr(routes, "free_megabytes", lambda path: 12)
    full = client.get("/healthz?ready=1")
    assert full.status_code == 503 and full.json["disk"] == "12 MB free"
    assert client.get("/healthz").status_code == 200  # alive all the same

    # The limits' storage (Redis) gone: said, not a 500.
    monkeypatch.setattr(routes, "free_megabytes", lambda path: 10_000)
    with app.app_context():
        storage = limiter.limiter.storage
    monkeypatch.setattr(storage, "check", lambda: False)
    gone = client.get("/healthz?ready=1")
    assert gone.status_code == 503 and gone.json["limits"] == "unreachable"
