"""Goals, the journal, the self-assessment, and what teachers see of what was shared."""

import math
import uuid
from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from webapp.accounts import services as accounts
from webapp.accounts.auth import roles_required
from webapp.accounts.models import Role
from webapp.core import outbox
from webapp.core.dates import plausible
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.templating import feature_globals
from webapp.core.themes import THEME_NAMES, THEME_PICTURES
from webapp.core.time import first_of_month, local_today
from webapp.core.urls import safe_path
from webapp.extensions import db
from webapp.journal import bp, services
from webapp.journal.forms import CommentForm, GoalForm, JournalForm, StepForm, assessment_form
from webapp.privacy.services import audit_read


@bp.get("/journal")
@roles_required(Role.TRAINEE)
def index():
    goals = services.goals_of(current_user)
    month = services.entries_in_month(current_user, local_today())
    comments = services.comments_for([g.id for g in goals], [e.id for e in month])
    return render_template(
        "journal/index.html",
        goals=goals,
        entries=month[:5],
        comments=comments,
        readers=services.readers(current_user),
        suggestions=services.SUGGESTIONS,
        tick_id=uuid.uuid4().hex,
    )


@bp.route("/journal/goals/new", methods=["GET", "POST"])
@outbox.write
@roles_required(Role.TRAINEE)
def new_goal():
    suggestion = next((s for s in services.SUGGESTIONS if s[0] == request.args.get("from")), None)
    prefill = {"title": str(suggestion[2]), "themes": [suggestion[1]]} if suggestion else {}
    form = GoalForm(client_id=uuid.uuid4().hex, **prefill)
    form.status.choices = [SelectChoice(k, v) for k, v in services.STATUSES.items()]
    if form.validate_on_submit():
        goal = services.create_goal(
            current_user,
            (form.client_id.data or uuid.uuid4().hex)[:64],
            form.title.data,
            form.themes.data or [],
            form.why.data or "",
            form.target_on.data,
            (form.steps.data or "").splitlines(),
        )
        return redirect(url_for("journal.goal", goal_id=goal.id), 303)
    return render_template("journal/goal_form.html", form=form, goal=None)


@bp.route("/journal/goals/<int:goal_id>", methods=["GET", "POST"])
@outbox.write
@roles_required(Role.TRAINEE)
def goal(goal_id: int):
    goal = services.own_goal(current_user, goal_id)
    form = GoalForm(obj=goal, themes=goal.themes.split())
    form.status.choices = [SelectChoice(k, v) for k, v in services.STATUSES.items()]
    step_form = StepForm(prefix="step")
    if "step-text" in request.form and step_form.validate_on_submit():
        services.add_step(
            current_user,
            goal,
            (request.form.get("client_id") or "")[:64],
            step_form.text.data,
            step_form.due_on.data,
        )
        return redirect(url_for("journal.goal", goal_id=goal.id), 303)
    if "title" in request.form and form.validate_on_submit():
        goal.title, goal.themes = form.title.data.strip(), " ".join(form.themes.data or [])
        goal.why, goal.target_on, goal.status = (
            form.why.data or "",
            form.target_on.data,
            form.status.data,
        )
        db.session.commit()
        outbox.note("stored")  # the same values sent again change nothing
        flash(_l("Saved."), "success")
        return redirect(url_for("journal.goal", goal_id=goal.id), 303)
    comments = services.comments_for([goal.id], [])
    return render_template(
        "journal/goal_form.html",
        form=form,
        goal=goal,
        step_form=step_form,
        comments=comments.get(("goal", goal.id), []),
        step_id=uuid.uuid4().hex,
        readers=services.readers(current_user),
    )


@bp.post("/journal/steps/<int:step_id>/toggle")
@outbox.write
@roles_required(Role.TRAINEE)
def toggle_step(step_id: int):
    done = {"1": True, "0": False}.get(request.form.get("done", ""))
    if done is None and outbox.is_outbox():  # a replayed flip would undo itself: say which way
        outbox.invalid({"done": [_l("Open the goal and tap the step again.")]})
        return redirect(url_for("journal.index"), 303)
    step = services.toggle_step(current_user, step_id, done)
    return redirect(
        safe_path(request.form.get("back"), url_for("journal.goal", goal_id=step.goal_id)), 303
    )


@bp.post("/journal/<kind>/<int:item_id>/share")
@roles_required(Role.TRAINEE)
def share(kind: str, item_id: int):
    """The per-item switch: share with my teachers, or stop sharing."""
    getter = {
        "goals": services.own_goal,
        "entries": services.own_entry,
        "assessments": services.own_assessment,
    }.get(kind) or abort(404)
    item = getter(current_user, item_id)
    services.set_shared(item, request.form.get("share") == "1")
    return redirect(safe_path(request.form.get("back"), url_for("journal.index")), 303)


@bp.route("/journal/write", methods=["GET", "POST"])
@outbox.write
@roles_required(Role.TRAINEE)
def write():
    form = JournalForm(client_id=uuid.uuid4().hex)
    goals = services.goals_of(current_user)
    form.goal_id.choices = [SelectChoice(0, "—")] + [SelectChoice(g.id, g.title) for g in goals]
    if form.validate_on_submit():
        services.write_entry(
            current_user,
            (form.client_id.data or uuid.uuid4().hex)[:64],
            form.day.data,
            form.mood.data,
            form.text.data or "",
            form.goal_id.data or None,
        )
        flash(_l("Written. It stays private unless you share it."), "success")
        return redirect(url_for("journal.index"), 303)
    return render_template("journal/write.html", form=form)


@bp.get("/journal/month")
@bp.get("/journal/month/<int:year>-<int:number>")
@roles_required(Role.TRAINEE)
def month(year: int | None = None, number: int | None = None):
    chosen = first_of_month(year, number) or abort(404)
    entries = services.entries_in_month(current_user, chosen)
    previous = (chosen - timedelta(days=1)).replace(day=1)
    following = (chosen + timedelta(days=32)).replace(day=1)
    comments = services.comments_for([], [e.id for e in entries])
    return render_template(
        "journal/month.html",
        month=chosen,
        entries=entries,
        comments=comments,
        previous=previous if plausible(previous) else None,
        following=following if following <= local_today() else None,
        points=mood_points(entries, chosen),
    )


def mood_points(entries, month: date) -> list[tuple[int, int, int]]:
    """(x, y, mood) for the mood line: x by day of the month, y by mood (5 at the top)."""
    return [
        (10 + (entry.day.day - 1) * 10, 10 + (5 - entry.mood) * 20, entry.mood)
        for entry in sorted(entries, key=lambda e: (e.day, e.id))
    ]


@bp.get("/journal/assessment")
@roles_required(Role.TRAINEE)
def assessments():
    rows = services.assessments_of(current_user)
    latest = {}
    for row in rows:  # the latest answer of each stage, in stage order, for the radar
        latest[row.stage] = row
    return render_template(
        "journal/assessments.html",
        rows=rows,
        radar=[
            (stage, radar_polygon(row.ratings))
            for stage, row in sorted(
                latest.items(), key=lambda kv: list(services.STAGES).index(kv[0])
            )
        ],
        axes=radar_axes(),
        due=services.stage_due(current_user, local_today(), {r.stage for r in rows}),
    )


@bp.route("/journal/assessment/new", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def new_assessment():
    stage = request.values.get("stage", "free")
    if stage not in services.STAGES:
        abort(404)
    form = assessment_form(
        request.form if request.method == "POST" else None, stage=stage, client_id=uuid.uuid4().hex
    )
    if form.validate_on_submit():
        services.save_assessment(
            current_user,
            (form.client_id.data or uuid.uuid4().hex)[:64],
            stage,
            {theme: form[f"r_{theme}"].data for theme in THEME_NAMES},
            {theme: form[f"w_{theme}"].data for theme in THEME_NAMES},
            form.share.data,
        )
        flash(_l("Saved. Thank you!"), "success")
        return redirect(url_for("journal.assessments"), 303)
    return render_template("journal/assessment_form.html", form=form, stage=stage)


# --- deleting (data rights): POST with CSRF after a confirmation; 404 for what is not yours ---


@bp.post("/journal/goals/<int:goal_id>/delete")
@roles_required(Role.TRAINEE)
def delete_goal(goal_id: int):
    services.delete_goal(current_user, goal_id)
    flash(_l("Deleted."), "success")
    return redirect(url_for("journal.index"), 303)


@bp.post("/journal/entries/<int:entry_id>/delete")
@roles_required(Role.TRAINEE)
def delete_entry(entry_id: int):
    services.delete_entry(current_user, entry_id)
    flash(_l("Deleted."), "success")
    return redirect(safe_path(request.form.get("back"), url_for("journal.index")), 303)


@bp.post("/journal/assessment/<int:assessment_id>/delete")
@roles_required(Role.TRAINEE)
def delete_assessment(assessment_id: int):
    services.delete_assessment(current_user, assessment_id)
    flash(_l("Deleted."), "success")
    return redirect(url_for("journal.assessments"), 303)


# --- teachers -------------------------------------------------------------------------------


@bp.get("/journal/shared/<int:trainee_id>")
@roles_required(Role.TEACHER)
def shared(trainee_id: int):
    """Only what the trainee shared; every look is written in the audit log."""
    trainee = accounts.trainee_for(current_user, trainee_id)
    audit_read(current_user, "journal_shared_viewed", trainee)
    return render_template(
        "journal/shared.html",
        trainee=trainee,
        form=CommentForm(),
        axes=radar_axes(),
        **services.shared_with_staff(trainee),
    )


@bp.post("/journal/shared/<int:trainee_id>/comment")
@roles_required(Role.TEACHER)
def comment(trainee_id: int):
    trainee = accounts.trainee_for(current_user, trainee_id)
    form = CommentForm()
    if (
        form.validate_on_submit()
        and form.kind.data in ("goal", "entry")
        and (form.item_id.data or "").isdigit()
    ):
        services.add_comment(
            current_user, trainee, form.kind.data, int(form.item_id.data), form.text.data
        )
        flash(_l("Comment added. The trainee will see it."), "success")
    else:
        flash(_l("Write a comment first (at most 500 characters)."), "error")
    return redirect(url_for("journal.shared", trainee_id=trainee.id), 303)


# --- the radar chart (server-rendered SVG) --------------------------------------------------

CENTRE, RADIUS = 150, 110


def _point(index: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / len(THEME_NAMES)
    return (
        round(CENTRE + RADIUS * value / 4 * math.cos(angle), 1),
        round(CENTRE + RADIUS * value / 4 * math.sin(angle), 1),
    )


def radar_polygon(ratings: dict) -> str:
    """The SVG points of one assessment: each theme's rating on its axis."""
    return " ".join(
        f"{x},{y}"
        for x, y in (_point(i, ratings.get(theme, 0)) for i, theme in enumerate(THEME_NAMES))
    )


def radar_axes() -> list[tuple]:
    return [(theme, _point(i, 4), _point(i, 4.6)) for i, theme in enumerate(THEME_NAMES)]


# The names this feature's templates use (core.templating.feature_globals).
feature_globals(
    bp,
    moods=services.MOODS,
    goal_statuses=services.STATUSES,
    stages=services.STAGES,
    scale=services.SCALE,
    theme_names=THEME_NAMES,
    theme_pictures=THEME_PICTURES,
    radar_polygon=radar_polygon,
)
