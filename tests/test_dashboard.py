"""Educator dashboard: assignments, Today, the grid, the trainee page, the impact report."""

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.measure import count_queries, first_load
from webapp.accounts.models import Role
from webapp.core.themes import THEME_NAMES
from webapp.core.time import local_today
from webapp.dashboard import services
from webapp.dashboard.models import HandledLine
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
        phone.post(
            f"/lessons/{lesson_id}/exercises/{kind}",
            data={**data, "client_id": f"{lesson_id}{kind}"},
        )


def test_assign_a_module_the_trainee_sees_it_and_the_grid_changes(school):
    staff, phone, group = school["staff"], school["phone"], school["group"]
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    response = staff.post(
        f"/dashboard/groups/{group.id}/assign",
        data={
            "target": "module:fle-a1",
            "due_on": yesterday,
            "message": "Pour lundi",
            "client_id": "as1",
        },
    )
    assert response.status_code == 303
    staff.post(
        f"/dashboard/groups/{group.id}/assign", data={"target": "module:fle-a1", "client_id": "as1"}
    )  # replay
    home = phone.get("/").text
    assert "Pour lundi" in home and "0/2" in home
    today = staff.get(f"/dashboard?group={group.id}").text
    assert "Samir Benali" in today and "today-why--overdue" in today
    finish_lesson(phone)
    assert "1/2" in staff.get(f"/dashboard/groups/{group.id}/grid").text
    finish_lesson(phone, "test-suite")
    grid = staff.get(f"/dashboard/groups/{group.id}/grid").text
    assert (
        '<td class="cell cell--done"><span class="cell__icon" aria-hidden="true">✓</span> 2/2'
        in grid
    )
    assert "today-why--overdue" not in staff.get(f"/dashboard?group={group.id}").text
    assert "Pour lundi" not in phone.get("/").text  # done: off the trainee's list


def test_a_mock_exam_handed_in_marks_its_assignment_and_a_fail_shows_on_today(school, bank):
    staff, phone, group = school["staff"], school["phone"], school["group"]
    trainee = school["trainee"]
    staff.post(
        f"/dashboard/groups/{group.id}/assign",
        data={"target": "exam:exam", "message": "Examen blanc vendredi", "client_id": "ex1"},
    )
    assert "Examen blanc vendredi" in phone.get("/").text
    started = phone.post("/revision/exams", data={"client_id": "mine"}).headers["Location"]
    phone.post(started, data={})  # handed in blank: 0 right, not passed
    assert "Examen blanc vendredi" not in phone.get("/").text  # done: off the trainee's list
    grid = staff.get(f"/dashboard/groups/{group.id}/grid").text
    assert re.search(r'<td class="cell cell--done">.*?✓</span> 0/20', grid)
    today = staff.get(f"/dashboard?group={group.id}").text
    assert "today-why--exam" in today and "0/20" in today
    page = staff.get(f"/dashboard/trainees/{trainee.id}").text
    assert re.search(r"<li>[^<]* · 0/20 · pas encore</li>", page)


def test_home_shows_the_three_soonest_assignments_and_the_rest_one_tap_away(school):
    staff, phone, group = school["staff"], school["phone"], school["group"]
    for number in range(5):  # due in 5 days, then 4… then 1: entered latest-due first
        staff.post(
            f"/dashboard/groups/{group.id}/assign",
            data={
                "target": "module:fle-a1",
                "due_on": (date.today() + timedelta(days=5 - number)).isoformat(),
                "message": f"Consigne {5 - number}",
                "client_id": f"soon{number}",
            },
        )
    home = phone.get("/").text
    assert [f"Consigne {n}" in home for n in range(1, 6)] == [True, True, True, False, False]
    assert "Voir mes 5 consignes" in home
    everything = phone.get("/assigned").text
    assert all(f"Consigne {n}" in everything for n in range(1, 6))
    assert everything.index("Consigne 1") < everything.index("Consigne 5")  # soonest first
    finish_lesson(phone)
    finish_lesson(phone, "test-suite")  # the module done: nothing left
    assert "consignes" not in phone.get("/").text
    assert "Rien à faire pour l’instant." in phone.get("/assigned").text


def test_assign_to_chosen_trainees_and_withdraw(school, make_user):
    staff, group = school["staff"], school["group"]
    other = make_user(group=group, display_name="Nadia Kaci")
    staff.post(
        f"/dashboard/groups/{group.id}/assign",
        data={"target": "practice:2", "trainees": [other.id], "client_id": "as2"},
    )
    grid = staff.get(f"/dashboard/groups/{group.id}/grid").text
    assert "0/5" in grid and "—" in grid  # Samir is not concerned
    assignment = services.group_assignments(group)[0][0]
    # The grid's button opens a question page (no JavaScript): reading it withdraws nothing.
    assert f'action="/dashboard/assignments/{assignment.id}/withdraw"' in grid
    question = staff.get(f"/dashboard/assignments/{assignment.id}/withdraw")
    assert question.status_code == 200 and "Oui, retirer" in question.text  # French by default
    assert services.group_assignments(group)[0] == [assignment]
    staff.post(f"/dashboard/assignments/{assignment.id}/withdraw")
    staff.post(f"/dashboard/assignments/{assignment.id}/withdraw")  # a double tap: one audit row
    assert services.group_assignments(group)[0] == []
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "assignment_withdrawn")
        )
        == 1
    )


def test_today_lists_who_needs_help_and_links_to_them(school, make_user):
    staff, group = school["staff"], school["group"]
    today = local_today()  # the day Today counts in (Paris), not the machine's
    quiet = make_user(group=group, display_name="Olek W", last_seen_on=today - timedelta(days=12))
    sad = make_user(group=group, display_name="Fatou D", last_seen_on=today)
    entry = journal.write_entry(sad, "sad-1", date.today(), 1, "Journée très dure", None)
    journal.set_shared(entry, True)
    for user in (school["trainee"], sad):
        journal.save_assessment(
            user, f"entry-{user.id}", "entry", dict.fromkeys(THEME_NAMES, 2), {}, False
        )
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
        services.assign(
            school["teacher"],
            group,
            f"many-{number}",
            ["module", "lesson", "practice", "exam"][number % 4],
            ["fle-a1", "test-cuisine", "1", "exam"][number % 4],
            date.today() + timedelta(days=number - 20),
            "",
            [],
        )
    # Some lines marked handled: still one query for all of them.
    for trainee in [m for m in group.members if m.role is Role.TRAINEE][:20]:
        db.session.add(
            HandledLine(
                group_id=group.id,
                trainee_id=trainee.id,
                reasons=["x"],
                handled_by=school["teacher"].id,
            )
        )
    db.session.commit()
    for url in (f"/dashboard/groups/{group.id}/grid", f"/dashboard?group={group.id}"):
        with count_queries() as statements:
            assert staff.get(url).status_code == 200
        # 16: the pages' queries (Today's include one each for My week's repeated absences,
        # the shared steps waiting the longest, placements with a poor evaluation, the
        # candidates of the teacher's groups and the check-ins shared today), and one insert
        # auditing the read (one row per trainee shown).
        assert len(statements) <= 16, "\n".join([url] + [q[:90] for q in statements])
        html, _total = first_load(staff, url)  # server time is measured by make bench
        assert html < 30 * 1024, url


def test_grid_filters_and_sorts_with_htmx(school):
    staff, group = school["staff"], school["group"]
    services.assign(school["teacher"], group, "f1", "module", "fle-a1", None, "", [])
    fragment = staff.get(
        f"/dashboard/groups/{group.id}/grid?sort=progress&module=fle-a1",
        headers={"HX-Request": "true"},
    )
    assert fragment.text.lstrip().startswith('<div id="grid"') and "<html" not in fragment.text
    assert "HX-Request" in fragment.headers["Vary"]


def test_trainee_page_is_audited_and_shows_nothing_private(school):
    trainee, staff = school["trainee"], school["staff"]
    private = journal.write_entry(trainee, "p1", date.today(), 2, "Ceci est privé", None)
    shown = journal.write_entry(trainee, "p2", date.today(), 4, "Ceci est partagé", None)
    journal.set_shared(shown, True)
    page = staff.get(f"/dashboard/trainees/{trainee.id}").text
    assert "Ceci est partagé" in page and "Ceci est privé" not in page and private.id
    assert (
        db.session.scalar(
            sa.select(AuditEvent.subject_id).where(
                AuditEvent.actor_id == school["teacher"].id,
                AuditEvent.action == "trainee_page_viewed",
            )
        )
        == trainee.id
    )


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


# --- Today: one entry per trainee, marked handled -------------------------------------------


def overdue(school, client_id, days=1):
    return services.assign(
        school["teacher"],
        school["group"],
        client_id,
        "module",
        "fle-a1",
        date.today() - timedelta(days=days),
        "",
        [],
    )


def entries_of(page: str) -> list[str]:
    """The Today entries of a page, one string each."""
    return page.split('<ul class="list today-list">')[1].split('<li class="today-entry')[1:]


def test_today_lists_a_trainee_once_with_each_reason(school):
    staff, group, trainee = school["staff"], school["group"], school["trainee"]
    overdue(school, "o1")
    overdue(school, "o2", days=3)
    entry = journal.write_entry(trainee, "hard-1", date.today(), 1, "", None)
    journal.set_shared(entry, True)
    page = staff.get(f"/dashboard?group={group.id}", headers={"Accept-Language": "en"}).text
    entries = entries_of(page)
    assert len(entries) == 1 and entries[0].count("Samir Benali") == 2  # link, button's words
    assert entries[0].count("today-why--overdue") == 2
    assert "today-why--mood" in entries[0] and "today-why--assessment" in entries[0]


def test_mark_handled_once_audited_and_back_when_a_new_reason_comes(app, school, login):
    staff, group, trainee = school["staff"], school["group"], school["trainee"]
    first = overdue(school, "o1")
    url = f"/dashboard/groups/{group.id}/today/{trainee.id}/handled"
    keys = f"overdue:{first.id} assessment:entry"
    for _tap in range(2):  # a double tap: the same client id marks once
        assert staff.post(url, data={"reasons": keys, "client_id": "tap-1"}).status_code == 303
    audited = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "today_handled")
    ).all()
    assert [(a.actor_id, a.subject_id) for a in audited] == [(school["teacher"].id, trainee.id)]
    assert "overdue" in audited[0].detail and "Samir" not in audited[0].detail
    page = staff.get(f"/dashboard?group={group.id}", headers={"Accept-Language": "en"}).text
    assert "today-entry--handled" in page and "Handled by <bdi>Karim Haddad</bdi>" in page
    # The trainee sees it among who looked at their data.
    seen = school["phone"].get("/privacy/seen", headers={"Accept-Language": "en"}).text
    assert "Karim Haddad noted on the Today page that they followed up with you." in seen
    # A new reason brings the line back, with both reasons.
    second = overdue(school, "o2", days=2)
    page = staff.get(f"/dashboard?group={group.id}").text
    assert "today-entry--handled" not in page and f"overdue:{second.id}" in page
    # A reason sent that is not current is not stored; a mark that covers nothing is no mark.
    staff.post(url, data={"reasons": "mood:2020-01-01", "client_id": "tap-2"})
    assert "today-entry--handled" not in staff.get(f"/dashboard?group={group.id}").text


def test_a_reason_that_appeared_after_the_page_was_shown_is_not_marked(school):
    staff, group, trainee = school["staff"], school["group"], school["trainee"]
    overdue(school, "o1")
    page = staff.get(f"/dashboard?group={group.id}").text
    keys = page.split('name="reasons" value="')[1].split('"')[0]
    overdue(school, "o2")  # meanwhile
    staff.post(
        f"/dashboard/groups/{group.id}/today/{trainee.id}/handled",
        data={"reasons": keys, "client_id": "tap-3"},
    )
    assert "today-entry--handled" not in staff.get(f"/dashboard?group={group.id}").text


def test_mark_handled_with_htmx_swaps_the_entry(school):
    staff, group, trainee = school["staff"], school["group"], school["trainee"]
    first = overdue(school, "o1")
    fragment = staff.post(
        f"/dashboard/groups/{group.id}/today/{trainee.id}/handled",
        data={"reasons": f"overdue:{first.id} assessment:entry", "client_id": "tap-4"},
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert fragment.text.lstrip().startswith('<li class="today-entry today-entry--handled"')
    assert "HX-Request" in fragment.headers["Vary"]


def test_only_a_teacher_attached_to_the_group_now_marks_handled(
    app, school, make_group, make_user, login
):
    group, trainee, teacher = school["group"], school["trainee"], school["teacher"]
    first = overdue(school, "o1")
    data = {"reasons": f"overdue:{first.id}", "client_id": "tap-5"}
    url = f"/dashboard/groups/{group.id}/today/{trainee.id}/handled"
    elsewhere = make_group()
    outsider = app.test_client()
    login(make_user(Role.TEACHER, group=elsewhere), http=outsider)
    assert outsider.post(url, data=data).status_code == 404
    # A trainee of another group, through the teacher's own group: 404 too.
    stranger = make_user(group=elsewhere)
    assert (
        school["staff"]
        .post(f"/dashboard/groups/{group.id}/today/{stranger.id}/handled", data=data)
        .status_code
        == 404
    )
    group.members.remove(teacher)  # detached since the page was shown
    db.session.commit()
    assert school["staff"].post(url, data=data).status_code == 404
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "today_handled")
        )
        == 0
    )


def test_today_entries_by_trainee_and_grid_states_are_plain_rules(school):
    trainee, other = school["trainee"], school["teacher"]  # any two people
    lines = [
        services.Line(trainee, "inactive", "9", "inactive:x"),
        services.Line(other, "mood", "1", "mood:d"),
        services.Line(trainee, "overdue", None, "overdue:3"),
    ]
    mark = services.Handled("K", datetime.now(UTC), frozenset({"inactive:x", "overdue:3"}))
    entries = services.by_trainee(lines, {trainee.id: mark})
    assert [e.trainee for e in entries] == [other, trainee]  # still to handle first
    assert entries[1].handled == mark and entries[1].keys == "inactive:x overdue:3"
    late = services.by_trainee(
        [*lines, services.Line(trainee, "exam", "", "exam:7")], {trainee.id: mark}
    )
    assert all(e.handled is None for e in late)
    due = services.Assignment(due_on=date(2026, 1, 5))
    state = services.cell_state
    assert state(services.Status(True, "", 1), due, date(2026, 2, 1)) == "done"
    assert state(services.Status(False, "1/2", 0.5), due, date(2026, 2, 1)) == "late"
    assert state(services.Status(False, "1/2", 0.5), due, date(2026, 1, 5)) == "started"
    assert state(services.Status(False, "", 0), due, date(2026, 1, 1)) == "todo"


def test_withdraw_with_htmx_answers_the_grid(school):
    staff, group = school["staff"], school["group"]
    assignment = overdue(school, "o1")
    response = staff.post(
        f"/dashboard/assignments/{assignment.id}/withdraw",
        headers={"HX-Request": "true"},
        follow_redirects=True,
    )
    assert response.text.lstrip().startswith('<div id="grid"')
    assert services.group_assignments(group)[0] == []
