"""Trainee pages under concurrency: 20 signed-in phones at once against `make run`'s server.

Called by benchmarks/pages.py (`make bench`) after the sequential figures, on the same
database: gunicorn as `make run` starts it (deploy/gunicorn.conf.py: a worker per core, 2
threads), Debian's wrk as the load generator (C, so it takes little of the 2 cores), each
connection signed in as its own session of the demo trainee, asking for brotli as a phone
does. For each page: requests a second, p50 / p95 / p99, errors, and the server's CPU per
request (its processes' CPU time from /proc over the run, divided by the requests: the figure
that does not depend on how busy the machine is).
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from benchmarks.live import TOKEN, cpu_seconds, wait_for

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = int(os.environ.get("CLIENTS", 20))
SECONDS = int(os.environ.get("SECONDS", 8))
PAGES = ["/", "/lessons", "/budget", "/journal", "/revision", "/week", "/steps"]

# wrk runs this in each of its threads: every request carries the next session's cookie, and
# the 95th percentile is printed at the end (wrk's own report stops at 90 and 99).
SCRIPT = """
local cookies = {}
for line in io.lines("%(cookies)s") do cookies[#cookies + 1] = line end
local turn = 0
request = function()
  turn = turn %% #cookies + 1
  return wrk.format("GET", nil, {["Cookie"] = cookies[turn], ["Accept-Encoding"] = "br"})
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%.3f %%.3f %%.3f %%.3f\\n", summary.requests,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def sign_in(base: str, username: str, phrase: str) -> str:
    """A fresh session of this person: the Cookie header a phone would send."""
    with httpx.Client(base_url=base, trust_env=False) as http:
        form = http.get("/login")
        http.post(
            "/login",
            data={
                "csrf_token": TOKEN.search(form.text).group(1),
                "username": username,
                "passphrase": phrase,
            },
        )
        return "; ".join(f"{name}={value}" for name, value in http.cookies.items())


def run(folder: str, database: str, username: str, phrase: str) -> None:
    """Serve the benchmark's database as `make run` does and measure each page under load."""
    if not shutil.which("wrk"):
        print("\n(concurrent figures skipped: Debian's wrk is missing; `apt-get install wrk`)")
        return
    port = 5391
    base = f"http://127.0.0.1:{port}"
    env = os.environ | {
        "DATABASE_URL": database,
        "PASSERELLE_INSTANCE": folder,
        "PAPERS_MASTER_KEY": "YmVuY2gtcGFnZXMtb25seS1ub3QtYS1zZWNyZXQtayE=",
        "LOG_REQUESTS": "0",
        "PROMETHEUS_MULTIPROC_DIR": str(Path(folder) / "metrics"),
    }
    # The settings are the config file's, as make run's (WEB_WORKERS, WEB_THREADS change them).
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--config", "deploy/gunicorn.conf.py"]
        + ["--bind", f"127.0.0.1:{port}", "webapp:create_app()"],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(f"{base}/healthz")
        cookies = Path(folder) / "cookies.txt"
        cookies.write_text("\n".join(sign_in(base, username, phrase) for _ in range(CLIENTS)))
        script = Path(tempfile.mkstemp(suffix=".lua", dir=folder)[1])
        script.write_text(SCRIPT % {"cookies": cookies})
        print(
            f"\n{CLIENTS} signed-in clients at once, {SECONDS} s a page, gunicorn as make run "
            f"starts it (deploy/gunicorn.conf.py), wrk on the same {os.cpu_count()} cores"
        )
        print(
            f"{'page':<12}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
            f"{'errors':>8}{'server CPU ms/req':>19}"
        )
        for page in PAGES:
            for warm in (True, False):
                before = cpu_seconds(server.pid)
                output = subprocess.run(
                    ["wrk", "-t2", f"-c{CLIENTS}", f"-d{2 if warm else SECONDS}s", "-s"]
                    + [str(script), base + page],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                spent = cpu_seconds(server.pid) - before
            fields = next(line for line in output.splitlines() if line.startswith("RESULT"))
            count, bad, broken, seconds, p50, p95, p99 = map(float, fields.split()[1:])
            print(
                f"{page:<12}{count / seconds:>8.0f}{p50:>8.1f}{p95:>8.1f}{p99:>8.1f}"
                f"{int(bad + broken):>8}{spent / count * 1000:>19.2f}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    sys.stdout.flush()
