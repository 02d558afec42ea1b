"""Nicknames compared as people see them: the Unicode confusable skeleton (UTS #39, section 4).

"Ѕamir" with a Cyrillic Ѕ looks like "Samir" on the projector; their skeletons are equal, so
the second is refused as taken. No well-kept PyPI package implements the skeleton without a
native build (PyICU compiles against ICU), so this follows TR39 on Unicode's own data:
data/confusables.txt (see its header for version and source).
"""

import functools
import hashlib
import unicodedata
from pathlib import Path

DATA = Path(__file__).with_name("data") / "confusables.txt"


@functools.cache
def _prototypes() -> dict[int, str]:
    """Each confusable character's prototype, for str.translate."""
    table: dict[int, str] = {}
    for line in DATA.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            source, prototype = line.split(";")
            table[int(source, 16)] = "".join(chr(int(point, 16)) for point in prototype.split())
    return table


def skeleton(text: str) -> str:
    """TR39 skeleton(X): NFD, replace each character by its prototype, NFD again."""
    mapped = unicodedata.normalize("NFD", text).translate(_prototypes())
    return unicodedata.normalize("NFD", mapped)


def _digest(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def nickname_keys(nickname: str) -> tuple[str, str]:
    """Two nicknames clash when either key is equal (digests: a skeleton can be long).

    The first ignores case ("Ѕamir", "samir" and "SAMIR" clash); the second is the plain,
    case-sensitive skeleton, which also catches a capital I beside a small l ("Iina", "lina").
    Compatibility forms are folded first (full-width "Ｓａｍｉｒ" is "Samir")."""
    text = unicodedata.normalize("NFKC", nickname)
    return _digest(skeleton(text.casefold())), _digest(skeleton(text))
