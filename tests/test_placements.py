"""Placements: a teacher records them, the tutor answers once through a link without an account,
the trainee reviews them and shares the review, staff see the group's, Today flags poor ones."""

import hashlib
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_from
from webapp.accounts.models import Role
from webapp.core.time import local_today
from webapp.extensions import db
from webapp.placements import services
from webapp.placements.models import Placement, TutorLink
from webapp.privacy.models import AuditEvent
from webapp.privacy.services import erase_user, export_for

GOOD = {key: "3" for key in services.CRITERIA}


@pytest.fixture
def people(make_group, make_user):
    group = make_group()
    return {
        "group": group,
        "teacher": make_user(Role.TEACHER, group=group, locale="en"),
        "trainee": make_user(Role.TRAINEE, group=group, locale="en"),
        "other_teacher": make_user(Role.TEACHER, group=make_group()),
    }


def _form(**changes):
    today = local_today()
    return {
        "company": "Brasserie du Port",
        "place": "12 quai du Port, Marseille",
        "tutor_name": "Mme Leroy",
        "tutor_phone": "06 12 34 56 78",
        "tutor_email": "",
        "starts_on": (today - timedelta(days=2)).isoformat(),
        "ends_on": (today + timedelta(days=9)).isoformat(),
        "hours_per_week": "35",
        "tasks": "Plonge, mise en place",
        "client_id": "pl-1",
        **changes,
    }


def _record(http, people, **changes):
    return http.post(f"/placements/trainees/{people['trainee'].id}/new", data=_form(**changes))


def _link(http, placement_id) -> str:
    page = http.post(f"/placements/{placement_id}/link").text
    return re.search(r'data-tutor-link>[^<]*(/placements/tutor/[^<"]+)<', page).group(1)


def test_teacher_records_a_placement_the_trainee_sees_it_at_home(app, people, login):
    teacher, trainee = app.test_client(), app.test_client()
    login(people["teacher"], http=teacher)
    response = _record(teacher, people)
    assert response.status_code == 303
    assert _record(teacher, people).status_code == 303  # sent twice: stored once
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Placement)) == 1
    login(people["trainee"], http=trainee)
    home = trainee.get("/").text
    assert "Brasserie du Port" in home and "Placement now" in home
    placement_id = db.session.scalar(sa.select(Placement.id))
    assert f'href="/placements/{placement_id}"' in home
    page = trainee.get(f"/placements/{placement_id}").text
    assert "Mme Leroy" in page and "35 hours per week" in page


def test_a_placement_begun_is_on_the_trainees_cv_one_to_come_is_not(app, people, login):
    teacher, trainee = app.test_client(), app.test_client()
    login(people["teacher"], http=teacher)
    _record(teacher, people, tasks="Plonge\n- Mise en place des salades")
    later = (local_today() + timedelta(days=30)).isoformat()
    _record(
        teacher, people, company="Hôtel Bellevue", starts_on=later, ends_on=later, client_id="pl-2"
    )
    login(people["trainee"], http=trainee)
    text = trainee.get("/career/cv.txt").text
    assert "Brasserie du Port" in text and "Mise en place des salades" in text
    assert "Hôtel Bellevue" not in text  # not begun yet: not on the CV


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_on": "9999-01-01"}, "ends_on", "Choose a date between"),
        ({"starts_on": "2026-03-10", "ends_on": "2026-03-01"}, "ends_on", "cannot be before"),
        ({"hours_per_week": "99"}, "hours_per_week", "Between 1 and 48"),
        ({"tutor_phone": "", "tutor_email": ""}, "tutor_phone", "phone or email"),
        ({"tutor_phone": "", "tutor_email": "pas-un-mail"}, "tutor_email", "not an email"),
        ({"company": ""}, "company", "company"),
    ],
)
def test_bad_input_is_said_by_the_field(app, people, login, changes, field, message):
    http = app.test_client()
    login(people["teacher"], http=http)
    response = _record(http, people, **changes)
    assert response.status_code == 200
    error = re.search(rf'id="{field}-error">([^<]*)<', response.text)
    assert error and message in error.group(1)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Placement)) == 0


def test_a_teacher_of_another_group_cannot_record_or_read(app, people, login):
    http = app.test_client()
    login(people["other_teacher"], http=http)
    assert _record(http, people).status_code == 404
    mine = app.test_client()
    login(people["teacher"], http=mine)
    _record(mine, people)
    placement_id = db.session.scalar(sa.select(Placement.id))
    assert http.get(f"/placements/{placement_id}/staff").status_code == 404
    assert http.post(f"/placements/{placement_id}/link").status_code == 404


def test_the_tutor_answers_once_without_an_account(app, people, login):
    teacher = app.test_client()
    login(people["teacher"], http=teacher)
    _record(teacher, people)
    placement_id = db.session.scalar(sa.select(Placement.id))
    address = _link(teacher, placement_id)
    token = address.rsplit("/", 1)[1]
    assert len(token) >= 43  # 256 bits
    stored = db.session.scalar(sa.select(TutorLink.token_hash))
    assert stored == hashlib.sha256(token.encode()).hexdigest()  # only the digest is kept
    tutor = app.test_client()
    form = tutor.get(address)
    assert form.status_code == 200
    assert "Évaluation du stage" in form.text and "Réaliser la plonge" in form.text
    assert 'class="bottom-nav"' not in form.text and "/logout" not in form.text
    assert form.headers["Referrer-Policy"] == "no-referrer"
    opened = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "placement_link_opened")
    )
    assert opened.subject_id == people["trainee"].id
    # A missing answer is said by its question; nothing is stored, the link still works.
    missing = tutor.post(address, data={**GOOD, "punctuality": "", "client_id": "t1"})
    assert missing.status_code == 200 and "Choisissez une réponse." in missing.text
    data = {
        **GOOD,
        "punctuality": "1",
        "hygiene": "1",
        "tasks_done": ["Réaliser la plonge"],
        "comment": "Ponctualité à travailler.",
        "client_id": "t1",
    }
    assert "Merci" in tutor.post(address, data=data).text
    assert tutor.post(address, data=data).status_code == 200  # the same sending again: thanks
    again = tutor.get(address)
    assert again.status_code == 410 and "déjà servi" in again.text
    other = app.test_client().post(address, data={**data, "client_id": "t2"})
    assert other.status_code == 410
    # The token opens no other address.
    assert app.test_client().get(f"/placements/{placement_id}?token={token}").status_code == 302
    assert app.test_client().get(f"/placements/tutor/{token}x").status_code == 404
    # The teacher sees it, and Today flags it (two criteria at the lowest level).
    page = teacher.get(f"/placements/{placement_id}/staff").text
    assert "Ponctualité à travailler." in page and "Not yet" in page
    today = teacher.get(f"/dashboard?group={people['group'].id}").text
    assert "Placements with a poor evaluation" in today and "Brasserie du Port" in today
    # The trainee reads who saw what: the tutor's opening and answer, the teacher's look.
    trainee = app.test_client()
    login(people["trainee"], http=trainee)
    seen = trainee.get("/privacy/seen").text
    assert "Your placement tutor opened the evaluation link." in seen
    assert "Your placement tutor sent their evaluation." in seen
    assert f"{people['teacher'].display_name} looked at one of your placements" in seen


def test_a_revoked_or_expired_link_refuses(app, people, login):
    teacher = app.test_client()
    login(people["teacher"], http=teacher)
    _record(teacher, people)
    placement_id = db.session.scalar(sa.select(Placement.id))
    address = _link(teacher, placement_id)
    assert teacher.post(f"/placements/{placement_id}/link/revoke").status_code == 303
    assert app.test_client().get(address).status_code == 404
    address = _link(teacher, placement_id)
    placement = db.session.get(Placement, placement_id)
    placement.starts_on = date(2026, 1, 5)
    placement.ends_on = local_today() - timedelta(days=22)
    db.session.commit()
    refused = app.test_client().get(address)
    assert refused.status_code == 410 and "expiré" in refused.text


def test_wrong_tokens_are_rate_limited(app, people):
    app.config["PLACEMENT_TOKEN_LIMIT"] = "3 per 10 minutes"
    try:
        http = app.test_client()
        statuses = [http.get(f"/placements/tutor/{'y' * 43}{n}").status_code for n in range(5)]
    finally:
        app.config.pop("PLACEMENT_TOKEN_LIMIT")
    assert statuses[:3] == [404, 404, 404] and statuses[-1] == 429


def test_csrf_applies_to_the_tutors_form(app, people, login):
    teacher = app.test_client()
    login(people["teacher"], http=teacher)
    _record(teacher, people)
    address = _link(teacher, db.session.scalar(sa.select(Placement.id)))
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        tutor = app.test_client()
        refused = tutor.post(address, data={**GOOD, "client_id": "c"})
        page = tutor.get(address).text
        accepted = tutor.post(
            address, data={**GOOD, "client_id": "c", "csrf_token": csrf_from(page)}
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert refused.status_code in (200, 400) and "Merci" not in refused.text
    assert "Merci" in accepted.text


def test_the_review_is_private_until_shared(app, people, login):
    teacher, trainee = app.test_client(), app.test_client()
    login(people["teacher"], http=teacher)
    _record(teacher, people)
    placement_id = db.session.scalar(sa.select(Placement.id))
    login(people["trainee"], http=trainee)
    review = {"did": "La plonge", "learned": "Le rythme du service", "hard": "Se lever tôt"}
    assert trainee.post(f"/placements/{placement_id}", data=review).status_code == 303
    assert "Se lever tôt" not in teacher.get(f"/placements/{placement_id}/staff").text
    trainee.post(f"/placements/{placement_id}/share", data={"share": "1"})
    assert "Se lever tôt" in teacher.get(f"/placements/{placement_id}/staff").text
    group = teacher.get(f"/placements/groups/{people['group'].id}").text
    assert "Brasserie du Port" in group and "Shared" in group
    trainee.post(f"/placements/{placement_id}/share", data={"share": "0"})
    assert "Se lever tôt" not in teacher.get(f"/placements/{placement_id}/staff").text


def test_export_and_erasure_include_placements(app, people, login):
    teacher = app.test_client()
    login(people["teacher"], http=teacher)
    _record(teacher, people)
    placement = db.session.scalar(sa.select(Placement))
    services.save_review(people["trainee"], placement, "La plonge", "", "")
    with app.test_request_context():
        exported = export_for(people["trainee"])["placements"]
    assert exported[0]["company"] == "Brasserie du Port"
    assert exported[0]["review"]["what_i_did"] == "La plonge"
    erase_user(people["trainee"].id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Placement)) == 0


def test_placements_between_for_my_week(app, people, login):
    teacher = app.test_client()
    login(people["teacher"], http=teacher)
    _record(teacher, people)
    today = local_today()
    assert services.placements_between(people["trainee"], today, today)
    later = today + timedelta(days=30)
    assert not services.placements_between(people["trainee"], later, later)


def test_pages_are_small_and_read_in_arabic(app, people, login, make_user):
    from tests.measure import first_load

    teacher = app.test_client()
    login(people["teacher"], http=teacher)
    _record(teacher, people)
    placement_id = db.session.scalar(sa.select(Placement.id))
    address = _link(teacher, placement_id)
    tutor = app.test_client()
    assert first_load(tutor, address)[0] < 14 * 1024
    assert first_load(teacher, f"/placements/groups/{people['group'].id}")[0] < 14 * 1024
    reader = make_user(Role.TRAINEE, group=people["group"], locale="ar")
    http = app.test_client()
    login(reader, http=http)
    page = http.get("/placements").text
    assert 'dir="rtl"' in page and "تدريباتي" in page


def test_my_week_shows_the_placement_days(app, people, login):
    teacher, trainee = app.test_client(), app.test_client()
    login(people["teacher"], http=teacher)
    _record(teacher, people)
    login(people["trainee"], http=trainee)
    page = trainee.get("/week").text
    assert "Placement at Brasserie du Port" in page
    assert page.count("Placement: Brasserie du Port") >= 1
    later = (local_today() + timedelta(days=60)).isoformat()
    assert "Brasserie du Port" not in trainee.get(f"/week?start={later}").text
