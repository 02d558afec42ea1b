"""gunicorn's hooks for the metrics' shared folder: `gunicorn -c python:webapp.gunicorn_conf`.

Every other setting stays on the command line (Makefile, deploy/). With PROMETHEUS_MULTIPROC_DIR
set, each worker writes its metrics to files in that folder and a scrape sums them
(webapp/core/metrics.py); these hooks keep the sum true. Without it they do nothing.
"""

import glob
import os


def on_starting(server):
    """Empty the folder before the first worker starts: an earlier run's files would be added to
    this one's (counters jumping, a dead pool's connections counted forever)."""
    if path := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.makedirs(path, exist_ok=True)
        for name in glob.glob(os.path.join(path, "*.db")):
            os.remove(name)


def child_exit(server, worker):
    """A worker gone (restarted, killed): its gauges (connections in use) leave the sum; its
    counters stay, so totals never go down."""
    if path := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid, path)
