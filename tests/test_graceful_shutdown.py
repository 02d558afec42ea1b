"""Stopping an instance (systemctl stop: SIGTERM) behind nginx loses no request.

nginx and two gunicorn instances as deployed (deploy/: the same site and gunicorn settings) on an
SQLite file; four trainees read their home page and write journal entries by the outbox without
a pause; one instance gets SIGTERM midway. Every request must succeed and every write be
acknowledged: the stopping instance finishes what it holds, nginx sends the rest to the other.
Counted, never timed: the stop comes after a number of requests, the end after as many again.
"""

import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import httpx
import pytest

from deploy import cluster
from webapp.demo import ACCOUNTS

TRAINEES = [(name, phrase) for name, _full, role, phrase in ACCOUNTS if role == "trainee"][:4]
BEFORE, AFTER = 30, 60  # requests before the SIGTERM, and after the instance has exited
PREPARE = (
    "from flask_migrate import upgrade\n"
    "from webapp import create_app, demo\n"
    "with create_app().app_context():\n"
    "    upgrade()\n"
    "    demo.load()\n"
)


@pytest.fixture
def servers(tmp_path, server_env):
    env = server_env | {"TRUSTED_PROXIES": "1", "WEB_WORKERS": "1", "WEB_THREADS": "4"}
    subprocess.run([sys.executable, "-c", PREPARE], cwd=cluster.ROOT, env=env, check=True)
    running = cluster.Cluster(
        folder=tmp_path,
        port=cluster.free_port(),
        ports=[cluster.free_port(), cluster.free_port()],
        env=env,
        access_log=f"{tmp_path}/access.log passerelle",
        log_to_files=True,
    ).start()
    yield running
    running.stop()


class Stream:
    """Trainees using the app without a pause, each in a thread, counting what fails."""

    def __init__(self, base: str):
        self.base, self.done, self.failures = base, 0, []
        self.lock, self.stop = threading.Lock(), threading.Event()

    def count(self, what: str, response: httpx.Response | None, error: str = "") -> None:
        with self.lock:
            self.done += 1
            if error or response.status_code >= 400:
                self.failures.append((what, error or response.status_code))

    def trainee(self, username: str, phrase: str) -> None:
        with httpx.Client(base_url=self.base, timeout=60, trust_env=False) as http:
            page = http.get("/login")
            token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            signed = http.post(
                "/login", data={"csrf_token": token, "username": username, "passphrase": phrase}
            )
            assert signed.status_code in (302, 303), signed.status_code
            number = 0
            while not self.stop.is_set():
                number += 1
                try:
                    self.count("home", http.get("/"))
                    fresh = http.get("/outbox/token")
                    self.count("token", fresh)
                    client_id = f"{username}-{number}"
                    sent = http.post(
                        "/journal/write",
                        data={"mood": "4", "day": date.today().isoformat(), "client_id": client_id},
                        headers={
                            "X-Outbox": "1",
                            "X-Outbox-User": str(fresh.json()["user"]),
                            "X-CSRFToken": fresh.json()["csrf"],
                        },
                    )
                    self.count("write", sent)
                    if sent.headers.get("X-Outbox-Ack") != client_id:
                        self.failures.append(("write not acknowledged", client_id))
                except (httpx.HTTPError, ValueError) as error:  # no answer, or not the JSON
                    self.count("request", None, type(error).__name__)

    def wait_for(self, done: int) -> None:
        deadline = time.monotonic() + 120  # a bound for a broken run, not a measure
        while self.done < done and time.monotonic() < deadline:
            time.sleep(0.05)
        assert self.done >= done, f"only {self.done} requests"


def upstreams(access_log: Path) -> list[str]:
    """The instance that answered each request, in order ("$upstream_addr": the last tried)."""
    lines = [line.split('"') for line in access_log.read_text().splitlines()]
    return [fields[1].split(",")[-1].strip() for fields in lines if len(fields) > 1]


def test_sigterm_to_one_instance_under_load_fails_no_request(servers):
    stream = Stream(servers.url)
    threads = [threading.Thread(target=stream.trainee, args=trainee) for trainee in TRAINEES]
    for thread in threads:
        thread.start()
    try:
        stream.wait_for(BEFORE)
        stopped, kept = servers.ports
        assert servers.terminate(stopped) == 0  # exited by itself, requests finished
        at_exit = stream.done
        stream.wait_for(at_exit + AFTER)
    finally:
        stream.stop.set()
        for thread in threads:
            thread.join()

    assert stream.failures == []
    served = upstreams(servers.folder / "access.log")
    assert f"127.0.0.1:{stopped}" in served  # both took requests before the stop...
    assert set(served[-AFTER // 2 :]) == {f"127.0.0.1:{kept}"}  # ...then only the other one
