"""Recorded read-aloud for phones without a speech voice: espeak-ng speaks, opusenc compresses.

A recording's name is the hash of what makes it (the engine's settings, the voice and the words),
so the same text in the same voice is the same file, made once and cached for a year by the phone,
and changing a setting below makes new files instead of serving stale ones. Content texts
(lessons, bank) are recorded in a batch when content is loaded (`flask audio build`); texts of
the interface (figures, prompts) are recorded the first time someone asks to hear them.
"""

import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

# espeak-ng voices from Debian's espeak-ng-data (MBROLA voices are not in Debian main).
VOICES = {"fr": "fr-fr", "en": "en-gb", "ar": "ar"}
SPEED = 145  # words a minute: a little slower than espeak's 175, for people learning French
BITRATE = 16  # kbit/s, mono Opus: clear speech, a few KB a sentence
SETTINGS = f"espeak-ng speed={SPEED} opus={BITRATE}k mono"
MAX_CHARS = 600  # longer than any content text; an interface text asked aloud is refused beyond
SUFFIX = ".opus"
TOOLS = ("espeak-ng", "opusenc")


def normalise(text: str) -> str:
    """The words as spoken: spacing and line breaks do not change a recording."""
    return " ".join(str(text).split())


def voice_for(lang: str) -> str:
    """The espeak-ng voice for a language tag ('fr', 'fr-FR', 'ar'...); French when unknown."""
    return VOICES.get((lang or "fr").replace("_", "-").split("-")[0].lower(), VOICES["fr"])


def key(text: str, lang: str = "fr") -> str:
    """The recording's name: same text and voice, same name; anything else, another."""
    made_of = f"{SETTINGS}\n{voice_for(lang)}\n{normalise(text)}"
    return hashlib.sha256(made_of.encode()).hexdigest()[:32]


def is_key(name: str) -> bool:
    return len(name) == 32 and all(c in "0123456789abcdef" for c in name)


def available() -> bool:
    """True when both tools are installed (`make voice`)."""
    return all(shutil.which(tool) for tool in TOOLS)


def path_for(folder: Path, name: str) -> Path:
    return Path(folder) / f"{name}{SUFFIX}"


def record(text: str, lang: str, folder: Path) -> tuple[Path, bool]:
    """The recording of text, made now if it does not exist yet; (path, made now?)."""
    path = path_for(folder, key(text, lang))
    if path.exists():
        return path, False
    words = normalise(text)
    if not words:
        raise ValueError("nothing to say")
    Path(folder).mkdir(parents=True, exist_ok=True)
    # espeak-ng reads the words on stdin (a text starting with "-" is not an option) and writes
    # WAV to stdout; opusenc turns it into Ogg Opus. Written beside, then renamed: a request
    # never sees half a file, and two builders racing write the same bytes.
    fd, partial = tempfile.mkstemp(dir=folder, suffix=".part")
    os.close(fd)
    try:
        speak = subprocess.Popen(
            ["espeak-ng", "-v", voice_for(lang), "-s", str(SPEED), "--stdin", "--stdout"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        encode = subprocess.Popen(
            [
                "opusenc",
                "--quiet",
                "--bitrate",
                str(BITRATE),
                "--downmix-mono",
                "--comp",
                "10",
                "-",
                partial,
            ],
            stdin=speak.stdout,
            stderr=subprocess.DEVNULL,
        )
        speak.stdout.close()
        speak.stdin.write(words.encode())
        speak.stdin.close()
        if speak.wait(timeout=60) or encode.wait(timeout=60):
            raise RuntimeError(f"could not record {words[:40]!r}")
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return path, True


def say_once(text: str, lang: str) -> bytes:
    """The recording of a private text, made in a folder removed before this returns: its bytes
    only, nothing left on disk for another request to find."""
    with tempfile.TemporaryDirectory(prefix="say-") as folder:
        path, _made = record(text, lang, Path(folder))
        return path.read_bytes()


@dataclass(frozen=True)
class Built:
    """What a batch did: recordings wanted, made now, and the bytes of all of them."""

    texts: int
    made: int
    bytes: int


def build(texts: Iterable[tuple[str, str]], folder: Path, workers: int = 2) -> Built:
    """Record every (text, lang) not recorded yet; already recorded ones cost a stat."""
    # A build stopped half-way (Ctrl-C) leaves its partial files: an hour old, nobody writes them.
    for partial in Path(folder).glob("*.part"):
        if time.time() - partial.stat().st_mtime > 3600:
            partial.unlink(missing_ok=True)
    wanted = {key(text, lang): (text, lang) for text, lang in texts if normalise(text)}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda pair: record(pair[0], pair[1], folder), wanted.values()))
    return Built(
        texts=len(wanted),
        made=sum(made for _path, made in results),
        bytes=sum(path.stat().st_size for path, _made in results),
    )


def size(texts: Iterable[tuple[str, str]], folder: Path) -> int:
    """Bytes of the recordings of these texts that exist (a lesson's audio, for the figures)."""
    names = {key(text, lang) for text, lang in texts if normalise(text)}
    return sum(path.stat().st_size for name in names if (path := path_for(folder, name)).exists())
