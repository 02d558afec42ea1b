"""My week on a 360 px phone: a teacher sets the month, a trainee adds a SPIP appointment and
subscribes in their phone's calendar, the teacher marks attendance; in French and Arabic."""

from datetime import timedelta

import icalendar
from playwright.sync_api import expect

from tests.browser.test_journeys import audit, sign_in
from webapp.accounts.models import Role
from webapp.core.time import local_today
from webapp.extensions import db


def test_month_appointment_feed_and_attendance(phone, make_group, make_user, shot, app):
    group = make_group(name="Cohorte Aubervilliers")
    teacher = make_user(Role.TEACHER, group=group, display_name="Karim Haddad")
    trainee = make_user(group=group, display_name="Fatou Diallo")
    with app.app_context():
        today = local_today()
    month = today.replace(day=1)
    last = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)

    # The teacher sets the month in one form (on a phone too).
    staff = phone()
    sign_in(staff, teacher.username)
    staff.goto(f"/week/groups/{group.id}")
    audit(staff)
    staff.select_option("#kind", "workshop")
    staff.fill("#place", "Atelier Passerelle, 5 rue du Port")
    staff.fill("#starts", "09:00")
    staff.fill("#ends", "15:30")
    staff.fill("#first", month.isoformat())
    staff.fill("#last", "9999-12-31")  # a slip: said next to the field
    staff.locator("form.week-pattern button[type=submit]").click()
    expect(staff.locator("#last-error")).to_contain_text("2100")
    staff.fill("#last", last.isoformat())
    staff.locator("#weekdays-4").uncheck()  # Monday to Thursday
    staff.locator("form.week-pattern button[type=submit]").click()
    staff.wait_for_selector("table.week-month td")
    audit(staff)
    shot(staff, "week-teacher-month")

    # The trainee sees the change on the home screen, today and this week, then says "seen".
    page = phone()
    sign_in(page, trainee.username)
    assert "Changement" in page.locator(".week-changes").inner_text()
    audit(page)
    shot(page, "week-home")
    page.locator(".week-changes button[type=submit]").click()
    page.wait_for_url("**/")
    assert page.locator(".week-changes").count() == 0

    # A SPIP appointment in two days, with what to bring (sent through the phone's outbox).
    # Settled first (the service worker keeps the week for offline as it opens): a tap at once
    # was lost once, in CI on a slow machine.
    page.goto("/week", wait_until="networkidle")
    page.locator("a[href='/week/appointments/new']").click()
    page.wait_for_url("**/week/appointments/new")
    page.select_option("#kind", "spip")
    day = today + timedelta(days=min(2, 6 - today.weekday()))  # this week still
    page.fill("#day", day.isoformat())
    page.fill("#at", "10:30")
    page.fill("#place", "SPIP de Seine-Saint-Denis, Bobigny")
    page.fill("#bring", "Carte d'identité, attestation de stage")
    audit(page)
    shot(page, "week-appointment")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url("**/week")
    assert "Bobigny" in page.locator("main").inner_text()
    audit(page)
    shot(page, "week-week")

    # Subscribing: the link is shown once; the phone's calendar reads it without a session.
    page.locator("form[action='/week/feed/new'] button").click()
    page.wait_for_selector("#feed-https")
    audit(page)
    shot(page, "week-feed")
    link = page.locator("#feed-https").input_value()
    assert page.locator("a[href^='webcal://']").count() == 1
    calendar = icalendar.Calendar.from_ical(page.context.request.get(link).body())
    assert any("Bobigny" in str(e.get("location")) for e in calendar.walk("VEVENT"))
    assert calendar.walk("VALARM")

    # Attendance for today's session (when there is one), then the trainee's hours.
    with app.app_context():
        from webapp.week.services import group_sessions

        sessions = group_sessions([group.id], month, last)
        first = sessions[0].id
    staff.goto(f"/week/sessions/{first}/attendance")
    audit(staff)
    staff.locator(f"input[name='t{trainee.id}'][value='late']").check()
    shot(staff, "week-attendance")
    staff.locator("form button[type=submit]").last.click()
    staff.wait_for_url("**/week/groups/*")
    page.goto("/week/hours")
    audit(page)
    shot(page, "week-hours")

    # The same week in Arabic (right to left; French places stay left to right).
    with app.app_context():
        trainee.locale = "ar"
        db.session.merge(trainee)
        db.session.commit()
    page.goto("/week")
    assert page.locator("html").get_attribute("dir") == "rtl"
    audit(page)
    shot(page, "week-week-ar")
    page.emulate_media(media="print")
    shot(page, "week-print")
