"""The teacher's dashboard in a browser: assign, watch progress, open a trainee, print impact."""

from datetime import date, timedelta
from pathlib import Path

from tests.browser.test_journeys import audit, sign_in
from tests.browser.test_lessons_browser import right_answers
from webapp.accounts.models import Role
from webapp.lessons import content

FIXTURES = Path(__file__).parents[1] / "fixtures" / "lessons"


def test_assign_progress_today_trainee_page_and_impact(
    browser, phone, live_server, make_group, make_user, ctx, shot
):
    loaded, _ = content.read_lessons(FIXTURES)
    content.load_lessons(loaded)
    group = make_group(name="Cohorte Paris")
    teacher = make_user(Role.TEACHER, group=group, display_name="Karim Haddad")
    trainee = make_user(group=group, display_name="Samir Benali", last_seen_on=date.today())
    volunteer = make_user(Role.VOLUNTEER, group=group)
    admin = make_user(Role.ADMIN)
    desk = browser.new_context(viewport={"width": 1024, "height": 768}, base_url=live_server)
    staff = desk.new_page()
    sign_in(staff, teacher.username)
    staff.goto(f"/dashboard/groups/{group.id}/assign")
    staff.select_option("#target", "lesson:test-cuisine")
    staff.fill("#due_on", (date.today() - timedelta(days=1)).isoformat())
    staff.fill("#message", "À finir avant jeudi")
    staff.locator("form.card button[type=submit]").click()
    staff.wait_for_url("**/grid")
    audit(staff)
    staff.goto(f"/dashboard?group={group.id}")
    assert staff.locator(".today-why--overdue").count() == 1
    audit(staff)
    shot(staff, "dashboard-today")

    mobile = phone()
    sign_in(mobile, trainee.username)
    assert "À finir avant jeudi" in mobile.content()
    mobile.goto("/lessons/test-cuisine")
    right_answers(mobile)

    staff.goto(f"/dashboard/groups/{group.id}/grid")
    assert "✓" in staff.locator("#grid").inner_text()
    staff.select_option("#sort", "progress")  # htmx refreshes the grid in place
    staff.wait_for_load_state("networkidle")
    staff.goto(f"/dashboard?group={group.id}")
    assert staff.locator(".today-why--overdue").count() == 0  # done: off the overdue list
    staff.goto(f"/dashboard/trainees/{trainee.id}")
    assert "Dans la cuisine" in staff.content()
    audit(staff)
    staff.goto(f"/dashboard/impact?group={group.id}")
    audit(staff)
    shot(staff, "impact-report")
    staff.emulate_media(media="print")
    assert not staff.locator(".bottom-nav").is_visible()

    manager = desk.new_page()
    manager.context.clear_cookies()
    sign_in(manager, admin.username)
    manager.goto("/admin/audit?trainee=Samir")
    assert "trainee_page_viewed" in manager.content()
    audit(manager)
    assert manager.goto(f"/journal/shared/{trainee.id}").status == 404
    manager.context.clear_cookies()
    sign_in(manager, volunteer.username)
    assert manager.goto(f"/dashboard/trainees/{trainee.id}").status == 404
    desk.close()
