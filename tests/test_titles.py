"""Two titles: a group prepares Agent de restauration or its successor, Employé polyvalent en
restauration. Questions reach a title's CCPs through their competency; practice, mock exams,
mastery and the teacher's assignments follow the group's title."""

import re

import pytest
import sqlalchemy as sa

from webapp.accounts.models import Group, Role
from webapp.core import titles
from webapp.extensions import db
from webapp.revision import bank as bank_files
from webapp.revision import services
from webapp.revision.models import MockExam


@pytest.fixture
def full_bank(ctx):
    questions, problems = bank_files.read_bank()
    assert problems == []
    services.load_bank(questions)
    return questions


@pytest.fixture
def room(app, make_group, make_user, login, full_bank):
    group = make_group()
    teacher = app.test_client()
    login(make_user(Role.TEACHER, group=group), http=teacher)
    trainee = make_user(group=group)
    phone = app.test_client()
    login(trainee, http=phone)
    return group, teacher, trainee, phone


def switch(teacher, group_id, title, days="7"):
    return teacher.post(
        f"/dashboard/groups/{group_id}/settings", data={"inactive_days": days, "title": title}
    )


def test_each_title_assesses_every_competency_in_exactly_one_ccp():
    for title in titles.TITLES.values():
        placed = [c for unit in title.units for c in unit.competencies]
        assert sorted(placed) == sorted(titles.COMPETENCIES)
        for size in (7, 20, 21):
            assert sum(count for _unit, count in titles.exam_plan(title.code, size)) == size
    assert titles.unit_scope("AR", titles.CASHIER) == "3"
    assert titles.unit_scope("EPR", titles.CASHIER) == "epr2"
    assert titles.unit_scope("EPR", titles.GRILL) == "epr1"


def test_every_ccp_of_both_titles_has_at_least_90_questions(full_bank):
    stats = bank_files.bank_stats(full_bank)
    for code, title in titles.TITLES.items():
        for scope in title.scopes:
            assert stats["per_title_ccp"][code][scope] >= 90, (code, scope)
    assert stats["questions"] >= 550
    assert all(question.get("competency") in titles.COMPETENCIES for question in full_bank)


def test_a_teacher_switches_the_group_and_revision_and_exams_follow(room):
    group, teacher, trainee, phone = room
    before = phone.get("/revision").text
    assert "Agent de restauration" in before and "CCP 4" in before

    assert switch(teacher, group.id, "EPR").status_code == 303
    db.session.expire_all()
    assert db.session.get(Group, group.id).title == "EPR"

    page = phone.get("/revision").text
    assert "Employé polyvalent en restauration" in page and "RNCP 38663" in page
    assert "/revision/practice/epr3" in page and "/revision/practice/4" not in page
    location = phone.post("/revision/exams", data={"client_id": "epr-exam"}).headers["Location"]
    exam = db.session.scalar(sa.select(MockExam).where(MockExam.user_id == trainee.id))
    assert exam.title == "EPR"
    parts = sorted(titles.unit_scope("EPR", q.competency) for q in services.exam_questions(exam))
    assert parts == ["epr1"] * 7 + ["epr2"] * 7 + ["epr3"] * 6
    phone.post(location, data={})
    db.session.refresh(exam)
    assert set(exam.per_ccp) == {"epr1", "epr2", "epr3"}
    assert "EPR · Distribution et service aux clients" in phone.get(location).text  # French UI

    assign = teacher.get(f"/dashboard/groups/{group.id}/assign").text
    assert 'value="practice:epr2"' in assign and 'value="practice:3"' not in assign


def test_an_exam_started_before_the_switch_is_graded_for_the_title_it_was_drawn_for(room):
    group, teacher, trainee, phone = room
    location = phone.post("/revision/exams", data={"client_id": "ar-exam"}).headers["Location"]
    switch(teacher, group.id, "EPR")
    phone.post(location, data={})
    exam = db.session.scalar(sa.select(MockExam).where(MockExam.user_id == trainee.id))
    db.session.refresh(exam)
    assert exam.title == "AR" and set(exam.per_ccp) == {"1", "2", "3", "4"}


def test_only_a_teacher_of_the_group_switches_it_and_only_to_a_known_title(
    app, room, make_group, make_user, login
):
    group, teacher, _trainee, phone = room
    stranger = app.test_client()
    login(make_user(Role.TEACHER, group=make_group()), http=stranger)
    assert switch(stranger, group.id, "EPR").status_code == 404
    assert phone.post(
        f"/dashboard/groups/{group.id}/settings", data={"inactive_days": "7", "title": "EPR"}
    ).status_code in (403, 404)
    response = switch(teacher, group.id, "BTS", days="7")
    assert response.status_code == 303
    flashed = teacher.get(response.headers["Location"]).text
    assert re.search(r"Not a valid choice|Choix invalide|valid", flashed)
    db.session.expire_all()
    assert db.session.get(Group, group.id).title == "AR"


def test_a_new_group_prepares_the_successor_title_unless_the_admin_says_otherwise(
    app, make_user, make_group, login
):
    site_group = make_group()
    admin = app.test_client()
    login(make_user(Role.ADMIN), http=admin)
    form = admin.get("/groups/new").text
    assert re.search(r'<option selected value="EPR">|<option value="EPR" selected>', form)
    admin.post(
        "/groups/new",
        data={
            "site_id": site_group.site_id,
            "name": "Cuisine 2027",
            "starts_on": "2027-01-04",
            "ends_on": "2027-11-30",
            "title": "AR",
        },
    )
    made = db.session.scalar(sa.select(Group).where(Group.name == "Cuisine 2027"))
    assert made is not None and made.title == "AR"
