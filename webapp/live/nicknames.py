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

# Default_Ignorable_Code_Point (Unicode DerivedCoreProperties.txt, stable since 6.x): drawn as
# nothing, or as a blank (the Hangul fillers). TR39 removes them before mapping (skeleton, step
# 2): "Sa\u034fmir" is "Samir" on the projector.
DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
# Not ignorable, but drawn as a blank like a space: read as one.
BLANKS = {0x2800: " "}
_INVISIBLE = {
    point: None for first, last in DEFAULT_IGNORABLE for point in range(first, last + 1)
} | BLANKS


def visible(text: str) -> str:
    """The text without what is drawn as nothing; blanks drawn like a space become one."""
    return text.translate(_INVISIBLE)


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
    """TR39 skeleton(X): NFD, remove default-ignorable characters, replace each character by its
    prototype, NFD again."""
    mapped = visible(unicodedata.normalize("NFD", text)).translate(_prototypes())
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
