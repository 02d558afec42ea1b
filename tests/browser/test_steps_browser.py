"""My steps on a 360 px phone, in French and in Arabic: tick two steps, note where I am, share one
with the social worker (a teacher of the group), who comments and sees it waiting on Today."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import audit, sign_in
from webapp.accounts.models import Role
from webapp.steps import content


@pytest.fixture
def steps_loaded(ctx):
    steps, problems = content.read_steps()
    assert problems == []
    content.load_steps(steps)


def tick(page, step_id):
    """Tap a step's square: sent through the outbox, then the list comes back ticked."""
    before = page.locator("button.tick--done").count()
    page.locator(f"form[action='/steps/{step_id}/tick'] button").click()
    page.locator("button.tick--done").nth(before).wait_for()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_tick_two_steps_and_share_one(phone, make_user, make_group, shot, steps_loaded, language):
    group = make_group()
    trainee = make_user(group=group, display_name="Nadia Kaci", locale=language)
    teacher = make_user(Role.TEACHER, group=group, display_name="Karim Haddad")
    page = phone(locale="ar" if language == "ar" else "fr-FR")
    sign_in(page, trainee.username)
    page.goto("/steps")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    # French content stays French, left to right, inside an Arabic page.
    title = page.locator("strong[lang=fr]", has_text="Ma carte d'identité")
    assert title.get_attribute("dir") == "ltr"
    audit(page)
    tick(page, "carte-identite")
    tick(page, "france-travail")
    assert page.locator("button.tick--done").count() == 2
    audit(page)
    shot(page, f"steps-{language}-list")

    page.locator("a[href='/steps/logement']").click()
    page.wait_for_url("**/steps/logement")
    assert page.locator("a[href^='https://www.demande-logement-social.gouv.fr']").count() == 1
    assert page.locator(".speak").count() >= 5  # title, why, text, what to bring, where, delay
    if language == "ar":
        assert "مأوى" in page.content()  # the title's essentials in Arabic, under the French
    page.fill("#note", "Dossier SIAO envoyé")
    page.fill("#waiting_since", (date.today() - timedelta(days=12)).isoformat())
    page.fill("#remind_on", (date.today() + timedelta(days=3)).isoformat())
    page.locator("form[action='/steps/logement/status'] button[type=submit]").click()
    page.wait_for_selector("input#note[value='Dossier SIAO envoyé']")
    page.locator("button[name=share][value='1']").click()
    page.wait_for_selector("button[name=share][value='0']")
    assert "Karim Haddad" in page.locator(".share__who").inner_text()
    audit(page)
    shot(page, f"steps-{language}-step")

    # The social worker sees the shared step waiting on Today, opens it, and answers.
    staff = phone()
    staff.set_viewport_size({"width": 1024, "height": 768})
    sign_in(staff, teacher.username)
    staff.goto("/dashboard")
    waiting = staff.locator(f"a[href='/steps/shared/{trainee.id}']")
    assert "Un toit" in waiting.inner_text()
    if language == "fr":
        shot(staff, "steps-teacher-today")
    waiting.click()
    staff.wait_for_url(f"**/steps/shared/{trainee.id}")
    content_seen = staff.content()
    assert "Dossier SIAO envoyé" in content_seen
    assert (
        "Ma carte d&#39;identité" not in content_seen and "Ma carte d'identité" not in content_seen
    )
    staff.locator("textarea").fill("J'appelle le SIAO jeudi avec vous.")
    staff.locator("form.stack button").click()
    staff.wait_for_selector("p.comment")
    audit(staff)
    page.goto("/steps/logement")
    assert "J'appelle le SIAO jeudi avec vous." in page.locator("p.comment").inner_text()
    # The visit is on the trainee's "who saw my data".
    page.goto("/privacy/seen")
    assert "Karim Haddad" in page.content()


def test_without_javascript_a_tick_works_and_a_date_in_9999_is_explained(
    phone, make_user, make_group, shot, steps_loaded
):
    trainee = make_user(group=make_group(), display_name="Olek Wisniewski")
    page = phone(javascript=False)
    sign_in(page, trainee.username)
    page.goto("/steps")
    page.locator("form[action='/steps/caf/tick'] button").click()
    page.wait_for_url("**/steps")
    assert page.locator("button.tick--done").count() == 1
    page.goto("/steps/caf")
    page.fill("#remind_on", "9999-01-01")
    page.locator("form[action='/steps/caf/status'] button[type=submit]").click()
    error = page.locator("#remind_on-error")
    expect(error).to_contain_text("2100")  # "Choose a date between ... and 31 December 2100."
    expect(page.locator("#remind_on")).to_have_attribute("aria-invalid", "true")
    # (No axe audit here: it runs in the page's JavaScript; the same page is audited above.)
    shot(page, "steps-fr-date-error")
