"""Failure drills through the cluster: kill an instance and restart PostgreSQL during a live quiz.

The cluster as deployed (deploy/cluster.py: Debian's nginx with deploy/nginx/passerelle.conf in
front of two gunicorn instances on PostgreSQL and Redis), a database of its own (dropped after).
ROOMS rooms of PLAYERS phones play a live quiz (benchmarks/live.py's phones and hosts) while
WRITERS trainees write journal entries through the outbox, sending each again with the same
client id until it is acknowledged, as static/js/outbox.js does. During the run:

- mid-question 1, one instance is killed with kill -9 (master and workers: a crash, the OOM
  killer) and started again a second later, as systemd's Restart=on-failure would;
- mid-question 3 PostgreSQL restarts (`pg_ctlcluster 15 main restart`, after a CHECKPOINT, so
  the restart does not wait for a checkpoint another workload has under way).

Twice: with nginx's retries (proxy_next_upstream, as shipped) and without them (kill only).
Prints what the phones saw per request kind and status, how long each fault showed, the
instances' /healthz during the restart, and writes lost or duplicated (must be 0).

    make bench-faults
    RETRIES=on ROOMS=2 PLAYERS=20 .venv/bin/python benchmarks/faults.py

It restarts the machine's PostgreSQL: other users of it see a second or two of refused
connections.
"""

import asyncio
import os
import subprocess
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import httpx
import live  # benchmarks/live.py: its phones, hosts and database helpers (and ROOT on sys.path)

from deploy import cluster

ROOMS = int(os.environ.get("ROOMS", 3))
PLAYERS = int(os.environ.get("PLAYERS", 30))
WRITERS = int(os.environ.get("WRITERS", 4))
RETRIES = [r for r in os.environ.get("RETRIES", "on,off").split(",") if r]
KILL_AT = float(os.environ.get("KILL_AT", 10))  # seconds into the run: question 1
RESTART_AT = float(os.environ.get("RESTART_AT", 42))  # question 3
POSTGRES = os.environ.get(
    "FAULTS_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_faults"
)
REDIS = os.environ.get("FAULTS_REDIS_URL", "redis://127.0.0.1:6379/6")
PG_CLUSTER = os.environ.get("PG_CLUSTER", "15 main").split()
TODAY = date.today().isoformat()
RETRY_LINE = "proxy_next_upstream error timeout http_502;"


class Events(live.Stats):
    """live.py's statistics, with when each answer came and what it was."""

    started = time.monotonic()
    log: list = []  # (seconds into the run, kind, status or error name)

    async def timed(self, kind, call):
        try:
            response = await call
        except httpx.HTTPError as error:
            Events.log.append((time.monotonic() - Events.started, kind, type(error).__name__))
            self.errors[kind] += 1
            return None
        Events.log.append((time.monotonic() - Events.started, kind, response.status_code))
        self.latency[kind].append(0.0)
        if response.status_code >= 400:
            self.errors[kind] += 1
        return response


async def writer(base: str, username: str, phrase: str, stop: asyncio.Event, acked: set):
    """A trainee's outbox: each entry sent until acknowledged, always with its client id."""
    async with httpx.AsyncClient(base_url=base, timeout=30, trust_env=False) as http:
        stats = Events()
        while not stop.is_set():  # signing in is part of the drill too
            page = await stats.timed("sign-in", http.get("/login"))
            if page is not None and page.status_code == 200:
                signed = await stats.timed(
                    "sign-in",
                    http.post(
                        "/login",
                        data={
                            "csrf_token": live.TOKEN.search(page.text).group(1),
                            "username": username,
                            "passphrase": phrase,
                        },
                    ),
                )
                if signed is not None and signed.status_code in (302, 303):
                    break
            await asyncio.sleep(1)
        number = 0
        while not stop.is_set():
            number += 1
            client_id = f"faults-{username}-{number}"
            while not stop.is_set():
                token = await stats.timed("outbox", http.get("/outbox/token"))
                if token is not None and token.status_code == 200:
                    sent = await stats.timed(
                        "outbox",
                        http.post(
                            "/journal/write",
                            data={"mood": "4", "day": TODAY, "client_id": client_id},
                            headers={
                                "X-Outbox": "1",
                                "X-Outbox-User": str(token.json()["user"]),
                                "X-CSRFToken": token.json()["csrf"],
                            },
                        ),
                    )
                    if sent is not None and sent.headers.get("X-Outbox-Ack") == client_id:
                        acked.add(client_id)
                        break
                await asyncio.sleep(1)  # the outbox's backoff, shortened
            await asyncio.sleep(0.5)


def journal_rows(url: str) -> list[str]:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.scalars(
            sa.text("SELECT client_id FROM journal_entry WHERE client_id LIKE 'faults-%'")
        ).all()
    engine.dispose()
    return list(rows)


def add_trainees(env: dict) -> list[tuple[str, str]]:
    """The demo's trainees (their passphrases are in webapp/demo.py)."""
    from webapp import create_app, demo

    os.environ.update(env)
    app = create_app()
    with app.app_context():
        demo.load()
        from webapp.extensions import db

        db.engine.dispose()
    trainees = [(name, phrase) for name, _full, role, phrase in demo.ACCOUNTS if role == "trainee"]
    return trainees[:WRITERS]


def probe_health(ports: list[int], stop: threading.Event, seen: list) -> None:
    """Each instance's /healthz, directly, every 0.1 s: (seconds, port, status)."""
    with httpx.Client(timeout=5, trust_env=False) as http:
        while not stop.is_set():
            for port in ports:
                try:
                    status = http.get(f"http://127.0.0.1:{port}/healthz").status_code
                except httpx.HTTPError as error:
                    status = type(error).__name__
                seen.append((time.monotonic() - Events.started, port, status))
            time.sleep(0.1)


def restart_postgres(url: str, marks: dict) -> None:
    """CHECKPOINT, then restart the PostgreSQL cluster; marks when and how long the restart."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text("CHECKPOINT"))
    engine.dispose()
    started = time.monotonic()
    marks["restart"] = started - Events.started  # the fault starts here, not at the checkpoint
    subprocess.run(["pg_ctlcluster", *PG_CLUSTER, "restart"], check=True)
    marks["restart_seconds"] = time.monotonic() - started


async def drills(running: cluster.Cluster, restart: bool, marks: dict) -> None:
    await asyncio.sleep(KILL_AT)
    victim = running.ports[0]
    marks["kill"] = time.monotonic() - Events.started
    await asyncio.to_thread(running.kill, victim)
    await asyncio.sleep(1)  # systemd's RestartSec=1
    running.restart_dead()
    await asyncio.to_thread(cluster.wait_for, f"http://127.0.0.1:{victim}/healthz")
    marks["back"] = time.monotonic() - Events.started
    if restart:
        await asyncio.sleep(max(0.0, RESTART_AT - (time.monotonic() - Events.started)))
        await asyncio.to_thread(restart_postgres, running.env["DATABASE_URL"], marks)


def drill(retries: bool) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="bench-faults-"))
    env = {
        **os.environ,
        "PASSERELLE_INSTANCE": str(folder),
        "SECRET_KEY": "bench-faults-secret",
        "LOG_REQUESTS": "0",
        "PAPERS_MASTER_KEY": "YmVuY2gtbGl2ZS1vbmx5LW5vdC1hLXNlY3JldC1rZXk=",
        "LIVE_JOIN_LIMIT": "1000000 per minute",
        "LIVE_MAX_PLAYERS": str(PLAYERS + 10),
        "DATABASE_URL": POSTGRES,
        "RATELIMIT_STORAGE_URI": REDIS,
        "REDIS_URL": REDIS,
        "TRUSTED_PROXIES": "1",
        "WEB_WORKERS": "1",
        "WEB_THREADS": "8",
    }
    live.POSTGRES, live.REDIS = POSTGRES, REDIS
    live.fresh_postgres()
    live.flush_redis()
    codes = live.prepare(env, ROOMS, PLAYERS)
    trainees = add_trainees(env)
    port = cluster.free_port()
    ports = [cluster.free_port(), cluster.free_port()]
    site = cluster.render_site(
        ports, listen=f"127.0.0.1:{port}", access_log=f"{folder}/access.log passerelle"
    )
    assert RETRY_LINE in site, "the shipped site's retry line changed: update RETRY_LINE"
    if not retries:
        site = site.replace(RETRY_LINE, "proxy_next_upstream off;")
    running = cluster.Cluster(
        folder=folder, port=port, ports=ports, env=env, site=site, log_to_files=True
    )
    running.start()
    Events.log, marks, health, acked = [], {}, [], set()
    stop_probe = threading.Event()
    prober = threading.Thread(target=probe_health, args=(ports, stop_probe, health))

    async def play():
        stop = asyncio.Event()
        writers = [
            asyncio.create_task(writer(running.url, name, phrase, stop, acked))
            for name, phrase in trainees
        ]
        faults = asyncio.create_task(drills(running, retries, marks))
        stats = await live.run(running.url, codes, PLAYERS)
        stop.set()
        await asyncio.gather(*writers)
        if not faults.done():  # a run shorter than the drills' times: the rest is not played
            faults.cancel()
        await asyncio.gather(faults, return_exceptions=True)
        return stats

    live.Stats = Events  # the phones report into Events.log
    try:
        Events.started = time.monotonic()
        prober.start()
        stats = asyncio.run(play())
    finally:
        stop_probe.set()
        prober.join()
        running.stop()
    answers = live.stored_answers(POSTGRES)
    journal = journal_rows(POSTGRES)
    live.drop_postgres()
    live.flush_redis()
    return {
        "retries": retries,
        "events": list(Events.log),
        "marks": marks,
        "health": health,
        "answers_acked": len(stats.acknowledged),
        "answers_lost": len(stats.acknowledged - set(answers)),
        "answers_duplicated": len(answers) - len(set(answers)),
        "writes_acked": len(acked),
        "writes_lost": len(acked - set(journal)),
        "writes_duplicated": len(journal) - len(set(journal)),
        "seconds": time.monotonic() - Events.started,
        "folder": folder,
    }


def window(events: list, start: float, end: float) -> list:
    return [e for e in events if start <= e[0] < end]


def failures(events: list) -> list:
    return [e for e in events if not isinstance(e[2], int) or e[2] >= 500]


def report(result: dict) -> None:
    marks, events = result["marks"], result["events"]
    name = "with nginx's retries" if result["retries"] else "WITHOUT nginx's retries"
    print(
        f"\n== {name}: {ROOMS} rooms x {PLAYERS} phones, {WRITERS} outbox writers, "
        f"{len(events)} requests in {result['seconds']:.0f} s; {live.load()}"
    )
    kill, back = marks.get("kill", 0), marks.get("back", 0)
    restart = marks.get("restart")
    phases = [("kill -9 of one instance", kill, restart or float("inf"))]
    if restart is not None:
        phases.append(("PostgreSQL restart", restart, float("inf")))
    print(f"logs: {result['folder']}/instance-*.log, access.log, nginx-error.log")
    print(f"instance killed at {kill:.1f} s, answering again at {back:.1f} s ({back - kill:.1f} s)")
    for label, start, end in phases:
        seen = window(events, start, end)
        bad = failures(seen)
        counts = Counter((kind, status) for _, kind, status in bad)
        last = max((e[0] for e in bad), default=start)
        print(f"-- {label} (from {start:.1f} s): {len(seen)} requests, {len(bad)} failed")
        for (kind, status), count in sorted(counts.items(), key=str):
            print(f"   {kind:<8} {status!s:<22} {count:>5}")
        print(f"   errors shown for {last - start:.1f} s after the fault")
    if restart is not None:
        health = [(t, status) for t, _port, status in result["health"] if t >= restart]
        down = [t for t, status in health if status != 200]
        up = [t for t, status in health if down and t > max(down) and status == 200]
        print(
            f"PostgreSQL restart took {marks['restart_seconds']:.1f} s; /healthz said 503 on the "
            f"instances from {min(down, default=restart) - restart:.1f} s to "
            f"{max(down, default=restart) - restart:.1f} s, 200 again at "
            f"{(min(up) - restart) if up else float('nan'):.1f} s"
        )
    statuses = Counter(status for _, _, status in events)
    by_kind = defaultdict(Counter)
    for _, kind, status in events:
        by_kind[kind][status] += 1
    for kind, counts in sorted(by_kind.items()):
        print(f"{kind:<8}", ", ".join(f"{s}: {n}" for s, n in sorted(counts.items(), key=str)))
    print(
        f"live answers acknowledged {result['answers_acked']}, lost {result['answers_lost']}, "
        f"duplicated {result['answers_duplicated']}; outbox writes acknowledged "
        f"{result['writes_acked']}, lost {result['writes_lost']}, "
        f"duplicated {result['writes_duplicated']}; HTTP 500: {statuses.get(500, 0)}"
    )


def others_benchmarking() -> list[str]:
    """Other benchmarks' PostgreSQL databases in use now (a restart would spoil their figures)."""
    import sqlalchemy as sa

    url = sa.make_url(POSTGRES)
    engine = sa.create_engine(url.set(database="postgres"))
    with engine.connect() as connection:
        names = connection.scalars(
            sa.text(
                "SELECT DISTINCT datname FROM pg_stat_activity"
                " WHERE datname LIKE 'bench%' AND datname <> :mine"
            ),
            {"mine": url.database},
        ).all()
    engine.dispose()
    return list(names)


def main() -> None:
    # PostgreSQL restarts here: wait for another benchmark to finish (WAIT=0: don't).
    for _ in range(60 if os.environ.get("WAIT", "1") != "0" else 0):
        if not (busy := others_benchmarking()):
            break
        print(f"waiting for the benchmark using {', '.join(busy)} to finish", flush=True)
        time.sleep(10)
    print(f"{os.cpu_count()} cores; {live.load()}")
    results = [drill(retries == "on") for retries in RETRIES]
    for result in results:
        report(result)
    broken = [
        r
        for r in results
        if r["answers_lost"]
        or r["answers_duplicated"]
        or r["writes_lost"]
        or r["writes_duplicated"]
        or any(e[2] == 500 for e in r["events"])
    ]
    if broken:
        raise SystemExit("FAILED: a write lost or duplicated, or an HTTP 500")


if __name__ == "__main__":
    main()
