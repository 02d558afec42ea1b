"""Read-aloud buttons: `{{ speak(text) }}` for French content, `{{ say(text) }}` for the interface.

speak: app.js speaks with the phone's voice for the language when it has one, else plays the
recording; without JavaScript the link opens the recording (made by espeak-ng). A teacher's own
recording of the words (speak--own) is played on every phone.

say: the interface itself (home, budget figures, journal prompts) in the reader's language.
private=True (amounts, a name): the phone's voice when it has one; else a recording made for
this one answer (POST /audio/private, the words in the body): never in an address, never kept
in the server's shared recordings. Without JavaScript the form opens the recording.

Python functions rather than Jinja macros: a page has up to twenty of them and a macro call
cost about 25 µs before it did anything.
"""

import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from flask import current_app, g, request, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from webapp.core import audio
from webapp.core.i18n import gettext as _
from webapp.core.i18n import locale
from webapp.core.icons import icon
from webapp.core.markup import fill


def speak(text: str, lang: str = "fr-FR", label: str | None = None) -> Markup:
    """A link that reads text aloud in lang. Made once per address, words, language and label:
    a lesson's exercises have dozens, and filling in the link was a tenth of the page."""
    own = own_recording(text, lang)
    href = own or audio_url(text, lang)
    label = label or _("Listen")
    made = (href, text, lang, str(label))
    if (link := _SPOKEN.get(made)) is None:
        link = fill(
            '<a class="speak{own_class}" href="{href}" data-say="{text}" data-lang="{lang}"'
            ' aria-label="{label}">{icon}</a>',
            own_class=" speak--own" if own else "",
            href=href,
            text=text,
            lang=lang,
            label=label,
            icon=icon("speaker"),
        )
        if len(_SPOKEN) >= _MOST_FOUND:
            _SPOKEN.clear()  # (safe while other threads read it, as _FOUND)
        _SPOKEN[made] = link
    return link


# Each link as made (speak): everything it shows is in its key.
_SPOKEN: dict[tuple[str, str, str, str], Markup] = {}


def say(text: str, label: str | None = None, private: bool = False) -> Markup:
    """A button that reads the interface's words aloud in the reader's language."""
    lang = str(locale())
    if not private:
        return speak(text, lang, label)
    return fill(
        '<form class="speak-form" method="post" action="{action}">'
        '<input type="hidden" name="csrf_token" value="{token}">'
        '<input type="hidden" name="lang" value="{lang}">'
        '<button class="speak speak--private" name="text" value="{text}" data-lang="{lang}"'
        ' aria-label="{label}">{icon}</button></form>',
        action=url_for("core.audio_private"),
        token=generate_csrf(),
        lang=lang,
        text=text,
        label=label or _("Listen"),
        icon=icon("speaker"),
    )


# Where each text's recording is, by text, language, script root and folder. A recording once
# made stays (content loading and first taps only add files), so a found one is remembered for
# good. One not made yet is remembered for a minute, or until this process records something:
# its address records it on first use and then sends the phone to the file, so the page stays
# right meanwhile, and a page of fifty speaker links does not look for fifty files on disk each
# time (a quarter of a lesson page's CPU when its recordings were not made).
_FOUND: dict[tuple, tuple[str, float | None, int]] = {}  # address, look again at, made_here
_MOST_FOUND = 5000
_RECHECK_MISSING_AFTER = 60.0  # seconds


def audio_url(text: str, lang: str = "fr") -> str:
    """Where a speaker link finds the recording of text: its hashed file when content loading
    made it, else the address that records it on first use."""
    remembered = (text, lang, request.script_root, current_app.config["AUDIO_DIR"])
    now = time.monotonic()
    if (found := _FOUND.get(remembered)) is not None:
        address, look_again_at, made_then = found
        if look_again_at is None or (look_again_at > now and made_then == audio.made_here):
            return _watched(found)
    name = audio.key(text, lang)
    if audio.path_for(current_app.config["AUDIO_DIR"], name).exists():
        found = url_for("core.audio_file", name=name), None, audio.made_here
    else:
        address = url_for("core.audio_say", lang=lang.split("-")[0], text=audio.normalise(text))
        found = address, now + _RECHECK_MISSING_AFTER, audio.made_here
    if len(_FOUND) < _MOST_FOUND:
        _FOUND[remembered] = found
    return _watched(found)


@dataclass
class Watch:
    """When the speaker links of some HTML may lead elsewhere: never (look_again_at None: every
    recording was found), or once this process has made a recording since made_then, or at
    look_again_at (the earliest time a text not recorded yet is looked for again)."""

    made_then: int
    look_again_at: float | None = None

    def still_right(self) -> bool:
        return self.look_again_at is None or (
            self.look_again_at > time.monotonic() and self.made_then == audio.made_here
        )


_WATCH: ContextVar[Watch | None] = ContextVar("speech_watch", default=None)


@contextmanager
def watching():
    """Yields a Watch of the speaker links made meanwhile (in this context), for HTML that is
    kept and given again (core.fragments): it stays right as long as audio_url's answers."""
    watch = Watch(audio.made_here)
    token = _WATCH.set(watch)
    try:
        yield watch
    finally:
        _WATCH.reset(token)


def _watched(found: tuple[str, float | None, int]) -> str:
    address, look_again_at, _made = found
    if look_again_at is not None and (watch := _WATCH.get()) is not None:
        watch.look_again_at = min(look_again_at, watch.look_again_at or look_again_at)
    return address


def own_recording(text: str, lang: str = "fr") -> str | None:
    """The address of a person's own recording of these words, when the page being rendered has
    one: a feature puts {words_key: url} in g.own_voice before rendering (lessons does)."""
    own = g.get("own_voice")
    return own.get(audio.words_key(text, lang)) if own else None
