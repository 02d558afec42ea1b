"""My work: a CV built from what the app knows and the trainee's words (never where they come
from), printable and as text; applications private, counted for staff only when shared; interview
practice readable without JavaScript; export and erasure."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.measure import first_load
from webapp.accounts.models import Role
from webapp.career import cv, rules, services
from webapp.career.models import Application, CvProfile, EarlierJob
from webapp.core.time import local_today, utcnow
from webapp.extensions import db
from webapp.privacy import services as privacy
from webapp.revision import services as revision

OUTBOX = {"X-Outbox": "1"}
NEVER = ("prison", "détention", "detention", "justice", "spip", "incarcér", "carcéral")


@pytest.fixture
def trainee(make_group, make_user, login):
    group = make_group()
    person = make_user(group=group, display_name="Sam Martin")
    login(person)
    return person


def _said_nowhere(text: str) -> None:
    lowered = text.lower()
    for word in NEVER:
        assert word not in lowered, word


# --- the CV ---------------------------------------------------------------------------------


def test_a_first_cv_is_built_from_what_the_app_knows_without_a_word_about_prison(
    app, client, trainee
):
    app.config["WORKSHOP_EMPLOYER"] = "Les Cuisines Solidaires"
    page = client.get("/career/cv/print")
    assert page.status_code == 200
    html = page.text
    assert "Sam Martin" in html
    assert "Les Cuisines Solidaires" in html
    assert "Titre professionnel Agent de restauration (niveau 3), en préparation" in html
    assert "depuis septembre 2026" in html  # the group started on 1 September 2026
    _said_nowhere(html)
    text = client.get("/career/cv.txt")
    assert text.mimetype == "text/plain"
    assert text.text.startswith("SAM MARTIN\n")
    _said_nowhere(text.text)
    assert db.session.get(CvProfile, trainee.id) is None  # a GET writes nothing


def test_the_trainee_writes_their_cv_and_it_prints_their_words(client, trainee):
    form = {
        "full_name": "Samuel Martin",
        "town": "Aubervilliers",
        "phone": "06 12 34 56 78",
        "employer": "Cuisine & Partage",
        "job": "Employé polyvalent de restauration",
        "show_title": "y",
        "languages": "Français, Arabe (courant), Anglais (notions)",
        "licence": "B_soon",
        "qualities": "Ponctuel, soigneux; esprit d'équipe",
        "gap": "2021-2024 : période personnelle, formation en cuisine.",
        "layout": "columns",
        "client_id": "cv-1",
    }
    assert client.post("/career/cv", data=form).status_code == 303
    html = client.get("/career/cv/print").text
    assert "cv--columns" in html
    for words in ("Samuel Martin", "Aubervilliers · 06 12 34 56 78", "Permis B en cours"):
        assert words in html
    assert "<li>Esprit d&#39;équipe</li>" in html
    assert "période personnelle" in html
    text = client.get("/career/cv.txt").text
    assert "Langues : Français ; Arabe (courant) ; Anglais (notions)" in text
    assert "Employé polyvalent de restauration – Cuisine & Partage" in text
    # The same form sent again (a replay) changes nothing.
    replay = client.post("/career/cv", data=form, headers=OUTBOX)
    assert replay.headers["X-Outbox-State"] == "duplicate"


def test_the_title_can_be_left_off_and_a_name_is_needed(client, trainee):
    assert client.post("/career/cv", data={"full_name": "Sam"}).status_code == 303
    assert "Titre professionnel" not in client.get("/career/cv/print").text
    refused = client.post("/career/cv", data={"full_name": ""})
    assert refused.status_code == 422
    assert 'id="full_name-error"' in refused.text


def test_competencies_mastered_in_a_mock_exam_show_on_the_cv(client, trainee, bank):
    exam = revision.start_exam(trainee, "cv-exam")
    exam.per_ccp, exam.finished_at, exam.score = {"4": [3, 4], "1": [0, 4]}, utcnow(), 3
    db.session.commit()
    html = client.get("/career/cv/print").text
    assert "Réaliser la plonge" in html
    assert "Nettoyer et entretenir les locaux et le matériel" in html
    assert "Préparer les matières premières alimentaires" not in html


def test_mastered_competencies_rule():
    by_competency = {"Réaliser la plonge": [8, 10], "Réaliser des grillades minute": [7, 10]}
    assert cv.mastered_competencies("AR", by_competency, []) == ("Réaliser la plonge",)
    exams = [{"1": [2, 4]}]
    found = cv.mastered_competencies("AR", by_competency, exams)
    assert found[:2] == (
        "Préparer les matières premières alimentaires",
        "Assembler et dresser hors-d'œuvre et desserts",
    )


def test_placements_hook_turns_placements_into_cv_lines(ctx, trainee):
    """The lead wires placements.services into build_cv(placements=...) at merge."""
    today = date(2027, 3, 1)
    sample = [
        {
            "company": "Brasserie du Canal",
            "starts_on": date(2026, 11, 2),
            "ends_on": date(2026, 11, 27),
            "tasks": ["Mise en place des entrées", "Plonge", ""],
        },
        {
            "company": "Restaurant d'entreprise Orange",
            "place": "Montreuil",
            "starts_on": date(2027, 1, 4),
            "ends_on": date(2027, 1, 29),
            "tasks": ["Service au self"],
        },
    ]
    lines = services.placement_experiences(sample, today)
    assert [line.employer for line in lines] == [
        "Restaurant d'entreprise Orange",
        "Brasserie du Canal",
    ]
    assert lines[1].when == "novembre 2026"
    assert lines[1].tasks == ("Mise en place des entrées", "Plonge")
    built = services.build_cv(trainee, today, placements=sample)
    text = cv.as_text(built)
    assert "novembre 2026 : Stage en entreprise – Brasserie du Canal" in text
    assert "- Service au self" in text


def test_earlier_jobs_are_added_once_and_years_are_checked(client, trainee):
    job = {
        "position": "Plongeur",
        "company": "Hôtel Bellevue",
        "from_year": "2017",
        "to_year": "2018",
        "tasks": "Plonge, nettoyage",
        "client_id": "job-1",
    }
    assert client.post("/career/cv/jobs", data=job).status_code == 303
    assert (
        client.post("/career/cv/jobs", data=job, headers=OUTBOX).headers["X-Outbox-State"]
        == "duplicate"
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EarlierJob)) == 1
    assert "2017 – 2018 : Plongeur – Hôtel Bellevue" in client.get("/career/cv.txt").text
    bad = client.post("/career/cv/jobs", data=job | {"from_year": "9999", "client_id": "job-2"})
    assert bad.status_code == 422
    assert 'id="from_year-error"' in bad.text
    assert "Write a year, for example 2019." in bad.text or "Écrivez une année" in bad.text
    backwards = client.post("/career/cv/jobs", data=job | {"to_year": "2010", "client_id": "job-3"})
    assert 'id="to_year-error"' in backwards.text


# --- applications ---------------------------------------------------------------------------


def test_an_application_is_saved_once_and_its_dates_are_checked(client, trainee):
    form = {
        "company": "Sodexo",
        "job": "Employé de restauration",
        "seen_where": "France Travail",
        "status": "sent",
        "sent_on": "2026-11-20",
        "client_id": "app-1",
    }
    assert client.post("/career/applications", data=form).status_code == 303
    again = client.post("/career/applications", data=form, headers=OUTBOX)
    assert again.headers["X-Outbox-State"] == "duplicate"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 1
    bad = client.post(
        "/career/applications", data=form | {"next_on": "9999-01-01", "client_id": "app-2"}
    )
    assert bad.status_code == 422
    assert 'id="next_on-error"' in bad.text
    assert "2100" in bad.text
    future = client.post(
        "/career/applications",
        data=form | {"sent_on": (local_today() + timedelta(days=3)).isoformat(), "client_id": "a3"},
    )
    assert 'id="sent_on-error"' in future.text
    replay = client.post(
        "/career/applications", data=form | {"company": "", "client_id": "a4"}, headers=OUTBOX
    )
    assert replay.status_code == 422 and "company" in replay.json["errors"]


def test_no_answer_after_two_weeks_is_computed_from_the_date_sent():
    sent = date(2026, 11, 1)
    assert rules.shown_status("sent", sent, date(2026, 11, 14)) == "sent"
    assert rules.shown_status("sent", sent, date(2026, 11, 15)) == rules.NO_ANSWER
    assert rules.shown_status("interview", sent, date(2026, 12, 15)) == "interview"
    assert rules.shown_status("sent", None, date(2026, 12, 15)) == "sent"


def test_the_list_says_no_answer_and_shows_the_next_action(client, trainee):
    old = (local_today() - timedelta(days=20)).isoformat()
    soon = (local_today() + timedelta(days=2)).isoformat()
    client.post(
        "/career/applications",
        data={"company": "Elior", "status": "sent", "sent_on": old, "client_id": "o1"},
    )
    client.post(
        "/career/applications",
        data={
            "company": "Compass",
            "status": "interview",
            "next_action": "Entretien à 10 h",
            "next_on": soon,
            "client_id": "o2",
        },
    )
    html = client.get("/career/applications").text
    assert "application--no_answer" in html
    assert "Entretien à 10 h" in html


def test_actions_between_gives_my_week_the_dated_next_actions(ctx, trainee, make_user):
    services.add_application(
        trainee, "w1", company="A", next_action="Rappeler", next_on=date(2026, 12, 8)
    )
    services.add_application(
        trainee, "w2", company="B", next_action="Entretien", next_on=date(2026, 12, 20)
    )
    services.add_application(trainee, "w3", company="C")
    someone = make_user()
    services.add_application(someone, "w4", company="D", next_on=date(2026, 12, 9))
    found = services.actions_between(trainee, date(2026, 12, 7), date(2026, 12, 13))
    assert [(a.company, a.what, a.on) for a in found] == [("A", "Rappeler", date(2026, 12, 8))]


def test_staff_get_only_a_count_of_shared_applications_in_progress(client, trainee, make_user):
    first = services.add_application(trainee, "s1", company="A", status="sent")
    services.add_application(trainee, "s2", company="B", status="interview")
    done = services.add_application(trainee, "s3", company="C", status="yes")
    assert services.shared_in_progress([trainee.id]) == {trainee.id: 0}
    assert (
        client.post(f"/career/applications/{first.id}/share", data={"share": "1"}).status_code
        == 303
    )
    services.set_shared(done, True)
    assert services.shared_in_progress([trainee.id]) == {trainee.id: 1}
    client.post(f"/career/applications/{first.id}/share", data={"share": "0"})
    assert services.shared_in_progress([trainee.id]) == {trainee.id: 0}


def test_another_trainees_application_is_not_found(app, client, trainee, make_user, login):
    row = services.add_application(trainee, "x1", company="Secret")
    other = app.test_client()
    login(make_user(), http=other)
    assert other.get(f"/career/applications/{row.id}").status_code == 404
    assert other.post(f"/career/applications/{row.id}/delete").status_code == 404
    # Someone else's client id is not a way in either.
    sent = other.post("/career/applications", data={"company": "Z", "client_id": "x1"})
    assert sent.status_code == 404


# --- interview practice ---------------------------------------------------------------------


def test_interview_practice_shows_ten_questions_and_tips_without_javascript(client, trainee):
    html = client.get("/career/interview").text
    for text in (
        "Présentez-vous.",
        "Quelles règles d&#39;hygiène connaissez-vous ?",
        "Un client n&#39;est pas content. Que faites-vous ?",
        "Avez-vous des questions ?",
    ):
        assert text in html
    assert html.count('class="card practice__item"') == 10
    assert html.count('class="speak"') >= 20  # each question and each tip read aloud
    assert "js/practice.js" in html
    assert "<form" not in html.split('class="practice"')[1]  # nothing recorded is ever sent


def test_the_pages_are_light_on_a_cheap_phone(client, trainee):
    services.add_application(trainee, "p1", company="Elior", next_on=date(2026, 12, 9))
    for url in (
        "/career",
        "/career/cv",
        "/career/cv/print",
        "/career/applications",
        "/career/interview",
    ):
        html, total = first_load(client, url)
        assert html < 14 * 1024, url
        assert total < 60 * 1024, url


# --- data rights ----------------------------------------------------------------------------


def test_export_and_erasure_include_the_cv_and_applications(client, trainee):
    services.save_profile(trainee, full_name="Sam M.", gap="Mes mots")
    services.add_job(trainee, "e1", job="Commis", from_year=2015)
    services.add_application(trainee, "e2", company="Elior", notes="Appeler Mme X")
    data = client.get("/privacy/my-data.json").json["career"]
    assert data["cv"]["gap"] == "Mes mots"
    assert data["earlier_jobs"][0]["job"] == "Commis"
    assert data["applications"][0]["notes"] == "Appeler Mme X"
    privacy.erase_user(trainee.id)
    for model in (CvProfile, EarlierJob, Application):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0


def test_my_data_page_lists_the_applications(client, trainee):
    services.add_application(trainee, "m1", company="Elior Cantine")
    assert "Elior Cantine" in client.get("/privacy/my-data").text


def test_teacher_cannot_open_the_trainees_cv(app, trainee, make_user, login):
    teacher = make_user(Role.TEACHER, group=trainee.groups[0])
    staff = app.test_client()
    login(teacher, http=staff)
    assert staff.get("/career/cv/print").status_code == 404


def test_an_application_moves_on_and_a_bad_date_is_said_beside_its_field(client, trainee):
    row = services.add_application(trainee, "ed1", company="Elior", status="sent")
    url = f"/career/applications/{row.id}"
    form = {
        "company": "Elior",
        "status": "interview",
        "next_action": "Entretien",
        "next_on": "2026-12-10",
        "client_id": "ed1",
    }
    assert client.post(url, data=form).status_code == 303
    db.session.expire_all()
    assert (row.status, row.next_on) == ("interview", date(2026, 12, 10))
    bad = client.post(url, data=form | {"next_on": "9999-12-31"})
    assert bad.status_code == 422
    assert 'id="next_on-error"' in bad.text
    huge = client.post(url, data=form | {"notes": "x" * 1001})
    assert 'id="notes-error"' in huge.text
