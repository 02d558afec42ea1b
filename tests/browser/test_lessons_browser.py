"""A trainee's lesson on a 360 px phone: read aloud, every exercise type, offline and back."""

import re
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.test_journeys import audit, sign_in
from webapp.extensions import db
from webapp.lessons import content
from webapp.lessons.models import ExerciseAttempt, LessonProgress

FIXTURES = Path(__file__).parents[1] / "fixtures" / "lessons"
# The phone has a French voice; what it is asked to say is recorded for the test to read.
FAKE_VOICE = """
  window.__spoken = [];
  const voices = [{lang: 'fr-FR', name: 'Test FR'}];
  Object.defineProperty(window, 'speechSynthesis', {value: {
    getVoices: () => voices, speak: (u) => window.__spoken.push([u.text, u.rate, u.lang]),
    cancel: () => {}, addEventListener: () => {}}});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
"""


@pytest.fixture
def lessons(ctx):
    loaded, problems = content.read_lessons(FIXTURES)
    assert not problems
    content.load_lessons(loaded)


def wait_until(page, expression, seconds=10.0):
    """Poll an expression (wait_for_function would need eval, which the CSP forbids)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(100)


def answer(page, exercise_id, fill):
    section = page.locator(f"#ex-{exercise_id}")
    fill(section)
    section.locator("button[type=submit]").click()


def right_answers(page, javascript=True):
    from tests.browser.test_thumbs_browser import PAIRS, tap_match, tap_order

    steps = {
        "single": lambda s: s.get_by_role("radio", name="un couteau", exact=True).check(),
        "multiple": lambda s: (
            s.get_by_role("checkbox", name="la casserole", exact=True).check(),
            s.get_by_role("checkbox", name="la poêle", exact=True).check(),
        ),
        "blank": lambda s: s.locator("input[name=text]").fill("Four"),
        "match": lambda s: [
            s.get_by_label(left, exact=True).select_option(right)
            for left, right in (("couteau", "knife"), ("casserole", "saucepan"), ("four", "oven"))
        ],
        "order": lambda s: [
            s.get_by_label(text, exact=True).select_option(str(place))
            for place, text in enumerate(("Je lave", "Je coupe", "Je cuis"), 1)
        ],
        "listen": lambda s: s.get_by_role("radio", name="la casserole", exact=True).check(),
        "picture": lambda s: s.get_by_role("radio", name="le four", exact=True).check(),
    }
    if javascript:  # tiles to tap; the selects are the fallback without JavaScript
        steps["match"] = lambda s: tap_match(s, PAIRS)
        steps["order"] = lambda s: tap_order(s, ("Je lave", "Je coupe", "Je cuis"))
    for exercise_id, fill in steps.items():
        answer(page, exercise_id, fill)
        page.wait_for_selector(f"#ex-{exercise_id}.exercise--right")


def test_lesson_read_aloud_and_every_type_with_javascript(phone, make_user, lessons, shot):
    trainee = make_user()
    page = phone()
    page.add_init_script(FAKE_VOICE)
    sign_in(page, trainee.username)
    page.get_by_role("link", name="Dans la cuisine").click()
    page.wait_for_url("**/lessons/test-cuisine")
    audit(page)
    shot(page, "lesson-fr")
    first = page.locator(".block .speak").first
    assert first.is_visible()
    first.click()
    page.locator("[data-speak-slow]").check()
    page.locator("#ex-listen .listen .speak").click()
    spoken = page.evaluate("window.__spoken")
    assert spoken[0] == ["Le couteau coupe les légumes.", 1, "fr-FR"]
    assert spoken[1] == ["la casserole", 0.6, "fr-FR"]
    url = page.url
    right_answers(page)
    assert page.url == url  # htmx swapped each exercise in place
    audit(page)
    shot(page, "lesson-answered")
    progress = db.session.scalar(sa.select(LessonProgress))
    assert progress.completed_at is not None and progress.correct_first == 7


def test_every_type_without_javascript(phone, make_user, lessons):
    trainee = make_user()
    page = phone(javascript=False)
    sign_in(page, trainee.username)
    page.goto("/lessons/test-cuisine")
    answer(page, "single", lambda s: s.get_by_role("radio", name="un verre", exact=True).check())
    section = page.locator("#ex-single")
    expect(section).to_have_class(re.compile(r"\bexercise--wrong\b"))
    expect(section).to_contain_text("Le couteau sert à couper.")
    right_answers(page, javascript=False)
    assert db.session.scalar(sa.select(LessonProgress.correct_first)) == 6


def test_next_lesson_offline_answer_recorded_once(phone, make_user, lessons, shot):
    trainee = make_user()
    page = phone()
    sign_in(page, trainee.username)
    page.goto("/lessons/test-cuisine")
    page.wait_for_selector("[data-save-offline]:not([hidden])")
    # The size in the page's language (Intl): "(54 ko)" in French.
    assert re.search(r"\(\d+\s?ko\)", page.locator("[data-save-offline]").inner_text())
    page.context.set_offline(True)
    page.goto("/lessons/test-suite")  # never opened online: the saved copy opens
    assert "La suite" in page.locator("h1").inner_text()
    shot(page, "lesson-offline")
    section = page.locator("#ex-single")
    section.locator("input[type=radio]:not([value='un couteau'])").first.check()  # a wrong one
    section.locator("button[type=submit]").click()
    section.locator("[data-queued]").wait_for()
    section.locator("button[type=submit]").click()  # a second tap on the same answer: the same
    page.wait_for_timeout(300)
    assert page.evaluate("Outbox.all().then(items => items.length)") == 1
    section.get_by_role("radio", name="un couteau", exact=True).check()  # then the right one
    section.locator("button[type=submit]").click()
    wait_until(page, "Outbox.all().then(items => items.length === 2)")
    page.context.set_offline(False)
    page.goto("/lessons/test-suite")  # back online: the queue is sent
    wait_until(page, "Outbox.all().then(items => items.length === 0)")
    attempts = db.session.scalars(
        sa.select(ExerciseAttempt).where(ExerciseAttempt.lesson_id == "test-suite")
    ).all()
    assert len(attempts) == 2  # two answers, each recorded once
    page.reload()
    assert "exercise--right" in page.locator("#ex-single").get_attribute("class")


def test_queued_answer_survives_an_expired_csrf_token(phone, make_user, lessons):
    trainee = make_user()
    page = phone()
    sign_in(page, trainee.username)
    page.goto("/lessons/test-cuisine")
    page.evaluate(f"""() => Outbox.add({{
        client_id: 'queued-1', kind: 'lesson', user: {trainee.id}, state: 'waiting', attempts: 0,
        url: '/lessons/test-cuisine/exercises/single',
        body: [['csrf_token', 'expired-token'], ['client_id', 'queued-1'],
               ['choice', 'un couteau']]}})""")
    page.reload()
    wait_until(page, "Outbox.all().then(items => items.length === 0)")
    attempts = db.session.scalars(sa.select(ExerciseAttempt.client_id)).all()
    assert attempts == ["queued-1"]
