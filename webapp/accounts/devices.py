"""Known devices: a long-lived signed cookie naming the accounts that signed in on this device.

A device that signed in to an account before gets its own count of tries for that account, so
someone guessing from elsewhere never slows its owner down (see throttle.py). The cookie holds
no secret of the account: only its id and a random token per account, signed by the app.
"""

import secrets

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from webapp.core.security import cookie_secure

COOKIE = "passerelle_device"
MAX_ACCOUNTS = 5  # a phone shared in a family or a workshop


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def _lifetime() -> int:
    return int(current_app.config["KNOWN_DEVICE_LIFETIME"].total_seconds())


def known() -> dict[int, str]:
    """The accounts this device signed in to before: user id -> this device's token."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return {}
    try:
        entries = _serializer().loads(raw, max_age=_lifetime())
    except (BadSignature, ValueError, TypeError):
        return {}
    if not isinstance(entries, list):
        return {}
    return {
        entry[0]: entry[1]
        for entry in entries
        if isinstance(entry, list)
        and len(entry) == 2
        and isinstance(entry[0], int)
        and isinstance(entry[1], str)
    }


def remember(response: Response, user_id: int) -> None:
    """Mark this device as known for user_id (most recent first), for KNOWN_DEVICE_LIFETIME."""
    entries = known()
    token = entries.pop(user_id, None) or secrets.token_urlsafe(16)
    kept = [[user_id, token]] + [[uid, tok] for uid, tok in entries.items()][: MAX_ACCOUNTS - 1]
    response.set_cookie(
        COOKIE,
        _serializer().dumps(kept),
        max_age=_lifetime(),
        httponly=True,
        samesite="Lax",
        secure=cookie_secure(),
    )
