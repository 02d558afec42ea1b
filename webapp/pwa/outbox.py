"""What the phone's outbox script says, in the page's language.

The protocol itself (acknowledgements and reasons) is answered by `webapp.core.outbox`; the
script (static/js/outbox.js, app.js) reads these words from the page.
"""

from flask import current_app
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from webapp.core.i18n import gettext as _
from webapp.core.i18n import locale

# Every page carries these words: said and written as JSON once per language and process, not
# at each page (the JSON and its escaping for an attribute were some 40 µs a page).
_said: dict[str, dict[str, str]] = {}
_written: dict[str, Markup] = {}


def words() -> dict[str, str]:
    """What the outbox script says, in the page's language ({n} and {name} are filled in)."""
    language = str(locale())
    if language not in _said:
        _said[language] = _words()
    return _said[language]


def words_json() -> Markup:
    """`words()` as Jinja's tojson writes it, for the page's data-outbox-words attribute."""
    language = str(locale())
    if language not in _written:
        # As the tojson filter writes it (Flask's JSON, keys sorted as Jinja's policy asks).
        _written[language] = htmlsafe_json_dumps(words(), current_app.json.dumps, sort_keys=True)
    return _written[language]


def _words() -> dict[str, str]:
    return {
        "waiting": _("Waiting to send"),
        "sending": _("Sending…"),
        "sent": _("Sent"),
        "needs": _("Needs you"),
        "discarded": _("Discarded"),
        "signin": _("Sign in again to send it."),
        "signin_note": _("Sign in again to send what waits on this phone (%(n)s).", n="{n}"),
        "invalid": _("Something to fix. Write it again, then discard this one."),
        "gone": _("This no longer exists. You can discard it."),
        "retry": _("It will be sent later."),
        "queued": _("Saved on this phone. It will be sent when the network is back."),
        "discard": _("Discard"),
        "discard_ask": _("Discard it? It will not be sent. If it already arrived, it stays."),
        "signout_ask": _(
            "Not sent yet: %(n)s. They stay on this phone and are sent when you sign "
            "in again. Sign out now?",
            n="{n}",
        ),
        "empty": _("Nothing waits on this phone."),
        "hello": _("Hello %(name)s", name="{name}"),
        "next_lesson": _("Your next lesson"),
        "review": _("Questions for today: %(n)s", n="{n}"),
        "saved": _("Saved for offline"),
        "outbox": _("Waiting on this phone"),
        "budget": _("Budget"),
        "journal": _("Journal"),
        "goal": _("Goal"),
        "appointment": _("Appointment"),
        "step": _("My steps"),  # a step after release ticked or noted (webapp/steps)
        "lesson": _("Lesson answer"),
        "revision": _("Review answer"),
        "live": _("Quiz answer"),
        "right": _("Right! (checked on this phone)"),
        "wrong": _("Not quite (checked on this phone)."),
    }
