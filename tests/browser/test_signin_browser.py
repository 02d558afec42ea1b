"""Issue 14 on a 360 px phone: the card's QR signs a trainee in with the card alone, a passphrase
typed with capitals, spaces and accents is accepted, and a turned-off card is refused."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import audit, sign_in
from webapp.accounts import services
from webapp.accounts.models import Role
from webapp.core.urls import public_url

LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def tokens(monkeypatch):
    """The tokens put in the QR codes the teacher prints (the live server runs in this process):
    opening one's address is what scanning the code does."""
    made = []
    real = services.new_card_token
    monkeypatch.setattr(
        services, "new_card_token", lambda user: made.append(real(user)) or made[-1]
    )
    return made


def _laptop(browser, live_server):
    context = browser.new_context(viewport=LAPTOP, locale="fr-FR", base_url=live_server)
    context.set_default_timeout(10_000)
    return context


@pytest.mark.parametrize("locale", ["fr-FR", "ar"])
def test_scan_the_card_and_sign_in_with_one_tap(
    browser, live_server, phone, make_group, make_user, tokens, shot, app, locale
):
    group = make_group(name="Cohorte Paris")
    teacher = make_user(Role.TEACHER, group=group, username="prof")
    laptop = _laptop(browser, live_server)
    try:
        desk = laptop.new_page()
        sign_in(desk, teacher.username)
        desk.goto(f"/groups/{group.id}/trainees/new")
        desk.fill("#names", "Fatou Diallo")
        desk.get_by_role("button", name="Créer les comptes").click()
        desk.wait_for_selector(".login-card")
        shot(desk, f"signin-cards-laptop-{locale}")
        desk.emulate_media(media="print")
        shot(desk, f"signin-cards-print-{locale}")
        desk.emulate_media(media="screen")
        username = desk.locator(".login-card__secret").first.inner_text()
        [token] = tokens
        assert token not in desk.locator("body").inner_text()  # only inside the QR code

        # Scanning the card: the phone opens the address in the QR code.
        with app.test_request_context():
            scanned = public_url("accounts.card_sign_in", u=username) + "#" + token
        trainee = phone(locale=locale)
        trainee.goto(scanned)
        button = trainee.locator("[data-card-sign-in] button[type=submit]")
        assert button.is_visible()
        assert token not in trainee.url  # taken out of the address bar and the history
        audit(trainee)
        shot(trainee, f"signin-card-scanned-{locale}")
        button.click()
        trainee.wait_for_url(re.compile(r"/$"))
        assert "Fatou" in trainee.locator("h1").inner_text()
        shot(trainee, f"signin-card-home-{locale}")

        # The teacher turns the card's QR off: scanning it again is refused, with no hint why.
        desk.goto(f"/groups/{group.id}")
        desk.locator("details.more summary", has_text="QR").click()  # asked to confirm first
        shot(desk, f"signin-group-with-qr-{locale}")
        desk.locator("form[action$='/card-qr/revoke'] button").click()
        desk.wait_for_url(f"**/groups/{group.id}")
        shot(desk, f"signin-qr-turned-off-{locale}")
        assert desk.locator("form[action$='/card-qr/revoke']").count() == 0
        again = phone(locale=locale)
        again.goto(scanned)
        again.locator("[data-card-sign-in] button[type=submit]").click()
        alert = again.get_by_role("alert")
        expect(alert).to_be_visible()
        assert again.locator("h1").inner_text()  # the same page, not an error page
        audit(again)
        shot(again, f"signin-card-refused-{locale}")
    finally:
        laptop.close()


def test_without_javascript_the_card_leads_to_the_usual_sign_in(phone, make_user):
    trainee = make_user(username="fatou.d")
    page = phone(javascript=False)
    page.goto("/card?u=fatou.d#a-token-nobody-can-read-without-javascript")
    assert not page.locator("[data-card-sign-in]").is_visible()
    page.locator("a[href='/login?u=fatou.d']").click()
    page.wait_for_url("**/login?u=fatou.d")
    assert page.input_value("#username") == trainee.username


def test_passphrase_typed_with_capitals_spaces_and_accents(phone, make_user, shot):
    make_user(username="samir.b", passphrase="soleil-cafe-jardin")
    page = phone()
    page.goto("/login?u=samir.b")
    page.fill("#passphrase", "  Soleil Café  Jardin ")
    page.locator("button.reveal").click()
    audit(page)
    shot(page, "signin-passphrase-typed")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.locator("h1").is_visible()
