"""Language choice: the user's setting, else a cookie, else the browser's languages."""

from flask import Flask, current_app, request
from flask_babel import get_locale
from flask_login import current_user
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
    return "rtl" if (language or str(get_locale())) in RTL_LANGUAGES else "ltr"


def isolate(text: object) -> Markup:
    """Wrap a name or typed text put in a sentence: its direction can't reorder the sentence.

    `{{ _("Hello %(name)s!", name=user.display_name|bdi) }}`: an Arabic name in a French sentence,
    or "Karim B." in an Arabic one, stays where the translator put it. The text is escaped.
    """
    return Markup("<bdi>%s</bdi>") % text


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        text_direction=text_direction, language_names=LANGUAGE_NAMES, get_locale=get_locale
    )
    app.jinja_env.filters["bdi"] = isolate
