"""Live-quiz load benchmark: rooms of players polling every 2 s and answering every question.

Each player answers 1 to 5 seconds after the question reaches the phone (the time to read it),
and one in ten taps twice.

Runs the app under gunicorn on 127.0.0.1 (one instance, or two sharing one database) and drives
it with asyncio + httpx. Prints requests per second, latency percentiles per request kind, and
answers lost or duplicated (an answer the server acknowledged must be in the database once).

    make bench-live                                   # SQLite, 10 rooms of 50 players
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test INSTANCES=2 make bench-live
"""

import asyncio
import html
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROOMS = int(os.environ.get("ROOMS", 10))
PLAYERS = int(os.environ.get("PLAYERS", 50))
QUESTIONS = int(os.environ.get("QUESTIONS", 5))
INSTANCES = int(os.environ.get("INSTANCES", 1))
POLL_SECONDS = 2.0
HOST_PASSPHRASE = "banc-essai-quiz"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
POLL = re.compile(r"/poll\?v=(\d+)")
INDEX = re.compile(r'name="index" value="(\d+)"')
PLACE = re.compile(r'name="(place-\d+)"')


def prepare(folder: str) -> tuple[dict, list[str]]:
    """A fresh database with the bank, a volunteer and the rooms; returns env and room codes."""
    # Every simulated phone comes from 127.0.0.1: lift the per-IP join rate for the run.
    env = {
        **os.environ,
        "PASSERELLE_INSTANCE": folder,
        "SECRET_KEY": "bench-live-secret",
        "RATELIMIT_STORAGE_URI": "memory://",
        "LIVE_JOIN_LIMIT": "100000 per minute",
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{folder}/live.db")
    os.environ.update(env)
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.accounts import passphrases
    from webapp.accounts.models import Role, User
    from webapp.extensions import db
    from webapp.live import services
    from webapp.revision import bank
    from webapp.revision.services import load_bank

    app = create_app()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        load_bank(bank.read_bank()[0])
        host = User(
            username="bench-host",
            display_name="Bench Host",
            role=Role.VOLUNTEER,
            password_hash=passphrases.hash_passphrase(HOST_PASSPHRASE),
        )
        db.session.add(host)
        db.session.commit()
        codes = [
            services.create_session(
                host, None, scopes=["1", "2", "3", "4"], count=QUESTIONS, client_id=f"bench-{n}"
            ).code
            for n in range(ROOMS)
        ]
        db.engine.dispose()
    return env, codes


class Stats:
    def __init__(self):
        self.latency = defaultdict(list)
        self.errors = defaultdict(int)
        self.statuses = defaultdict(int)
        self.acknowledged = set()  # (room, nickname, question index)

    async def timed(self, kind, call):
        start = time.perf_counter()
        try:
            response = await call
        except httpx.HTTPError as error:
            self.errors[kind] += 1
            self.statuses[(kind, type(error).__name__)] += 1
            return None
        self.latency[kind].append((time.perf_counter() - start) * 1000)
        if response.status_code >= 400:
            self.errors[kind] += 1
            self.statuses[(kind, response.status_code)] += 1
        return response


async def player(base: str, code: str, number: int, stats: Stats, stop: asyncio.Event):
    nickname = f"P{number:03d}"
    await asyncio.sleep(number % PLAYERS / PLAYERS * 5)  # people arrive during the lobby
    # Plain http on loopback: no TLS context to build (that alone costs 10-20 ms per client).
    async with httpx.AsyncClient(base_url=base, timeout=30, verify=False, trust_env=False) as http:
        page = await stats.timed("join", http.get(f"/join/{code}"))
        if page is None:
            return
        token = TOKEN.search(page.text).group(1)
        joined = await stats.timed(
            "join", http.post(f"/join/{code}", data={"csrf_token": token, "nickname": nickname})
        )
        if joined is None:
            return
        version, answered = 0, set()
        await asyncio.sleep(number % 20 * 0.1)  # phones don't poll in lockstep
        while not stop.is_set():
            response = await stats.timed(
                "poll",
                http.get(
                    f"/live/{code}/poll", params={"v": version}, headers={"HX-Request": "true"}
                ),
            )
            if response is not None and response.status_code == 200:
                version = int(POLL.search(response.text).group(1))
                index = INDEX.search(response.text)
                if index and index.group(1) not in answered:
                    choice = re.search(r'name="choice" value="([^"]+)"', response.text)
                    data = {
                        "csrf_token": TOKEN.search(response.text).group(1),
                        "index": index.group(1),
                        "choice": html.unescape(choice.group(1)) if choice else "x",
                        "text": "63",
                    }
                    # Order questions: give each line a place; match-like pickers likewise.
                    for place, field in enumerate(PLACE.findall(response.text), start=1):
                        data[field] = str(place)
                    # reading time
                    await asyncio.sleep(1 + (number * 7919 + int(index.group(1))) % 40 / 10)
                    taps = 2 if number % 10 == 0 else 1  # some double taps: they must count once
                    for _tap in range(taps):
                        for _try in range(3):  # a dropped connection: the phone sends again
                            sent = await stats.timed(
                                "answer",
                                http.post(
                                    f"/live/{code}/answer",
                                    data=data,
                                    headers={"HX-Request": "true"},
                                ),
                            )
                            if sent is not None:
                                break
                    if sent is not None and 'data-answered="1"' in sent.text:
                        answered.add(index.group(1))
                        stats.acknowledged.add((code, nickname, int(index.group(1))))
            await asyncio.sleep(POLL_SECONDS)


async def host(base: str, code: str, stats: Stats):
    # Plain http on loopback: no TLS context to build (that alone costs 10-20 ms per client).
    async with httpx.AsyncClient(base_url=base, timeout=30, verify=False, trust_env=False) as http:
        login = await http.get("/login")
        await http.post(
            "/login",
            data={
                "csrf_token": TOKEN.search(login.text).group(1),
                "username": "bench-host",
                "passphrase": HOST_PASSPHRASE,
            },
        )
        await asyncio.sleep(6)  # the lobby: everyone joins
        pauses = {"question": 10, "reveal": 3, "scores": 2}
        phase = "lobby"
        while phase != "end":
            page = await stats.timed("host", http.get(f"/live/{code}/host"))
            version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
            await stats.timed(
                "host",
                http.post(
                    f"/live/{code}/advance",
                    data={"csrf_token": TOKEN.search(page.text).group(1), "version": version},
                ),
            )
            after = await http.get(f"/live/{code}/host")
            phase = next(
                (p for p in ("question", "reveal", "scores") if f"phase-{p}" in after.text), "end"
            )
            await asyncio.sleep(pauses.get(phase, 0))


def stored_answers() -> list[tuple]:
    """Every answer in the database as (room code, nickname, question index)."""
    from webapp import create_app
    from webapp.extensions import db
    from webapp.live.models import LiveAnswer, LivePlayer, LiveSession

    app = create_app()
    with app.app_context():
        rows = db.session.execute(
            db.select(LiveSession.code, LivePlayer.nickname, LiveAnswer.question_index)
            .join(LivePlayer, LivePlayer.id == LiveAnswer.player_id)
            .join(LiveSession, LiveSession.id == LiveAnswer.session_id)
        ).all()
        db.engine.dispose()
    return [tuple(row) for row in rows]


async def run(bases: list[str], codes: list[str]) -> Stats:
    stats, stop = Stats(), asyncio.Event()
    players = [
        asyncio.create_task(player(bases[(room + n) % len(bases)], code, n, stats, stop))
        for room, code in enumerate(codes)
        for n in range(PLAYERS)
    ]
    started = time.perf_counter()
    await asyncio.gather(*(host(bases[0], code, stats) for code in codes))
    await asyncio.sleep(POLL_SECONDS * 2)
    stop.set()
    await asyncio.gather(*players)
    stats.seconds = time.perf_counter() - started
    return stats


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    folder = tempfile.mkdtemp()
    env, codes = prepare(folder)
    servers, bases = [], []
    for number in range(INSTANCES):
        port = 5600 + number
        servers.append(
            subprocess.Popen(
                [
                    str(ROOT / ".venv/bin/gunicorn"),
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--threads",
                    "8",
                    "--keep-alive",
                    "5",
                    "--log-level",
                    "warning",
                    "webapp:create_app()",
                ],
                cwd=ROOT,
                env=env,
            )
        )
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for base in bases:
            for _ in range(100):
                try:
                    if httpx.get(f"{base}/healthz").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
        stats = asyncio.run(run(bases, codes))
    finally:
        for server in servers:
            server.terminate()
            server.wait()
    rows = stored_answers()
    database = env["DATABASE_URL"].split(":")[0]
    total = sum(len(v) for v in stats.latency.values())
    print(
        f"database: {database}, instances: {INSTANCES}, rooms: {ROOMS}, "
        f"players: {ROOMS * PLAYERS}, questions: {QUESTIONS}"
    )
    print(f"requests: {total} in {stats.seconds:.0f} s = {total / stats.seconds:.0f} per second")
    print(f"{'kind':<8}{'count':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for kind, values in sorted(stats.latency.items()):
        print(
            f"{kind:<8}{len(values):>8}{statistics.median(values):>9.1f}"
            f"{percentile(values, 0.95):>9.1f}{percentile(values, 0.99):>9.1f}"
            f"{stats.errors[kind]:>8}"
        )
    if stats.statuses:
        print("errors:", dict(stats.statuses))
    lost = len(stats.acknowledged - set(rows))
    print(
        f"answers acknowledged: {len(stats.acknowledged)}, stored: {len(rows)}, "
        f"lost: {lost}, duplicated: {len(rows) - len(set(rows))}"
    )


if __name__ == "__main__":
    main()
