"""On a 360 px phone, in French and Arabic: a refused form shows its message in sight, with the
cursor in the field to fix (with and without JavaScript); category names are whole; overspending
says "over by"."""

from datetime import date, timedelta

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_journeys import audit, sign_in
from webapp.budget import services as budget
from webapp.core.themes import THEME_NAMES


def in_sight(page, selector: str) -> dict:
    """Where the element is, and whether all of it is between the top of the screen and the
    bottom bar (which covers the bottom of the screen)."""
    return page.evaluate(
        """(selector) => {
        const box = document.querySelector(selector).getBoundingClientRect();
        const bar = document.querySelector('.bottom-nav');
        const bottom = bar ? bar.getBoundingClientRect().top : innerHeight;
        return {top: Math.round(box.top), bottom: Math.round(box.bottom), visible: bottom,
                scrolled: Math.round(scrollY), ok: box.top >= 0 && box.bottom <= bottom};
    }""",
        selector,
    )


def focused_on(page, element_id: str) -> None:
    page.wait_for_function(
        "(id) => document.activeElement && document.activeElement.id === id", arg=element_id
    )


def screen(page, name: str) -> None:
    """What the person sees: the screen, not the whole page."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def choose_language(page, lang: str) -> None:
    page.locator(f"form.languages button[value={lang}]").click()
    page.wait_for_selector(f"html[lang={lang}]")


def long_month(trainee) -> None:
    """A month with many lines, so the quick add sits far down the budget page."""
    today = date.today()
    budget.add_entry(trainee, "salary", True, 95000, today.replace(day=1), "salary", "")
    for number in range(12):
        day = max(today.replace(day=1), today - timedelta(days=number))
        budget.add_entry(trainee, f"line{number}", False, 350 + number, day, "food", "")


@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_bad_amount_on_the_budget_page_is_shown_in_sight_with_the_cursor_in_the_field(
    phone, make_user, make_group, lang, javascript
):
    trainee = make_user(group=make_group())
    long_month(trainee)
    page = phone(javascript=javascript)
    sign_in(page, trainee.username)
    choose_language(page, lang)
    page.goto("/budget")
    form_top = in_sight(page, "form.quick-add")["top"]
    assert form_top > page.viewport_size["height"]  # the form is below the first screen
    page.locator("form.quick-add").scroll_into_view_if_needed()
    page.fill("#amount", "douze")
    page.locator("form.quick-add button[type=submit]").click()
    page.wait_for_selector("#amount-error")
    focused_on(page, "amount")
    message, field = in_sight(page, "#amount-error"), in_sight(page, "#amount")
    assert message["ok"] and field["ok"], (message, field)
    assert page.locator("#amount").get_attribute("aria-invalid") == "true"
    assert "12,50" in page.locator("#amount-error").inner_text()
    screen(page, f"forms-budget-bad-amount-{lang}-{'js' if javascript else 'nojs'}")
    if javascript:  # axe-core runs as a script
        audit(page)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_an_empty_save_from_home_stays_home(phone, make_user, make_group, lang):
    trainee = make_user(group=make_group())
    page = phone()
    sign_in(page, trainee.username)
    choose_language(page, lang)
    page.goto("/")
    page.locator("form.quick-add button[type=submit]").click()
    page.wait_for_selector("#amount-error")
    assert page.url.endswith("/")  # the home screen, where it was typed
    assert page.locator("h2", has=page.locator("svg.icon-budget")).count() == 1  # "I spent…"
    assert page.locator(".per-day").count() == 0  # not the budget page
    focused_on(page, "amount")
    assert in_sight(page, "#amount-error")["ok"] and in_sight(page, "#amount")["ok"]
    screen(page, f"forms-home-empty-save-{lang}")
    # Fixed on home, it is saved.
    page.fill("#amount", "4,50")
    page.locator("form.quick-add button[type=submit]").click()
    page.wait_for_url("**/budget/**")


def test_a_long_form_puts_the_cursor_on_the_first_answer_missing(phone, make_user, make_group):
    trainee = make_user(group=make_group())
    page = phone(javascript=False)
    sign_in(page, trainee.username)
    page.goto("/journal/assessment/new")
    themes = list(THEME_NAMES)
    for theme in themes:
        if theme != themes[8]:
            page.locator(f"input[name=r_{theme}][value='3']").check(force=True)
    page.locator("main form.stack button[type=submit]").click()
    page.wait_for_selector(f"#r_{themes[8]}-error")
    focused_on(page, f"r_{themes[8]}-0")
    assert in_sight(page, f"#r_{themes[8]}-error")["ok"]
    screen(page, "forms-assessment-missing-answer-fr")


LONGEST = """(select) => {
    // The widest option's text against the room a closed select gives it (its arrow aside).
    const style = getComputedStyle(select), canvas = document.createElement('canvas');
    const context = canvas.getContext('2d');
    context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = select.clientWidth - parseFloat(style.paddingLeft)
        - parseFloat(style.paddingRight) - 20;
    const widest = [...select.options].map(o => [context.measureText(o.text).width, o.text])
        .sort((a, b) => b[0] - a[0])[0];
    return {room: Math.round(room), width: Math.round(widest[0]), text: widest[1]};
}"""


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_category_names_are_never_cut_at_360_px(phone, make_user, make_group, lang):
    trainee = make_user(group=make_group())
    long_month(trainee)
    budget.add_entry(trainee, "debt", False, 2000, date.today(), "debts", "Amende RATP")
    budget.add_category(trainee, "Abonnement salle de sport Lyon")  # 30 characters, the most
    page = phone()
    sign_in(page, trainee.username)
    choose_language(page, lang)
    for path in ("/", "/budget", "/budget/recurring"):
        page.goto(path)
        fits = page.locator("#category").evaluate(LONGEST)
        assert fits["width"] <= fits["room"], (path, fits)
    page.goto("/budget")
    cut = page.evaluate("""() => [...document.querySelectorAll('.entry, .list__row > a')]
        .filter(e => e.scrollWidth > e.clientWidth + 1
                     || e.getBoundingClientRect().right > innerWidth)
        .map(e => e.textContent.trim())""")
    assert cut == []
    page.goto("/")
    page.locator("form.quick-add").scroll_into_view_if_needed()
    page.select_option("#category", "debts")
    screen(page, f"forms-category-names-{lang}")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_overspending_says_over_by_how_much(phone, make_user, make_group, lang):
    trainee = make_user(group=make_group())
    first = date.today().replace(day=1)
    budget.add_entry(trainee, "in", True, 10000, first, "salary", "")
    budget.add_entry(trainee, "out", False, 14550, first, "food", "")
    page = phone()
    sign_in(page, trainee.username)
    choose_language(page, lang)
    page.goto("/budget")
    card = page.locator(".per-day").inner_text()
    assert ("45,50" in card or "45.50" in card) and ("dépassé" in card or "تجاوز" in card)
    assert "presque rien" not in card
    screen(page, f"forms-over-budget-{lang}")
    audit(page)
