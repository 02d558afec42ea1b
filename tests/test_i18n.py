"""French, English and Arabic: complete catalogs, language choice, right-to-left layout."""

from datetime import UTC, date, datetime
from pathlib import Path

import flask_babel
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from webapp.accounts.models import Role
from webapp.core import i18n

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("fr", "en", "ar")


def _messages_in_source() -> set:
    """Every message the code and templates ask to translate, as Babel extracts them."""
    method_map = [("webapp/**.py", "python"), ("webapp/templates/**.html", "jinja2")]
    options = {"webapp/templates/**.html": {"trimmed": "true"}}
    found = set()

    # Babel skips folders starting with "_" by default; templates/_macros/ must be read too.
    def not_hidden(path: str) -> bool:
        return not Path(path).name.startswith(".")

    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT,
        method_map,
        options,
        keywords={
            "_": None,
            "gettext": None,
            "ngettext": (1, 2),
            "_l": None,
            "lazy_gettext": None,
            "lazy_ngettext": (1, 2),
        },
        directory_filter=not_hidden,
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_translates_every_message(language):
    with open(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po)
    missing = []
    for message_id in sorted(_messages_in_source()):
        entry = catalog.get(message_id)
        strings = entry.string if entry else None
        strings = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(message_id)
    assert not missing, f"{language} catalog misses {len(missing)}: {missing[:10]}"


def test_placeholders_survive_translation():
    for language in LANGUAGES:
        with open(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as po:
            catalog = read_po(po)
        for message in catalog:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for placeholder in {p for text in ids for p in _placeholders(text)}:
                assert all(
                    placeholder in s
                    for form, s in enumerate(strings)
                    if s and not _says_its_number(language, form, placeholder)
                ), (language, message.id)


def _says_its_number(language: str, form: int, placeholder: str) -> bool:
    """Arabic forms 0, 1 and 2 serve one number each: "سؤال واحد", "سؤالان" need no digit."""
    return language == "ar" and form in (0, 1, 2) and placeholder in ("%(num)d", "%(num)s")


def _placeholders(text: str) -> set[str]:
    import re

    return set(re.findall(r"%\(\w+\)[sd]", text))


def test_default_is_french(client):
    page = client.get("/login")
    assert '<html lang="fr" dir="ltr">' in page.text
    assert "Se connecter" in page.text


def test_browser_language_is_used(client):
    page = client.get("/login", headers={"Accept-Language": "ar,fr;q=0.5"})
    assert '<html lang="ar" dir="rtl">' in page.text


def test_cookie_beats_browser_language(client):
    client.post("/language", data={"lang": "en", "next": "/login"})
    page = client.get("/login", headers={"Accept-Language": "ar"})
    assert '<html lang="en" dir="ltr">' in page.text
    assert "Sign in" in page.text


def test_user_setting_beats_cookie_and_is_saved(client, make_user, login):
    trainee = make_user()
    login(trainee)
    response = client.post("/language", data={"lang": "ar", "next": "/me"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/me"
    client.set_cookie("lang", "en")
    page = client.get("/me")
    assert 'dir="rtl"' in page.text


def test_unknown_language_is_ignored(client):
    client.post("/language", data={"lang": "xx", "next": "/login"})
    assert '<html lang="fr"' in client.get("/login").text


def test_language_switch_on_every_page(client, make_user, login):
    for url in ("/login", "/reset", "/healthz-not-a-page"):
        page = client.get(url).text
        assert 'action="/language"' in page and "العربية" in page and "English" in page


def test_dates_follow_the_locale(client, make_user, make_group, login):
    group = make_group()
    login(make_user(Role.TEACHER, group=group))
    french = client.get("/groups").text
    assert "sept. 2026" in french
    client.post("/language", data={"lang": "en"})
    assert "Sep 1, 2026" in client.get("/groups").text


def test_french_content_carries_its_direction_in_every_template():
    """lang="fr" alone would leave French to inherit an Arabic page's right-to-left direction."""
    import re

    for template in (ROOT / "webapp" / "templates").rglob("*.html"):
        alone = [m.start() for m in re.finditer(r'lang="fr"(?! dir="ltr")', template.read_text())]
        assert not alone, f"{template.name}: lang=fr without dir=ltr at {alone}"


def test_names_put_in_sentences_are_isolated(app):
    with app.test_request_context():
        hello = app.jinja_env.from_string('{{ _("Hello %(name)s!", name=n|bdi) }}')
        rendered = hello.render(n="<Sam>")
    assert rendered == "Bonjour <bdi>&lt;Sam&gt;</bdi>\u00a0!"


def test_template_strings_in_loops_are_translated_escaped_and_formatted(app):
    """_(), ngettext() and {% trans %} in a loop (the lessons list, the assignments): the
    request's language, the plural its number asks for, names escaped in an HTML template and
    not in plain text, a number written out (num=) put in place of the count, and "%%" written
    "%" as Jinja's own new-style gettext does."""
    template = (
        "{% for n in names %}{{ _('Hello %(name)s!', name=n) }}|"
        "{{ ngettext('%(num)d minute', '%(num)d minutes', loop.index) }}|"
        "{% trans num=loop.index %}{{ num }} second{% pluralize %}{{ num }} seconds"
        "{% endtrans %};{% endfor %}{{ _('100%%') }}|"
        "{{ ngettext('%(num)s point', '%(num)s points', 1200, num='1 200') }}"
    )
    with app.test_request_context():
        html = app.jinja_env.from_string(template).render(names=["<Sam>", "Léa"])
        text = app.jinja_env.from_string(
            "{% autoescape false %}" + template + "{% endautoescape %}"
        ).render(names=["<Sam>"])
    assert html == (
        "Bonjour &lt;Sam&gt;\u00a0!|1 minute|1 seconde;"
        "Bonjour Léa\u00a0!|2 minutes|2 secondes;100%|1 200 points"
    )
    assert text == "Bonjour <Sam>\u00a0!|1 minute|1 seconde;100%|1 200 points"


def test_strings_follow_a_language_switched_inside_a_request(app):
    """The catalogue kept for the request follows force_locale (a calendar feed, a tutor's
    link in the trainee's language) and refresh (a user who just changed language)."""
    from flask_babel import force_locale, refresh

    from webapp.core.i18n import gettext, lazy_gettext, ngettext

    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert gettext("Sign in") == "Sign in"
        with force_locale("fr"):
            assert gettext("Sign in") == "Se connecter"
            assert str(lazy_gettext("Sign in")) == "Se connecter"
        assert gettext("Sign in") == "Sign in"
        with force_locale("ar"):
            assert ngettext("%(num)d answer", "%(num)d answers", 2) != "2 answers"
        assert ngettext("%(num)d answer", "%(num)d answers", 2) == "2 answers"
        refresh()  # the locale is chosen again: still the browser's English
        assert gettext("Sign in") == "Sign in"


def test_the_read_aloud_language_and_the_day_follow_flask_babels_choice(app):
    """locale() and zone() read flask_babel's choice where it keeps it: a language forced
    inside a request (a tutor's link in the trainee's language) is the one a page says."""
    from flask_babel import force_locale

    from webapp.core.time import local_today

    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert str(i18n.locale()) == "en" == str(flask_babel.get_locale())
        with force_locale("ar"):
            assert str(i18n.locale()) == "ar"
            assert i18n.text_direction() == "rtl"
        assert str(i18n.locale()) == "en"
        assert i18n.zone() is flask_babel.get_timezone()
        assert local_today() == flask_babel.to_user_timezone(datetime.now(UTC)).date()


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_remembered_dates_are_written_as_flask_babel_writes_them_in_each_language(app, language):
    """Dates are remembered by language and zone: a page in Arabic never gets a French date
    written for another reader, and a moment late at night in Paris is already the next day."""
    moment = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 1 January 2027 in Paris
    with app.test_request_context(headers={"Accept-Language": language}):
        assert str(flask_babel.get_locale()) == language
        for value, form in [(date(2026, 12, 1), "full"), (date(2026, 12, 1), "d MMMM")]:
            assert i18n.format_date(value, form) == flask_babel.format_date(value, form)
            assert i18n.format_date(value, form) == flask_babel.format_date(value, form)  # again
        assert i18n.format_date(moment, "d MMMM") == flask_babel.format_date(moment, "d MMMM")
        assert i18n.format_time(moment, "short") == flask_babel.format_time(moment, "short")
        assert i18n.format_datetime(moment) == flask_babel.format_datetime(moment)
        written = i18n.format_date(date(2026, 12, 1), "EEEE")
    assert written == {"fr": "mardi", "en": "Tuesday", "ar": "الثلاثاء"}[language]
