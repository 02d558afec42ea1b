"""Parts of pages made once and given again: the HTML of content that only changes with its
version and the reader's language (a lesson's text and useful words), and of forms as a visit
first shows them (the home's quick add and check-in), not at every request.

A lesson's text was rendered at every view: Markdown, a read-aloud link and a translation per
paragraph, a fifth of the page's CPU, for the same HTML each time. `kept` makes it once per place
(what it shows, in which language, under which address and recordings folder) and keeps it while
its version is the same and its speaker links are still right (webapp.core.speech's rule: a
recording made since, or a minute for one not made yet). Nothing personal goes in here: the
version says what the HTML was made from, and everything a person sees of their own (progress,
answers, their order of the choices) stays in the page around it. A kept form has markers where
its form token and client id go, filled in at each request (`kept_form`).
"""

import uuid
from collections.abc import Callable, Hashable

from flask import current_app, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from webapp.core import speech
from webapp.core.i18n import locale

# place -> (version, html, watch of its speaker links). Bounded: when full, it starts again
# (emptying is safe while other threads read it; taking out the oldest one by one is not).
_KEPT: dict[Hashable, tuple[Hashable, Markup, speech.Watch]] = {}
_MOST_KEPT = 2000


def kept(place: Hashable, version: Hashable, make: Callable[[], Markup]) -> Markup:
    """make()'s HTML for place, made again when version changes or its speaker links may now
    lead elsewhere. place names what is shown and for whom alike (ids, a day); the reader's
    language, the address root and the recordings folder, which every kept HTML depends on,
    are added here. version: what it is made from (a content hash, the recordings it links
    to)."""
    place = (place, str(locale()), request.script_root, current_app.config.get("AUDIO_DIR"))
    found = _KEPT.get(place)
    if found is not None and found[0] == version and found[2].still_right():
        return found[1]
    with speech.watching() as watch:
        html = Markup(make())
    if len(_KEPT) >= _MOST_KEPT:
        _KEPT.clear()
    _KEPT[place] = (version, html, watch)
    return html


def kept_filled(place: Hashable, version: Hashable, make: Callable[..., Markup], **values):
    """As `kept`, for HTML that differs from reader to reader only by a few values (a form's
    token, a fresh client id): make(**markers) is made once with a marker where each value goes,
    and each request's values are filled in there, escaped."""
    markers = {name: f"\x00{name}\x00" for name in values}
    text = str(kept(place, version, lambda: make(**markers)))
    for name, value in values.items():
        text = text.replace(markers[name], str(escape(value)))
    return Markup(text)


def kept_form(place: Hashable, make: Callable[..., Markup]) -> Markup:
    """A form as a visit shows it before anything is typed (no errors, no values but its
    defaults), kept as kept_filled keeps it, with what differs at each visit filled in: a fresh
    client id (the outbox's key for it) and, where forms carry one, the session's form token.
    make(client_id, csrf_token=None) builds it with `stamped`."""
    values = {"client_id": uuid.uuid4().hex}
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        values["csrf_token"] = generate_csrf()
    # Which markers it has is part of what it is: a form made without a token (an app with
    # CSRF off, as the unit tests run) is never given where one is needed.
    return kept_filled((place, tuple(values)), 1, make, **values)


def stamped(form, client_id: str, csrf_token: str | None = None):
    """form with these values where its hidden fields show them (for kept_form's markers)."""
    form.client_id.data = client_id
    if csrf_token is not None:
        form.csrf_token.current_token = csrf_token
    return form


def forget() -> None:
    """Make everything again (tests compare kept HTML with HTML made afresh)."""
    _KEPT.clear()
