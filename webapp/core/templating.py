"""Template helpers: the bottom navigation (each role's main areas) and HTML attributes."""

import functools

import segno
from flask import Flask, current_app, has_request_context, render_template, request, url_for
from flask.templating import Environment
from flask_login import current_user
from markupsafe import Markup

from webapp.core import fields, glossary, grading, icons, shuffle, speech
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.i18n import locale
from webapp.core.time import utcnow

# Roles by name (accounts.models.Role is a StrEnum, so a role equals its name): the core
# imports no feature. EVERYONE is every role.
EVERYONE = {"trainee", "teacher", "volunteer", "admin"}
# (endpoint, icon, label, roles). Features add their areas here as they arrive.
NAV_ITEMS = [
    ("home.index", "home", _l("Home"), EVERYONE),
    ("dashboard.today", "calendar", _l("Today"), {"teacher"}),
    ("lessons.index", "book", _l("Lessons"), {"trainee", "teacher"}),
    ("revision.overview", "quiz", _l("Revision"), {"trainee"}),
    ("budget.month", "budget", _l("Budget"), {"trainee"}),
    ("journal.index", "journal", _l("Journal"), {"trainee"}),
    ("live.index", "users", _l("Live quiz"), {"volunteer", "teacher"}),
    ("accounts.groups", "users", _l("Groups"), {"teacher", "volunteer", "admin"}),
    ("accounts.staff", "user", _l("Staff"), {"admin"}),
    ("accounts.sites", "building", _l("Sites"), {"admin"}),
    ("candidates.index", "user", _l("Candidates"), {"admin"}),
    ("privacy.audit_log", "shield", _l("Audit"), {"admin"}),
    ("accounts.account", "settings", _l("Me"), EVERYONE),
]


ROLE_NAMES = {
    "trainee": _l("Trainee"),
    "teacher": _l("Teacher"),
    "volunteer": _l("Volunteer"),
    "admin": _l("Admin"),
}


def nav_items() -> list[dict]:
    user = current_user._get_current_object()  # once, not through the proxy at every item
    if not user.is_authenticated:
        return []
    return _items(user.role, request.endpoint)


def _items(role: str, endpoint_now: str | None) -> list[dict]:
    return [
        {"endpoint": endpoint, "icon": icon, "label": label, "current": endpoint_now == endpoint}
        for endpoint, icon, label, roles in NAV_ITEMS
        if role in roles
    ]


def bottom_nav() -> Markup:
    """The bottom bar of the signed-in person's role (_bottom_nav.html), the current area
    marked; nothing for someone signed out or a role without areas."""
    user = current_user._get_current_object()
    if not user.is_authenticated:
        return Markup("")
    return _bottom_nav(user.role, request.endpoint, str(locale()), request.script_root)


# Every page of an area shows the same bar in one language: made once (six links, pictograms
# and labels were about 0.1 ms a page), for at most a few hundred areas x roles x languages.
@functools.lru_cache(maxsize=2048)
def _bottom_nav(role: str, endpoint: str | None, _language: str, _script_root: str) -> Markup:
    items = _items(role, endpoint)
    return Markup(render_template("_bottom_nav.html", items=items)) if items else Markup("")


def remembered_url_for(endpoint: str, **values) -> str:
    """url_for for templates, remembered: a page builds dozens of addresses (a list of 80
    lessons, the bottom bar, styles and scripts) at about 20 µs each, and the same endpoint with
    the same values under the same script root is always the same address. Relative endpoints
    (".x", which depend on the blueprint) and options ("_external", "_anchor"…) are built each
    time."""
    if endpoint.startswith(".") or not has_request_context() or any(k[0] == "_" for k in values):
        return url_for(endpoint, **values)
    try:
        return _address(request.script_root, endpoint, tuple(sorted(values.items())))
    except TypeError:  # a value that cannot be a key (a list): build it
        return url_for(endpoint, **values)


@functools.lru_cache(maxsize=4096)
def _address(_script_root: str, endpoint: str, values: tuple) -> str:
    return url_for(endpoint, **dict(values))


class TemplateEnvironment(Environment):
    """Flask's Jinja environment, where a template's globals are one dict: the environment's,
    as they are when the template is loaded, under the template's own.

    Jinja keeps them as a ChainMap of both, so they follow a global added later; but every page
    copies them into its context name by name (some 80 names, each looked up through both maps),
    and at every `{% from ... import %}` Jinja compares the two templates' names one by one
    (about 30 µs an import). Every global here is set while the app is made (the core's
    init_app, each feature's one feature_globals call), before any template is loaded."""

    def make_globals(self, d):
        return {**self.globals, **(d or {})}


def init_app(app: Flask) -> None:
    """The names every template may use: the core's. A feature's own names are registered by
    its one call to feature_globals (at the end of its routes.py), never elsewhere."""
    app.jinja_env.globals.update(
        url_for=remembered_url_for,
        icon=icons.icon,
        field=fields.field,
        choices=fields.choices,
        error=fields.error,
        submit=fields.submit,
        say=speech.say,
        speak=speech.speak,
        nav_items=nav_items,
        bottom_nav=bottom_nav,
        without_none=fields.without_none,
        qr_svg=qr_svg,
        role_names=ROLE_NAMES,
        choices_shown=choices_shown,
        live_seed=shuffle.live_seed,
        # Answering an exercise or a question (lessons, revision, mock exams, live quiz).
        display_order=grading.display_order,
        expected=grading.expected,
        form_values=grading.form_values,
        gives_away=grading.gives_away,
        is_correct=grading.is_correct,
        form_key=grading.form_key,  # a lesson copy kept offline gives feedback without network
        trade_glossary=glossary.for_card,
    )
    app.context_processor(lambda: {"now": utcnow()})


def feature_globals(bp, **names) -> None:
    """Register a feature's template names app-wide, once, when its blueprint is registered:
    the one place a feature adds names to every template (its routes.py calls it once)."""
    bp.record_once(lambda state: state.app.jinja_env.globals.update(names))


def choices_shown(item: dict, who: str | None = None) -> list:
    """An item's choices in the order this person (or, given `who`, this live session) sees them."""
    return shuffle.choices_shown(current_app.secret_key, who or shuffle.viewer(current_user), item)


def qr_svg(text: str) -> Markup:
    """An inline SVG QR code (segno builds it from the text; nothing of the text is markup)."""
    # omitsize: a viewBox instead of a fixed size, so CSS scales it (card, projector).
    return Markup(
        segno.make(text, error="m").svg_inline(
            scale=3, border=2, svgclass="qr", lineclass=None, omitsize=True
        )
    )
