"""An instance's workers share its connections evenly, and a silent connection holds no thread
(webapp/gunicorn_conf.py).

The workers share one listening socket and which one accepts a connection is a race; kept
alive, a connection stays where it landed. `make bench` saw 20 connections split 18/2 and 20/0:
one core did the work, the page's p95 doubled. The board of counts and the worker that sends a
connection away ("Connection: close") while it holds two more than another fix that.
"""

import concurrent.futures
import http.client
import logging
import os
import re
import selectors
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from gunicorn.config import Config

from deploy import cluster
from webapp.gunicorn_conf import FREE, ConnectionBoard, Worker

CONNECTIONS = 20


def test_a_new_worker_takes_the_first_free_slot_and_starts_at_zero():
    board = ConnectionBoard(slots=3)
    assert board.take(set()) == 0
    board.write(0, 7)
    assert board.take({0}) == 1
    assert list(board.counts) == [7, 0, FREE]
    board.free(0)
    assert board.take({1}) == 0 and board.counts[0] == 0
    assert board.take({0, 1, 2}) is None  # all held: that worker stays out of the balance


def test_a_worker_is_crowded_with_two_connections_more_than_the_least_busy_other():
    board = ConnectionBoard(slots=4)
    for slot, count in enumerate((12, 10, 11)):
        board.take(set(range(slot)))
        board.write(slot, count)
    assert board.crowded(0, 12)  # two more than slot 1
    assert not board.crowded(2, 11)  # one more: moving one would only swap the two
    assert not board.crowded(1, 10)
    assert board.crowded(2, 12)  # its own count as the caller gives it (connections leaving)
    board.free(1)  # slot 1 stopped: its connections no longer count
    assert not board.crowded(0, 12)


def test_a_worker_alone_is_never_crowded():
    board = ConnectionBoard(slots=2)
    board.take(set())
    assert not board.crowded(0, 500)


def workers_of(arbiter: int) -> list[int]:
    children = Path(f"/proc/{arbiter}/task/{arbiter}/children").read_text().split()
    return [int(pid) for pid in children]


def server_ports_by_worker(workers: list[int], port: int) -> dict[int, set[int]]:
    """For each worker, the client ports of the connections to `port` it holds (from /proc:
    its sockets' inodes, matched in the kernel's table of TCP connections)."""
    owner = {}
    for pid in workers:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            if match := re.fullmatch(r"socket:\[(\d+)\]", os.readlink(fd)):
                owner[match.group(1)] = pid
    held = {pid: set() for pid in workers}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, inode = fields[1], fields[2], fields[9]
        if int(local.split(":")[1], 16) == port and inode in owner:
            held[owner[inode]].add(int(remote.split(":")[1], 16))
    return held


@pytest.fixture
def server(server_env):
    port = cluster.free_port()
    env = server_env | {"WEB_WORKERS": "2", "WEB_THREADS": "4"}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--config", "deploy/gunicorn.conf.py"]
        # A grace and a keep-alive far longer than the test waits: a stop that waited for
        # either would show.
        + ["--bind", f"127.0.0.1:{port}", "--graceful-timeout", "300", "--keep-alive", "600"]
        + ["webapp:create_app()"],
        cwd=cluster.ROOT,
        env=env,
    )
    try:
        cluster.wait_for(f"http://127.0.0.1:{port}/healthz")
        yield process, port
    finally:
        process.terminate()
        process.wait(timeout=60)


def test_twenty_kept_alive_connections_end_up_ten_on_each_worker(server):
    process, port = server
    phones = [http.client.HTTPConnection("127.0.0.1", port) for _ in range(CONNECTIONS)]
    for phone in phones:
        phone.connect()  # all at once, before any request: the accept race decides alone
    rounds = []
    for _ in range(50):
        sent_away = 0
        for phone in phones:
            phone.request("GET", "/healthz")  # http.client reconnects after a "close"
            answer = phone.getresponse()
            answer.read()
            assert answer.status == 200
            sent_away += answer.getheader("Connection", "").lower() == "close"
        rounds.append(sent_away)
        if not sent_away:
            break
    assert rounds[-1] == 0, f"connections still moving after {len(rounds)} rounds: {rounds}"
    held = server_ports_by_worker(workers_of(process.pid), port)
    ours = {phone.sock.getsockname()[1] for phone in phones}
    assert sorted(len(ports & ours) for ports in held.values()) == [10, 10]
    for phone in phones:
        phone.close()


class Threads:
    """The worker's thread pool, recording what it is given instead of running it."""

    def __init__(self):
        self.given = []

    def submit(self, handle, conn):
        self.given.append(conn)
        return concurrent.futures.Future()


def test_a_new_connection_gets_a_thread_only_once_it_has_sent_something():
    config = Config()
    config.set("threads", 2)
    worker = Worker(0, os.getpid(), [], None, 30, config, logging.getLogger("test"))
    worker.tpool, worker.poller = Threads(), selectors.DefaultSelector()
    with socket.create_server(("127.0.0.1", 0)) as listener:
        phone = socket.create_connection(listener.getsockname())
        worker.accept(listener)
        # Silent (a browser's connection opened ahead of need, a stalled phone): no thread.
        assert worker.tpool.given == [] and len(worker.pending_conns) == 1
        assert worker.nr_conns == 1
        phone.sendall(b"GET /healthz HTTP/1.1\r\nHost: passerelle\r\n\r\n")
        worker.wait_for_and_dispatch_events(timeout=30)  # returns as soon as it is readable
        assert len(worker.tpool.given) == 1 and worker.tpool.given[0].data_ready
        assert not worker.pending_conns
        phone.close()
        worker.tpool.given[0].sock.close()
    worker.poller.close()
    worker.tmp.close()  # the heartbeat file gunicorn gives each worker


def test_a_silent_connection_does_not_hold_up_a_stop(server):
    """systemctl restart, a deployment: the instance must go in seconds, not wait out its whole
    grace for a connection that never sends (a browser opens some ahead of need)."""
    process, port = server
    with socket.create_connection(("127.0.0.1", port)):
        phone = http.client.HTTPConnection("127.0.0.1", port)
        phone.request("GET", "/healthz")
        assert phone.getresponse().status == 200  # the silent one is accepted by now too
        process.terminate()
        assert process.wait(timeout=120) == 0  # the 300 s of grace would raise here
        phone.close()
