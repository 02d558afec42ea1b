"""gunicorn's settings for one Passerelle instance (systemd's passerelle@.service, make cluster).

    gunicorn --config deploy/gunicorn.conf.py --bind 127.0.0.1:8001 'webapp:create_app()'

WEB_WORKERS processes (default: one per core) of WEB_THREADS threads (2) each; each process
keeps its own pool of DB_POOL_SIZE + DB_MAX_OVERFLOW PostgreSQL connections (webapp/config.py).
"""

import os
import sys

# gunicorn runs from the checkout (systemd's WorkingDirectory, make run, deploy/cluster.py).
sys.path.insert(0, os.getcwd())
# The worker that spreads connections evenly and stops cleanly, and the hooks it needs (its slot
# on the shared board; the metrics' shared folder kept true): webapp/gunicorn_conf.py.
from webapp.gunicorn_conf import Worker, child_exit, on_starting, pre_fork  # noqa: E402, F401

workers = int(os.environ.get("WEB_WORKERS") or os.cpu_count() or 2)
# Two threads, not more: a worker's threads take turns on one core (Python's GIL), at every
# query and every write to the socket. With 4, each request shared the core with three others
# for its whole length; with 2 it runs nearly to the end at once, so the slowest answers come
# sooner at the same throughput (make bench, 20 clients: p95 57-64 ms -> 37-49 ms). The second
# thread keeps the worker serving while one waits on PostgreSQL or records a text's voice.
threads = int(os.environ.get("WEB_THREADS") or 2)
worker_class = Worker
# Idle connections kept longer than a phone's 2 s between polls and than nginx's 60 s upstream
# keep-alive: the proxy closes an idle connection before the server does, never as it sends.
keepalive = 75
# SIGTERM (systemctl stop, a deployment): stop accepting, let requests in flight finish for up
# to 30 s, answer a request arriving on a kept-alive connection meanwhile with
# "Connection: close", then exit. systemd's TimeoutStopSec waits a little longer than this.
graceful_timeout = 30
# One JSON line per request comes from the app (webapp/core/requestlog.py): no access log here.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
# Instances on one machine would share gunicorn's default control socket in $HOME; systemd's
# signals are the control here.
control_socket_disable = True
