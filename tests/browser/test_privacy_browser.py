"""Data rights on a 360 px phone: the notice, my data, who saw it, deleting, erasing."""

import json

from playwright.sync_api import expect

from tests.browser.test_journeys import audit, sign_in
from webapp.accounts.models import Role, User
from webapp.extensions import db


def test_notice_export_who_saw_delete_and_erase(phone, make_user, make_group, shot):
    group = make_group()
    trainee = make_user(group=group, display_name="Fatou Diallo")
    teacher = make_user(Role.TEACHER, group=group, display_name="Karim Haddad")
    admin = make_user(Role.ADMIN, display_name="Anne Admin")
    trainee_id = trainee.id

    # Before signing in: the notice, in easy French, then in Arabic (right to left).
    page = phone()
    page.goto("/login")
    page.get_by_role("link", name="Vos données dans Passerelle").click()
    page.wait_for_url("**/privacy")
    assert page.get_by_role("heading", name="Ce que nous gardons").is_visible()
    audit(page)
    page.locator("button[lang=ar]").click()
    page.wait_for_url("**/privacy")
    assert page.locator("html").get_attribute("dir") == "rtl"
    audit(page)
    shot(page, "privacy-notice-ar")
    page.locator("button[lang=fr]").click()

    # The trainee writes and shares a journal page; the teacher reads it.
    sign_in(page, trainee.username)
    page.goto("/journal/write")
    page.locator("label.mood").nth(1).click()
    page.fill("#text", "Rendez-vous SPIP difficile")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url("**/journal")
    card = page.locator("section.entry-card", has_text="SPIP")
    card.locator("button[name=share][value='1']").click()
    page.wait_for_url("**/journal")
    staff = phone()
    sign_in(staff, teacher.username)
    staff.goto(f"/dashboard/trainees/{trainee_id}")
    assert "Rendez-vous SPIP difficile" in staff.content()

    # My data: readable page, a JSON download, and who saw it.
    page.goto("/me")
    page.get_by_role("link", name="Mes données").click()
    page.wait_for_url("**/privacy/me")
    audit(page)
    page.get_by_role("link", name="Voir toutes mes données").click()
    page.wait_for_url("**/privacy/my-data")
    expect(page.locator("body")).to_contain_text("Rendez-vous SPIP difficile")
    audit(page)
    shot(page, "privacy-my-data")
    page.goto("/privacy/me")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger mes données").click()
    with open(download.value.path(), encoding="utf-8") as saved:
        assert json.load(saved)["journal"]["entries"][0]["text"] == "Rendez-vous SPIP difficile"
    page.get_by_role("link", name="Qui a vu mes données").click()
    expect(page.get_by_text("Karim Haddad a regardé votre page").first).to_be_visible()
    audit(page)
    shot(page, "privacy-who-saw")

    # Delete the shared page, after a confirmation: the teacher no longer sees it.
    page.goto("/journal")
    card = page.locator("section.entry-card", has_text="SPIP")
    card.locator("details.confirm-delete summary").click()
    audit(page)
    card.get_by_role("button", name="Oui, supprimer").click()
    page.wait_for_url("**/journal")
    assert "Rendez-vous SPIP difficile" not in page.content()
    staff.goto(f"/dashboard/trainees/{trainee_id}")
    assert "Rendez-vous SPIP difficile" not in staff.content()

    # Erase the account: the trainee asks, the admin confirms, the trainee is gone.
    page.goto("/privacy/erase")
    audit(page)
    page.get_by_label("Je comprends").check()
    page.get_by_role("button", name="Demander l’effacement de mon compte").click()
    page.wait_for_url("**/privacy/me")
    desk = phone()
    sign_in(desk, admin.username)
    desk.goto("/admin/erasures")
    audit(desk)
    desk.locator("details summary").first.click()
    desk.get_by_role("button", name="Oui, effacer").click()
    desk.wait_for_url("**/admin/erasures")
    assert "Fatou Diallo" not in desk.content()
    page.goto("/journal")
    page.wait_for_url("**/login**")
    db.session.expire_all()
    assert db.session.get(User, trainee_id) is None
