"""Slowing guessers down without locking anyone out (NIST SP 800-63B section 5.2.2).

Each try is counted *before* the passphrase or code is checked, by one atomic UPDATE that also
sets when the next try may come: concurrent guesses cannot slip between a check and a count.
A success clears the count. Counts are kept for:

- the account (per purpose: signing in, or using a reset code), when the device is not known;
- the address, with a generous allowance, when the device is not known;
- the device, when it signed in to that account before (a signed cookie): the owner's own
  phone has its own count, so someone guessing elsewhere never slows the owner down.

After `free` failures in a row, the next try waits 1 s, then 2, 4, 8... up to `cap` seconds:
a slowdown, never a hard lock. Counts are forgotten after `forget` quiet seconds.
"""

import hashlib
import hmac
import time
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from webapp.accounts.models import SignInThrottle
from webapp.extensions import db

TABLE = SignInThrottle.__table__


@dataclass(frozen=True)
class Rule:
    free: int  # failures in a row allowed without waiting
    cap: int  # longest wait, in seconds
    forget: int  # a count starts again after this many quiet seconds


def now_seconds() -> int:
    return int(time.time())


def wait_after(failures: int, rule: Rule) -> int:
    """Seconds the next try must wait after this many failures in a row."""
    if failures < rule.free:
        return 0
    return min(2 ** min(failures - rule.free, 40), rule.cap)


def account_rule() -> Rule:
    config = current_app.config
    return Rule(config["LOGIN_FREE_TRIES"], config["LOGIN_MAX_WAIT"], config["LOGIN_FORGET_AFTER"])


def address_rule() -> Rule:
    config = current_app.config
    return Rule(
        config["LOGIN_IP_FREE_TRIES"], config["LOGIN_IP_MAX_WAIT"], config["LOGIN_IP_FORGET_AFTER"]
    )


def _key(kind: str, value: str) -> str:
    """A keyed hash: the table holds no username, device token or address in clear."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


@dataclass
class Taken:
    until: int | None  # None: the try may go ahead; else the Unix time it may
    failures: int = 0  # tries counted so far, this one included


def take(kind: str, value: str, rule: Rule) -> Taken:
    """Count one try now, atomically, unless the last count asked to wait."""
    db.session.commit()  # start a fresh transaction with a write (no read lock to upgrade)
    now, key = now_seconds(), _key(kind, value)
    insert = (
        postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else (sqlite.insert)
    )
    db.session.execute(
        insert(TABLE).values(key=key, failures=0, last_at=0, not_before=0).on_conflict_do_nothing()
    )
    count = sa.case((TABLE.c.last_at < now - rule.forget, 1), else_=TABLE.c.failures + 1)
    # No wait is stored as 0, not as "now": a try that read the clock a second earlier than a
    # concurrent one (a class signing in at once behind one address) is never told to wait
    # when nobody failed.
    waits, failures = [(count < rule.free, 0)], rule.free
    while (seconds := wait_after(failures, rule)) < rule.cap:
        waits.append((count == failures, now + seconds))
        failures += 1
    row = db.session.execute(
        sa.update(TABLE)
        .where(TABLE.c.key == key, TABLE.c.not_before <= now)
        .values(failures=count, last_at=now, not_before=sa.case(*waits, else_=now + rule.cap))
        .returning(TABLE.c.failures)
    ).first()
    if row is None:
        until = db.session.scalar(sa.select(TABLE.c.not_before).where(TABLE.c.key == key))
        db.session.commit()
        return Taken(until=until or now)
    db.session.commit()
    return Taken(until=None, failures=row.failures)


def clear(kind: str, value: str) -> None:
    db.session.execute(sa.delete(TABLE).where(TABLE.c.key == _key(kind, value)))


def forget_account(username: str) -> None:
    """Drop an account's counts (its erasure): they are keyed by its username. Device counts
    hold no username and are left to forget_old."""
    db.session.execute(
        sa.delete(TABLE).where(
            TABLE.c.key.in_([_key(purpose, username) for purpose in ("login", "reset")])
        )
    )


def refund(kind: str, value: str) -> None:
    """Take back one try that turned out fine (or was never checked)."""
    db.session.execute(
        sa.update(TABLE)
        .where(TABLE.c.key == _key(kind, value), TABLE.c.failures > 0)
        .values(failures=TABLE.c.failures - 1)
    )


def forget_old(now: int | None = None, dry_run: bool = False) -> int:
    """Delete counts nobody needs any more (for the daily purge); returns how many."""
    now = now_seconds() if now is None else now
    longest = max(
        current_app.config["LOGIN_FORGET_AFTER"], current_app.config["LOGIN_IP_FORGET_AFTER"]
    )
    condition = sa.and_(TABLE.c.last_at < now - longest, TABLE.c.not_before < now)
    if dry_run:
        return db.session.scalar(sa.select(sa.func.count()).select_from(TABLE).where(condition))
    result = db.session.execute(sa.delete(TABLE).where(condition))
    db.session.commit()
    return result.rowcount


@dataclass
class Gate:
    """The counts one try goes through: the device's if it is known for this account, else the
    address's and the account's."""

    purpose: str  # "login" or "reset"
    username: str
    device: str | None
    address: str
    slowed: list[str] = field(default_factory=list)  # counts that this failure started slowing

    def _counts(self) -> list[tuple[str, str, Rule]]:
        if self.device:
            return [(f"{self.purpose}-device", self.device, account_rule())]
        if not self.username:  # a card QR that opens no account: only the address is counted
            return [("ip", self.address, address_rule())]
        return [("ip", self.address, address_rule()), (self.purpose, self.username, account_rule())]

    def enter(self) -> int | None:
        """None if the try may be checked now, else the Unix time it may."""
        taken: list[tuple[str, str]] = []
        self._failures = {}
        for kind, value, rule in self._counts():
            result = take(kind, value, rule)
            if result.until is not None:
                for done in taken:  # this try was not checked: it does not count
                    refund(*done)
                db.session.commit()
                return result.until
            taken.append((kind, value))
            self._failures[kind] = (result.failures, rule)
        return None

    def passed(self) -> None:
        for kind, value, _rule in self._counts():
            if kind == "ip":
                refund(kind, value)  # a success from the address does not wipe others' failures
            else:
                clear(kind, value)

    def failed(self) -> list[str]:
        """The counts that start slowing down with this failure (to audit)."""
        return [
            kind.split("-")[-1]
            for kind, (failures, rule) in self._failures.items()
            if failures == rule.free
        ]
