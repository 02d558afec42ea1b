"""Language choice: the user's setting, else a cookie, else the browser's languages."""

import datetime
import functools

import flask_babel
from flask import Flask, current_app, g, request
from flask_babel import get_locale, get_timezone, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

LANGUAGE_COOKIE = "lang"
RTL_LANGUAGES = {"ar"}
# Each language is named in itself, so anyone can find theirs.
LANGUAGE_NAMES = {"fr": "Français", "en": "English", "ar": "العربية"}


def select_locale() -> str:
    """Pick the locale for this request."""
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if (cookie := request.cookies.get(LANGUAGE_COOKIE)) in languages:
        return cookie
    return request.accept_languages.best_match(languages) or languages[0]


def text_direction(language: str | None = None) -> str:
    """The writing direction of a language, by default the page's."""
    return "rtl" if (language or str(locale())) in RTL_LANGUAGES else "ltr"


def isolate(text: object) -> Markup:
    """Wrap a name or typed text put in a sentence: its direction can't reorder the sentence.

    `{{ _("Hello %(name)s!", name=user.display_name|bdi) }}`: an Arabic name in a French sentence,
    or "Karim B." in an Arabic one, stays where the translator put it. The text is escaped.
    """
    return Markup("<bdi>%s</bdi>") % text


def _babel_space():
    """Where flask_babel keeps this request's choices (locale, time zone), or None."""
    try:
        return g._get_current_object().__dict__.get("_flask_babel")
    except RuntimeError:  # outside an app context
        return None


def locale():
    """flask_babel's get_locale, read where it keeps this request's choice: get_locale walks
    the context's proxies five times (about 5 µs), and a page asks for it at every date and
    read-aloud button."""
    space = _babel_space()
    chosen = space.__dict__.get("babel_locale") if space is not None else None
    return chosen if chosen is not None else get_locale()


def zone():
    """flask_babel's get_timezone, read where it keeps this request's choice (as `locale`)."""
    space = _babel_space()
    chosen = space.__dict__.get("babel_tzinfo") if space is not None else None
    return chosen if chosen is not None else get_timezone()


def catalogue():
    """This request's translations, as flask_babel chooses them, looked up once a request.

    flask_babel finds the catalogue again at every string (five walks through the context's
    proxies, about 10 µs): the home page says some 170 strings. It is kept beside flask_babel's
    own choice of locale and used while that choice is the same object, so `force_locale` and
    `refresh` (which replace or drop it) are followed."""
    try:
        space = g._get_current_object().__dict__.get("_flask_babel")
    except RuntimeError:  # outside an app context: flask_babel's "no translation"
        return get_translations()
    if space is not None:
        kept = space.__dict__.get("passerelle_catalogue")
        if kept is not None and kept[0] is space.__dict__.get("babel_locale"):
            return kept[1]
    translations = get_translations()
    space = g._flask_babel  # made by get_translations, with the locale it chose
    space.passerelle_catalogue = (space.__dict__.get("babel_locale"), translations)
    return translations


def gettext(string: str, **variables) -> str:
    """flask_babel's gettext, from this request's catalogue."""
    text = catalogue().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """flask_babel's ngettext (`num` is a variable too), from this request's catalogue."""
    variables.setdefault("num", num)
    return catalogue().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    """A string translated when it is shown (form labels, declared at import)."""
    return LazyString(gettext, string, **variables)


def lazy_ngettext(singular: str, plural: str, num: int, **variables) -> LazyString:
    return LazyString(ngettext, singular, plural, num, **variables)


# Dates and times as flask_babel writes them, remembered by value, format, language and time
# zone: Babel parses the format and walks the locale's data at every call (about 50 µs), and a
# page writes the same few days many times (a home page with forty assignments wrote forty).
@functools.lru_cache(maxsize=8192)
def _formatted(formatter, value, format, rebase, _locale: str, _timezone: str) -> str:  # noqa: A002
    return formatter(value, format, rebase)  # reads the same locale and zone as the key's


def _remembered(formatter, value, format, rebase) -> str:  # noqa: A002
    if value is None:  # now: never the same twice
        return formatter(value, format, rebase)
    return _formatted(formatter, value, format, rebase, str(locale()), str(zone()))


def format_date(date=None, format=None, rebase=True) -> str:  # noqa: A002
    """flask_babel's format_date (the `dateformat` filter), remembered. A moment is first put in
    the reader's time zone and taken as its day, as flask_babel does: today's date is then
    written once, not at every request's `now`."""
    if isinstance(date, datetime.datetime):
        date = (flask_babel.to_user_timezone(date) if rebase else date).date()
    return _remembered(flask_babel.format_date, date, format, rebase)


def format_time(time=None, format=None, rebase=True) -> str:  # noqa: A002
    """flask_babel's format_time (the `timeformat` filter), remembered."""
    return _remembered(flask_babel.format_time, time, format, rebase)


def format_datetime(datetime=None, format=None, rebase=True) -> str:  # noqa: A002
    """flask_babel's format_datetime (the `datetimeformat` filter), remembered."""
    return _remembered(flask_babel.format_datetime, datetime, format, rebase)


# Templates' _(), ngettext() and {% trans %}: Jinja's new-style escaping and % formatting, from
# this request's catalogue. Jinja's own wrappers take the template's whole context: called in a
# loop, each call copied it with the loop's variables (Context.derived), which cost the lessons
# list 15% of its time on "%(num)d minutes". These take only the evaluation context (is the
# template escaped?), which is all they read. Their own arguments are positional only: a
# template may name a variable "num", "context" or "string".
@pass_eval_context
def _template_gettext(eval_context, string: str, /, **variables) -> str:
    text = catalogue().ugettext(string)
    # Always a format string, as Jinja's: "%%" is "%" with or without variables.
    return (Markup(text) if eval_context.autoescape else text) % variables


@pass_eval_context
def _template_ngettext(eval_context, singular: str, plural: str, count: int, /, **variables) -> str:
    variables.setdefault("num", count)  # a "num" given (the count written out) goes first
    text = catalogue().ungettext(singular, plural, count)
    return (Markup(text) if eval_context.autoescape else text) % variables


@pass_eval_context
def _template_pgettext(eval_context, where: str, string: str, /, **variables) -> str:
    variables.setdefault("context", where)
    text = catalogue().upgettext(where, string)
    return (Markup(text) if eval_context.autoescape else text) % variables


@pass_eval_context
def _template_npgettext(eval_context, where, singular, plural, count: int, /, **variables) -> str:
    variables.setdefault("context", where)
    variables.setdefault("num", count)
    text = catalogue().unpgettext(where, singular, plural, count)
    return (Markup(text) if eval_context.autoescape else text) % variables


def init_app(app: Flask) -> None:
    # New style, so that {% trans %} compiles to calls with its variables; then the callables
    # above replace Jinja's wrappers (and flask_babel's lookups), `_` included.
    app.jinja_env.install_gettext_callables(
        gettext=_template_gettext, ngettext=_template_ngettext, newstyle=True
    )
    app.jinja_env.globals.update(
        _=_template_gettext,
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        pgettext=_template_pgettext,
        npgettext=_template_npgettext,
    )
    app.jinja_env.globals.update(
        text_direction=text_direction, language_names=LANGUAGE_NAMES, get_locale=locale
    )
    app.jinja_env.filters["bdi"] = isolate
    app.jinja_env.filters.update(
        dateformat=format_date, timeformat=format_time, datetimeformat=format_datetime
    )
