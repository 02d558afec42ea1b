"""Recorded read-aloud for phones without a speech voice: espeak-ng speaks, opusenc compresses.

A recording's name is the hash of what makes it (the engine's settings, the voice and the words),
so the same text in the same voice is the same file, made once and cached for a year by the phone,
and changing a setting below makes new files instead of serving stale ones. Content texts
(lessons, bank) are recorded in a batch when content is loaded (`flask audio build`); texts of
the interface (figures, prompts) are recorded the first time someone asks to hear them.
"""

import hashlib
import io
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

# How many recordings this process has made: a page that remembered a text as not recorded yet
# (webapp.core.speech) looks again once this moves.
made_here = 0


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


def words_key(text: str, lang: str = "fr") -> str:
    """The words themselves, whatever voice says them: what a person's own recording reads."""
    made_of = f"{(lang or 'fr').split('-')[0].lower()}\n{normalise(text)}"
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
        global made_here
        made_here += 1
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


class NotUsable(ValueError):
    """A sent recording that cannot be played back: no sound in it, or too long."""


MAX_SECONDS = 90  # longer than any text of a lesson read slowly
OWN_BITRATE = 24_000  # a person's voice: a little more than espeak's, it has more in it


@dataclass(frozen=True)
class Transcoded:
    data: bytes  # Ogg Opus, mono
    seconds: float


def transcode(sent: bytes) -> Transcoded:
    """A recording from a phone or a browser (WebM, Ogg, MP4, WAV...) re-encoded to Ogg Opus,
    mono: every phone plays it, it is a few KB a sentence, and nothing of the sender's file
    (its metadata, its container) is kept. PyAV (FFmpeg's libraries) decodes what it gets, so a
    file that is not sound fails here, whatever its name says."""
    import av  # FFmpeg's libraries: loaded only by the rare request that needs them

    rate = 48_000
    output = io.BytesIO()
    samples = 0
    try:
        with av.open(io.BytesIO(sent)) as source:
            stream = next((s for s in source.streams if s.type == "audio"), None)
            if stream is None:  # a picture, a video without sound, a document...
                raise NotUsable("not sound")
            with av.open(output, "w", format="ogg") as target:
                encoder = target.add_stream("libopus", rate=rate, layout="mono")
                encoder.bit_rate = OWN_BITRATE
                to_mono = av.AudioResampler(format="s16", layout="mono", rate=rate)

                # One frame at a time: a long file is refused as soon as it passes the limit.
                def mono_frames():
                    for frame in source.decode(stream):
                        yield from to_mono.resample(frame)
                    yield from to_mono.resample(None)  # what the resampler still holds
                    yield None  # then the encoder's own

                for frame in mono_frames():
                    if frame is not None:
                        samples += frame.samples
                        if samples > MAX_SECONDS * rate:
                            raise NotUsable("too long")
                    for packet in encoder.encode(frame):
                        target.mux(packet)
    except (av.error.FFmpegError, UnicodeDecodeError, IndexError) as error:
        raise NotUsable("not sound") from error
    if samples < rate // 4:
        raise NotUsable("no sound")
    return Transcoded(output.getvalue(), round(samples / rate, 1))


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
