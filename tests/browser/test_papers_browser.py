"""My papers on a 360 px phone: photograph an ID card, share it for a week, see who opened it."""

import re
from datetime import date, timedelta

from tests.browser.test_journeys import audit, sign_in
from tests.test_papers import id_card_photo
from webapp.accounts.models import Role


def test_a_trainee_photographs_an_id_card_and_shares_it_for_a_week(
    phone, make_user, make_group, shot
):
    group = make_group()
    trainee = make_user(group=group, display_name="Samir Benali")
    teacher = make_user(Role.TEACHER, group=group, display_name="Karim Haddad")
    page = phone()
    sign_in(page, trainee.username)
    page.locator("a.tile[href='/papers']").click()
    page.wait_for_url("**/papers")
    audit(page)
    page.locator("a[href='/papers/new']").click()
    page.wait_for_url("**/papers/new")  # the form's page, not the list still unloading
    audit(page)
    # A file too large is said on the field as soon as it is chosen, before it is sent.
    page.set_input_files(
        "#photo",
        files=[{"name": "big.jpg", "mimeType": "image/jpeg", "buffer": b"\0" * (11 << 20)}],
    )
    assert "trop gros" in page.locator("#file-size-error").inner_text()
    assert page.evaluate("document.querySelector('#photo').files.length") == 0
    # The photo of a (drawn) identity card, valid for 40 more days.
    page.locator("label.check", has_text="Carte d’identité").click()
    page.set_input_files(
        "#photo",
        files=[{"name": "IMG_0042.jpg", "mimeType": "image/jpeg", "buffer": id_card_photo()}],
    )
    page.fill("#expires_on", (date.today() + timedelta(days=40)).isoformat())
    assert page.locator("#file-size-error").is_hidden()
    shot(page, "papers-new")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(re.compile(r"/papers/\d+$"))
    page.locator("img.paper-preview").wait_for()
    assert page.evaluate("document.querySelector('img.paper-preview').naturalWidth") == 1600
    audit(page)
    # Shared with the group's teacher for a week.
    page.locator("details.more summary", has_text="formateur").click()
    page.select_option("#staff_id", label="Karim Haddad")
    page.locator("label.check", has_text="Une semaine").click()
    page.locator("form[action$='/share'] button[type=submit]").click()
    page.wait_for_selector(".flash--success")
    assert "Karim Haddad" in page.locator("ul.list").inner_text()
    audit(page)
    shot(page, "papers-document")
    page.goto("/")
    assert "Carte d’identité : valable jusqu’au" in page.locator(".reminder").first.inner_text()
    shot(page, "papers-home")

    staff = phone()
    sign_in(staff, teacher.username)
    staff.locator("a.tile[href='/papers/shared']").click()
    staff.wait_for_url("**/papers/shared")
    audit(staff)
    assert "Samir Benali" in staff.locator("ul.list").inner_text()
    shot(staff, "papers-shared")
    with staff.expect_response("**/papers/shared/*") as opened:
        staff.get_by_role("link", name="Ouvrir").click()
    assert opened.value.status == 200
    assert opened.value.headers["cache-control"] == "no-store"

    page.goto("/privacy/seen")
    assert "Karim Haddad a ouvert un papier que vous lui montrez" in page.inner_text("main")
    shot(page, "papers-seen")


def test_papers_read_right_to_left_in_arabic(phone, make_user, make_group, shot):
    trainee = make_user(group=make_group(), locale="ar")
    page = phone(locale="ar")
    sign_in(page, trainee.username)
    page.goto("/papers/new")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert "بطاقة الهوية" in page.inner_text("main")
    audit(page)
    shot(page, "papers-new-ar")


def test_a_paper_is_added_and_downloaded_without_javascript(phone, make_user, make_group):
    trainee = make_user(group=make_group())
    page = phone(javascript=False)
    sign_in(page, trainee.username)
    page.goto("/papers/new")
    page.locator("label.check", has_text="Fiche de paie").click()
    page.set_input_files(
        "#file",
        files=[{"name": "paie.jpg", "mimeType": "image/jpeg", "buffer": id_card_photo()}],
    )
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(re.compile(r"/papers/\d+$"))
    assert "Fiche de paie" in page.inner_text("h1")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger").click()
    assert download.value.suggested_filename.startswith("payslip-")
