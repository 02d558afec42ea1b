"""Goals, journal and self-assessment: private by default, shared by choice, anonymous totals."""

from datetime import date

import pytest
import sqlalchemy as sa

from tests.measure import count_queries, first_load
from webapp.accounts.models import Role
from webapp.core.themes import THEME_NAMES
from webapp.extensions import db
from webapp.journal import services
from webapp.journal.models import Goal, GoalStep, JournalEntry
from webapp.privacy.models import AuditEvent


@pytest.fixture
def people(app, make_group, make_user, login, client):
    group = make_group()
    trainee = make_user(group=group, display_name="Fatou Diallo")
    teacher = make_user(Role.TEACHER, group=group, display_name="Karim Haddad")
    login(trainee)
    staff = app.test_client()
    login(teacher, http=staff)
    return {"trainee": trainee, "teacher": teacher, "staff": staff, "group": group}


def write(client, client_id="j1", mood="4", text="Bonne journée", day=None):
    return client.post(
        "/journal/write",
        data={
            "mood": mood,
            "text": text,
            "goal_id": "0",
            "day": (day or date.today()).isoformat(),
            "client_id": client_id,
        },
    )


def assess(client, stage, level=3, client_id=None, share=False):
    data = {f"r_{theme}": str(level) for theme in THEME_NAMES}
    data.update({"stage": stage, "client_id": client_id or f"a-{stage}-{level}"})
    if share:
        data["share"] = "y"
    return client.post(f"/journal/assessment/new?stage={stage}", data=data)


def test_goal_from_a_suggestion_with_steps_ticked(client, people):
    page = client.get("/journal/goals/new?from=bank").text
    assert "Ouvrir un compte bancaire" in page or "Open a bank account" in page
    response = client.post(
        "/journal/goals/new",
        data={
            "title": "Ouvrir un compte",
            "themes": ["rights", "budget"],
            "steps": "Prendre RDV\nAller à la banque",
            "client_id": "g1",
        },
    )
    assert response.status_code == 303
    client.post("/journal/goals/new", data={"title": "Ouvrir un compte", "client_id": "g1"})
    goal = db.session.scalar(sa.select(Goal))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Goal)) == 1
    assert [s.text for s in goal.steps] == ["Prendre RDV", "Aller à la banque"]
    client.post(f"/journal/steps/{goal.steps[0].id}/toggle")
    db.session.refresh(goal)
    assert goal.steps[0].done and goal.status == "doing"


def test_bad_input_gets_messages_next_to_the_field(client, people):
    client.post("/language", data={"lang": "en"})
    empty = client.post("/journal/goals/new", data={"title": "  ", "client_id": "x"})
    assert 'id="title-error"' in empty.text
    long = write(client, text="x" * 2001, client_id="long")
    assert 'id="text-error"' in long.text and "at most 2000" in long.text
    no_mood = client.post(
        "/journal/write", data={"text": "hi", "day": "2026-13-45", "client_id": "n"}
    )
    assert 'id="mood-error"' in no_mood.text and 'id="day-error"' in no_mood.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JournalEntry)) == 0


def test_entry_replayed_offline_is_recorded_once_and_text_stays_as_typed(client, people):
    for _ in range(3):
        assert write(client, text="<b>Fier</b> de moi").status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JournalEntry)) == 1
    page = client.get("/journal").text
    assert "&lt;b&gt;Fier&lt;/b&gt; de moi" in page


def test_sharing_is_per_item_and_teachers_see_only_shared(client, people):
    write(client, client_id="shown", text="Je veux parler du logement")
    write(client, client_id="hidden", text="Secret du jour")
    shown = db.session.scalar(sa.select(JournalEntry).where(JournalEntry.client_id == "shown"))
    client.post(f"/journal/entries/{shown.id}/share", data={"share": "1"})
    page = client.get("/journal").text
    assert "Karim Haddad" in page  # who exactly can see the shared entry
    staff = people["staff"]
    view = staff.get(f"/journal/shared/{people['trainee'].id}").text
    assert "Je veux parler du logement" in view and "Secret du jour" not in view
    assert (
        db.session.scalar(
            sa.select(AuditEvent.subject_id).where(
                AuditEvent.actor_id == people["teacher"].id,
                AuditEvent.action == "journal_shared_viewed",
            )
        )
        == people["trainee"].id
    )
    staff.post(
        f"/journal/shared/{people['trainee'].id}/comment",
        data={"kind": "entry", "item_id": shown.id, "text": "On en parle jeudi ?"},
    )
    assert "On en parle jeudi ?" in client.get("/journal").text
    hidden = db.session.scalar(sa.select(JournalEntry).where(JournalEntry.client_id == "hidden"))
    refused = staff.post(
        f"/journal/shared/{people['trainee'].id}/comment",
        data={"kind": "entry", "item_id": hidden.id, "text": "Je lis tout"},
    )
    assert refused.status_code == 404
    client.post(f"/journal/entries/{shown.id}/share", data={"share": "0"})
    shared = staff.get(f"/journal/shared/{people['trainee'].id}").text
    assert "Je veux parler du logement" not in shared


def test_no_other_role_reaches_a_trainees_journal(
    app, client, people, make_user, make_group, login
):
    write(client, client_id="mine")
    entry = db.session.scalar(sa.select(JournalEntry))
    client.post(f"/journal/entries/{entry.id}/share", data={"share": "1"})
    for role in (Role.TRAINEE, Role.TEACHER, Role.VOLUNTEER, Role.ADMIN):
        other = app.test_client()
        login(make_user(role, group=make_group() if role is not Role.ADMIN else None), http=other)
        assert other.get(f"/journal/shared/{people['trainee'].id}").status_code == 404
        unshare = other.post(f"/journal/entries/{entry.id}/share", data={"share": "0"})
        assert unshare.status_code == 404
    assert write(other, client_id="mine").status_code == 404  # someone else's client id


def test_self_assessment_stages_radar_and_sharing(client, people):
    assert assess(client, "entry", 2).status_code == 303
    assert assess(client, "mid", 3, share=True).status_code == 303
    page = client.get("/journal/assessment").text
    assert page.count("<polygon") == 4 + 2  # the grid, then one shape per stage
    assert "Mi-parcours" in page or "Mid-course" in page
    view = people["staff"].get(f"/journal/shared/{people['trainee'].id}").text
    assert view.count("3/4") == 11 and "2/4" not in view  # only the shared stage
    missing = client.post(
        "/journal/assessment/new?stage=exit", data={"stage": "exit", "client_id": "z"}
    )
    assert missing.status_code == 200 and 'class="error"' in missing.text


def test_reminders_on_the_home_screen(client, people):
    home = client.get("/").text
    assert "/journal/write" in home and "/journal/assessment/new?stage=entry" in home
    write(client, client_id="this-week")
    assess(client, "entry")
    goal = services.create_goal(people["trainee"], "g-r", "CCP 1", ["employment"], "", None, [])
    goal.steps.append(GoalStep(text="Réviser la plonge", due_on=date.today()))
    db.session.commit()
    home = client.get("/").text
    assert "Réviser la plonge" in home and '/journal/write"' not in home
    assert f'href="/journal/goals/{goal.id}"' in home  # the step leads to its goal


def test_journal_month_with_two_years_of_entries_is_fast_and_light(client, people):
    from datetime import timedelta

    start = date.today() - timedelta(days=730)
    db.session.add_all(
        [
            JournalEntry(
                user_id=people["trainee"].id,
                client_id=f"d{n}",
                day=start + timedelta(days=n),
                mood=n % 5 + 1,
                text="Une journée de travail.",
                shared=n % 3 == 0,
            )
            for n in range(731)
        ]
    )
    db.session.commit()
    with count_queries() as statements:
        page = client.get("/journal/month")
    assert page.status_code == 200 and len(statements) <= 6
    html, _total = first_load(client, "/journal/month")
    assert html < 14 * 1024
