"""What the metrics cost: CPU per request with and without them, and per poll-shortcut count.

Run `.venv/bin/python benchmarks/metrics_cost.py`. Each mode runs in its own process, since
prometheus_client picks memory or files at import: "memory" (one process), then "files"
(PROMETHEUS_MULTIPROC_DIR set, as under gunicorn). In each, rounds of 2,000 requests to a cheap
page alternate with the metrics on and off (core.metrics.observe replaced by a no-op), and the
medians of the CPU time per request are printed. Figures, not a test: nothing is asserted.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REQUESTS = 2000
ROUNDS = 5
PAGE = "/healthz"  # the cheapest page with a query: the metrics' share is at its largest


def cpu_per_request(client) -> float:
    started = time.process_time()
    for _ in range(REQUESTS):
        client.get(PAGE)
    return (time.process_time() - started) / REQUESTS * 1000


def measure(mode: str) -> None:
    from tests.measure import IsolatedClient
    from webapp import create_app
    from webapp.core import metrics

    folder = tempfile.mkdtemp()
    os.environ["PASSERELLE_INSTANCE"] = folder
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
            "PAPERS_MASTER_KEY": "YmVuY2gtcGFnZXMtb25seS1ub3QtYS1zZWNyZXQtayE=",
            "LOG_REQUESTS": False,  # the metrics' cost alone
        }
    )
    app.test_client_class = IsolatedClient
    client = app.test_client()
    cpu_per_request(client)  # warm up: imports, first connection, templates
    observe = metrics.observe
    on, off = [], []
    for _ in range(ROUNDS):
        metrics.observe = observe
        on.append(cpu_per_request(client))
        metrics.observe = lambda *args: None
        off.append(cpu_per_request(client))
    metrics.observe = observe
    with_, without = statistics.median(on), statistics.median(off)
    # The same cost alone, without the noise of whole requests on a shared machine.
    observe_us = microseconds(lambda: metrics.observe("core.healthz", "GET", 200, 0.002))
    inc_us = microseconds(metrics.POLLS_NOTHING_NEW.inc)
    # A request's connection checked out and in: left on in both rounds above.
    in_use = metrics.POOL_CHECKED_OUT
    pool_us = microseconds(in_use.inc) + microseconds(in_use.dec)
    print(
        f"{mode:6}  {PAGE}: {with_:.3f} ms CPU a request with metrics, {without:.3f} without "
        f"({(with_ - without) * 1000:+.0f} us, medians of {ROUNDS} x {REQUESTS}); "
        f"one request's observation alone {observe_us:.1f} us; "
        f"the pool gauge's checkout and checkin {pool_us:.1f} us; "
        f"the poll shortcut's counter {inc_us:.1f} us"
    )


def microseconds(call, count: int = 100_000) -> float:
    started = time.process_time()
    for _ in range(count):
        call()
    return (time.process_time() - started) / count * 1e6


def main() -> None:
    if len(sys.argv) > 1:
        measure(sys.argv[1])
        return
    for mode in ("memory", "files"):
        env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
        if mode == "files":
            env["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp()
        subprocess.run([sys.executable, __file__, mode], env=env, check=True)


if __name__ == "__main__":
    main()
