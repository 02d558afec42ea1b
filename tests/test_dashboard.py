"""Educator dashboard: assignments, Today, the grid, the trainee page, the impact report."""

from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.measure import count_queries, first_load
from webapp.accounts.models import Role
from webapp.core.themes import THEME_NAMES
from webapp.dashboard import services
from webapp.extensions import db
from webapp.journal import services as journal
from webapp.lessons import content
from webapp.privacy.models import AuditEvent

FIXTURES = Path(__file__).parent / "fixtures" / "lessons"


@pytest.fixture
def school(app, make_group, make_user, login, ctx):
    loaded, _ = content.read_lessons(FIXTURES)
    content.load_lessons(loaded)
    group = make_group()
    teacher = make_user(Role.TEACHER, group=group, display_name="Karim Haddad")
    trainee = make_user(group=group, display_name="Samir Benali", last_seen_on=date.today())
    staff = app.test_client()
    login(teacher, http=staff)
    phone = app.test_client()
    login(trainee, http=phone)
    return {"group": group, "teacher": teacher, "trainee": trainee, "staff": staff, "phone": phone}


def finish_lesson(phone, lesson_id="test-cuisine"):
    from tests.test_lessons import RIGHT

    for kind, data in RIGHT.items():
        phone.post(f"/lessons/{lesson_id}/exercises/{kind}",
                   data={**data, "client_id": f"{lesson_id}{kind}"})


def test_assign_a_module_the_trainee_sees_it_and_the_grid_changes(school):
    staff, phone, group = school["staff"], school["phone"], school["group"]
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    response = staff.post(f"/dashboard/groups/{group.id}/assign", data={
        "target": "module:fle-a1", "due_on": yesterday, "message": "Pour lundi",
        "client_id": "as1"})
    assert response.status_code == 303
    staff.post(f"/dashboard/groups/{group.id}/assign", data={"target": "module:fle-a1",
                                                             "client_id": "as1"})  # replay
    home = phone.get("/").text
    assert "Pour lundi" in home and "0/2" in home
    today = staff.get(f"/dashboard?group={group.id}").text
    assert "Samir Benali" in today and "today-why--overdue" in today
    finish_lesson(phone)
    assert "1/2" in staff.get(f"/dashboard/groups/{group.id}/grid").text
    finish_lesson(phone, "test-suite")
    grid = staff.get(f"/dashboard/groups/{group.id}/grid").text
    assert "✓ 2/2" in grid
    assert "today-why--overdue" not in staff.get(f"/dashboard?group={group.id}").text
    assert "Pour lundi" not in phone.get("/").text  # done: off the trainee's list


def test_assign_to_chosen_trainees_and_withdraw(school, make_user):
    staff, group = school["staff"], school["group"]
    other = make_user(group=group, display_name="Nadia Kaci")
    staff.post(f"/dashboard/groups/{group.id}/assign", data={
        "target": "practice:2", "trainees": [other.id], "client_id": "as2"})
    grid = staff.get(f"/dashboard/groups/{group.id}/grid").text
    assert "0/5" in grid and "—" in grid  # Samir is not concerned
    assignment = services.group_assignments(group)[0][0]
    staff.post(f"/dashboard/assignments/{assignment.id}", data={"action": "withdraw"})
    assert services.group_assignments(group)[0] == []


def test_today_lists_who_needs_help_and_links_to_them(school, make_user):
    staff, group = school["staff"], school["group"]
    quiet = make_user(group=group, display_name="Olek W",
                      last_seen_on=date.today() - timedelta(days=12))
    sad = make_user(group=group, display_name="Fatou D", last_seen_on=date.today())
    entry = journal.write_entry(sad, "sad-1", date.today(), 1, "Journée très dure", None)
    journal.set_shared(entry, True)
    for user in (school["trainee"], sad):
        journal.save_assessment(user, f"entry-{user.id}", "entry",
                                dict.fromkeys(THEME_NAMES, 2), {}, False)
    page = staff.get(f"/dashboard?group={group.id}", headers={"Accept-Language": "en"}).text
    assert "Not seen for 12 days" in page and "Olek W" in page
    assert "Shared a hard day" in page and "Journée très dure" not in page
    assert f"/dashboard/trainees/{quiet.id}" in page
    assert page.count("Self-assessment due") == 1  # only Olek has not done the entry stage
    staff.post(f"/dashboard/groups/{group.id}/settings", data={"inactive_days": "20"})
    today_list = staff.get(f"/dashboard?group={group.id}").text.split("today-list")[1]
    assert "Olek W" not in today_list.split("</ul>")[0] or "Self-assessment" in page


def test_grid_and_today_for_50_trainees_and_40_assignments(school, make_user):
    group, staff = school["group"], school["staff"]
    for number in range(49):
        make_user(group=group, display_name=f"Stagiaire {number:02d}", last_seen_on=date.today())
    for number in range(40):
        services.assign(school["teacher"], group, f"many-{number}", ["module", "lesson", "practice",
                        "exam"][number % 4], ["fle-a1", "test-cuisine", "1", "exam"][number % 4],
                        date.today() + timedelta(days=number - 20), "", [])
    for url in (f"/dashboard/groups/{group.id}/grid", f"/dashboard?group={group.id}"):
        with count_queries() as statements:
            assert staff.get(url).status_code == 200
        # 11: the pages' queries, and one insert auditing the read (one row per trainee shown).
        assert len(statements) <= 11, "\n".join([url] + [q[:90] for q in statements])
        html, _total = first_load(staff, url)  # server time is measured by make bench
        assert html < 30 * 1024, url


def test_grid_filters_and_sorts_with_htmx(school):
    staff, group = school["staff"], school["group"]
    services.assign(school["teacher"], group, "f1", "module", "fle-a1", None, "", [])
    fragment = staff.get(f"/dashboard/groups/{group.id}/grid?sort=progress&module=fle-a1",
                         headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="grid"') and "<html" not in fragment.text
    assert "HX-Request" in fragment.headers["Vary"]


def test_trainee_page_is_audited_and_shows_nothing_private(school):
    trainee, staff = school["trainee"], school["staff"]
    private = journal.write_entry(trainee, "p1", date.today(), 2, "Ceci est privé", None)
    shown = journal.write_entry(trainee, "p2", date.today(), 4, "Ceci est partagé", None)
    journal.set_shared(shown, True)
    page = staff.get(f"/dashboard/trainees/{trainee.id}").text
    assert "Ceci est partagé" in page and "Ceci est privé" not in page and private.id
    assert db.session.scalar(sa.select(AuditEvent.subject_id).where(
        AuditEvent.actor_id == school["teacher"].id,
        AuditEvent.action == "trainee_page_viewed")) == trainee.id


def test_volunteer_and_admin_cannot_read_trainee_pages_or_journals(app, school, make_user, login):
    for role in (Role.VOLUNTEER, Role.ADMIN):
        http = app.test_client()
        login(make_user(role, group=school["group"] if role is Role.VOLUNTEER else None), http=http)
        assert http.get(f"/dashboard/trainees/{school['trainee'].id}").status_code == 404
        assert http.get(f"/journal/shared/{school['trainee'].id}").status_code == 404


def test_admin_searches_the_audit_log(app, school, make_user, login):
    school["staff"].get(f"/dashboard/trainees/{school['trainee'].id}")
    admin = app.test_client()
    login(make_user(Role.ADMIN), http=admin)
    found = admin.get("/admin/audit?trainee=Samir").text
    assert "trainee_page_viewed" in found and "Karim Haddad" in found
    # The action is also a choice of the search form: look for it in the results' rows.
    assert "· trainee_page_viewed ·" in found
    assert "· trainee_page_viewed ·" not in admin.get("/admin/audit?staff=nobody-at-all").text
