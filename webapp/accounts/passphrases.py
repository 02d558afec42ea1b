"""Passphrases: generation for login cards, the acceptance rule, and argon2id hashing."""

import gzip
import hashlib
import re
import secrets
import string
import unicodedata
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from importlib import resources

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from webapp.core.i18n import lazy_gettext as _l
from webapp.core.i18n import lazy_ngettext

MIN_LENGTH = 12
MAX_LENGTH = 128
APP_NAMES = ("passerelle",)
# What people add around a weak word to pass a rule: "Passerelle2026!", "soleil123456".
_EDGES = string.digits + string.punctuation + string.whitespace + "€£§°"
_SEPARATORS = re.compile(r"[\s._\-+*/\\|,;:]+")
# Left after taking the user's names and the app's name out, a passphrase must keep this many
# letters of its own.
MIN_OWN_LETTERS = 6


@cache
def _lines(name: str) -> tuple[str, ...]:
    text = resources.files("webapp.accounts").joinpath("data", name).read_text("utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def words() -> tuple[str, ...]:
    return _lines("passphrase_words.txt")


class Blocklist:
    """A set of words held as sorted 64-bit hashes: 415,000 entries in 3.3 MB instead of 40 MB
    of Python strings in every worker. A false positive needs a 64-bit collision."""

    def __init__(self, words) -> None:
        self._hashes = array("Q", sorted({_hash64(word) for word in words if word}))

    def __contains__(self, word: str) -> bool:
        target = _hash64(word)
        index = bisect_left(self._hashes, target)
        return index < len(self._hashes) and self._hashes[index] == target

    def __len__(self) -> int:
        return len(self._hashes)


def _hash64(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "big")


def common_password_lines() -> list[str]:
    """The shipped list of about 415,000 common passwords (see data/README.md)."""
    packed = resources.files("webapp.accounts").joinpath("data", "common_passwords.txt.gz")
    return gzip.decompress(packed.read_bytes()).decode("utf-8").split("\n")


@cache
def common_passwords() -> Blocklist:
    """The blocklist, built once per process, when a passphrase is first chosen."""
    return Blocklist(common_password_lines())


def generate(word_count: int = 3) -> str:
    """Return common French words joined by hyphens, at least MIN_LENGTH characters."""
    while True:
        phrase = "-".join(secrets.choice(words()) for _ in range(word_count))
        if len(phrase) >= MIN_LENGTH:
            return phrase


# What people put between words: spaces of any kind, hyphens and the dashes a phone's keyboard
# makes of them, and the punctuation of a hurried thumb.
_BETWEEN_WORDS = re.compile(r"[\s\-\u2010-\u2015\u2212_.,;:/+]+")
# Letters that no Unicode decomposition splits but that a French keyboard may or may not offer.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d"})


def normalise(passphrase: str) -> str:
    """The form of a passphrase that is hashed and compared: "Soleil Café  jardin" and
    "soleil-cafe-jardin" are the same phrase. Case, accents, the separators between the words and
    the spaces around them do not count; the letters and their order do. Unicode compatibility
    forms are folded first (NFKD, as NIST SP 800-63B asks), so a phrase typed on any keyboard
    gives the same bytes."""
    # Folded on both sides of the decomposition: "℡" decomposes into capitals, so doing it twice
    # keeps the function idempotent (normalise(normalise(x)) == normalise(x)), which check() needs.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", passphrase).casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = _BETWEEN_WORDS.split(bare.translate(_LIGATURES))
    return "-".join(word for word in words if word)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def _letters(text: str) -> str:
    """Only the letters, accents removed: "Aïcha Ben-Ali" -> "aichabenali"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z]+", "", ascii_text)


def variants(passphrase: str) -> set[str]:
    """The forms checked against the list: as typed (case folded), without what is stuck
    around it (digits, punctuation), and without separators."""
    folded = _fold(passphrase)
    compact = _SEPARATORS.sub("", folded)
    forms = {folded, compact}
    for form in (folded, compact):
        forms |= {form.rstrip(_EDGES), form.lstrip(_EDGES), form.strip(_EDGES)}
    return {form for form in forms if form}


def _name_parts(username: str, display_name: str) -> list[str]:
    parts = {_letters(part) for part in re.split(r"[\s._\-']+", f"{username} {display_name}")}
    parts |= {_letters(display_name), _letters(username), *APP_NAMES}
    return sorted((part for part in parts if len(part) >= 3), key=len, reverse=True)


def problem(passphrase: str, username: str = "", display_name: str = "") -> str | None:
    """Return why a chosen passphrase is refused, or None. No composition rules, on purpose."""
    if len(passphrase) < MIN_LENGTH or len(normalise(passphrase)) < MIN_LENGTH:
        # What is stored is the normalised form: spaces typed around short words don't count.
        return lazy_ngettext(
            "Use at least %(num)d character, for example three words.",
            "Use at least %(num)d characters, for example three words.",
            MIN_LENGTH,
        )
    if len(passphrase) > MAX_LENGTH:
        return lazy_ngettext(
            "Use at most %(num)d character.", "Use at most %(num)d characters.", MAX_LENGTH
        )
    folded = _fold(passphrase)
    common = common_passwords()
    if len(set(folded)) < 4 or any(form in common for form in variants(passphrase)):
        return _l("This passphrase is too common. Choose words that only you would put together.")
    if username and _fold(username) in folded:
        return _l("Do not put your username in your passphrase.")
    letters, taken = _letters(passphrase), set()
    for part in _name_parts(username, display_name):
        if part in letters:
            letters = letters.replace(part, "")
            taken.add(part)
    if taken and len(letters) < MIN_OWN_LETTERS:
        if taken <= set(APP_NAMES):
            return _l(
                "This passphrase is too common. Choose words that only you would put together."
            )
        return _l("Do not build your passphrase from your name. Add words of your own.")
    return None


def _profile() -> str:
    return current_app.config.get("PASSWORD_HASH_PROFILE", "RFC_9106_LOW_MEMORY")


def _hasher() -> PasswordHasher:
    """argon2id; the profile is configurable so the test suite can use the cheapest one."""
    return PasswordHasher.from_parameters(getattr(profiles, _profile()))


@cache
def _dummy_hash(profile: str) -> str:
    """A hash of a random secret, made once: an unknown username is verified against it, so it
    costs exactly what a known one costs (one verification, no hashing)."""
    return PasswordHasher.from_parameters(getattr(profiles, profile)).hash(secrets.token_hex(16))


def warm_up() -> None:
    """Make the dummy hash at start-up, not during someone's sign-in."""
    _dummy_hash(_profile())


def hash_passphrase(passphrase: str) -> str:
    """Hash the normalised form, so any way of typing the same words verifies."""
    return _hasher().hash(normalise(passphrase))


@dataclass(frozen=True)
class Check:
    matched: bool
    rehash: bool = False  # matched an old hash of the phrase as typed: store the normalised one


def _matches(hasher: PasswordHasher, stored_hash: str, secret: str) -> bool:
    try:
        return hasher.verify(stored_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


def check(stored_hash: str | None, passphrase: str) -> Check:
    """Check a passphrase: its normalised form first, then, for hashes made before normalising
    (issue 14), the phrase exactly as typed. With no stored hash, do the same work against the
    dummy and fail.

    The raw form can only match an old hash: a phrase that differs from its normalised form is
    never the normalised form of anything, so it cannot open a new hash. It costs a second
    verification only when the first failed and the phrase was typed in another form, for known
    and unknown names alike (a wrong guess is slowed down by the throttle anyway).
    """
    hasher, target = _hasher(), stored_hash or _dummy_hash(_profile())
    normal = normalise(passphrase)
    if _matches(hasher, target, normal):
        return Check(matched=bool(stored_hash))
    if normal != passphrase and _matches(hasher, target, passphrase):
        return Check(matched=bool(stored_hash), rehash=bool(stored_hash))
    return Check(matched=False)


def verify(stored_hash: str | None, passphrase: str) -> bool:
    return check(stored_hash, passphrase).matched
