"""Teachers: Today, the progress grid, assignments, a trainee's page, the impact report."""

import uuid

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from webapp.accounts import services as accounts
from webapp.accounts.auth import roles_required
from webapp.accounts.models import Role
from webapp.budget import services as budget
from webapp.candidates import services as candidates
from webapp.core import titles
from webapp.core.dates import out_of_range, parse_day
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.records import sent_client_id
from webapp.core.spreadsheet import csv_response
from webapp.core.templating import feature_globals
from webapp.core.time import local_today
from webapp.dashboard import bp, services
from webapp.dashboard import impact as impact_rules
from webapp.dashboard.forms import AssignmentForm, HandledForm, SettingsForm, WithdrawForm
from webapp.extensions import db
from webapp.journal import services as journal
from webapp.lessons import services as lessons
from webapp.live import services as live
from webapp.placements import services as placements
from webapp.privacy.services import audit, audit_read, audit_reads
from webapp.revision import services as revision
from webapp.steps import services as steps


def _group_from_args(groups):
    """The group asked for (404 if it is not one of this person's), else their first."""
    chosen = request.args.get("group", type=int)
    if chosen is None:
        return groups[0] if groups else None
    return next((g for g in groups if g.id == chosen), None) or abort(404)


def _board(group):
    trainees = accounts.trainees_of(group)
    return (trainees, *services.board(group, trainees))


@bp.get("/dashboard")
@roles_required(Role.TEACHER)
def today():
    groups = accounts.groups_for(current_user)
    group = _group_from_args(groups)
    if group is None:
        return render_template("dashboard/today.html", groups=[], group=None)
    trainees, assignments, targets, grid, exams = _board(group)
    days = services.settings_for(group).inactive_days  # read once, before the audit commits
    lines = services.today_lines(
        group, trainees, assignments, targets, grid, exams, local_today(), inactive_days=days
    )
    entries = services.by_trainee(
        lines, services.handled_marks(group, sorted({line.trainee.id for line in lines}))
    )
    # The steps they shared with staff that have waited the longest (the social side).
    stuck = steps.stuck(group, [trainee.id for trainee in trainees])
    # Candidates of the teacher's groups: a hearing this week, a file waiting too long.
    flags = candidates.today_flags(current_user, groups, local_today())
    # New trainees' check-ins of today that they chose to share with their teachers.
    names = {trainee.id: trainee for trainee in trainees}
    checkins = [
        (names[c.user_id], c.mood, c.needs_help)  # read before the audit's commit expires them
        for c in candidates.shared_checkins(list(names), local_today())
    ]
    # Placements whose tutor gave a poor evaluation lately.
    poor = placements.poor_in(group)
    # Each trainee the page names (low mood, overdue, failed exam, a stuck step...) sees this look.
    audit_reads(
        current_user,
        "today_viewed",
        [entry.trainee for entry in entries]
        + [item.trainee for item in stuck]
        + [trainee for trainee, _mood, _help in checkins]
        + [item.trainee for item in poor],
        f"group={group.id}",
    )
    return render_template(
        "dashboard/today.html",
        groups=groups,
        group=group,
        entries=entries,
        stuck=stuck,
        flags=flags,
        checkins=checkins,
        poor_placements=poor,
        today=local_today(),
        new_id=lambda: uuid.uuid4().hex,
        settings=SettingsForm(inactive_days=days, title=group.title),
    )


@bp.post("/dashboard/groups/<int:group_id>/today/<int:trainee_id>/handled")
@roles_required(Role.TEACHER)
def handled(group_id: int, trainee_id: int):
    """Mark a trainee's Today line as handled: only by a teacher attached to the group now."""
    group = accounts.group_for(current_user, group_id)
    trainee = next((t for t in accounts.trainees_of(group) if t.id == trainee_id), None)
    if trainee is None:
        abort(404)
    form = HandledForm()
    if form.validate_on_submit():
        current = _lines_of(group, trainee)
        services.mark_handled(
            current_user,
            group,
            trainee,
            sent_client_id(form.client_id.data),
            (form.reasons.data or "").split(),
            current,
        )
    if not request.headers.get("HX-Request"):
        return redirect(url_for("dashboard.today", group=group.id), 303)
    # htmx swaps this trainee's entry in place (gone when nothing is left to look at).
    entries = services.by_trainee(
        _lines_of(group, trainee), services.handled_marks(group, [trainee.id])
    )
    response = make_response(
        render_template(
            "dashboard/_today_entry.html",
            group=group,
            entry=entries[0],
            new_id=lambda: uuid.uuid4().hex,
        )
        if entries
        else ""
    )
    response.vary.add("HX-Request")
    return response


def _lines_of(group, trainee):
    """One trainee's Today reasons, as the Today page finds them."""
    assignments, targets, grid, exams = services.board(group, [trainee])
    return services.today_lines(group, [trainee], assignments, targets, grid, exams, local_today())


@bp.get("/dashboard/groups/<int:group_id>/grid")
@roles_required(Role.TEACHER)
def grid(group_id: int):
    group = accounts.group_for(current_user, group_id)
    trainees, assignments, targets, statuses, _exams = _board(group)
    modules = sorted({a.target for a in assignments if a.kind == "module"})
    module = request.args.get("module", "")
    if module:
        assignments = [a for a in assignments if a.kind != "module" or a.target == module]
    if request.args.get("sort") == "progress":

        def progress(trainee):
            scores = [
                statuses[(trainee.id, a.id)].score
                for a in assignments
                if services.concerns(a, targets, trainee.id)
            ]
            return sum(scores) / len(scores) if scores else 0

        trainees = sorted(trainees, key=progress)
    audit_reads(current_user, "grid_viewed", trainees, f"group={group.id}")
    htmx = request.headers.get("HX-Request")
    template = "dashboard/_grid.html" if htmx else "dashboard/grid.html"
    return render_template(
        template,
        group=group,
        trainees=trainees,
        assignments=assignments,
        targets=targets,
        statuses=statuses,
        module=module,
        sort=request.args.get("sort", "name"),
        modules=modules,
        today=local_today(),
        cell_state=services.cell_state,
    )


def _targets(group):
    choices = [
        SelectChoice(f"module:{key}", f"📚 {name}")
        for key, name in lessons.MODULE_NAMES.items()
        if key != "app"
    ]
    # Only lessons this group's trainees may open (a co-teacher's lesson reaches only the groups
    # its author is attached to).
    lessons_list = lessons.for_group(current_user, group.id)
    # A lesson's title is French content, also in a teacher's Arabic page.
    choices += [
        SelectChoice(
            f"lesson:{lesson.id}", f"📖 {lesson.title}", render_kw={"lang": "fr", "dir": "ltr"}
        )
        for lesson in lessons_list
    ]
    # The CCPs of the title this group prepares, and the cross-cutting topics.
    scopes = [*titles.title(group.title).scopes, *revision.TOPIC_NAMES]
    choices += [
        SelectChoice(f"practice:{scope}", f"❓ {revision.SCOPE_NAMES[scope]}") for scope in scopes
    ]
    choices.append(SelectChoice("exam:exam", "📝 " + str(_l("A mock exam"))))
    return choices


@bp.route("/dashboard/groups/<int:group_id>/assign", methods=["GET", "POST"])
@roles_required(Role.TEACHER)
def assign(group_id: int):
    group = accounts.group_for(current_user, group_id)
    form = AssignmentForm(client_id=uuid.uuid4().hex)
    form.target.choices = _targets(group)
    form.trainees.choices = [
        SelectChoice(t.id, t.display_name) for t in accounts.trainees_of(group)
    ]
    if form.validate_on_submit():
        kind, target = form.target.data.split(":", 1)
        try:
            services.assign(
                current_user,
                group,
                (form.client_id.data or uuid.uuid4().hex)[:64],
                kind,
                target,
                form.due_on.data,
                form.message.data or "",
                form.trainees.data or [],
            )
        except services.Unreadable:
            form.target.errors.append(_l("This group cannot open this lesson. Choose another."))
        else:
            flash(_l("Assigned. The trainees see it on their home screen."), "success")
            return redirect(url_for("dashboard.grid", group_id=group.id), 303)
    return render_template("dashboard/assign.html", form=form, group=group)


@bp.route("/dashboard/assignments/<int:assignment_id>", methods=["POST"])
@roles_required(Role.TEACHER)
def change_assignment(assignment_id: int):
    """Change an assignment's due date (withdrawing it asks first: see withdraw_assignment)."""
    assignment = services.assignment_for(current_user, assignment_id)
    due_on = request.form.get("due_on")
    if due_on and parse_day(due_on) is None:
        flash(out_of_range(), "error")
        return redirect(url_for("dashboard.grid", group_id=assignment.group_id), 303)
    assignment.due_on = parse_day(due_on)
    db.session.commit()
    return redirect(url_for("dashboard.grid", group_id=assignment.group_id), 303)


@bp.route("/dashboard/assignments/<int:assignment_id>/withdraw", methods=["GET", "POST"])
@roles_required(Role.TEACHER)
def withdraw_assignment(assignment_id: int):
    """Withdraw in two steps: a question page (works without JavaScript), then the POST.

    With JavaScript the grid's button asks with hx-confirm and posts here directly.
    """
    assignment = services.assignment_for(current_user, assignment_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        services.withdraw(current_user, assignment)  # twice is the same as once
        if not request.headers.get("HX-Request"):  # htmx shows the grid without it at once
            flash(_l("Withdrawn. The trainees no longer see it; what they did stays."), "success")
        return redirect(url_for("dashboard.grid", group_id=assignment.group_id), 303)
    return render_template("dashboard/withdraw.html", assignment=assignment, form=form)


@bp.post("/dashboard/groups/<int:group_id>/settings")
@roles_required(Role.TEACHER)
def group_settings(group_id: int):
    group = accounts.group_for(current_user, group_id)
    form = SettingsForm()
    if form.validate_on_submit():
        services.save_settings(group, form.inactive_days.data, form.title.data)
    else:
        flash(next(iter(form.errors.values()))[0], "error")
    return redirect(url_for("dashboard.today", group=group.id), 303)


@bp.get("/dashboard/trainees/<int:trainee_id>")
@roles_required(Role.TEACHER)
def trainee(trainee_id: int):
    """Nothing private: progress, and only what the trainee shared. Every view is audited."""
    person = accounts.trainee_for(current_user, trainee_id)
    audit_read(current_user, "trainee_page_viewed", person)
    done = lessons.completed([person.id])[person.id]
    return render_template(
        "dashboard/trainee.html",
        trainee=person,
        lessons_done=lessons.titles(sorted(done)),
        mastery=revision.mastery([person.id])[person.id],
        exams=revision.exams_of([person.id])[person.id],
        passed=revision.exam_passed,
        sessions=live.participation([person.id])[person.id],
        shared=journal.shared_with_staff(person),
        budget=budget.shared_summaries(person, local_today()),
    )


def _impact_scope():
    """The groups a report covers (one group, or the site's groups this person may see), and
    the fixed period asked for. Free dates are gone: a period is a quarter or a year."""
    mine = accounts.groups_for(current_user)  # attachments now, not when a link was made
    if "start" in request.args or "end" in request.args:
        abort(404)
    if "site" in request.args:
        site_id = request.args.get("site", type=int)
        groups = [g for g in mine if g.site_id == site_id]
        scope, title = {"site": site_id}, groups[0].site.name if groups else ""
    else:
        group = _group_from_args(mine)
        groups, title = ([group], group.name) if group else ([], "")
        scope = {"group": group.id} if group else {}
    period = impact_rules.parse_period(
        request.args.get("period"), request.args.get("year"), local_today()
    )
    if not groups or period is None:
        abort(404)
    return groups, title, scope, period


def _impact_read(groups, scope, period):
    report = services.impact_report(groups, period, local_today())
    where = " ".join(f"{key}={value}" for key, value in scope.items())
    audit(current_user, "impact_viewed", None, f"{where} period={period.label}")
    db.session.commit()
    return report


@bp.get("/dashboard/impact")
@roles_required(Role.TEACHER, Role.ADMIN)
def impact():
    groups, title, scope, period = _impact_scope()
    report = _impact_read(groups, scope, period)
    choices = impact_rules.choices([(g.starts_on, g.ends_on) for g in groups], local_today())
    if period not in choices:
        choices.insert(0, period)
    return render_template(
        "dashboard/impact.html",
        report=report,
        title=title,
        scope=scope,
        choices=choices,
        names={g.id: g.name for g in groups},
        minimum=impact_rules.MIN_PEOPLE,
        families=impact_rules.FAMILIES,
    )


@bp.get("/dashboard/impact.csv")
@roles_required(Role.TEACHER, Role.ADMIN)
def impact_csv():
    groups, title, scope, period = _impact_scope()
    report = _impact_read(groups, scope, period)
    rows = services.impact_rows(report, title, {g.id: g.name for g in groups})
    return csv_response(rows, f"impact-{'-'.join(map(str, scope.values()))}-{period.label}.csv")


def assignment_name(assignment) -> str:
    """A readable name: the module, the lesson's title, the CCP or topic, or "a mock exam"."""
    if assignment.kind == "module":
        return str(lessons.MODULE_NAMES.get(assignment.target, assignment.target))
    if assignment.kind == "practice":
        return str(revision.SCOPE_NAMES.get(assignment.target, assignment.target))
    if assignment.kind == "exam":
        return str(_l("A mock exam"))
    return assignment.label or assignment.target


# The names this feature's templates use (core.templating.feature_globals).
feature_globals(
    bp,
    assignment_name=assignment_name,
    concerns=services.concerns,
)
