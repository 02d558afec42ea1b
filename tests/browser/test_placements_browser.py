"""Placements on a 360 px phone: a teacher records one and makes the tutor's link; the tutor,
in another browser with no account, evaluates once; the link then refuses; the teacher reads it."""

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.test_journeys import audit, sign_in
from webapp.accounts.models import Role

SHOTS = Path("/work/notes/shots")


def _shot(shot, page, name):
    shot(page, name)
    if SHOTS.is_dir():
        source = Path(__file__).resolve().parents[2] / "test-artifacts" / f"{name}.png"
        shutil.copy(source, SHOTS / f"{name}.png")


def test_a_tutor_evaluates_once_through_the_link(phone, make_user, make_group, shot):
    group = make_group()
    trainee = make_user(group=group, display_name="Samir Benali")
    teacher = make_user(Role.TEACHER, group=group, display_name="Karim Haddad")
    staff = phone()
    sign_in(staff, teacher.username)
    staff.goto(f"/placements/groups/{group.id}")
    staff.locator("details.more summary").click()
    staff.get_by_role("link", name="Samir Benali").click()
    staff.wait_for_url(re.compile(r"/placements/trainees/\d+/new$"))
    # A year 9999 is said by the field, in the teacher's words.
    today = date.today()
    staff.fill("#company", "Brasserie du Port")
    staff.fill("#place", "12 quai du Port, Marseille")
    staff.fill("#tutor_name", "Mme Leroy")
    staff.fill("#tutor_phone", "06 12 34 56 78")
    staff.fill("#starts_on", (today - timedelta(days=3)).isoformat())
    staff.fill("#ends_on", "9999-12-31")
    staff.fill("#hours_per_week", "35")
    staff.fill("#tasks", "Plonge, mise en place des entrées")
    staff.locator("form.stack button[type=submit]").click()
    expect(staff.locator("#ends_on-error")).to_contain_text("Choisissez une date entre")
    staff.fill("#ends_on", (today + timedelta(days=10)).isoformat())
    _shot(shot, staff, "placements-new")
    staff.locator("form.stack button[type=submit]").click()
    staff.wait_for_url(re.compile(r"/placements/\d+/staff$"))
    audit(staff)
    staff_url = staff.url
    staff.locator("form[action$='/link'] button").click()
    link = staff.locator("a[data-tutor-link]")
    link.wait_for()
    address = link.get_attribute("href")
    assert staff.locator("svg.qr").count() == 1
    _shot(shot, staff, "placements-sheet")

    # The tutor: another browser context, never signed in.
    tutor = phone()
    tutor.goto(address)
    assert "Évaluation du stage" in tutor.inner_text("h1")
    assert tutor.locator("nav.bottom-nav").count() == 0
    assert tutor.locator("form.languages").count() == 0
    assert tutor.locator("a").count() == 0  # no way into the rest of the app
    audit(tutor)
    for name in ("punctuality", "hygiene"):
        tutor.locator(f"input[name={name}][value='1']").check()
    for name in ("teamwork", "instructions", "pace", "customers"):
        tutor.locator(f"input[name={name}][value='3']").check()
    tutor.locator("label.check", has_text="Réaliser la plonge").click()
    tutor.fill("#comment", "Arrive en retard, mais très bon esprit d'équipe.")
    _shot(shot, tutor, "placements-tutor")
    tutor.locator("form.stack button[type=submit]").click()
    tutor.wait_for_selector("text=Merci")
    _shot(shot, tutor, "placements-tutor-thanks")
    again = tutor.goto(address)
    assert again.status == 410
    assert "déjà servi" in tutor.inner_text("main")
    _shot(shot, tutor, "placements-tutor-used")
    assert "/login" in tutor.goto(staff_url).url  # the link signs no one in

    # The teacher reads it, flagged as poor on Today.
    staff.goto(staff_url)
    assert "Arrive en retard" in staff.inner_text("main")
    assert "Réaliser la plonge" in staff.inner_text("main")
    _shot(shot, staff, "placements-staff")
    staff.goto(f"/dashboard?group={group.id}")
    assert "Brasserie du Port" in staff.inner_text("main")
    # The group's placements on a laptop, the poor evaluation marked.
    staff.set_viewport_size({"width": 1280, "height": 800})
    staff.goto(f"/placements/groups/{group.id}")
    assert "Évaluation faible" in staff.inner_text("main")
    _shot(shot, staff, "placements-group")

    # The trainee sees it on their home, read aloud.
    page = phone()
    sign_in(page, trainee.username)
    assert "Brasserie du Port" in page.inner_text("main")
    _shot(shot, page, "placements-home")
    page.locator(".reminder a[href^='/placements/']").click()
    page.wait_for_url(re.compile(r"/placements/\d+$"))
    audit(page)
    _shot(shot, page, "placements-trainee")
