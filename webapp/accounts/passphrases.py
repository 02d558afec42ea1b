"""Passphrases: generation for login cards, the acceptance rule, and argon2id hashing."""

import secrets
from functools import cache
from importlib import resources

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 128


@cache
def _lines(name: str) -> tuple[str, ...]:
    text = resources.files("webapp.accounts").joinpath("data", name).read_text("utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def words() -> tuple[str, ...]:
    return _lines("passphrase_words.txt")


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(_lines("common_passwords.txt"))


def generate(word_count: int = 3) -> str:
    """Return common French words joined by hyphens, at least MIN_LENGTH characters."""
    while True:
        phrase = "-".join(secrets.choice(words()) for _ in range(word_count))
        if len(phrase) >= MIN_LENGTH:
            return phrase


def problem(passphrase: str, username: str = "") -> str | None:
    """Return why a chosen passphrase is refused, or None. No composition rules, on purpose."""
    if len(passphrase) < MIN_LENGTH:
        return _l("Use at least %(count)d characters, for example three words.", count=MIN_LENGTH)
    if len(passphrase) > MAX_LENGTH:
        return _l("Use at most %(count)d characters.", count=MAX_LENGTH)
    folded = passphrase.strip().lower()
    if folded in common_passwords() or len(set(folded)) < 4:
        return _l("This passphrase is too common. Choose words that only you would put together.")
    if username and username.lower() in folded:
        return _l("Do not put your username in your passphrase.")
    return None


def _hasher() -> PasswordHasher:
    """argon2id; the profile is configurable so the test suite can use the cheapest one."""
    profile = current_app.config.get("PASSWORD_HASH_PROFILE", "RFC_9106_LOW_MEMORY")
    return PasswordHasher.from_parameters(getattr(profiles, profile))


def hash_passphrase(passphrase: str) -> str:
    return _hasher().hash(passphrase)


def verify(stored_hash: str | None, passphrase: str) -> bool:
    """Check a passphrase; with no stored hash, spend the same time and fail."""
    hasher = _hasher()
    try:
        return hasher.verify(stored_hash or hasher.hash("not-an-account"), passphrase) and bool(
            stored_hash
        )
    except (VerificationError, InvalidHashError):
        return False
