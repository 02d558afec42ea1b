"""Order and match with the thumb on a 360 px phone, in French and in Arabic: tiles to tap."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_journeys import audit, sign_in
from tests.browser.test_lessons_browser import FIXTURES, wait_until
from webapp.extensions import db
from webapp.lessons import content
from webapp.lessons.models import ExerciseAttempt

ORDER = ("Je lave", "Je coupe", "Je cuis")
PAIRS = (("couteau", "knife"), ("casserole", "saucepan"), ("four", "oven"))


@pytest.fixture
def lessons(ctx):
    loaded, problems = content.read_lessons(FIXTURES)
    assert not problems
    content.load_lessons(loaded)


def tap(section, text):
    section.locator(".tapboard").get_by_text(text, exact=True).click()


def tap_order(section, texts):
    """Put the lines in their places by tapping them in order, as the phone's JavaScript asks.

    Lines already placed (an answer given before, kept on the card) are taken back first."""
    placed = section.locator(".slot .tap")
    while placed.count():
        placed.first.click()
    for text in texts:
        tap(section, text)


def tap_match(section, pairs):
    for left, right in pairs:
        tap(section, left)
        tap(section, right)


def slots(section):
    """The text in each place, "" for a free one."""
    return section.locator(".slot").evaluate_all(
        "slots => slots.map(s => (s.querySelector('.tap__text') || {}).textContent || '')"
    )


def snap(section, name):
    """A screenshot of one exercise, for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    section.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def thumb_sized(section):
    """Every tile at least 44 px high, its text at least 16 px."""
    for box in section.locator(".tap").evaluate_all(
        "tiles => tiles.map(t => [t.getBoundingClientRect().height,"
        " parseFloat(getComputedStyle(t).fontSize)])"
    ):
        assert box[0] >= 44 and box[1] >= 16, box


def every_tile_has_its_speaker(section):
    """Each tile can be heard before it is placed: a speaker beside it says the tile's words."""
    said = section.locator(".tapwrap").evaluate_all(
        "wraps => wraps.map(w => [w.querySelector('.tap__text').textContent,"
        " w.querySelector('.speak') && w.querySelector('.speak').dataset.say])"
    )
    assert said and all(words == say for words, say in said), said


@pytest.mark.parametrize("locale", ["fr-FR", "ar"])
def test_order_and_match_by_tapping_are_graded_right(phone, make_user, lessons, locale):
    trainee = make_user()
    page = phone(locale=locale)
    sign_in(page, trainee.username)
    page.goto("/lessons/test-cuisine")
    assert page.locator("html").get_attribute("dir") == ("rtl" if locale == "ar" else "ltr")
    name = locale[:2]

    order = page.locator("#ex-order")
    assert order.locator("select").first.is_hidden()  # the selects stay for the form, unseen
    thumb_sized(order)
    every_tile_has_its_speaker(order)
    order.locator(".pool .tapwrap .speak").first.click()  # heard, not placed
    assert slots(order) == ["", "", ""]
    tap(order, "Je cuis")  # a slip: first place...
    assert slots(order) == ["Je cuis", "", ""]
    tap(order, "Je cuis")  # ...tapped again, back where it was
    assert order.locator(".slot .tap").count() == 0
    tap_order(order, ORDER)
    assert slots(order) == list(ORDER)
    snap(order, f"thumbs-order-{name}")
    order.locator("button[type=submit]").click()
    page.wait_for_selector("#ex-order.exercise--right")

    match = page.locator("#ex-match")
    thumb_sized(match)
    every_tile_has_its_speaker(match)
    assert match.locator(".tapwrap .speak").count() == 6  # both sides heard
    tap_match(match, [("couteau", "oven")])  # a wrong pair...
    tap(match, "oven")  # ...undone with a tap
    assert match.locator(".tap--paired").count() == 0
    tap_match(match, [("four", "knife")])
    tap(match, "couteau")  # chosen, waiting for its match
    snap(match, f"thumbs-match-half-{name}")
    tap(match, "couteau")
    tap_match(match, PAIRS)  # "knife" moves from "four" to "couteau"
    colours = match.locator(".tap--paired").evaluate_all(
        "tiles => tiles.map(t => [t.textContent.trim().charAt(0), getComputedStyle(t).borderColor])"
    )
    assert len(colours) == 6
    for number in "123":  # each pair: one number, one colour, on both sides
        assert len({colour for digit, colour in colours if digit == number}) == 1
    audit(page)
    snap(match, f"thumbs-match-{name}")
    match.locator("button[type=submit]").click()
    page.wait_for_selector("#ex-match.exercise--right")

    attempts = db.session.scalars(
        sa.select(ExerciseAttempt).where(ExerciseAttempt.user_id == trainee.id)
    ).all()
    assert {(a.exercise_id, a.correct, a.first) for a in attempts} == {
        ("order", True, True),
        ("match", True, True),
    }
    assert next(a for a in attempts if a.exercise_id == "order").answer == list(ORDER)


@pytest.mark.parametrize("locale", ["fr-FR", "ar"])
def test_a_wrong_order_stays_placed_and_is_tried_again(phone, make_user, lessons, locale):
    trainee = make_user()
    page = phone(locale=locale)
    sign_in(page, trainee.username)
    page.goto("/lessons/test-cuisine")
    order = page.locator("#ex-order")
    tap_order(order, reversed(ORDER))
    order.locator("button[type=submit]").click()
    page.wait_for_selector("#ex-order.exercise--wrong")
    order = page.locator("#ex-order")  # swapped by htmx: tiles built again, as placed
    assert slots(order) == list(reversed(ORDER))
    assert order.locator(".explanation").is_visible()
    assert order.locator(".explanation__key").count() == 0  # not the key yet
    audit(page)
    snap(order, f"thumbs-wrong-{locale[:2]}")
    tap_order(order, ORDER)  # every tile back to the pool...
    tap_order(order, ORDER)  # ...and placed again, right
    order.locator("button[type=submit]").click()
    page.wait_for_selector("#ex-order.exercise--right")

    # A choice: kept and marked after a wrong try; the key only after the second.
    for number, wrong in enumerate(("un verre", "une cuillère"), 1):
        single = page.locator("#ex-single")
        single.get_by_role("radio", name=wrong, exact=True).check()
        single.locator("button[type=submit]").click()
        page.wait_for_selector(f"#ex-single .choice--wrong input[value='{wrong}']:checked")
        single = page.locator("#ex-single")
        assert single.locator(".choice--wrong input").get_attribute("value") == wrong
        assert single.locator(".explanation__key").count() == (number - 1)
        snap(single, f"thumbs-single-try{number}-{locale[:2]}")


def test_without_javascript_two_lines_in_one_place_keep_their_places(phone, make_user, lessons):
    trainee = make_user()
    page = phone(javascript=False)
    sign_in(page, trainee.username)
    page.goto("/lessons/test-cuisine")
    order = page.locator("#ex-order")
    for text in ORDER:
        order.get_by_label(text, exact=True).select_option("1")
    order.locator("button[type=submit]").click()
    order = page.locator("#ex-order")
    expect(order.get_by_role("alert")).to_be_visible()
    for text in ORDER:
        expect(order.get_by_label(text, exact=True)).to_have_value("1")
    snap(order, "thumbs-clash-nojs")
    for place, text in enumerate(ORDER, 1):
        order.get_by_label(text, exact=True).select_option(str(place))
    order.locator("button[type=submit]").click()
    page.wait_for_selector("#ex-order.exercise--right")


def test_offline_copy_grades_tapped_tiles_on_the_phone(phone, make_user, lessons):
    trainee = make_user()
    page = phone()
    sign_in(page, trainee.username)
    page.goto("/lessons/test-cuisine")
    page.wait_for_selector("[data-save-offline]:not([hidden])")
    page.context.set_offline(True)
    page.goto("/lessons/test-suite")  # the copy kept on the phone, with its keys
    order = page.locator("#ex-order")
    tap_order(order, ORDER)
    order.locator("button[type=submit]").click()
    order.locator("[data-local-grade].feedback--right").wait_for()
    match = page.locator("#ex-match")
    tap_match(match, [("couteau", "saucepan"), ("casserole", "knife"), ("four", "oven")])
    match.locator("button[type=submit]").click()
    match.locator("[data-local-grade].feedback--wrong").wait_for()
    page.context.set_offline(False)
    page.goto("/lessons/test-suite")  # back online: the queue is sent, the server grades again
    wait_until(page, "Outbox.all().then(items => items.length === 0)")
    graded = dict(
        db.session.execute(
            sa.select(ExerciseAttempt.exercise_id, ExerciseAttempt.correct).where(
                ExerciseAttempt.lesson_id == "test-suite"
            )
        ).all()
    )
    assert graded == {"order": True, "match": False}
