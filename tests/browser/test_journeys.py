"""A person's journeys in a real browser on a 360 px phone, with axe-core audits."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.conftest import PASSPHRASE
from webapp.accounts.models import Role

axe = Axe()


def audit(page):
    """Zero axe-core violations, and nothing wider than the phone."""
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """(limit) => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > limit + 1)
        .slice(0, 3).map(e => e.outerHTML.slice(0, 80))""",
        page.viewport_size["width"],
    )
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways ({width}px): {wide}"


def sign_in(page, username, passphrase=PASSPHRASE):
    page.goto(f"/login?u={username}")
    page.fill("#passphrase", passphrase)
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))


def test_teacher_prints_cards_and_trainee_signs_in_with_one(phone, make_group, make_user, shot):
    group = make_group(name="Cohorte Paris")
    teacher = make_user(Role.TEACHER, group=group, username="prof")
    staff_phone = phone()
    sign_in(staff_phone, teacher.username)
    staff_phone.goto(f"/groups/{group.id}/trainees/new")
    audit(staff_phone)
    staff_phone.fill("#names", "Fatou Diallo\nSamir Benali")
    staff_phone.get_by_role("button", name="Créer les comptes").click()
    staff_phone.wait_for_selector(".login-card")
    audit(staff_phone)
    shot(staff_phone, "login-cards")
    card = staff_phone.locator(".login-card").first
    username, passphrase = card.locator(".login-card__secret").all_inner_texts()
    link = card.locator(".login-card__link").inner_text()
    assert link.endswith(f"/login?u={username}")

    trainee_phone = phone()
    trainee_phone.goto(link)  # as the QR code does
    assert trainee_phone.input_value("#username") == username
    trainee_phone.fill("#passphrase", passphrase)
    trainee_phone.get_by_role("button", name="Se connecter").click()
    trainee_phone.wait_for_url(re.compile(r"/$"))
    assert "Bonjour Fatou" in trainee_phone.locator("h1").inner_text()
    audit(trainee_phone)
    shot(trainee_phone, "home-fr")


def test_home_in_three_languages_and_arabic_mirrors(phone, make_group, make_user, shot):
    group = make_group()
    trainee = make_user(group=group, display_name="Nadia Kaci")
    page = phone()
    sign_in(page, trainee.username)
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang=en]")
    expect(page.locator("h1")).to_contain_text("Hello Nadia")
    shot(page, "home-en")
    page.get_by_role("button", name="العربية").click()
    page.wait_for_selector("html[dir=rtl]")
    page.wait_for_load_state()  # the new page's root is there first; the rest is still coming
    audit(page)
    shot(page, "home-ar")
    # Mirrored: the first item of the bottom navigation is now on the right.
    first = page.locator(".bottom-nav li").first.bounding_box()
    last = page.locator(".bottom-nav li").last.bounding_box()
    assert first["x"] > last["x"]
    # The choice is kept on the account: a new phone opens in Arabic too.
    other = phone(locale="fr-FR")
    sign_in(other, trainee.username)
    assert other.locator("html").get_attribute("dir") == "rtl"


def test_offline_page_when_the_network_is_gone(phone, make_user, shot):
    trainee = make_user()
    page = phone()
    sign_in(page, trainee.username)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # the worker now controls the page
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    cached = page.evaluate(
        """async () => { const found = {};
             for (const name of await caches.keys()) {
               found[name] = [];
               for (const request of await (await caches.open(name)).keys())
                 found[name].push(new URL(request.url).pathname); }
             return found; }"""
    )
    # The shell cache holds nothing personal; a trainee's own copies sit in a cache named
    # after them (cleared at sign-out and when someone else signs in).
    shell = [paths for name, paths in cached.items() if not name.startswith("passerelle-saved-")]
    assert len(shell) == 1 and "/offline" in shell[0]
    assert all(path.startswith("/static/") or path == "/offline" for path in shell[0]), shell
    assert set(cached) - {name for name in cached if not name.startswith("passerelle-saved-")} <= {
        f"passerelle-saved-{trainee.id}"
    }
    page.context.set_offline(True)
    page.wait_for_function("() => navigator.onLine === false")  # the emulation has taken hold
    page.goto("/me")
    page.wait_for_selector("text=Pas de connexion")
    assert trainee.display_name not in page.content()
    audit(page)
    shot(page, "offline")
    page.context.set_offline(False)


def test_signs_in_without_javascript(phone, make_user):
    trainee = make_user(display_name="Kevin Martin")
    page = phone(javascript=False)
    sign_in(page, trainee.username)
    assert "Bonjour Kevin" in page.locator("h1").inner_text()
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_contain_text("Hello Kevin")


def test_wrong_passphrase_message_is_read_with_the_field(phone, make_user):
    trainee = make_user()
    page = phone()
    page.goto(f"/login?u={trainee.username}")
    page.fill("#passphrase", "pas-la-bonne-phrase")
    page.get_by_role("button", name="Se connecter").click()
    field = page.locator("#passphrase")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", re.compile(r"passphrase-error"))
    audit(page)


@pytest.mark.parametrize("locale", ["fr-FR", "ar"])
def test_every_page_passes_axe(phone, make_group, make_user, locale, shot):
    group = make_group()
    admin = make_user(Role.ADMIN)
    teacher = make_user(Role.TEACHER, group=group)
    trainee = make_user(group=group)
    page = phone(locale=locale)
    for url in ("/login", "/reset", "/offline", "/no-such-page"):
        page.goto(url)
        audit(page)
    sign_in(page, trainee.username)
    for url in ("/", "/me", "/assigned"):
        page.goto(url)
        audit(page)
    page.context.clear_cookies()
    sign_in(page, teacher.username)
    for url in ("/", "/groups", f"/groups/{group.id}", f"/groups/{group.id}/trainees/new"):
        page.goto(url)
        audit(page)
    page.goto(f"/groups/{group.id}")
    page.locator(".list__row form button").first.click()
    page.wait_for_selector(".code")
    audit(page)
    shot(page, f"reset-code-{locale}")
    page.context.clear_cookies()
    sign_in(page, admin.username)
    for url in ("/", "/sites", "/groups/new", "/staff", "/staff/new", f"/groups/{group.id}"):
        page.goto(url)
        audit(page)
    shot(page, f"admin-group-{locale}")


def test_touch_targets_are_at_least_44px(phone, make_group, make_user):
    group = make_group()
    teacher = make_user(Role.TEACHER, group=group)
    make_user(group=group)
    page = phone()
    for url in ("/login", None):
        if url:
            page.goto(url)
        else:
            sign_in(page, teacher.username)
            page.goto(f"/groups/{group.id}")
        small = page.evaluate(
            """() => [...document.querySelectorAll(
                   'button, input, select, textarea, nav a, .button')]
                 .filter(e => e.offsetParent !== null && e.type !== 'hidden')
                 .map(e => [e.outerHTML.slice(0, 60), e.getBoundingClientRect()])
                 .filter(([_, r]) => r.height < 44 || r.width < 44)
                 .map(([h, r]) => h + ' ' + Math.round(r.width) + 'x' + Math.round(r.height))"""
        )
        # A checkbox's target is its whole label (at least 44 px high), checked below.
        assert not [entry for entry in small if 'type="checkbox"' not in entry], small
        labels = page.evaluate(
            "[...document.querySelectorAll('label.check')]"
            ".map(e => e.getBoundingClientRect().height)"
        )
        assert all(height >= 44 for height in labels)


def test_pages_reflow_at_320px(browser, live_server, make_group, make_user):
    """Also what 200 % zoom on a 640 px screen gives: nothing may need sideways scrolling."""
    group = make_group(name="Agents de restauration 2026 – Paris Aubervilliers")
    teacher = make_user(Role.TEACHER, group=group)
    make_user(group=group, display_name="Marie-Christine Dupont-Lefebvre")
    context = browser.new_context(viewport={"width": 320, "height": 640}, base_url=live_server)
    page = context.new_page()
    page.goto("/login")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    sign_in(page, teacher.username)
    for url in ("/", f"/groups/{group.id}", "/me"):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, url
    context.close()
