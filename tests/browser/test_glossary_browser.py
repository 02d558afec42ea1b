"""Trade words on a 360 px phone, in French and Arabic: tap a word in a question, read its gloss."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import audit, sign_in
from tests.test_glossary import _question_with_terms
from webapp.core import glossary
from webapp.revision import services


def document_top(page, selector):
    return page.evaluate(
        "(s) => document.querySelector(s).getBoundingClientRect().top + window.scrollY", selector
    )


@pytest.mark.parametrize(
    ("locale", "javascript"), [("fr-FR", True), ("ar", True), ("fr-FR", False)]
)
def test_tap_a_word_in_a_question(phone, make_user, make_group, ctx, shot, locale, javascript):
    question = _question_with_terms()
    services.load_bank([question])
    trainee = make_user(group=make_group(), locale=locale[:2])
    page = phone(locale=locale, javascript=javascript)
    sign_in(page, trainee.username)
    page.goto("/revision/review")
    marker = glossary.default_marker()
    shown = glossary.card_glossary(question, "g", False, marker).terms
    word = next(t for t in marker.terms_in(question["question"]) if t in shown)
    entry = page.locator(f"#g-{question['id']}-{word.slug}")
    assert not entry.is_visible()  # the box is closed: the question and choices come first
    heading = document_top(page, "h1.question")
    choices = document_top(page, "fieldset")
    name = f"glossary-{locale[:2]}{'' if javascript else '-nojs'}"
    if javascript:
        audit(page)
        # The French question keeps its own direction inside an Arabic page.
        assert (
            page.locator("h1.question span[lang=fr]").evaluate("e => getComputedStyle(e).direction")
            == "ltr"
        )
    shot(page, f"{name}-closed")

    page.locator("h1.question a.term").first.click()
    expect(entry).to_be_visible()  # the browser opened the box to show the word's entry
    assert page.locator("details.terms").evaluate("d => d.open")
    assert entry.locator("p[lang=fr]").last.inner_text() == word.define
    arabic = entry.locator("span[lang=ar]")
    assert arabic.inner_text() == word.ar and arabic.get_attribute("dir") == "rtl"
    # Nothing above the box moved: the question did not jump, the box opened below it.
    assert document_top(page, "h1.question") == heading
    assert document_top(page, "fieldset") > choices
    in_view = entry.evaluate(
        "e => { const r = e.getBoundingClientRect();"
        " return r.top >= 0 && r.top < window.innerHeight; }"
    )
    assert in_view
    if javascript:
        assert arabic.evaluate("e => getComputedStyle(e).direction") == "rtl"
        assert entry.locator(".speak").count() == 1
        audit(page)
    shot(page, f"{name}-open")

    # Once answered, the right answer and the explanation are glossed too.
    page.locator("fieldset input[type=radio]").first.check()
    page.locator("section.exercise form button[type=submit]").click()
    page.wait_for_selector(".explanation")
    after = glossary.card_glossary(question, "g", True, marker).terms
    assert page.locator("details.terms li").count() == len(after) >= len(shown)
    if javascript:
        audit(page)
    shot(page, f"{name}-answered")
