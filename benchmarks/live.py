"""Live-quiz load benchmark: rooms of players polling every 2 s and answering every question.

Each player answers 1 to 5 seconds after the question reaches the phone (the time to read it),
and one in ten taps twice. The load generator (asyncio + httpx) runs on the same cores as the
servers.

Two set-ups, RUNS times each (figures pooled over the runs):
- sqlite: one gunicorn instance on an SQLite file;
- postgresql: two gunicorn instances on PostgreSQL (a database of its own, dropped after),
  sharing Redis (rooms' versions, rate limits), behind Debian's nginx on one port, started here
  with a temporary configuration and stopped after.
Then the ramp: one instance (SQLite), one room of each size in ROOM_SIZES (100 to 2,000
players), until the p95 of polls or answers reaches 1 s: the largest room that one instance
holds.

Prints requests per second, latency percentiles per request kind, answers lost or duplicated
(an answer the server acknowledged must be in the database once), and the servers' CPU time:
per request kind (the handling thread's CPU time, from gunicorn's request hooks: a poll with
nothing new, a poll bringing a new phase's panel, an answer, a join, the host's page and
buttons) and per request overall (the processes' CPU time from /proc, workers and nginx
included).

    make bench-live                          # both set-ups, 3 runs each, then the ramp
    SETUPS=sqlite RUNS=1 RAMP=0 .venv/bin/python benchmarks/live.py
    SETUPS= ROOM_SIZES=50,100,200,400 .venv/bin/python benchmarks/live.py   # the ramp only
    WORKERS=1 THREADS=8 ...                  # gunicorn processes and threads per instance
    LOBBY=30 SETUPS= ROOM_SIZES=2000 ...     # phones arrive over 30 s, not 5
    GENERATORS=2 ...                         # the phones driven from 2 processes (default:
                                             # one per 1,000 phones)
    FIRST=poll ...                           # once joined, a phone polls without the room's key
                                             # instead of loading the play page (the figures
                                             # before the evening of 1 December 2026)

Once joined, a phone loads the play page the join's 303 leads to, as a browser does (FIRST=play,
the default); its polls then carry the room's key. FIRST=poll keeps the older scenario, where
the first request was an htmx poll without the key, which only Flask answers.
"""

import asyncio
import html
import json
import multiprocessing
import os
import re
import statistics
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
RUNS = int(os.environ.get("RUNS", 1))
SETUPS = [s for s in os.environ.get("SETUPS", "sqlite,postgresql").split(",") if s]
RAMP = os.environ.get("RAMP", "1") != "0"
# A phone's first request once joined: "play" (the play page the join's 303 leads to, as a real
# phone) or "poll" (an htmx poll without the room's key, as this benchmark did until December).
FIRST = os.environ.get("FIRST", "play")
# Seconds over which a room's phones arrive in the lobby (the host starts one second later): 5
# makes a hard burst (a room of 50 in 5 s; 2,000 in 5 s is 400 joins a second); in a hall, people
# type the code and a nickname over a minute or so.
LOBBY = float(os.environ.get("LOBBY", 5))
# Processes driving the phones (the hosts are in the first); by default one per 1,000 phones:
# one asyncio loop with 2,000 phones is busy most of a core, and its own queue added to every
# latency it measured (poll p95 1.2-2.0 s with one, 0.86 s with two, the app's CPU the same).
GENERATORS = int(os.environ.get("GENERATORS", 0))
PHONES_A_GENERATOR = 1000
ROOM_SIZES = [int(n) for n in os.environ.get("ROOM_SIZES", "100,200,400,800,2000").split(",") if n]
POSTGRES = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_live"
)
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
PROXY_PORT = 5700
TICKS = os.sysconf("SC_CLK_TCK")
POLL_SECONDS = 2.0
HOST_PASSPHRASE = "banc-essai-quiz"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
POLL = re.compile(r'hx-get="([^"]*/poll\?[^"]*)"')  # the address the panel polls, as htmx reads it
INDEX = re.compile(r'name="index" value="(\d+)"')
PLACE = re.compile(r'name="(place-\d+)"')


def prepare(env: dict, rooms: int, players: int) -> list[str]:
    """A fresh database with the bank, a volunteer and the rooms; returns the room codes."""
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
        upgrade()
        load_bank(bank.read_bank()[0])
        # One volunteer per room, as in a network of workshops (ten sign-ins at once to one
        # account would be slowed down by the sign-in throttle, as a guesser's would).
        hashed = passphrases.hash_passphrase(HOST_PASSPHRASE)
        codes = []
        for n in range(rooms):
            host = User(
                username=f"bench-host-{n}",
                display_name=f"Bench Host {n}",
                role=Role.VOLUNTEER,
                password_hash=hashed,
            )
            db.session.add(host)
            db.session.commit()
            codes.append(
                services.create_session(
                    host, None, scopes=["1", "2", "3", "4"], count=QUESTIONS, client_id=f"b-{n}"
                ).code
            )
        db.engine.dispose()
    return codes


class Stats:
    def __init__(self):
        self.latency = defaultdict(list)
        self.errors = defaultdict(int)
        self.statuses = defaultdict(int)
        self.acknowledged = set()  # (room, nickname, question index)
        self.other_cpu = 0.0  # seconds the other generator processes spent

    def merge(self, other: "Stats", cpu: float) -> None:
        """Add another generator process's figures (and its CPU time) to these."""
        for kind, values in other.latency.items():
            self.latency[kind].extend(values)
        for table, theirs in ((self.errors, other.errors), (self.statuses, other.statuses)):
            for key, count in theirs.items():
                table[key] += count
        self.acknowledged |= other.acknowledged
        self.other_cpu += cpu

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


async def player(base: str, code: str, number: int, size: int, stats: Stats, stop: asyncio.Event):
    nickname = f"P{number:04d}"
    await asyncio.sleep(number / size * LOBBY)  # people arrive during the lobby
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
        address, answered = f"/live/{code}/poll?v=0", set()
        if FIRST == "play":  # as a phone does: the join's 303 leads to the play page
            page = await stats.timed("play", http.get(joined.headers["location"]))
            if page is None or (polled := POLL.search(page.text)) is None:
                return
            address = html.unescape(polled.group(1))
        await asyncio.sleep(number % 20 * 0.1)  # phones don't poll in lockstep
        while not stop.is_set():
            response = await stats.timed(
                "poll",
                http.get(address, headers={"HX-Request": "true"}),
            )
            if response is not None and response.status_code == 200:
                polled = POLL.search(response.text)
                if polled is None:  # the end: the page stops polling
                    break
                address = html.unescape(polled.group(1))
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


async def host(base: str, code: str, number: int, stats: Stats):
    # Plain http on loopback: no TLS context to build (that alone costs 10-20 ms per client).
    async with httpx.AsyncClient(base_url=base, timeout=30, verify=False, trust_env=False) as http:
        for _try in range(10):  # a sign-in lost in the crowd of joins: sign in again
            try:
                login = await http.get("/login")
                signed = await http.post(
                    "/login",
                    data={
                        "csrf_token": TOKEN.search(login.text).group(1),
                        "username": f"bench-host-{number}",
                        "passphrase": HOST_PASSPHRASE,
                    },
                )
            except httpx.HTTPError as error:
                print(f"host of {code}: sign-in failed ({type(error).__name__})", file=sys.stderr)
                continue
            if signed.status_code in (302, 303) and "/login" not in signed.headers["location"]:
                break
            said = re.search(r'class="error"[^>]*>([^<]+)', signed.text)
            print(
                f"host of {code}: sign-in refused ({signed.status_code}"
                f"{': ' + said.group(1).strip() if said else ''})",
                file=sys.stderr,
            )
        await asyncio.sleep(LOBBY + 1)  # the lobby: everyone joins
        pauses = {"question": 10, "reveal": 3, "scores": 2}
        phase = "lobby"
        while phase != "end":
            page = await stats.timed("host", http.get(f"/live/{code}/host"))
            if page is None or not (found := re.search(r'name="version" value="(\d+)"', page.text)):
                status = page.status_code if page is not None else "no answer"
                print(f"host of {code}: no version on the host page ({status})", file=sys.stderr)
                if page is not None and page.status_code == 302:
                    return  # signed out: this room stops here (its phones see no more)
                await asyncio.sleep(1)
                continue
            version = found.group(1)
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


def stored_answers(url: str) -> list[tuple]:
    """Every answer in the database as (room code, nickname, question index)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT s.code, p.nickname, a.question_index FROM live_answer a"
                " JOIN live_player p ON p.id = a.player_id"
                " JOIN live_session s ON s.id = a.session_id"
            )
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]


async def run(base: str, codes: list[str], size: int) -> Stats:
    """Play the rooms: the hosts and a share of the phones here, the other shares in
    GENERATORS - 1 more processes (forked; one asyncio loop drives about 1,000 phones before
    its own queue shows in the latencies it measures)."""
    stats, stop, stopping = Stats(), asyncio.Event(), multiprocessing.Event()
    results = multiprocessing.Queue()
    parts = GENERATORS or max(1, -(-len(codes) * size // PHONES_A_GENERATOR))
    others = [
        multiprocessing.Process(
            target=_phones_elsewhere, args=(base, codes, size, (part, parts), stopping, results)
        )
        for part in range(1, parts)
    ]
    for process in others:
        process.start()
    players = _phones(base, codes, size, (0, parts), stats, stop)
    started = time.perf_counter()
    await asyncio.gather(*(host(base, code, n, stats) for n, code in enumerate(codes)))
    await asyncio.sleep(POLL_SECONDS * 2)
    stop.set()
    stopping.set()
    await asyncio.gather(*players)
    for _process in others:
        stats.merge(*results.get())
    for process in others:
        process.join()
    stats.seconds = time.perf_counter() - started
    return stats


def _phones(base, codes, size, share, stats, stop) -> list:
    """This process's share of the phones (share: its number and how many processes play
    them; every n-th phone of each room), started."""
    part, parts = share
    return [
        asyncio.create_task(player(base, code, n, size, stats, stop))
        for code in codes
        for n in range(part, size, parts)
    ]


def _phones_elsewhere(base, codes, size, share, stopping, results) -> None:
    """A forked process playing its share of the phones until stopping is set; sends back its
    figures and CPU time."""

    async def play() -> Stats:
        stats = Stats()
        await asyncio.gather(*_phones(base, codes, size, share, stats, stopping))
        return stats

    stats = asyncio.run(play())
    results.put((stats, time.process_time()))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


# --- the servers ----------------------------------------------------------------------------

# gunicorn's request hooks: each request's CPU time in the thread that handled it, by kind,
# written to a file when the worker exits.
HOOKS = """
import json, os, threading, time

_cpu, _lock = {}, threading.Lock()


def _kind(path):
    for end, kind in (("/poll", "poll"), ("/answer", "answer"), ("/host", "host"),
                      ("/advance", "host"), ("/play", "play")):
        if path.endswith(end):
            return kind
    return "join" if path.startswith("/join") else "other"


def _method_kind(req, kind):
    # A join is a GET of the nickname page then a POST of the nickname: counted apart.
    return f"join-{req.method.lower()}" if kind == "join" else kind


def pre_request(worker, req):
    req.cpu_start, req.wall_start = time.thread_time(), time.perf_counter()


def post_request(worker, req, environ, resp):
    spent = time.thread_time() - req.cpu_start
    waited = time.perf_counter() - req.wall_start
    kind = _method_kind(req, _kind(req.path))
    if kind == "poll":  # nothing new (204, most polls in a real room) or the new panel
        kind = "poll-204" if getattr(resp, "status_code", 0) == 204 else "poll-news"
        if kind == "poll-news":  # made before Flask (live.shortcut) or by Flask
            kind += "-shortcut" if environ.get("passerelle.live_news") else "-flask"
    if kind == "answer":  # taken before Flask (live.shortcut) or by Flask
        kind += "-shortcut" if environ.get("passerelle.live_answer") else "-flask"
    with _lock:
        count = _cpu.setdefault(kind, [0, 0.0, 0.0])
        count[0] += 1
        count[1] += spent
        count[2] += waited


def worker_exit(server, worker):
    with open(os.path.join(os.environ["BENCH_CPU_DIR"], f"{os.getpid()}.json"), "w") as f:
        json.dump(_cpu, f)
"""


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children alive now, from /proc."""
    pids = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                pids.append(int(entry.name))
    total = 0
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def wait_for(url: str) -> None:
    for _ in range(150):
        try:
            if httpx.get(url, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"no answer from {url}")


def fresh_postgres() -> None:
    import sqlalchemy as sa

    url = sa.make_url(POSTGRES)
    engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    engine.dispose()


def drop_postgres() -> None:
    import sqlalchemy as sa

    url = sa.make_url(POSTGRES)
    engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    engine.dispose()


def postgres_backends_cpu() -> float:
    """CPU time of the PostgreSQL backends serving the benchmark's database."""
    import sqlalchemy as sa

    url = sa.make_url(POSTGRES)
    engine = sa.create_engine(url.set(database="postgres"))
    with engine.connect() as connection:
        pids = connection.scalars(
            sa.text("SELECT pid FROM pg_stat_activity WHERE datname = :name"),
            {"name": url.database},
        ).all()
    engine.dispose()
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


def flush_redis() -> None:
    """The benchmark's own Redis database (BENCH_REDIS_URL): rate limits and rooms of past runs."""
    import redis

    redis.Redis.from_url(REDIS).flushdb()


def play_once(setup: str, rooms: int, size: int) -> dict:
    """Start the servers of a set-up, play `rooms` rooms of `size` players, stop the servers."""
    folder = tempfile.mkdtemp(prefix="bench-live-")
    instances = 2 if setup == "postgresql" else 1
    env = {
        **os.environ,
        "PASSERELLE_INSTANCE": folder,
        "SECRET_KEY": "bench-live-secret",
        "LOG_REQUESTS": "0",  # tens of thousands of lines would cost the servers' CPU
        # The servers run as in production, which wants a master key for My papers (none used).
        "PAPERS_MASTER_KEY": "YmVuY2gtbGl2ZS1vbmx5LW5vdC1hLXNlY3JldC1rZXk=",
        # Every simulated phone comes from 127.0.0.1: lift the per-IP join rate for the run.
        "LIVE_JOIN_LIMIT": "1000000 per minute",
        "LIVE_MAX_PLAYERS": str(size + 10),
        "BENCH_CPU_DIR": folder,
    }
    if setup == "postgresql":
        fresh_postgres()
        flush_redis()
        env.update(
            DATABASE_URL=POSTGRES,
            RATELIMIT_STORAGE_URI=REDIS,
            REDIS_URL=REDIS,
            TRUSTED_PROXIES="1",
        )
    else:
        env.update(DATABASE_URL=f"sqlite:///{folder}/live.db", RATELIMIT_STORAGE_URI="memory://")
        env.pop("REDIS_URL", None)
    codes = prepare(env, rooms, size)
    workers = os.environ.get("WORKERS", "2" if instances == 1 else "1")
    threads = os.environ.get("THREADS", "8")
    from deploy import cluster  # the nginx site and gunicorn settings of deploy/

    running = cluster.Cluster(
        folder=Path(folder),
        port=PROXY_PORT,
        ports=[5600 + number for number in range(instances)],
        env=env,
        hooks=HOOKS,
        args=["--workers", workers, "--threads", threads, "--worker-connections", "4000"],
    )
    servers = [running.start_instance(port) for port in running.ports]
    proxy = None
    try:
        for port in running.ports:
            wait_for(f"http://127.0.0.1:{port}/healthz")
        base = "http://127.0.0.1:5600"
        if instances > 1:
            running.start_proxy()
            proxy, base = running.proxy, running.url
            wait_for(f"{base}/healthz")
        watched = servers + ([proxy] if proxy else [])
        before = [cpu_seconds(p.pid) for p in watched]
        generator_before = time.process_time()
        stats = asyncio.run(run(base, codes, size))
        generator_cpu = time.process_time() - generator_before + stats.other_cpu
        after = [cpu_seconds(p.pid) for p in watched]
        database_cpu = postgres_backends_cpu() if setup == "postgresql" else 0.0
    finally:
        running.stop()
    per_kind: dict[str, list] = defaultdict(lambda: [0, 0.0, 0.0])
    for path in Path(folder).glob("*.json"):
        for kind, (count, spent, waited) in json.loads(path.read_text()).items():
            # A news poll counts in its own line and in all news polls' line; a join's GET
            # and POST in theirs and in the joins' line; an answer likewise.
            parts = ("poll-news-", "join-", "answer-")
            whole = kind.rsplit("-", 1)[0] if kind.startswith(parts) else kind
            for name in {kind, whole}:
                per_kind[name][0] += count
                per_kind[name][1] += spent
                per_kind[name][2] += waited
    rows = stored_answers(env["DATABASE_URL"])
    if setup == "postgresql":
        drop_postgres()
        flush_redis()
    spent = [b - a for a, b in zip(before, after, strict=True)]
    return {
        "stats": stats,
        "app_cpu": sum(spent[:instances]),
        "proxy_cpu": sum(spent[instances:]),
        "database_cpu": database_cpu,
        "generator_cpu": generator_cpu,
        "per_kind": dict(per_kind),
        "lost": len(stats.acknowledged - set(rows)),
        "duplicated": len(rows) - len(set(rows)),
        "acknowledged": len(stats.acknowledged),
    }


# --- reports --------------------------------------------------------------------------------


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


# The kinds the README's table gives, in its order; any other kind follows.
KINDS = {
    "poll-204": "poll, nothing new",
    "poll-news": "poll, news",
    "poll-news-shortcut": "  of which shortcut",
    "poll-news-flask": "  of which Flask",
    "answer": "answer",
    "answer-shortcut": "  of which shortcut",
    "answer-flask": "  of which Flask",
    "join": "join",
    "join-get": "  its GET (page)",
    "join-post": "  its POST",
    "play": "page (play)",
    "host": "page (host)",
}


def cpu_per_kind(per_kind: dict[str, list]) -> str:
    """CPU ms per request of each kind, in the thread that handled it (with the count), and
    the wall time there: far above the CPU, the thread waited (a lock, the GIL, the database)
    rather than worked; the latency beyond it was spent queued before a thread took it."""
    order = list(KINDS) + sorted(set(per_kind) - set(KINDS))
    lines = [
        f"  {KINDS.get(kind, kind):<18}{spent / count * 1000:>7.2f} ms  ({count} requests;"
        f" {per_kind[kind][2] / count * 1000:.1f} ms wall in the thread)"
        for kind in order
        if (count := per_kind.get(kind, [0, 0.0])[0]) and (spent := per_kind[kind][1]) >= 0
    ]
    return "CPU ms per request, in the thread handling it:\n" + "\n".join(lines)


def report(setup: str, rooms: int, size: int, results: list[dict]) -> dict:
    latency: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    per_kind: dict[str, list] = defaultdict(lambda: [0, 0.0, 0.0])
    for result in results:
        for kind, values in result["stats"].latency.items():
            latency[kind] += values
        for kind, count in result["stats"].errors.items():
            errors[kind] += count
        for kind, (count, spent, waited) in result["per_kind"].items():
            per_kind[kind][0] += count
            per_kind[kind][1] += spent
            per_kind[kind][2] += waited
    total = sum(len(v) for v in latency.values())
    seconds = sum(r["stats"].seconds for r in results)
    instances = 2 if setup == "postgresql" else 1
    print(
        f"\n== {setup}, {instances} instance(s){' behind nginx' if instances > 1 else ''}, "
        f"{rooms} room(s) x {size} players, {QUESTIONS} questions, {len(results)} run(s); "
        f"{load()}"
    )
    print(f"requests: {total} in {seconds:.0f} s = {total / seconds:.0f} per second")
    print(
        f"{'kind':<8}{'count':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}  p95 per run"
    )
    for kind, values in sorted(latency.items()):
        runs = " ".join(
            f"{percentile(r['stats'].latency[kind], 0.95):.0f}"
            for r in results
            if r["stats"].latency.get(kind)
        )
        print(
            f"{kind:<8}{len(values):>8}{statistics.median(values):>9.1f}"
            f"{percentile(values, 0.95):>9.1f}{percentile(values, 0.99):>9.1f}"
            f"{errors[kind]:>8}  {runs}"
        )
    for result in results:
        if result["stats"].statuses:
            print("errors:", dict(result["stats"].statuses))
    print(cpu_per_kind(per_kind))
    app_cpu = sum(r["app_cpu"] for r in results)
    proxy_cpu = sum(r["proxy_cpu"] for r in results)
    database_cpu = sum(r["database_cpu"] for r in results)
    line = f"CPU ms per request, whole processes: app {app_cpu / total * 1000:.2f}"
    if proxy_cpu:
        line += f", nginx {proxy_cpu / total * 1000:.2f}"
    if database_cpu:  # the backends still connected at the end: a floor, not the whole
        line += f", PostgreSQL backends at least {database_cpu / total * 1000:.2f}"
    generator_cpu = sum(r["generator_cpu"] for r in results)
    print(line + f" (app processes busy {app_cpu / seconds * 100:.0f}% of one core)")
    # The simulated phones share the cores: when their one process is near 100% of a core, the
    # latencies above include its own queueing, not only the servers'.
    print(f"load generator busy {generator_cpu / seconds * 100:.0f}% of one core")
    lost = sum(r["lost"] for r in results)
    duplicated = sum(r["duplicated"] for r in results)
    acknowledged = sum(r["acknowledged"] for r in results)
    print(f"answers acknowledged: {acknowledged}, lost: {lost}, duplicated: {duplicated}")
    return {
        "poll95": percentile(latency["poll"], 0.95) if latency["poll"] else float("inf"),
        "answer95": percentile(latency["answer"], 0.95) if latency["answer"] else float("inf"),
        "lost": lost,
        "duplicated": duplicated,
    }


def main() -> None:
    print(f"{os.cpu_count()} cores; {load()}")
    for setup in SETUPS:
        results = [play_once(setup, ROOMS, PLAYERS) for _ in range(RUNS)]
        report(setup, ROOMS, PLAYERS, results)
    if RAMP and ROOM_SIZES:
        held = None
        for size in ROOM_SIZES:
            figures = report("sqlite", 1, size, [play_once("sqlite", 1, size)])
            if max(figures["poll95"], figures["answer95"]) >= 1000 or figures["lost"]:
                break
            held = size
        print(f"\nlargest room one instance holds with p95 under 1 s: {held or 'none'} players")


if __name__ == "__main__":
    main()
