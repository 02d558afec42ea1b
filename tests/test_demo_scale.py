"""`flask demo scale`: a synthetic network an operator can benchmark, never beside real people."""

import sqlalchemy as sa

from webapp import demo_scale
from webapp.accounts.models import Group, Role, Site, User, group_membership
from webapp.budget.models import Entry, RecurringItem
from webapp.extensions import db
from webapp.journal.models import Goal, GoalStep, SelfAssessment
from webapp.lessons.models import ExerciseAttempt
from webapp.privacy.models import AuditEvent
from webapp.revision.models import ReviewCard, ReviewLog


def _scale(app, *args):
    # One process: the tests' database is not to be written by forked workers.
    return app.test_cli_runner().invoke(args=["demo", "scale", "--workers", "1", *args])


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_generates_a_network_of_groups_with_a_year_of_activity(app, ctx):
    result = _scale(app, "--trainees", "30")
    assert result.exit_code == 0, result.output
    assert demo_scale.PASSPHRASE in result.output
    trainees = list(db.session.scalars(sa.select(User).where(User.role == Role.TRAINEE)))
    assert len(trainees) == 30
    assert all(len(trainee.groups) == 1 for trainee in trainees)
    assert _count(Group) == 2 and _count(Site) == 1  # groups of 15
    teachers = list(db.session.scalars(sa.select(User).where(User.role == Role.TEACHER)))
    assert len(teachers) == 1 and len(teachers[0].groups) == 2
    assert _count(group_membership) == 30 + 2
    # The bounded volumes a trainee makes in a contract, table by table.
    assert _count(Entry) == 30 * demo_scale.BUDGET_ENTRIES
    assert _count(RecurringItem) == 30 * len(demo_scale.RECURRING)
    assert _count(AuditEvent) == 30 * (demo_scale.SIGN_INS + demo_scale.STAFF_READS)
    assert _count(ReviewCard) == 30 * demo_scale.CARDS
    assert 30 * demo_scale.CARDS <= _count(ReviewLog) <= 30 * demo_scale.CARDS * 3
    assert 30 * 30 <= _count(ExerciseAttempt) <= 30 * (demo_scale.ATTEMPTS + 12)
    assert _count(Goal) == 60 and _count(GoalStep) == 120 and _count(SelfAssessment) == 30
    for table in ("review_log", "entry", "audit_event"):
        assert f"{table} " in result.output  # rows per table are printed


def test_refuses_a_database_with_accounts_unless_told(app, ctx, make_user):
    real = make_user(username="vraie.personne")
    refused = _scale(app, "--trainees", "5")
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert _count(User) == 1
    accepted = _scale(app, "--trainees", "5", "--yes")
    assert accepted.exit_code == 0, accepted.output
    assert _count(User, User.role == Role.TRAINEE) == 6
    assert db.session.get(User, real.id).username == "vraie.personne"
    again = _scale(app, "--trainees", "5", "--yes")  # the synthetic accounts are there already
    assert again.exit_code != 0 and "already" in again.output


def test_a_generated_trainee_and_teacher_sign_in_and_use_the_app(app, client):
    with app.app_context():
        assert _scale(app, "--trainees", "20").exit_code == 0
    for username, pages in (
        ("scale.1", ["/", "/lessons", "/revision", "/revision/review", "/budget", "/journal"]),
        ("scale.prof1", ["/", "/dashboard", "/groups"]),
    ):
        signed_in = client.post(
            "/login", data={"username": username, "passphrase": demo_scale.PASSPHRASE}
        )
        assert signed_in.status_code == 303, username
        for page in pages:
            assert client.get(page).status_code == 200, (username, page)
        client.post("/logout")
