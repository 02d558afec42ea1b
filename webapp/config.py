"""Configuration read from the environment, with safe defaults for the embedded setup."""

import os
import secrets
from datetime import timedelta
from pathlib import Path


def _secret_key(instance_path: str) -> str:
    """Return SECRET_KEY from the environment, else one generated once into instance/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _papers_master_key() -> str:
    """PAPERS_MASTER_KEY, or the content of the file PAPERS_MASTER_KEY_FILE names (a secret the
    system mounts, kept out of the database and its backups); "" when neither is set. Unlike
    SECRET_KEY none is generated beside the database: webapp.papers refuses to start without
    one, except in debug and tests (README, "My papers")."""
    if key := os.environ.get("PAPERS_MASTER_KEY", "").strip():
        return key
    if path := os.environ.get("PAPERS_MASTER_KEY_FILE", "").strip():
        return Path(path).read_text().strip()
    return ""


def from_environment(instance_path: str) -> dict:
    """Build the configuration mapping for create_app."""
    default_db = "sqlite:///" + str(Path(instance_path) / "passerelle.db")
    # The address printed on login cards and shown on the projector; never the Host header.
    public_url = os.environ.get("PUBLIC_URL", "").strip()
    secure = os.environ.get("SESSION_COOKIE_SECURE", "") == "1" or public_url.startswith("https:")
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", default_db),
        # Recorded read-aloud (webapp/core/audio.py): one Opus file per text and voice.
        "AUDIO_DIR": os.environ.get("AUDIO_DIR", str(Path(instance_path) / "audio")),
        # Connections each process keeps to PostgreSQL (engine_options): a bounded pool, so N
        # instances x workers x (size + overflow) stays under the server's max_connections.
        "DB_POOL_SIZE": int(os.environ.get("DB_POOL_SIZE", "8")),
        "DB_MAX_OVERFLOW": int(os.environ.get("DB_MAX_OVERFLOW", "4")),
        "DB_POOL_TIMEOUT": float(os.environ.get("DB_POOL_TIMEOUT", "10")),
        "DB_CONNECT_TIMEOUT": int(os.environ.get("DB_CONNECT_TIMEOUT", "5")),
        "PUBLIC_URL": public_url,
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed (0: none).
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0") or 0),
        "HSTS_MAX_AGE": 31_536_000,
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Shared by several instances (live.versions): the live rooms' versions that phones poll.
        # Unset: a redis:// RATELIMIT_STORAGE_URI serves; neither: each process keeps its own.
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "RATELIMIT_HEADERS_ENABLED": True,
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "LANGUAGES": ("fr", "en", "ar"),
        # The workshop's employer as a CV names it (the trainee may change it on their CV).
        "WORKSHOP_EMPLOYER": os.environ.get("WORKSHOP_EMPLOYER", ""),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Secure when configured or PUBLIC_URL is https; any request over https gets it too.
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        # "Remember this phone" keeps the session for 30 days; otherwise it ends with the browser.
        "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
        "STAFF_IDLE_TIMEOUT": timedelta(minutes=30),
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,  # larger requests get a friendly 413 page
        # One JSON line per request on stderr (webapp/core/requestlog.py); LOG_REQUESTS=0: none.
        "LOG_REQUESTS": os.environ.get("LOG_REQUESTS", "1") != "0",
        # Prometheus metrics at /metrics (webapp/core/metrics.py): for admins signed in, and for
        # a scraper sending `Authorization: Bearer <METRICS_TOKEN>` when a token is set. The
        # folder where gunicorn's workers share their values (README, "Metrics"); unset: none.
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN", "").strip(),
        "PROMETHEUS_MULTIPROC_DIR": os.environ.get("PROMETHEUS_MULTIPROC_DIR", ""),
        # /healthz?ready=1 says "not ready" below this much free disk (SQLite, recordings).
        "HEALTH_MIN_FREE_MB": int(os.environ.get("HEALTH_MIN_FREE_MB", "200")),
        "SEND_FILE_MAX_AGE_DEFAULT": timedelta(hours=1),
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "application/manifest+json",
            "image/svg+xml",
        ],
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_MIN_SIZE": 256,
        # Guessing is slowed, never locked (see accounts/throttle.py): after LOGIN_FREE_TRIES
        # failures in a row the next try waits 1 s, 2 s, 4 s... up to LOGIN_MAX_WAIT seconds.
        "LOGIN_FREE_TRIES": 5,
        "LOGIN_MAX_WAIT": 900,
        "LOGIN_FORGET_AFTER": 24 * 3600,
        # One address (a classroom behind NAT) gets many more; known devices do not count.
        "LOGIN_IP_FREE_TRIES": 100,
        # ...and waits at most a minute: one guesser must not hold a whole classroom's newcomers
        # (a first day, a new phone) for 15 minutes; each account keeps its own longer wait.
        "LOGIN_IP_MAX_WAIT": 60,
        "LOGIN_IP_FORGET_AFTER": 15 * 60,
        # A device that signed in to an account is known to it for a year (signed cookie).
        "KNOWN_DEVICE_LIFETIME": timedelta(days=365),
        # Retention (`flask --app webapp privacy purge`): trainees' accounts are erased this long
        # after their last group ended; audit events are kept this long.
        "RETENTION_AFTER_GROUP_MONTHS": int(os.environ.get("RETENTION_AFTER_GROUP_MONTHS", "12")),
        "AUDIT_RETENTION_MONTHS": int(os.environ.get("AUDIT_RETENTION_MONTHS", "24")),
        # Live quiz: a session left open ends after this many hours; a room holds this many
        # players; joins and wrong codes per device (signed in) or per IP (guests).
        "LIVE_SESSION_HOURS": float(os.environ.get("LIVE_SESSION_HOURS", "4")),
        "LIVE_MAX_PLAYERS": int(os.environ.get("LIVE_MAX_PLAYERS", "80")),
        "LIVE_JOIN_LIMIT": os.environ.get("LIVE_JOIN_LIMIT", "30 per 10 minutes"),
        "LIVE_CODE_LIMIT": os.environ.get("LIVE_CODE_LIMIT", "20 per 10 minutes"),
        # My papers (webapp/papers): the master key wrapping each trainee's data key; older
        # keys still accepted during a rotation (space- or comma-separated); where the
        # encrypted blobs live ("database", or "package.module:Class" for an object store).
        "PAPERS_MASTER_KEY": _papers_master_key(),
        "PAPERS_OLD_MASTER_KEYS": os.environ.get("PAPERS_OLD_MASTER_KEYS", ""),
        "PAPERS_STORE": os.environ.get("PAPERS_STORE", "database"),
        # Candidates (webapp/candidates): Today flags a file sent longer ago than this; a
        # candidate never accepted is purged this long after their last change.
        "CANDIDATE_FILE_WAIT_DAYS": int(os.environ.get("CANDIDATE_FILE_WAIT_DAYS", "45")),
        "CANDIDATE_RETENTION_DAYS": int(os.environ.get("CANDIDATE_RETENTION_DAYS", "180")),
    }


def engine_options(config: dict) -> dict:
    """SQLALCHEMY_ENGINE_OPTIONS for the configured database (create_app sets them once the
    test configuration, which may change the database, is applied)."""
    # A failed statement's parameters (journal text, names) never reach the logs.
    options: dict = {"hide_parameters": True}
    if not config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return options  # SQLite: a file, no server to lose (webapp/core/database.py)
    return options | {
        # A connection left from before a PostgreSQL restart is tested (SELECT 1) when taken
        # from the pool and replaced, instead of failing the request that drew it.
        "pool_pre_ping": True,
        # Enough for one worker's threads (gunicorn.conf.py); past size + overflow a request
        # waits pool_timeout for a connection, then gets a 503 (core/errors.py), not a hang.
        "pool_size": config["DB_POOL_SIZE"],
        "max_overflow": config["DB_MAX_OVERFLOW"],
        "pool_timeout": config["DB_POOL_TIMEOUT"],
        # A database host cut off (not refusing, silent) is given up after this long: the
        # request gets its 503 while a person still waits for it.
        "connect_args": {"connect_timeout": config["DB_CONNECT_TIMEOUT"]},
    }
