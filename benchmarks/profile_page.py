"""Where one page's CPU goes: `make profile URL=/budget AS=samir.b`.

Builds the benchmark's database (benchmarks/pages.py: the demo and a group of 50), signs in
as AS (a demo account, samir.b by default; "none" for a public page), asks for URL a few
times to warm the caches, then RUNS more times under cProfile with the thread's CPU clock
(not the wall clock: another program on the cores does not move it). Prints CPU ms, SQL
queries and Python calls per request, then the app's own functions and templates by the
CPU spent inside them (inclusive), so the part that dominates comes first. cProfile roughly
doubles the times: compare the lines with each other.
"""

import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.pages import build, page_ms  # noqa: E402
from tests.measure import count_queries  # noqa: E402

ROOT = str(Path(__file__).resolve().parent.parent) + "/"


def main() -> None:
    url = os.environ.get("URL", "/")
    username = os.environ.get("AS", "samir.b")
    runs = int(os.environ.get("RUNS", 50))
    app, _folder, group_id, phrases = build()
    url = url.format(group=group_id)
    client = app.test_client()
    if username != "none":
        client.post("/login", data={"username": username, "passphrase": phrases[username]})
    status = client.get(url).status_code
    _wall, cpu = page_ms(client, url)
    with app.app_context(), count_queries() as statements:
        client.get(url)
    profile = cProfile.Profile(time.thread_time)
    profile.enable()
    for _ in range(runs):
        client.get(url, headers={"Accept-Encoding": "br"})
    profile.disable()
    stats = pstats.Stats(profile)
    print(
        f"\n{url} as {username}: status {status}, {cpu:.2f} ms CPU (median, unprofiled), "
        f"{len(statements)} queries, {stats.total_calls / runs:.0f} Python calls a request"
    )
    rows = []
    for (path, line, name), (_cc, calls, _tt, inclusive, _callers) in stats.stats.items():
        if path.startswith(ROOT + "webapp/"):
            place = f"{path.removeprefix(ROOT)}:{line} {name}"
            rows.append((inclusive / runs * 1000, calls / runs, place))
    print(f"{'ms (profiled)':>14}{'calls':>8}  function or template block")
    for spent, calls, place in sorted(rows, reverse=True)[: int(os.environ.get("LINES", 40))]:
        print(f"{spent:>14.2f}{calls:>8.0f}  {place}")


if __name__ == "__main__":
    main()
