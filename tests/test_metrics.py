"""Prometheus metrics at /metrics: for an admin or the scraper's token, 404 for everyone else;
requests by route and status, writes sent twice, live rooms and players, the database pool;
with gunicorn's workers, one scrape sums every process's values."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from tests.test_live import player
from tests.test_live_room import open_room
from tests.test_live_shortcut import poll_address
from webapp import gunicorn_conf
from webapp.accounts.models import Role
from webapp.extensions import db

ROOT = Path(__file__).parents[1]
TOKEN = "scraper-7f3a9c2e51"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def token(app, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)


def scrape(client) -> str:
    response = client.get("/metrics", headers=BEARER)
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    return response.text


def value(text: str, name: str, **labels) -> float:
    """The sample's value in a scrape, 0 when it is not there (a counter never incremented)."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return 0.0


# --- who may read them ---------------------------------------------------------------------


def test_only_an_admin_or_the_scrapers_token_reads_the_metrics(
    app, client, make_user, make_group, login, token
):
    assert client.get("/metrics").status_code == 404
    for role in (Role.TRAINEE, Role.TEACHER, Role.VOLUNTEER):
        person = app.test_client()
        login(make_user(role, group=make_group()), http=person)
        assert person.get("/metrics").status_code == 404, role
        assert person.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    admin = app.test_client()
    login(make_user(Role.ADMIN), http=admin)
    assert "passerelle_http_requests_total" in admin.get("/metrics").text
    assert client.get("/metrics", headers=BEARER).status_code == 200
    for wrong in ("Bearer wrong", f"Bearer {TOKEN}x", f"Basic {TOKEN}", "Bearer ", TOKEN):
        assert client.get("/metrics", headers={"Authorization": wrong}).status_code == 404


def test_without_a_configured_token_no_bearer_is_accepted(client, monkeypatch, app):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "")
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer x"}).status_code == 404


# --- what they count -----------------------------------------------------------------------


def test_a_request_counts_under_its_route_and_status_never_its_address(client, token):
    before = scrape(client)
    assert client.get("/healthz?secret=code123").status_code == 200
    assert client.get("/nothing-here/token-4a7b").status_code == 404
    after = scrape(client)
    health = {"route": "core.healthz", "method": "GET", "status": "200"}
    missing = {"route": "none", "method": "GET", "status": "404"}
    for name, labels in (
        ("passerelle_http_requests_total", health),
        ("passerelle_http_requests_total", missing),
        ("passerelle_http_request_duration_seconds_count", {"route": "core.healthz"}),
    ):
        assert value(after, name, **labels) == value(before, name, **labels) + 1, name
    for private in ("code123", "token-4a7b", "nothing-here", "secret"):
        assert private not in after


def test_a_write_sent_twice_counts_as_one_replay(client, make_user, make_group, login, token):
    trainee = make_user(group=make_group())
    login(trainee)
    outbox = {"X-Outbox": "1", "X-Outbox-User": str(trainee.id)}
    form = {"mood": "4", "text": "Bonne journée", "day": date.today().isoformat()}
    replays = {"route": "journal.write", "via": "outbox"}
    before = value(scrape(client), "passerelle_outbox_replays_total", **replays)
    for _ in range(2):
        sent = client.post("/journal/write", data={**form, "client_id": "m-1"}, headers=outbox)
    assert sent.headers["X-Outbox-State"] == "duplicate"
    after = value(scrape(client), "passerelle_outbox_replays_total", **replays)
    assert after == before + 1


@pytest.fixture
def room(app, login, make_user, make_group, bank):
    group = make_group()
    volunteer = make_user(Role.VOLUNTEER, group=group)
    host, live = open_room(app, login, volunteer, group)
    phones = [player(app, live, name, login, make_user(group=group)) for name in ("Sam", "Lou")]
    return SimpleNamespace(host=host, live=live, phones=phones)


def test_live_gauges_count_the_open_rooms_and_their_players(client, token, room):
    text = scrape(client)
    assert value(text, "passerelle_live_rooms_open") == 1
    assert value(text, "passerelle_live_players") == 2
    room.live.ended_at = room.live.created_at
    db.session.commit()
    text = scrape(client)
    assert value(text, "passerelle_live_rooms_open") == 0
    assert value(text, "passerelle_live_players") == 0


def test_polls_answered_before_flask_are_counted(client, token, room):
    phone = room.phones[0]
    address = poll_address(phone.get(f"/live/{room.live.code}/play").text)
    phone.get(address)  # the first poll may fill the room cache
    before = value(scrape(client), "passerelle_live_polls_nothing_new_total")
    assert [phone.get(address).status_code for _ in range(3)] == [204] * 3
    assert value(scrape(client), "passerelle_live_polls_nothing_new_total") == before + 3


def test_the_pool_gauges_follow_connections_in_use(ctx):
    def in_use():
        return REGISTRY.get_sample_value("passerelle_db_pool_checked_out")

    before = in_use()
    with db.engine.connect():
        assert in_use() == before + 1
        assert REGISTRY.get_sample_value("passerelle_db_pool_size") >= 1
    assert in_use() == before


# --- gunicorn's workers: one scrape, every process -----------------------------------------

WORKER = """
import os, sys
from webapp import create_app
app = create_app({"TESTING": True, "SECRET_KEY": "x", "LOG_REQUESTS": False,
                  "SQLALCHEMY_DATABASE_URI": sys.argv[1]})
assert app.test_client().get("/healthz").status_code == 200
if sys.argv[2] == "killed":
    os._exit(0)  # no clean exit: only gunicorn's child_exit can tidy up after it
"""


def _worker(tmp_path, folder, how: str) -> None:
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
        "PASSERELLE_INSTANCE": str(tmp_path / "instance"),
        "PYTHONPATH": str(ROOT),
    }
    url = f"sqlite:///{tmp_path / 'worker.db'}"
    done = subprocess.run(
        [sys.executable, "-c", WORKER, url, how], env=env, cwd=ROOT, capture_output=True
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]


def test_a_scrape_sums_the_workers_files(app, client, token, tmp_path, monkeypatch):
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_99999.db").write_bytes(b"left by an earlier run")
    gunicorn_conf.on_starting(None)  # without the variable: nothing happens
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    gunicorn_conf.on_starting(None)
    assert list(folder.iterdir()) == []

    for how in ("ended", "ended", "killed"):
        _worker(tmp_path, folder, how)
    monkeypatch.setitem(app.config, "PROMETHEUS_MULTIPROC_DIR", str(folder))
    text = scrape(client)
    health = {"route": "core.healthz", "method": "GET", "status": "200"}
    assert value(text, "passerelle_http_requests_total", **health) == 3
    assert value(text, "passerelle_http_request_duration_seconds_count", route="core.healthz") == 3
    # The two that ended took their connections' gauges with them; the killed one's stay
    # until gunicorn's child_exit says it is gone.
    assert value(text, "passerelle_db_pool_size") >= 1
    killed = list(folder.glob("gauge_livesum_*.db"))
    assert len(killed) == 1
    pid = int(killed[0].stem.rsplit("_", 1)[1])
    gunicorn_conf.child_exit(None, SimpleNamespace(pid=pid))
    text = scrape(client)
    assert value(text, "passerelle_db_pool_size") == 0
    assert value(text, "passerelle_http_requests_total", **health) == 3  # totals never go down
