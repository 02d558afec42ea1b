"""Where a live room's lobby and first question spend their CPU:
`.venv/bin/python benchmarks/profile_live.py`.

Makes one room (as bench-live does: SQLite, the bank, a volunteer), then PHONES phones join it
the way bench-live's and a real phone do: the nickname page (GET /join/CODE), the nickname
sent (POST), the first poll (bench-live's phones with FIRST=poll poll without the room's key
right after joining), the play page (a real phone's first request after joining) and a poll
with the key; then the host asks a question and each phone gets it (a poll with news), answers
it and taps again.
Prints, for each kind, the median CPU time of the thread (unprofiled, test client), the SQL
queries and the Python calls a request (cProfile), then with KIND=name the app's functions by
inclusive CPU for that kind. cProfile about doubles the times: compare lines with each other.
"""

import cProfile
import gzip
import html
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import brotli

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import live  # noqa: E402
from tests.measure import count_queries  # noqa: E402

ROOT = str(Path(__file__).resolve().parent.parent) + "/"
PHONES = int(os.environ.get("PHONES", 200))
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
POLL = re.compile(r'hx-get="([^"]*/poll\?[^"]*)"')
HTMX = {"HX-Request": "true"}
ENCODING = os.environ.get("ENCODING", "gzip, deflate, br")


def text(response) -> str:
    """The page as the browser reads it (decompressed)."""
    data = response.get_data()
    match response.headers.get("Content-Encoding"):
        case "br":
            data = brotli.decompress(data)
        case "gzip":
            data = gzip.decompress(data)
    return data.decode()


def main() -> None:
    folder = tempfile.mkdtemp(prefix="profile-live-")
    env = {
        "PASSERELLE_INSTANCE": folder,
        "SECRET_KEY": "profile-live-secret",
        "LOG_REQUESTS": "0",
        "PAPERS_MASTER_KEY": "YmVuY2gtbGl2ZS1vbmx5LW5vdC1hLXNlY3JldC1rZXk=",
        "LIVE_JOIN_LIMIT": "1000000 per minute",
        "LIVE_MAX_PLAYERS": str(PHONES * 4),
        "DATABASE_URL": f"sqlite:///{folder}/live.db",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    code = live.prepare(env, 1, PHONES)[0]
    from webapp import create_app

    app = create_app()
    spent: dict[str, list[float]] = {}
    queries: dict[str, int] = {}
    profiles: dict[str, cProfile.Profile] = {}
    wanted = os.environ.get("KIND", "")
    profiling = bool(wanted)

    def ask(kind, client, method, url, **kwargs):
        profile = profiles.setdefault(kind, cProfile.Profile(time.thread_time))
        with app.app_context(), count_queries() as statements:
            # A join is not asked twice: the run is profiled or timed; the first quarter of the
            # phones warm up (imports, templates compiled) and are left out of both.
            if profiling and warm:
                profile.enable()
            started = time.thread_time()
            response = getattr(client, method)(url, **kwargs)
            if warm:
                spent.setdefault(kind, []).append((time.thread_time() - started) * 1000)
            profile.disable()
        if warm:
            queries[kind] = queries.get(kind, 0) + len(statements)
        return response

    counted = PHONES - PHONES // 4
    phones = []
    for number in range(PHONES):
        warm = number >= PHONES // 4
        phone = app.test_client()
        # What a browser (and bench-live's httpx) accepts: the responses are compressed.
        phone.environ_base["HTTP_ACCEPT_ENCODING"] = ENCODING
        page = ask("join GET", phone, "get", f"/join/{code}")
        token = TOKEN.search(text(page)).group(1)
        # The POST is not idempotent for a new phone: profiled on a second phone's join.
        joined = ask(
            "join POST",
            phone,
            "post",
            f"/join/{code}",
            data={"csrf_token": token, "nickname": f"P{number:04d}"},
        )
        assert joined.status_code == 303, joined.status_code
        first = ask("first poll (no key)", phone, "get", f"/live/{code}/poll?v=0", headers=HTMX)
        address = html.unescape(POLL.search(text(first)).group(1))
        ask("play page", phone, "get", f"/live/{code}/play")
        ask("poll (key)", phone, "get", address, headers=HTMX)
        phones.append((phone, address))
    # The host asks the first question; each phone gets it (a poll bringing news), answers it
    # and taps again (the second tap counts once).
    with app.app_context():
        from webapp.live import services

        room = services.find(code)
        services.advance(room, room.version)
    for number, (phone, address) in enumerate(phones):
        warm = number >= PHONES // 4
        panel = ask("poll (news)", phone, "get", address, headers=HTMX)
        data = {
            "csrf_token": TOKEN.search(text(panel)).group(1),
            "index": live.INDEX.search(text(panel)).group(1),
        }
        if choice := re.search(r'name="choice" value="([^"]+)"', text(panel)):
            data["choice"] = html.unescape(choice.group(1))
        data["text"] = "63"
        for place, field in enumerate(live.PLACE.findall(text(panel)), start=1):
            data[field] = str(place)
        sent = ask("answer", phone, "post", f"/live/{code}/answer", data=data, headers=HTMX)
        assert 'data-answered="1"' in text(sent), text(sent)[:300]
        ask("answer again", phone, "post", f"/live/{code}/answer", data=data, headers=HTMX)
    print(f"{PHONES} phones joining one room (SQLite, test client)")
    print(f"{'kind':<22}{'CPU ms':>8}{'queries':>9}{'calls':>9}")
    for kind, values in spent.items():
        made = pstats.Stats(profiles[kind]).total_calls / counted if profiling else 0
        print(
            f"{kind:<22}{statistics.median(values):>8.2f}"
            f"{queries[kind] / counted:>9.1f}{made:>9.0f}"
        )
    if wanted:
        stats = pstats.Stats(profiles[wanted])
        if dump := os.environ.get("DUMP"):
            stats.dump_stats(dump)
        rows = []
        for (path, line, name), (_cc, count, _tt, inclusive, _callers) in stats.stats.items():
            if os.environ.get("ALL") or path.startswith(ROOT + "webapp/"):
                rows.append((inclusive / counted * 1000, count / counted, f"{path}:{line} {name}"))
        print(f"\n{wanted}:\n{'ms (profiled)':>14}{'calls':>8}  function")
        for ms, count, place in sorted(rows, reverse=True)[: int(os.environ.get("LINES", 40))]:
            print(f"{ms:>14.2f}{count:>8.1f}  {place.removeprefix(ROOT)}")


if __name__ == "__main__":
    main()
