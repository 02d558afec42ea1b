"""The order choices are shown in: shuffled per person (or per live session) and per item.

Stable: the same person sees the same order for one item on every reload, offline copy and for the
whole of a mock exam; two people mostly see different orders, so "always tap the first one" scores
near chance. Grading is by value, never by position, so the order never changes what is right.
"""

import hashlib
import hmac
import random


def shuffled(secret: str | bytes, who: str, item_id: str, values: list) -> list:
    """`values` in an order drawn from (secret, who, item id); the same each time."""
    key = secret.encode() if isinstance(secret, str) else secret
    digest = hmac.new(key, f"{who}\x1f{item_id}".encode(), hashlib.sha256).digest()
    order = list(values)
    random.Random(digest).shuffle(order)
    return order


def choices_shown(secret: str | bytes, who: str, item: dict) -> list:
    """The choices of a single, listen, multiple or picture item, in the order `who` sees them.

    `keep_order: true` keeps a natural scale (0 °C, 3 °C, 8 °C) in file order: the checks
    then make sure such items do not give the answer away by its place."""
    if item.get("keep_order"):
        return list(item.get("choices") or [])
    return shuffled(secret, who, item["id"], item.get("choices") or [])


def viewer(user) -> str:
    """The part of the seed that names a signed-in person (live players use the session's seed)."""
    return f"user-{user.id}" if getattr(user, "is_authenticated", False) else "anonymous"


def live_seed(session_id: int) -> str:
    """One order per live session: the projector and the phones show the same order."""
    return f"live-{session_id}"
