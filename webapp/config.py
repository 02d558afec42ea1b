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


def from_environment(instance_path: str) -> dict:
    """Build the configuration mapping for create_app."""
    default_db = "sqlite:///" + str(Path(instance_path) / "passerelle.db")
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", default_db),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "LANGUAGES": ("fr", "en", "ar"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "") == "1",
        # "Remember this phone" keeps the session for 30 days; otherwise it ends with the browser.
        "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
        "STAFF_IDLE_TIMEOUT": timedelta(minutes=30),
        "WTF_CSRF_TIME_LIMIT": None,
        "SEND_FILE_MAX_AGE_DEFAULT": timedelta(hours=1),
        "COMPRESS_MIMETYPES": [
            "text/html", "text/css", "text/javascript", "application/javascript",
            "application/json", "application/manifest+json", "image/svg+xml",
        ],
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_MIN_SIZE": 256,
        # Throttling of sign-in: a classroom shares one IP, so the account limit is the tight one.
        "LOGIN_LIMIT_ACCOUNT": "8 per 15 minutes",
        "LOGIN_LIMIT_IP": "120 per 15 minutes",
        # Live quiz: a session left open ends after this many hours; a room holds this many
        # players; joins and wrong codes per device (signed in) or per IP (guests).
        "LIVE_SESSION_HOURS": float(os.environ.get("LIVE_SESSION_HOURS", "4")),
        "LIVE_MAX_PLAYERS": int(os.environ.get("LIVE_MAX_PLAYERS", "80")),
        "LIVE_JOIN_LIMIT": os.environ.get("LIVE_JOIN_LIMIT", "30 per 10 minutes"),
        "LIVE_CODE_LIMIT": os.environ.get("LIVE_CODE_LIMIT", "20 per 10 minutes"),
    }
