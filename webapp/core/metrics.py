"""Prometheus metrics (prometheus_client, the reference client): requests by route and status,
their duration, writes sent twice, the database pool, and figures features read at scrape time.

Two modes, chosen by the environment before Python starts (the library picks one at import):

- PROMETHEUS_MULTIPROC_DIR set (gunicorn with several workers): each process writes its values
  to files in that folder and a scrape, whichever worker answers it, reads and sums them all.
  The folder must be emptied when the server starts and a dead worker's gauges removed:
  webapp/gunicorn_conf.py does both. A process that ends normally removes its own gauges.
- unset (tests, `flask run`, one process): this process's values, kept in memory.

Labels stay few and say nothing about anyone: a route is its endpoint's name (never the address,
which can hold a token or a code), a method one of a short list, a status its code.
"""

import atexit
import hashlib
import hmac
import logging
import os
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from webapp.extensions import db

log = logging.getLogger(__name__)
# No "_created" series beside each counter: they double a scrape, and the workers' files (the
# mode gunicorn runs in) have none, so both modes show the same names.
disable_created_metrics()

# From a cheap page to the slowest export; a request over 5 s lands in +Inf.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
# Any other method (a client may send anything) is "other": labels stay bounded.
METHODS = frozenset({"GET", "POST", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})

REQUESTS = Counter(
    "passerelle_http_requests",
    "Requests answered by the app, by route (endpoint name), method and status code.",
    ["route", "method", "status"],
)
DURATION = Histogram(
    "passerelle_http_request_duration_seconds",
    "Time from the first before-request hook to the response, by route.",
    ["route"],
    buckets=BUCKETS,
)
POLLS_NOTHING_NEW = Counter(
    "passerelle_live_polls_nothing_new",
    "Live polls answered 204 before Flask (nothing new since the phone's version).",
)
REPLAYS = Counter(
    "passerelle_outbox_replays",
    "Writes sent again (an outbox replay or a double tap) and answered 'already have it'.",
    ["route", "via"],
)
# livesum: the sum over the processes alive now (a dead worker's connections are gone).
POOL_SIZE = Gauge(
    "passerelle_db_pool_size",
    "Database connections the pools keep open, summed over the live processes.",
    multiprocess_mode="livesum",
)
POOL_CHECKED_OUT = Gauge(
    "passerelle_db_pool_checked_out",
    "Database connections in use now, summed over the live processes.",
    multiprocess_mode="livesum",
)


def observe(endpoint: str | None, method: str, status: int, seconds: float) -> None:
    """Count one answered request and its duration (core.requestlog calls it once a request)."""
    route = endpoint or "none"  # no route matched: a 404 or 405, whatever the address was
    REQUESTS.labels(route, method if method in METHODS else "other", str(status)).inc()
    DURATION.labels(route).observe(seconds)


def replayed(endpoint: str | None, outbox: bool) -> None:
    """Count a write the server already had (core.outbox.note, once a request)."""
    REPLAYS.labels(endpoint or "none", "outbox" if outbox else "form").inc()


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


def may_scrape(authorization: str, token: str, user) -> bool:
    """The Prometheus server with the configured bearer token, or an admin signed in."""
    scheme, _, sent = authorization.partition(" ")
    if token and sent.strip() and scheme.lower() == "bearer":
        # Digests compared in constant time: neither the token nor its length leaks by timing.
        if hmac.compare_digest(_digest(sent.strip()), _digest(token)):
            return True
    return getattr(user, "role", None) == "admin"  # a role equals its name (accounts.Role)


def scraped_gauges(app: Flask, prefix: str, read: Callable, **helps: str) -> None:
    """Gauges a feature reads when metrics are scraped (e.g. live rooms open): read() returns an
    object with one attribute per name in helps. Read by the scraping process from the
    database, they are the same whichever worker answers: no per-process files needed."""
    app.extensions.setdefault("metrics_gauges", []).append((prefix, read, helps))


class _Scraped:
    """The features' gauges, as a collector of this scrape's registry."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        for prefix, read, helps in self.app.extensions.get("metrics_gauges", []):
            try:
                values = read()
            except sa.exc.SQLAlchemyError as error:
                # The database away: the scrape still answers (its request counts show the
                # 503s); these gauges are missing from it rather than wrong.
                db.session.rollback()
                log.warning("metrics: %s gauges not read (%s)", prefix, type(error).__name__)
                continue
            for name, text in helps.items():
                yield GaugeMetricFamily(
                    f"passerelle_{prefix}_{name}", text, value=getattr(values, name)
                )


def exposition(app: Flask) -> bytes:
    """The text a scrape gets: every process's values (or this one's), then the features'."""
    scrape = CollectorRegistry()
    if path := app.config["PROMETHEUS_MULTIPROC_DIR"]:
        multiprocess.MultiProcessCollector(scrape, path=path)
    else:
        scrape.register(REGISTRY)  # a registry collects too: this process's values
    scrape.register(_Scraped(app))
    return generate_latest(scrape)


def _watch_pool(app: Flask) -> None:
    """Keep the pool gauges up to date from the pool's own events: another worker's pool can't
    be asked at scrape time, so each process writes its own as connections come and go."""
    with app.app_context():
        engine = db.engine

    @sa.event.listens_for(engine, "connect")
    def _connect(_dbapi_connection, _record):
        # On a new connection rather than at start: with gunicorn's --preload the app is made
        # in the master, but connections (and so these values) belong to each worker.
        pool = engine.pool
        if isinstance(pool, sa.pool.QueuePool):
            POOL_SIZE.set(pool.size())

    @sa.event.listens_for(engine, "checkout")
    def _checkout(_dbapi_connection, _record, _proxy):
        POOL_CHECKED_OUT.inc()

    @sa.event.listens_for(engine, "checkin")
    def _checkin(_dbapi_connection, _record):
        POOL_CHECKED_OUT.dec()


def _forget_own_gauges(path: str) -> None:
    multiprocess.mark_process_dead(os.getpid(), path)


def init_app(app: Flask) -> None:
    if path := app.config["PROMETHEUS_MULTIPROC_DIR"]:
        os.makedirs(path, exist_ok=True)
        # A flask command (a timer's purge) ending must not leave its pool in the sum forever;
        # gunicorn's child_exit does the same for a worker killed without a chance to run this.
        atexit.register(_forget_own_gauges, path)
    _watch_pool(app)
