"""gunicorn's worker class and hooks, taken by deploy/gunicorn.conf.py.

Every other setting stays in that file or on the command line (Makefile, deploy/). Two parts:

- **The worker** (`Worker`, with `ConnectionBoard` and `pre_fork`): gunicorn's gthread, with
  the connections spread evenly over the workers (an instance's workers share one listening
  socket and which one accepts a connection is a race: `make bench` saw 20 kept-alive
  connections split 18/2 and 20/0, one worker, one core, doing nearly all the work), a thread
  given only to a connection that has sent something, and a clean stop.
- **The metrics' shared folder kept true** (`on_starting`, `child_exit`). With
  PROMETHEUS_MULTIPROC_DIR set, each worker writes its metrics to files in that folder and a
  scrape sums them (webapp/core/metrics.py). Without it these hooks do nothing there.
"""

import ctypes
import errno
import glob
import multiprocessing
import os
import selectors
import threading
import time
from functools import partial

from gunicorn.workers.gthread import TConn, ThreadWorker

FREE = -1  # a slot no running worker holds


class ConnectionBoard:
    """How many connections each worker of one instance holds, in memory they all share.

    Made by the arbiter before it forks (module level below), so every worker writes the same
    pages. A worker writes its own slot only; any worker reads them all. Slots of workers gone
    or stopping read FREE and count for nothing."""

    def __init__(self, slots: int = 64):
        self.counts = multiprocessing.RawArray(ctypes.c_int, [FREE] * slots)

    def take(self, held: set[int]) -> int | None:
        """The arbiter's pick for a new worker: the first slot no live worker holds (None when
        all are: that worker then takes no part in the balance)."""
        for slot in range(len(self.counts)):
            if slot not in held:
                self.counts[slot] = 0
                return slot
        return None

    def write(self, slot: int, count: int) -> None:
        self.counts[slot] = count

    def free(self, slot: int) -> None:
        self.counts[slot] = FREE

    def crowded(self, slot: int, count: int) -> bool:
        """Whether a worker holding `count` connections has two or more than the least busy
        other worker: then one of its connections had better move. One of slack, or two
        workers an odd number apart would pass one connection back and forth for ever."""
        counts = self.counts[:]
        others = [held for other, held in enumerate(counts) if held != FREE and other != slot]
        return bool(others) and count > min(others) + 1


BOARD = ConnectionBoard()


class Worker(ThreadWorker):
    """gunicorn's gthread worker that keeps the connections even, gives a thread only to a
    connection that has sent something, and stops cleanly.

    **Even**: it publishes how many connections it holds on the board; while it holds two more
    than another worker, its next answers say "Connection: close" (HTTP's own way to end a
    kept-alive connection, sent with the answer so the client never writes to a closing
    socket, POSTs included). The phone or nginx reconnects at once, and the accept race puts it
    on either worker: a few moves make the counts even.

    **A thread for a request, not for a silence**: gthread hands a new connection to a thread,
    which waits up to 5 s for its first bytes. Browsers open connections ahead of need and a
    phone on a bad network may stall: 8 silent connections (2 workers x 4 threads) held every
    thread and the next request waited 9.7 s. Here a new connection waits in the poller, as a
    kept-alive one does, for up to the keep-alive time.

    **Clean stop**: a stopping worker closes its listening socket at once. gthread only stops
    watching it: connections nginx opens meanwhile wait in the kernel's queue until the worker
    exits, then are reset, after nginx has sent the request; nginx may not resend a POST it has
    sent (deploy/nginx/passerelle.conf), so a write failed with a 502 (4 runs in 6 of
    tests/test_graceful_shutdown.py). Closed, the port refuses them, and a refused request,
    never sent, goes to another instance, POSTs included. It leaves the board too: a draining
    worker's few connections must not make the others shed theirs toward it."""

    slot = None  # set by the arbiter (pre_fork) before the worker's process starts

    def __init__(self, *args, **kwargs):
        self._leaving = 0  # connections told "Connection: close" and not closed yet
        self._leaving_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    @property
    def nr_conns(self) -> int:
        return self._nr_conns

    @nr_conns.setter
    def nr_conns(self, count: int) -> None:
        # gthread counts its connections here, in its main thread: each change reaches the board.
        self._nr_conns = count
        if self.slot is not None and self.alive:
            BOARD.write(self.slot, count)

    def accept(self, listener):
        try:
            client, address = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = TConn(self.cfg, client, address, listener.getsockname())
        client.setblocking(False)
        # gthread's own queue of connections waiting for data, in deadline order: the keep-alive
        # time (5 s at least, what gthread gives a new connection), then murder_pending closes
        # it; readable before, it goes to a thread.
        conn.timeout = time.monotonic() + max(self.cfg.keepalive, 5)
        self.pending_conns.append(conn)
        self.poller.register(
            client, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn)
        )

    def _cap_keepalive(self, deadline):
        # A stopping worker waits for its connections to end. gthread cuts the wait of the
        # kept-alive ones to 2 s; a silent new one (above) kept it the whole 30 s of grace, so
        # one browser's connection opened ahead of need made every restart last 30 s.
        super()._cap_keepalive(deadline)
        for conn in self.pending_conns:
            conn.timeout = min(conn.timeout, deadline)

    def handle_request(self, req, conn):
        if self.slot is not None and self.alive:
            with self._leaving_lock:
                # Connections already leaving are not counted: threads answering at once would
                # otherwise each send one away when one was enough.
                if BOARD.crowded(self.slot, self._nr_conns - self._leaving):
                    self._leaving += 1
                    conn.leaving = True
                    req.must_close = True
        return super().handle_request(req, conn)

    def finish_request(self, conn, fs):
        if getattr(conn, "leaving", False):
            conn.leaving = False
            with self._leaving_lock:
                self._leaving -= 1
        super().finish_request(conn, fs)

    def set_accept_enabled(self, enabled):
        super().set_accept_enabled(enabled)
        if not enabled and not self.alive:  # stopping, not merely full
            for listener in self.sockets:
                listener.close()
            if self.slot is not None:
                BOARD.free(self.slot)


def pre_fork(server, worker):
    """A slot on the board for the worker about to start (the arbiter, before the fork)."""
    worker.slot = BOARD.take({w.slot for w in server.WORKERS.values()})


def on_starting(server):
    """Empty the metrics folder before the first worker starts: an earlier run's files would be
    added to this one's (counters jumping, a dead pool's connections counted forever)."""
    if path := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.makedirs(path, exist_ok=True)
        for name in glob.glob(os.path.join(path, "*.db")):
            os.remove(name)


def child_exit(server, worker):
    """A worker gone (restarted, killed): its slot on the board is free again; its gauges
    (connections in use) leave the metrics' sum, its counters stay, so totals never go down."""
    if getattr(worker, "slot", None) is not None:
        BOARD.free(worker.slot)
    if path := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid, path)
