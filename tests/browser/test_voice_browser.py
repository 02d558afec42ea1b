"""A phone with no speech voice at all: every lesson item, the home screen, the budget figures and
the journal prompt can still be heard, from recordings (espeak-ng), online and offline."""

import re

import pytest

from tests.browser.test_journeys import audit, sign_in
from tests.browser.test_lessons_browser import FAKE_VOICE, FIXTURES, wait_until
from webapp.core import audio
from webapp.lessons import content, spoken

pytestmark = pytest.mark.usefixtures("voice_tools")
NO_VOICE = "delete window.speechSynthesis; delete Window.prototype.speechSynthesis;"
RECORDING = re.compile(r"^/audio/[0-9a-f]{32}\.opus$")


@pytest.fixture
def recorded(app, ctx):
    """The fixture lessons, loaded and recorded as `make run` does with the real content."""
    loaded, problems = content.read_lessons(FIXTURES)
    assert not problems
    content.load_lessons(loaded)
    audio.build(
        [text for lesson in loaded for text in spoken.lesson_texts(lesson)], app.config["AUDIO_DIR"]
    )


def hrefs(page):
    return page.eval_on_selector_all("a.speak", "links => links.map(a => a.getAttribute('href'))")


@pytest.mark.parametrize("locale", ["fr", "ar"])
def test_without_a_voice_every_lesson_item_plays_its_recording(
    phone, make_user, recorded, shot, locale
):
    trainee = make_user(locale=locale)
    page = phone()
    page.add_init_script(NO_VOICE)
    sign_in(page, trainee.username)
    page.goto("/lessons/test-cuisine")
    assert page.evaluate("'speechSynthesis' in window") is False
    speakers = page.locator("a.speak")
    assert speakers.count() >= 20
    assert all(RECORDING.match(href) for href in hrefs(page))
    # Order and match lines become tiles to tap with JavaScript: their lines (and speakers) hide.
    outside_tiles = 0
    for index in range(speakers.count()):
        speaker = speakers.nth(index)
        if not speaker.evaluate("a => !!a.closest('[data-tiles]')"):
            assert speaker.is_visible()
            outside_tiles += 1
    assert outside_tiles >= 15
    assert page.locator("[data-speech-controls]").is_visible()  # "read more slowly" works too
    with page.expect_response(re.compile(r"/audio/[0-9a-f]{32}\.opus$")) as played:
        page.locator("#ex-listen .listen .speak").click()
    assert played.value.status in (200, 206)
    assert played.value.header_value("content-type") == "audio/ogg"
    if locale == "ar":  # the translations under the French are read in Arabic
        assert page.locator(".tr .speak[data-lang=ar]").count() >= 3
    audit(page)
    shot(page, f"voice-lesson-{locale}")


def test_the_offline_copy_keeps_the_recordings(phone, make_user, recorded):
    trainee = make_user()
    page = phone()
    page.add_init_script(NO_VOICE)
    sign_in(page, trainee.username)
    page.goto("/lessons/test-cuisine")
    page.wait_for_selector("[data-save-offline]:not([hidden])")
    wanted = sorted(set(hrefs(page)))
    saved = (
        f"caches.open('passerelle-saved-{trainee.id}').then(c => c.keys())"
        ".then(keys => keys.map(r => new URL(r.url).pathname))"
    )
    wait_until(
        page,
        f"{saved}.then(paths => paths.filter(p => p.startsWith('/audio/')).length"
        f" >= {len(wanted)})",
    )
    page.context.set_offline(True)
    page.goto("/lessons/test-cuisine")  # the saved copy
    assert sorted(set(hrefs(page))) == wanted
    fetched = page.evaluate(
        "(url) => fetch(url).then(r => [r.ok, r.headers.get('content-type')])", wanted[0]
    )
    assert fetched == [True, "audio/ogg"]


@pytest.mark.parametrize("locale", ["ar", "en"])
def test_home_budget_and_journal_read_aloud_in_the_interface_language(
    phone, make_user, shot, locale
):
    trainee = make_user(locale=locale)
    page = phone(locale=locale)
    page.add_init_script(NO_VOICE)
    sign_in(page, trainee.username)
    page.goto("/budget")
    # Amounts are private: with no phone voice, recorded for this one answer from a POST (the
    # words in its body, in no address) and played; no link to a shared recording carries them.
    private = page.locator(f".speak--private[data-lang={locale}]").first
    assert private.is_visible()
    with page.expect_response(re.compile(r"/audio/private$")) as played:
        private.click()
    assert played.value.request.method == "POST"
    assert played.value.header_value("content-type") == "audio/ogg"
    assert played.value.header_value("cache-control") == "no-store"
    assert 'name="text"' in (played.value.request.post_data or "")
    assert page.url.endswith("/budget")  # played in place: the page stays
    shot(page, f"voice-budget-{locale}")
    assert all(
        "€" not in (say or "")
        for say in page.eval_on_selector_all(
            "a.speak", "links => links.map(a => a.getAttribute('href'))"
        )
    )
    for url, name in (("/", "home"), ("/journal/write", "journal")):
        page.goto(url)
        speaker = page.locator(f"a.speak[data-lang={locale}]").first
        assert speaker.is_visible(), url
        with page.expect_response(re.compile(r"/audio/[0-9a-f]{32}\.opus$")) as played:
            speaker.click()
        assert played.value.header_value("content-type") == "audio/ogg"
        audit(page)
        shot(page, f"voice-{name}-{locale}")


def hold(page, locator):
    """Press and hold, as a thumb does to hear a button, then lift."""
    box = locator.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(900)  # longer than the app's 600 ms hold
    page.mouse.up()


def test_holding_a_button_reads_its_label_without_pressing_it(phone, make_user, shot):
    trainee = make_user(locale="ar")
    page = phone(locale="ar")
    page.add_init_script(NO_VOICE)
    sign_in(page, trainee.username)
    page.goto("/")
    assert page.locator(".hint.with-speak").is_visible()  # the home screen says how
    save = page.locator("#quick-add button[type=submit], form button[type=submit]").first
    label = " ".join(save.inner_text().split())
    assert label
    with page.expect_response(re.compile(r"/audio/private$")) as said:
        hold(page, save)
    assert said.value.status == 200
    assert said.value.header_value("content-type") == "audio/ogg"
    posted = said.value.request.post_data or ""
    assert label in posted and 'name="lang"\r\n\r\nar' in posted
    assert page.url.endswith("/")  # heard, not pressed: nothing was sent
    shot(page, "hold-home-ar")
    tab = page.locator(".bottom-nav a").nth(1)
    with page.expect_response(re.compile(r"/audio/private$")):
        hold(page, tab)
    assert page.url.endswith("/")
    tab.click()  # an ordinary tap still goes there
    page.wait_for_url(re.compile(r"/(lessons|revision|budget|journal)"))


def test_holding_a_tab_uses_the_phone_voice_when_it_has_one(phone, make_user):
    trainee = make_user(locale="fr")
    page = phone()
    page.add_init_script(FAKE_VOICE)
    sign_in(page, trainee.username)
    page.goto("/budget")
    tab = page.locator(".bottom-nav a").first
    hold(page, tab)
    spoken = page.evaluate("window.__spoken")
    assert [text for text, _rate, _lang in spoken] == [" ".join(tab.inner_text().split())]
    assert page.url.endswith("/budget")
