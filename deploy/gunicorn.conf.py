"""gunicorn's settings for one Passerelle instance (systemd's passerelle@.service, make cluster).

    gunicorn --config deploy/gunicorn.conf.py --bind 127.0.0.1:8001 'webapp:create_app()'

WEB_WORKERS processes (default: one per core) of WEB_THREADS threads (4) each; each process
keeps its own pool of DB_POOL_SIZE + DB_MAX_OVERFLOW PostgreSQL connections (webapp/config.py).
"""

import os
import sys

from gunicorn.workers.gthread import ThreadWorker

# gunicorn runs from the checkout (systemd's WorkingDirectory, make run, deploy/cluster.py).
sys.path.insert(0, os.getcwd())
# The metrics' shared folder kept true: emptied at start, a dead worker's gauges dropped.
from webapp.gunicorn_conf import child_exit, on_starting  # noqa: E402, F401


class ClosingThreadWorker(ThreadWorker):
    """gthread, but a stopping worker closes its listening socket at once.

    gunicorn's gthread only stops watching it: connections nginx opens meanwhile wait in the
    kernel's queue until the worker exits, then are reset, after nginx has sent the request;
    nginx may not resend a POST it has sent (deploy/nginx/passerelle.conf), so a write failed
    with a 502 (4 runs in 6 of tests/test_graceful_shutdown.py). Closed, the port refuses
    them, and a refused request, never sent, goes to another instance, POSTs included."""

    def set_accept_enabled(self, enabled):
        super().set_accept_enabled(enabled)
        if not enabled and not self.alive:  # stopping, not merely full
            for listener in self.sockets:
                listener.close()


workers = int(os.environ.get("WEB_WORKERS") or os.cpu_count() or 2)
threads = int(os.environ.get("WEB_THREADS") or 4)
worker_class = ClosingThreadWorker
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
