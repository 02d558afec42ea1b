"""Teachers' screens on a laptop (1280 px) and a phone (360 px): a wide page, a grid that says
its states in colour and words, withdrawals that ask first, Today by trainee, lines handled."""

from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.test_journeys import audit, sign_in
from webapp.accounts.models import Role
from webapp.core.time import utcnow
from webapp.dashboard import services
from webapp.extensions import db
from webapp.journal import services as journal
from webapp.lessons import content
from webapp.lessons.models import LessonProgress

FIXTURES = Path(__file__).parents[1] / "fixtures" / "lessons"

LAPTOP = {"width": 1280, "height": 800}


def _school(make_group, make_user):
    group = make_group(name="Cohorte Paris")
    teacher = make_user(Role.TEACHER, group=group, display_name="Karim Haddad")
    samir = make_user(group=group, display_name="Samir Benali", last_seen_on=date.today())
    fatou = make_user(
        group=group, display_name="Fatou Diallo", last_seen_on=date.today() - timedelta(days=12)
    )
    loaded, _ = content.read_lessons(FIXTURES)
    content.load_lessons(loaded)
    # Overdue: the module (Samir half-way, Fatou not started); due later: a practice, a lesson.
    for number, (kind, target, days) in enumerate(
        (("module", "fle-a1", 3), ("practice", "1", -5), ("lesson", "test-cuisine", -6))
    ):
        services.assign(
            teacher, group, f"b{number}", kind, target, date.today() - timedelta(days=days), "", []
        )
    db.session.add(
        LessonProgress(user_id=samir.id, lesson_id="test-cuisine", completed_at=utcnow())
    )
    db.session.commit()
    hard = journal.write_entry(samir, "hard", date.today(), 1, "", None)
    journal.set_shared(hard, True)
    return group, teacher, samir, fatou


def test_teacher_on_a_laptop(browser, live_server, in_flight, make_group, make_user, ctx, shot):
    group, teacher, samir, _fatou = _school(make_group, make_user)
    desk = browser.new_context(viewport=LAPTOP, locale="fr-FR", base_url=live_server)
    page = desk.new_page()
    try:
        sign_in(page, teacher.username)
        page.goto(f"/dashboard?group={group.id}")
        assert page.locator("main").bounding_box()["width"] > 1100
        entries = page.locator(".today-list > .today-entry")
        assert entries.count() == 2  # Samir (overdue, hard day, assessment), Fatou (absent...)
        samir_entry = entries.filter(has_text="Samir Benali")
        assert samir_entry.locator(".today-reasons li").count() == 3
        audit(page)
        shot(page, "teacher-today-1280")
        samir_entry.get_by_role("button").click()  # htmx swaps the entry in place
        page.locator(".today-entry--handled").wait_for()
        assert "Karim Haddad" in page.locator(".today-entry--handled .today-handled").inner_text()
        audit(page)
        shot(page, "teacher-today-handled-1280")

        page.goto(f"/dashboard/groups/{group.id}/grid")
        assert page.locator("td.cell--late").count() == 2  # the overdue module, for both
        assert page.locator("td.cell--done").count() == 1  # Samir's lesson
        assert page.locator("td.cell--todo").count() == 3  # the practice, Fatou's lesson
        assert (
            page.locator("td.cell--late .visually-hidden").first.inner_text().strip() == "En retard"
        )
        audit(page)
        shot(page, "teacher-grid-1280")
        asked = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        page.locator("#grid thead form button").first.click()
        expect(page.locator("#grid thead form")).to_have_count(2)
        assert asked and "Retirer" in asked[0]
        assert len(services.group_assignments(group)[0]) == 2
        page.context.clear_cookies()
        sign_in(page, samir.username)  # a trainee's home stays the phone column on a laptop
        assert page.locator("main").bounding_box()["width"] <= 720
    finally:
        desk.close()
        in_flight.wait_idle()


def test_teacher_on_a_phone_with_and_without_javascript(phone, make_group, make_user, ctx, shot):
    group, teacher, _samir, _fatou = _school(make_group, make_user)
    mobile = phone()
    sign_in(mobile, teacher.username)
    mobile.goto(f"/dashboard?group={group.id}")
    assert mobile.locator("main").bounding_box()["width"] <= 360
    audit(mobile)
    shot(mobile, "teacher-today-360")
    mobile.goto(f"/dashboard/groups/{group.id}/grid")
    audit(mobile)  # the grid scrolls inside its own region, the page does not
    shot(mobile, "teacher-grid-360")

    plain = phone(javascript=False)  # axe needs scripts: this part is checked by hand
    sign_in(plain, teacher.username)
    plain.goto(f"/dashboard?group={group.id}")
    plain.locator(".today-entry", has_text="Fatou Diallo").get_by_role("button").click()
    plain.wait_for_url(f"**/dashboard?group={group.id}")
    assert plain.locator(".today-entry--handled", has_text="Fatou Diallo").count() == 1
    # Without JavaScript the ✕ opens a page that asks; nothing is withdrawn until "Yes".
    plain.goto(f"/dashboard/groups/{group.id}/grid")
    plain.locator("#grid thead form button").first.click()
    plain.wait_for_url("**/withdraw?")  # a GET form: an empty query
    assert len(services.group_assignments(group)[0]) == 3
    shot(plain, "teacher-withdraw-360")
    plain.get_by_role("button", name="Oui, retirer").click()
    plain.wait_for_url(f"**/groups/{group.id}/grid")
    assert len(services.group_assignments(group)[0]) == 2
    assert "Retiré" in plain.locator(".flash--success").inner_text()
