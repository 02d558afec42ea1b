"""Counts in every language: each plural message, rendered for 0, 1, 2, 3, 11 and 100, takes the
form its language asks for (Arabic has six: zero, one, two, few 3-10, many 11-99, other 100+)."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from webapp.core.i18n import ngettext

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = (0, 1, 2, 3, 11, 100)
# The form each language must use for each sample count, written out rather than computed from the
# catalog's own Plural-Forms header, so a wrong header fails too (CLDR plural rules).
FORM = {
    "fr": {0: 0, 1: 0, 2: 1, 3: 1, 11: 1, 100: 1},
    "en": {0: 1, 1: 0, 2: 1, 3: 1, 11: 1, 100: 1},
    "ar": {0: 0, 1: 1, 2: 2, 3: 3, 11: 4, 100: 5},
}
TANWEEN = "\u064b"  # the accusative mark of "11 سؤالًا", "15 دقيقةً": the many form has one more


def _catalog(language):
    with open(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po)


def _plurals(language):
    return [m for m in _catalog(language) if m.id and isinstance(m.id, tuple)]


def _values(message, n):
    """A value for every placeholder of the message; the count is n."""
    names = set(re.findall(r"%\((\w+)\)", " ".join(message.id)))
    return {name: 7 if name in ("done", "asked", "max") else "12:30" for name in names} | {"num": n}


@pytest.mark.parametrize("language", sorted(FORM))
def test_every_count_takes_its_form(app, language):
    messages = _plurals(language)
    assert len(messages) >= 25
    with app.test_request_context(), force_locale(language):
        for message in messages:
            for n in SAMPLE:
                values = _values(message, n)
                shown = ngettext(*message.id, **values)
                expected = message.string[FORM[language][n]] % values
                assert shown == expected, (language, message.id[0], n, shown)


def test_arabic_forms_are_six_different_grammars():
    for message in _plurals("ar"):
        zero, one, two, few, many, other = message.string
        name = message.id[0]
        assert len({one, two, few, many, other}) == 5, name
        # 11-99 take the accusative singular ("11 سؤالًا"), 100+ the genitive ("100 سؤال"): the
        # swapped forms of old showed "15 سؤال".
        assert many.count(TANWEEN) > other.count(TANWEEN), name
        assert all(re.search(r"%\(num\)[ds]", form) for form in (few, many, other)), name


@pytest.mark.parametrize("language", sorted(FORM))
def test_no_count_without_plural_forms(language):
    for message in _catalog(language):
        if message.id and not isinstance(message.id, tuple):
            assert not re.search(r"%\((num|count|days|minutes)\)", message.id), message.id


@pytest.mark.parametrize(
    "n, text", [(14, "منذ 14 يومًا"), (3, "منذ 3 أيام"), (2, "منذ يومين"), (100, "منذ 100 يوم")]
)
def test_days_not_seen_in_arabic(app, n, text):
    with app.test_request_context(), force_locale("ar"):
        assert text in ngettext("Not seen for %(num)d day", "Not seen for %(num)d days", n)


def test_a_deadline_reads_by_not_ago(app):
    with app.test_request_context(), force_locale("ar"):
        from webapp.core.i18n import gettext

        assert gettext("by %(date)s", date="3 ديسمبر") == "بحلول 3 ديسمبر"


@pytest.mark.parametrize(
    "language, shown", [("fr", "1\u202f250 points"), ("en", "1,250 points"), ("ar", "1,250 نقطةً")]
)  # 1250: n % 100 = 50, many
def test_live_scores_are_numbers_said_by_babel(app, language, shown):
    with app.test_request_context(), force_locale(language):
        score = app.jinja_env.from_string(
            '{{ ngettext("%(num)s point", "%(num)s points", n, num=n|numberformat) }}'
        )
        assert score.render(n=1250) == shown
