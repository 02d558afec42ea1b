"""Data rights: export, deletion, erasure, retention, the notice, "who saw my data", audit."""

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from webapp.accounts import throttle
from webapp.accounts.models import AuthSession, Group, ResetCode, Role, User
from webapp.budget import services as budget
from webapp.core.models import ProcessedRequest
from webapp.core.time import utcnow
from webapp.extensions import db
from webapp.journal import services as journal
from webapp.journal.models import Comment, JournalEntry
from webapp.lessons import content
from webapp.lessons import services as lessons
from webapp.live import services as live
from webapp.privacy import services
from webapp.privacy.models import AuditEvent, ErasureRequest
from webapp.revision import services as revision

SECRET = "Mon secret du 12 mars"


@pytest.fixture
def people(app, make_group, make_user, login, client):
    group = make_group()
    trainee = make_user(group=group, display_name="Fatou Diallo", username="fatou.d")
    teacher = make_user(Role.TEACHER, group=group, display_name="Karim Haddad")
    admin = make_user(Role.ADMIN, display_name="Anne Admin")
    login(trainee)
    staff = app.test_client()
    login(teacher, http=staff)
    return {"trainee": trainee, "teacher": teacher, "admin": admin, "staff": staff, "group": group}


def _shared_entry(client, people, text=SECRET, client_id="e1"):
    client.post(
        "/journal/write",
        data={
            "mood": "2",
            "text": text,
            "goal_id": "0",
            "day": date.today().isoformat(),
            "client_id": client_id,
        },
    )
    entry = db.session.scalar(sa.select(JournalEntry).where(JournalEntry.client_id == client_id))
    client.post(f"/journal/entries/{entry.id}/share", data={"share": "1"})
    people["staff"].post(
        f"/journal/shared/{people['trainee'].id}/comment",
        data={"kind": "entry", "item_id": entry.id, "text": "On en parle jeudi"},
    )
    return entry


def _everything(people, bank):
    """A trainee with data in every feature."""
    trainee, group = people["trainee"], people["group"]
    loaded, _ = content.read_lessons(Path(__file__).parent / "fixtures" / "lessons")
    content.load_lessons(loaded)
    lesson = lessons.get_lesson("test-cuisine")
    lessons.record_answer(trainee, lesson, lessons.exercise(lesson, "single"), ["un verre"], "l1")
    question = revision.get_question(bank[0]["id"])
    revision.answer(trainee, question, ["x"], "r1", "review", 3.0, False, utcnow())
    revision.start_exam(trainee, "exam1")
    room = live.create_session(people["teacher"], group, scopes=["1"], count=2, client_id="room1")
    live.join(room, "Fafa du 93", trainee)
    budget.add_entry(trainee, "b1", False, 1250, date.today(), "food", "Marché de Fatou")
    budget.add_category(trainee, "Cigarettes")
    budget.add_recurring(trainee, True, 80000, 5, "salary", "Salaire Fatou", date.today())
    goal = journal.create_goal(
        trainee,
        "g1",
        "Trouver un logement à Bobigny",
        ["housing"],
        "Pour ma fille",
        None,
        ["Appeler le SIAO"],
    )
    journal.set_shared(goal, True)
    journal.save_assessment(trainee, "a1", "entry", {"housing": 2}, {"housing": "galère"}, True)
    return room


# --- my data --------------------------------------------------------------------------------


def test_trainee_downloads_everything_as_json_and_a_printable_page(client, people, bank):
    _everything(people, bank)
    _shared_entry(client, people)
    people["staff"].get(f"/dashboard/trainees/{people['trainee'].id}")
    response = client.get("/privacy/my-data.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.text)
    assert data["profile"]["username"] == "fatou.d"
    assert data["lessons"]["answers"][0]["answer"] == ["un verre"]
    assert len(data["revision"]["answers"]) == 1 and len(data["revision"]["mock_exams"]) == 1
    assert data["live"]["sessions"][0]["nickname"] == "Fafa du 93"
    assert data["budget"]["entries"][0]["note"] == "Marché de Fatou"
    assert data["budget"]["own_categories"][0]["name"] == "Cigarettes"
    assert data["budget"]["recurring"][0]["note"] == "Salaire Fatou"
    assert data["journal"]["goals"][0]["steps"][0]["text"] == "Appeler le SIAO"
    assert data["journal"]["entries"][0]["text"] == SECRET
    assert data["journal"]["entries"][0]["comments"][0]["text"] == "On en parle jeudi"
    assert data["journal"]["assessments"][0]["words"] == {"housing": "galère"}
    assert any(
        row["action"] == "trainee_page_viewed" and row["by"] == "Karim Haddad"
        for row in data["audit"]
    )

    page = client.get("/privacy/my-data")
    assert page.headers["Cache-Control"] == "no-store"
    for text in (
        SECRET,
        "Marché de Fatou",
        "Trouver un logement à Bobigny",
        "Fafa du 93",
        "Karim Haddad",
    ):
        assert text in page.text
    assert "Toutes mes données" in page.text  # French by default
    saved = client.get("/privacy/my-data?download=1")
    assert saved.headers["Content-Disposition"].startswith("attachment")


def test_my_data_is_in_the_trainees_language(client, people):
    people["trainee"].locale = "ar"
    db.session.commit()
    assert "كل بياناتي" in client.get("/privacy/my-data").text
    people["trainee"].locale = "en"
    db.session.commit()
    assert "All my data" in client.get("/privacy/my-data").text


def test_another_trainee_gets_only_their_own_data_and_404_on_deletes(
    app, client, people, login, make_user
):
    entry = _shared_entry(client, people)
    goal = journal.create_goal(people["trainee"], "g9", "Permis", [], "", None, [])
    assessment = journal.save_assessment(people["trainee"], "a9", "free", {}, {}, False)
    category = budget.add_category(people["trainee"], "Tabac")
    other = app.test_client()
    login(make_user(group=people["group"]), http=other)
    assert SECRET not in other.get("/privacy/my-data.json").text
    assert SECRET not in other.get("/privacy/my-data").text
    for url in (
        f"/journal/entries/{entry.id}/delete",
        f"/journal/goals/{goal.id}/delete",
        f"/journal/assessment/{assessment.id}/delete",
        f"/budget/categories/{category.id}/delete",
    ):
        assert other.post(url).status_code == 404, url
        assert people["staff"].post(url).status_code == 404, url
    assert db.session.get(JournalEntry, entry.id) is not None


# --- deleting -------------------------------------------------------------------------------


def test_a_deleted_shared_entry_is_gone_from_every_staff_view(client, people):
    entry = _shared_entry(client, people)
    trainee_id = people["trainee"].id
    staff = people["staff"]
    assert SECRET in staff.get(f"/journal/shared/{trainee_id}").text
    assert SECRET in staff.get(f"/dashboard/trainees/{trainee_id}").text
    assert "Supprimer" in client.get("/journal").text  # the button, behind a confirmation
    response = client.post(f"/journal/entries/{entry.id}/delete")
    assert response.status_code == 303
    for url in (f"/journal/shared/{trainee_id}", f"/dashboard/trainees/{trainee_id}"):
        page = staff.get(url).text
        assert SECRET not in page and "On en parle jeudi" not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 0
    assert SECRET not in client.get("/privacy/my-data.json").text


def test_trainee_deletes_a_goal_an_assessment_and_an_own_category(client, people):
    trainee = people["trainee"]
    goal = journal.create_goal(trainee, "g1", "Passer le permis", [], "", None, ["Code"])
    journal.set_shared(goal, True)
    client.post(
        "/journal/write",
        data={
            "mood": "4",
            "text": "lié",
            "goal_id": goal.id,
            "day": date.today().isoformat(),
            "client_id": "e-goal",
        },
    )
    people["staff"].post(
        f"/journal/shared/{trainee.id}/comment",
        data={"kind": "goal", "item_id": goal.id, "text": "Bravo"},
    )
    assert client.post(f"/journal/goals/{goal.id}/delete").status_code == 303
    assert "Passer le permis" not in people["staff"].get(f"/journal/shared/{trainee.id}").text
    assert (
        db.session.scalar(sa.select(JournalEntry.goal_id).where(JournalEntry.client_id == "e-goal"))
        is None
    )
    assessment = journal.save_assessment(trainee, "a1", "entry", {"housing": 2}, {}, True)
    assert client.post(f"/journal/assessment/{assessment.id}/delete").status_code == 303
    assert journal.assessments_of(trainee) == []
    own = budget.add_category(trainee, "Cantine")
    budget.add_entry(trainee, "b1", False, 500, date.today(), f"c{own.id}", "midi")
    assert "Cantine" in client.get("/budget/recurring").text
    assert client.post(f"/budget/categories/{own.id}/delete").status_code == 303
    assert budget.own_categories(trainee) == []
    assert db.session.scalar(sa.select(budget.Entry.category)) == "other"  # the line stays


# --- erasure --------------------------------------------------------------------------------


def _rows_mentioning(user_id: int, texts: list[str]) -> list[str]:
    """Every row, in every table, that points at user_id or holds one of texts."""
    found = []
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            for row in connection.execute(sa.select(table)):
                for column, value in zip(table.columns, row, strict=True):
                    pointing = any(
                        fk.column.table.name == "user_account" for fk in column.foreign_keys
                    )
                    if (
                        pointing or (table.name == "user_account" and column.name == "id")
                    ) and value == user_id:
                        found.append(f"{table.name}.{column.name}")
                    if value is not None and any(
                        text in json.dumps(value, default=str, ensure_ascii=False)
                        or text in str(value)
                        for text in texts
                    ):
                        found.append(f"{table.name}.{column.name}={value!r}")
    return found


def test_erasure_asked_by_the_trainee_confirmed_by_an_admin_leaves_no_personal_row(
    app, client, people, login, bank
):
    trainee, admin = people["trainee"], people["admin"]
    room = _everything(people, bank)
    _shared_entry(client, people)
    people["staff"].get(f"/dashboard/trainees/{trainee.id}")
    people["staff"].post(f"/trainees/{trainee.id}/reset-code")
    db.session.add(ProcessedRequest(client_id="req-fatou", user_id=trainee.id, result="{}"))
    db.session.commit()
    players_before = len(live.players(room))
    trainee_id = trainee.id

    refused = client.post("/privacy/erase", data={})
    assert refused.status_code == 200 and "Cochez la case" in refused.text
    assert client.post("/privacy/erase", data={"understood": "y"}).status_code == 303
    client.post("/privacy/erase", data={"understood": "y"})  # a double tap: one request
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ErasureRequest)) == 1

    desk = app.test_client()
    login(admin, http=desk)
    assert "Fatou Diallo" in desk.get("/admin/erasures").text
    request_id = db.session.scalar(sa.select(ErasureRequest.id))
    assert desk.post(f"/admin/erasures/{request_id}").status_code == 303
    db.session.expire_all()

    texts = [
        "Fatou",
        "fatou.d",
        SECRET,
        "Marché",
        "Cigarettes",
        "Fafa du 93",
        "Bobigny",
        "Appeler le SIAO",
        "galère",
        "On en parle jeudi",
    ]
    assert _rows_mentioning(trainee_id, texts) == []
    assert client.get("/").status_code == 302  # signed out everywhere: the session is gone
    # What was counted anonymously stays: the quiz still has its players, under no name.
    assert len(live.players(room)) == players_before
    # The audit keeps that staff acted (subject cleared) and that an erasure happened.
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"trainee_page_viewed", "reset_code_issued", "account_erased"} <= actions
    erased = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "account_erased"))
    assert erased.actor_id == admin.id and erased.subject_id is None
    assert erased.detail.startswith("ref=")


def test_erasure_forgets_the_teachers_request_that_created_the_account(people):
    cards = people["staff"].post(
        f"/groups/{people['group'].id}/trainees/new",
        data={"names": "Nadia Kaci\nOmar Sy", "request_id": "add-1"},
    )
    assert cards.status_code == 200
    nadia = db.session.scalar(sa.select(User).where(User.display_name == "Nadia Kaci"))
    services.erase_user(nadia.id, people["admin"])
    assert db.session.get(ProcessedRequest, "add-1") is None
    assert _rows_mentioning(nadia.id, ["Nadia", "nadia.k"]) == []


def test_erasure_request_can_be_cancelled(client, people):
    client.post("/privacy/erase", data={"understood": "y"})
    assert "Annuler ma demande" in client.get("/privacy/erase").text
    client.post("/privacy/erase", data={"action": "cancel"})
    assert services.erasure_request_of(people["trainee"]) is None
    assert db.session.get(User, people["trainee"].id) is not None


# --- retention ------------------------------------------------------------------------------


def test_purge_counts_then_removes_and_is_idempotent(app, people, make_group, make_user, bank):
    now = utcnow()
    today = now.date()
    ended = make_group()
    ended.starts_on, ended.ends_on = today - timedelta(days=800), today - timedelta(days=400)
    recent = make_group()
    recent.starts_on, recent.ends_on = today - timedelta(days=600), today - timedelta(days=300)
    gone = make_user(group=ended, display_name="Ancien Stagiaire")
    kept = make_user(group=recent)
    trainee = people["trainee"]
    db.session.add_all(
        [
            AuthSession(
                token_hash="a" * 64, user_id=trainee.id, expires_at=now - timedelta(hours=1)
            ),
            ResetCode(user_id=trainee.id, code_hash="x", expires_at=now - timedelta(minutes=1)),
            ResetCode(
                user_id=trainee.id,
                code_hash="y",
                expires_at=now + timedelta(minutes=9),
                used_at=now,
            ),
            ResetCode(user_id=trainee.id, code_hash="z", expires_at=now + timedelta(minutes=9)),
            ProcessedRequest(
                client_id="old", user_id=trainee.id, created_at=now - timedelta(days=2)
            ),
            ProcessedRequest(client_id="new", user_id=trainee.id, created_at=now),
            AuditEvent(at=now - timedelta(days=800), action="trainee_page_viewed"),
            AuditEvent(at=now - timedelta(days=30), action="trainee_page_viewed"),
        ]
    )
    # A guessing count from two days ago is forgotten; one from a minute ago is kept.
    for key, ago in (("old", 2 * 86400), ("recent", 60)):
        db.session.execute(
            sa.insert(throttle.TABLE).values(
                key=key, failures=3, last_at=int(now.timestamp()) - ago, not_before=0
            )
        )
    room = live.create_session(
        people["teacher"], people["group"], scopes=["1"], count=2, client_id="r"
    )
    live.join(room, "Invité Momo", _Guest())
    room.ended_at = now
    db.session.commit()

    runner = app.test_cli_runner()
    dry = runner.invoke(args=["privacy", "purge", "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    expected = {
        "sessions": 1,
        "reset_codes": 2,
        "request_ids": 1,
        "guest_nicknames": 1,
        "unused_pictures": 0,
        "sign_in_counts": 1,
        "candidates": 0,
        "accounts": 1,
        "audit_events": 1,
    }
    assert json.loads(dry.output) == {"dry_run": True, "counts": expected}
    assert db.session.get(User, gone.id) is not None  # a dry run removes nothing

    done = runner.invoke(args=["privacy", "purge", "--json"])
    assert json.loads(done.output)["counts"] == expected
    db.session.expire_all()
    assert db.session.get(User, gone.id) is None and db.session.get(User, kept.id) is not None
    assert db.session.get(User, trainee.id) is not None  # their group is running
    assert "Invité Momo" not in [p.nickname for p in live.players(room)]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ResetCode)) == 1
    keys = set(db.session.scalars(sa.select(throttle.TABLE.c.key)))
    assert "recent" in keys and "old" not in keys
    again = runner.invoke(args=["privacy", "purge", "--dry-run", "--json"])
    assert set(json.loads(again.output)["counts"].values()) == {0}


class _Guest:
    is_authenticated = False
    id = None


def test_months_before_keeps_the_day_or_takes_the_months_last():
    assert services.months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert services.months_before(date(2026, 1, 15), 12) == date(2025, 1, 15)
    assert services.months_before(date(2026, 1, 15), -12) == date(2027, 1, 15)


# --- the notice -----------------------------------------------------------------------------


def test_privacy_notice_is_readable_before_sign_in_in_three_languages(app):
    anonymous = app.test_client()
    assert "/privacy" in anonymous.get("/login").text
    page = anonymous.get("/privacy")
    assert page.status_code == 200 and "Ce que nous gardons" in page.text
    assert "12 mois" in page.text
    anonymous.set_cookie("lang", "en")
    assert "What we keep" in anonymous.get("/privacy").text
    anonymous.set_cookie("lang", "ar")
    assert "ما نحتفظ به" in anonymous.get("/privacy").text


# --- who saw my data and the audit of staff reads ------------------------------------------


def test_who_saw_my_data_lists_staff_reads_in_plain_words(client, people, make_user):
    trainee, teacher, staff = people["trainee"], people["teacher"], people["staff"]
    journal.write_entry(trainee, "low", date.today(), 1, "dur", None)
    low = db.session.scalar(sa.select(JournalEntry))
    journal.set_shared(low, True)
    staff.get("/dashboard")  # Today shows the low mood
    staff.get(f"/dashboard/groups/{people['group'].id}/grid")
    staff.get(f"/dashboard/trainees/{trainee.id}")
    staff.get(f"/groups/{people['group'].id}")
    staff.post(f"/revision/trainees/{trainee.id}/exam-time", data={"minutes": 45})
    services.audit(trainee, "signed_in", trainee)
    services.audit(teacher, "something_new", trainee)
    db.session.commit()
    page = client.get("/privacy/seen").text
    for sentence in (
        "Karim Haddad a regardé la page Aujourd’hui du groupe, qui vous montre.",
        "Karim Haddad a regardé le tableau de progression du groupe",
        "Karim Haddad a regardé votre page",
        "Karim Haddad a changé votre temps pour les examens blancs.",
        "Karim Haddad a fait quelque chose sur votre compte.",
    ):
        assert sentence in page, sentence
    assert "s’est connecté" not in page  # the trainee's own sign-ins are not listed
    # Newest first.
    assert page.index("quelque chose") < page.index("Aujourd’hui")


def test_who_saw_my_data_is_paged_and_in_the_trainees_language(client, people):
    for _ in range(25):
        services.audit(people["teacher"], "trainee_page_viewed", people["trainee"])
    db.session.commit()
    first = client.get("/privacy/seen").text
    assert first.count("Karim Haddad a regardé votre page") == 20 and "page=2" in first
    second = client.get("/privacy/seen?page=2").text
    assert second.count("Karim Haddad a regardé votre page") == 5 and "page=3" not in second
    people["trainee"].locale = "ar"
    db.session.commit()
    assert "Karim Haddad" in client.get("/privacy/seen").text
    assert "صفحتك" in client.get("/privacy/seen").text
    assert client.get("/privacy/seen?page=abc").status_code == 200


def _actions_about(user) -> list[str]:
    return list(
        db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.subject_id == user.id))
    )


def test_today_audits_each_trainee_it_shows(client, people, make_user):
    quiet = make_user(group=people["group"], last_seen_on=date.today())
    journal.save_assessment(quiet, "quiet-entry", "entry", {"housing": 3}, {}, False)
    journal.write_entry(people["trainee"], "low", date.today(), 1, "dur", None)
    journal.set_shared(db.session.scalar(sa.select(JournalEntry)), True)
    people["staff"].get("/dashboard")
    assert "today_viewed" in _actions_about(people["trainee"])
    assert "today_viewed" not in _actions_about(quiet)  # not on the page: not concerned


def test_grid_group_page_and_exam_time_are_audited(client, people):
    staff, trainee = people["staff"], people["trainee"]
    staff.get(f"/dashboard/groups/{people['group'].id}/grid")
    staff.get(f"/groups/{people['group'].id}")
    staff.post(f"/revision/trainees/{trainee.id}/exam-time", data={"minutes": 45})
    assert {"grid_viewed", "group_page_viewed", "exam_time_changed"} <= set(_actions_about(trainee))


def test_live_results_with_real_names_are_audited(client, people, bank):
    room = live.create_session(
        people["teacher"], people["group"], scopes=["1"], count=2, client_id="room"
    )
    live.join(room, "Fafa", people["trainee"])
    assert "Fatou Diallo" in people["staff"].get(f"/live/{room.code}/results").text
    assert "live_results_viewed" in _actions_about(people["trainee"])


def test_admin_searches_the_audit_by_trainee_staff_action_and_dates(app, people, login, make_user):
    trainee, teacher, admin = people["trainee"], people["teacher"], people["admin"]
    other = make_user(group=people["group"], display_name="Omar Sy")
    services.audit(teacher, "trainee_page_viewed", trainee)
    services.audit(teacher, "reset_code_issued", other)
    old = AuditEvent(
        actor_id=teacher.id,
        action="trainee_page_viewed",
        subject_id=other.id,
        at=utcnow() - timedelta(days=40),
        detail="old-one",
    )
    db.session.add(old)
    db.session.commit()
    desk = app.test_client()
    login(admin, http=desk)

    def rows(query):
        page = desk.get(f"/admin/audit?{query}")
        assert page.status_code == 200
        return page.text

    assert "Omar Sy" not in rows("trainee=Fatou") and "Fatou Diallo" in rows("trainee=Fatou")
    assert "reset_code_issued" in rows("action=reset_code_issued")
    assert "trainee_page_viewed ·" not in rows("action=reset_code_issued")
    assert "Karim Haddad" in rows("staff=Karim")
    since = (date.today() - timedelta(days=7)).isoformat()
    assert "old-one" not in rows(f"start={since}") and "old-one" in rows("")
    until = (date.today() - timedelta(days=30)).isoformat()
    assert "old-one" in rows(f"end={until}")
    for bad, message in (
        ("start=1999-12-31", "Choisissez une date entre le"),
        ("end=2101-01-01", "Choisissez une date entre le"),
        (f"start={since}&end={until}", "La fin est avant le début"),
    ):
        assert message in rows(bad), bad
    assert rows("start=abc")  # not a date: a message, never a 500
    # Reading the log is itself audited, and searching for a trainee tells them.
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "audit_log_viewed")
        )
        >= 1
    )
    assert "audit_log_searched" in _actions_about(trainee)


def test_erasure_clears_audit_subjects_of_group_reads(people, make_user):
    trainee = people["trainee"]
    services.audit_reads(people["teacher"], "today_viewed", [trainee], "group=1")
    reference = services.erase_user(trainee.id, people["admin"])
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.subject_id == trainee.id)
        )
        == 0
    )
    assert (
        db.session.scalar(sa.select(AuditEvent.detail).where(AuditEvent.action == "account_erased"))
        == f"ref={reference} reason=request"
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Group)) == 1


def test_home_offers_the_export_once_the_group_has_ended(client, people):
    assert "sera effacé le" not in client.get("/").text
    group = people["group"]
    group.starts_on, group.ends_on = (
        date.today() - timedelta(days=300),
        date.today() - timedelta(days=2),
    )
    db.session.commit()
    home = client.get("/").text
    assert "Votre groupe est terminé" in home and "/privacy/me" in home
    assert "sera effacé le" in client.get("/privacy/me").text
