"""My steps: the content file is checked line by line; a trainee's steps are private until shared
one by one with the social worker (a teacher of their group now), whose reads are audited."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape

from tests.measure import count_queries, first_load
from webapp.accounts import services as accounts
from webapp.accounts.models import Role
from webapp.extensions import db
from webapp.privacy import services as privacy
from webapp.privacy.models import AuditEvent
from webapp.steps import content, services
from webapp.steps.models import Step, StepComment, TraineeStep

OUTBOX = {"X-Outbox": "1"}


@pytest.fixture
def people(app, make_group, make_user, login, client):
    steps, problems = content.read_steps()
    assert problems == []
    content.load_steps(steps)
    group = make_group()
    trainee = make_user(group=group, display_name="Fatou Diallo")
    teacher = make_user(Role.TEACHER, group=group, display_name="Karim Haddad")
    login(trainee)
    staff = app.test_client()
    login(teacher, http=staff)
    return {"trainee": trainee, "teacher": teacher, "staff": staff, "group": group}


def row(user, step_id) -> TraineeStep | None:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(TraineeStep).where(TraineeStep.user_id == user.id, TraineeStep.step_id == step_id)
    )


# --- the content file -----------------------------------------------------------------------


def test_the_steps_file_is_valid_and_covers_the_steps_after_release():
    steps, problems = content.read_steps()
    assert problems == []
    ids = [step["id"] for step in steps]
    for wanted in (
        "carte-identite",
        "carte-vitale",
        "compte-bancaire",
        "caf",
        "france-travail",
        "logement",
        "impots",
        "casier-judiciaire",
        "permis-conduire",
    ):
        assert wanted in ids
    for step in steps:
        assert content.official(step["site"]), step["id"]
        assert step["sources"] and step["bring"]
        assert step["title_tr"]["en"] and step["title_tr"]["ar"]
        assert step["why_tr"]["en"] and step["why_tr"]["ar"]
        assert content.long_sentences(step["text"]) == []


BAD = """\
- id: carte-vitale
  picture: "💳"
  title: "Ma carte Vitale"
  title_tr: {en: "My card"}
  why: "Pour être soigné."
  why_tr: {en: "To be cared for.", ar: "للعلاج"}
  bring: ["Ma pièce d'identité"]
  where: "La CPAM."
  site: "http://example.com/vitale"
  delay: "3 semaines."
  text: "Une phrase trop longue pour un texte facile : elle ne finit pas et elle va bien plus loin."
  sources: ["pas une adresse"]
- id: carte-vitale
  picture: "💳"
  title: "Encore"
"""


def test_a_bad_steps_file_gets_clear_errors_naming_the_file_and_line(tmp_path):
    path = tmp_path / "steps.yaml"
    path.write_text(BAD, "utf-8")
    steps, problems = content.read_steps(path)
    assert steps == []
    said = [str(problem) for problem in problems]
    assert all(text.startswith(f"{path}:") for text in said)
    found = [(problem.line, problem.message) for problem in problems]

    def said_at(line, words):
        return any(at == line and words in message for at, message in found)

    assert said_at(4, "'title_tr' must give both 'en' and 'ar' texts")
    assert said_at(9, "expected an https address on an official site")
    assert said_at(11, "a sentence of more than 16 words (easy French: cut it)")
    assert said_at(12, "is not a web address")
    assert said_at(13, "step id 'carte-vitale' is used twice")
    assert said_at(13, "'why' is missing")


def test_yaml_that_does_not_parse_names_its_line(tmp_path):
    path = tmp_path / "steps.yaml"
    path.write_text("- id: a\n  title: [unclosed\n", "utf-8")
    _steps, problems = content.read_steps(path)
    assert len(problems) == 1 and problems[0].line >= 2 and "not valid YAML" in problems[0].message


def test_loading_twice_changes_nothing_and_an_edit_keeps_the_trainees_ticks(people):
    steps, _ = content.read_steps()
    assert content.load_steps(steps)["unchanged"] == len(steps)
    services.tick(people["trainee"], "caf", True, date(2026, 12, 1))
    edited = [
        dict(step, why="Une raison plus claire.") if step["id"] == "caf" else step for step in steps
    ]
    counts = content.load_steps(edited[:-1])  # one edited, the last one gone from the file
    assert counts["updated"] == 1 and counts["retired"] == 1
    assert db.session.get(Step, "caf").content["why"] == "Une raison plus claire."
    assert row(people["trainee"], "caf").done
    assert db.session.get(Step, steps[-1]["id"]).retired


def test_the_cli_checks_and_loads(app, ctx):
    runner = app.test_cli_runner()
    assert "9 steps checked: no problems" in runner.invoke(args=["steps", "check"]).output
    assert "9 added" in runner.invoke(args=["steps", "load"]).output
    assert "9 unchanged" in runner.invoke(args=["steps", "load"]).output


# --- the trainee's checklist ----------------------------------------------------------------


def test_the_checklist_lists_every_step_read_aloud_in_french(client, people):
    page = client.get("/steps")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "Ma carte Vitale et la Complémentaire santé solidaire" in page.text
    assert page.text.count('<button type="submit" class="tick') == 9
    step = client.get("/steps/compte-bancaire").text
    assert "Banque de France" in step and 'lang="fr" dir="ltr"' in step
    for text in services.step_texts(db.session.get(Step, "compte-bancaire").content):
        assert f'data-say="{escape(text)}"' in step  # every text has its read-aloud link
    assert len(services.spoken_texts()) == sum(
        len(services.step_texts(s.content)) for s in services.current_steps()
    )  # and `flask audio build` records each of them
    assert "https://www.banque-france.fr" in step
    assert client.get("/steps/not-a-step").status_code == 404


def test_the_essentials_show_in_arabic_under_the_french(client, people):
    client.post("/language", data={"lang": "ar", "next": "/steps/caf"})
    page = client.get("/steps/caf").text
    assert 'dir="rtl"' in page
    assert "مساعدات CAF" in page  # title in Arabic, under the French title
    assert 'lang="fr" dir="ltr">La CAF : RSA' in page


def test_a_tick_sent_twice_counts_once(client, people):
    form = {"done": "1", "client_id": "t-1", "back": "/steps"}
    assert client.post("/steps/carte-vitale/tick", data=form).status_code == 303
    assert client.post("/steps/carte-vitale/tick", data=form).status_code == 303
    stored = row(people["trainee"], "carte-vitale")
    assert stored.done and stored.done_on is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TraineeStep)) == 1
    first = client.post("/steps/caf/tick", data={"done": "1", "client_id": "t-2"}, headers=OUTBOX)
    again = client.post("/steps/caf/tick", data={"done": "1", "client_id": "t-2"}, headers=OUTBOX)
    assert (first.status_code, first.headers["X-Outbox-State"]) == (200, "stored")
    assert (again.status_code, again.headers["X-Outbox-State"]) == (200, "duplicate")
    assert again.headers["X-Outbox-Ack"] == "t-2"
    client.post("/steps/caf/tick", data={"done": "0", "client_id": "t-3"})
    assert not row(people["trainee"], "caf").done


def test_a_replayed_tick_without_its_state_is_refused(client, people):
    response = client.post("/steps/caf/tick", data={"client_id": "t-4"}, headers=OUTBOX)
    assert response.status_code == 422 and "done" in response.json["errors"]
    assert row(people["trainee"], "caf") is None


def test_where_i_am_with_dates_checked_and_the_week_sees_the_reminder(client, people):
    today = date.today()
    ok = client.post(
        "/steps/logement/status",
        data={
            "note": "Dossier envoyé au SIAO",
            "waiting_since": (today - timedelta(days=10)).isoformat(),
            "remind_on": (today + timedelta(days=3)).isoformat(),
            "client_id": "s-1",
        },
    )
    assert ok.status_code == 303
    stored = row(people["trainee"], "logement")
    assert stored.note == "Dossier envoyé au SIAO" and not stored.shared
    assert 'value="Dossier envoyé au SIAO"' in client.get("/steps/logement").text
    found = services.reminders_between(people["trainee"], today, today + timedelta(days=7))
    assert [(r.step_id, r.on) for r in found] == [("logement", today + timedelta(days=3))]
    assert services.reminders_between(people["trainee"], today, today + timedelta(days=1)) == []


@pytest.mark.parametrize(
    "field, value",
    [
        ("waiting_since", "9999-01-01"),
        ("remind_on", "9999-01-01"),
        ("waiting_since", (date.today() + timedelta(days=5)).isoformat()),
        ("remind_on", "demain"),
    ],
)
def test_a_wrong_date_gets_a_message_next_to_the_field_and_nothing_is_saved(
    client, people, field, value
):
    response = client.post("/steps/impots/status", data={field: value, "note": "x"})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert row(people["trainee"], "impots") is None
    outbox = client.post(
        "/steps/impots/status", data={field: value, "client_id": "s-2"}, headers=OUTBOX
    )
    assert outbox.status_code == 422 and field in outbox.json["errors"]


def test_the_pages_are_light_and_their_queries_do_not_grow(client, people):
    for url in ("/steps", "/steps/logement"):
        html, total = first_load(client, url)
        assert html < 14 * 1024 and total < 60 * 1024, url

    def queries(url):
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    # The person, their steps' rows, the steps; a step page: also its comments and its readers.
    assert (queries("/steps"), queries("/steps/logement")) == (3, 4)
    for step_id in ("caf", "logement", "impots", "carte-vitale"):
        services.set_status(
            people["trainee"], step_id, note_text="x", waiting_since=None, remind_on=None
        )
        services.set_shared(people["trainee"], step_id, True)
    services.add_comment(
        people["teacher"], people["trainee"], row(people["trainee"], "logement").id, "Oui"
    )
    assert (queries("/steps"), queries("/steps/logement")) == (3, 5)


# --- sharing with the social worker ---------------------------------------------------------


def test_a_step_is_private_until_shared_and_sharing_is_revocable(client, people):
    staff, trainee = people["staff"], people["trainee"]
    client.post("/steps/carte-vitale/status", data={"note": "J'attends la CPAM"})
    mine = row(trainee, "carte-vitale")
    page = staff.get(f"/steps/shared/{trainee.id}").text
    assert "J'attends la CPAM" not in page
    comment = {"row_id": mine.id, "text": "Je peux appeler avec vous."}
    assert staff.post(f"/steps/shared/{trainee.id}/comment", data=comment).status_code == 404

    assert client.post("/steps/carte-vitale/share", data={"share": "1"}).status_code == 303
    assert "Karim Haddad" in client.get("/steps/carte-vitale").text  # who can see it, by name
    page = staff.get(f"/steps/shared/{trainee.id}").text
    assert "J&#39;attends la CPAM" in page or "J'attends la CPAM" in page
    assert staff.post(f"/steps/shared/{trainee.id}/comment", data=comment).status_code == 303
    assert "Je peux appeler avec vous." in client.get("/steps/carte-vitale").text
    seen = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.subject_id == trainee.id)
    ).all()
    assert "steps_shared_viewed" in seen
    assert "steps_shared_viewed" in privacy.SENTENCES  # said in plain words, not "did something"
    assert "Karim Haddad" in client.get("/privacy/seen").text

    client.post("/steps/carte-vitale/share", data={"share": "0"})
    assert "J'attends la CPAM" not in staff.get(f"/steps/shared/{trainee.id}").text
    assert staff.post(f"/steps/shared/{trainee.id}/comment", data=comment).status_code == 404


def test_only_a_teacher_attached_now_sees_shared_steps(app, people, make_group, make_user, login):
    trainee, teacher = people["trainee"], people["teacher"]
    services.set_shared(trainee, "caf", True)
    elsewhere = make_user(Role.TEACHER, group=make_group())
    other = app.test_client()
    login(elsewhere, http=other)
    assert other.get(f"/steps/shared/{trainee.id}").status_code == 404
    admin = make_user(Role.ADMIN)
    accounts.set_attachment(admin, people["group"], teacher, False)
    assert people["staff"].get(f"/steps/shared/{trainee.id}").status_code == 404


def test_today_shows_the_shared_steps_stuck_the_longest(people, make_user):
    trainee, staff = people["trainee"], people["staff"]
    other = make_user(group=people["group"], display_name="Samir Benali")
    today = date.today()
    services.set_status(
        trainee, "caf", note_text="RSA", waiting_since=today - timedelta(days=20), remind_on=None
    )
    services.set_shared(trainee, "caf", True)
    services.set_status(
        other, "logement", note_text="", waiting_since=today - timedelta(days=40), remind_on=None
    )
    services.set_shared(other, "logement", True)
    services.set_status(  # not shared: never on a staff screen
        other, "impots", note_text="", waiting_since=today - timedelta(days=90), remind_on=None
    )
    services.tick(trainee, "france-travail", True, today)
    services.set_shared(trainee, "france-travail", True)  # done: not stuck
    page = staff.get("/dashboard").text
    samir, fatou = page.index("Un toit"), page.index("La CAF")
    assert samir < fatou  # 40 days before 20 days
    assert "Ma déclaration de revenus" not in page
    assert (
        "M&#39;inscrire à France Travail" not in page and "M'inscrire à France Travail" not in page
    )
    stuck = services.stuck(people["group"], [trainee.id, other.id])
    assert [(s.step_id, (today - s.since).days) for s in stuck] == [("logement", 40), ("caf", 20)]
    audited = set(
        db.session.scalars(
            sa.select(AuditEvent.subject_id).where(AuditEvent.action == "today_viewed")
        )
    )
    assert {trainee.id, other.id} <= audited


def test_a_trainee_deletes_what_they_wrote_about_a_step_and_the_comments_go_with_it(client, people):
    trainee = people["trainee"]
    services.set_status(
        trainee, "caf", note_text="RSA demandé", waiting_since=None, remind_on=date(2026, 12, 20)
    )
    shared = services.set_shared(trainee, "caf", True)
    services.add_comment(people["teacher"], trainee, shared.id, "Bien joué.")
    assert client.post("/steps/caf/forget").status_code == 303
    assert row(trainee, "caf") is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StepComment)) == 0
    assert "RSA demandé" not in people["staff"].get(f"/steps/shared/{trainee.id}").text
    assert client.post("/steps/caf/forget").status_code == 303  # again: nothing left, no error
    assert client.post("/steps/nothing-here/forget").status_code == 404


# --- my data --------------------------------------------------------------------------------


def test_export_and_erasure_include_the_steps(client, people):
    trainee, teacher = people["trainee"], people["teacher"]
    services.set_status(
        trainee, "caf", note_text="RSA demandé", waiting_since=date(2026, 11, 2), remind_on=None
    )
    shared = services.set_shared(trainee, "caf", True)
    services.add_comment(teacher, trainee, shared.id, "On en parle lundi.")
    data = client.get("/privacy/my-data.json").json
    assert data["steps"][0]["note"] == "RSA demandé"
    assert data["steps"][0]["waiting_since"] == "2026-11-02"
    assert data["steps"][0]["comments"][0]["text"] == "On en parle lundi."
    assert "RSA demandé" in client.get("/privacy/my-data").text
    privacy.erase_user(trainee.id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TraineeStep)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StepComment)) == 0
