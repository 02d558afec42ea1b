"""Placements: the teacher records them and makes the tutor's link; the tutor answers without an
account; the trainee reads them and writes a review; the group's screen for staff."""

import uuid

from flask import flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from webapp.accounts import services as accounts
from webapp.accounts.auth import roles_required
from webapp.accounts.models import Role
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.records import sent_client_id
from webapp.core.templating import feature_globals
from webapp.core.time import local_today
from webapp.placements import bp, services
from webapp.placements.forms import EvaluationForm, PlacementForm, ReviewForm

FIELDS = (
    "company",
    "place",
    "tutor_name",
    "tutor_phone",
    "tutor_email",
    "starts_on",
    "ends_on",
    "hours_per_week",
    "tasks",
)


@bp.after_request
def _never_kept(response):
    """Nothing here is kept by a browser or a proxy; the tutor's token never leaves in a Referer."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# --- the trainee ----------------------------------------------------------------------------


@bp.get("/placements")
@roles_required(Role.TRAINEE)
def index():
    return render_template(
        "placements/index.html",
        placements=services.placements_of(current_user),
        today=local_today(),
    )


@bp.route("/placements/<int:placement_id>", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def placement(placement_id: int):
    """One placement, and the trainee's own review of it (saved again as often as they like)."""
    item = services.own(current_user, placement_id)
    review = services.review_of(item)
    form = ReviewForm(obj=review)
    if form.validate_on_submit():
        services.save_review(current_user, item, form.did.data, form.learned.data, form.hard.data)
        flash(_l("Saved."), "success")
        return redirect(url_for("placements.placement", placement_id=item.id), 303)
    return render_template(
        "placements/placement.html",
        placement=item,
        review=review,
        form=form,
        readers=accounts.teachers_of_trainee(current_user),
    )


@bp.post("/placements/<int:placement_id>/share")
@roles_required(Role.TRAINEE)
def share(placement_id: int):
    item = services.own(current_user, placement_id)
    shared = request.form.get("share") == "1"
    services.set_shared(current_user, item, shared)
    flash(_l("Shared with your teachers.") if shared else _l("Private again."), "success")
    return redirect(url_for("placements.placement", placement_id=item.id), 303)


# --- teachers -------------------------------------------------------------------------------


@bp.get("/placements/groups/<int:group_id>")
@roles_required(Role.TEACHER)
def group(group_id: int):
    """The group's placements, done and to come, with their evaluations (laptop width)."""
    chosen = accounts.group_for(current_user, group_id)
    entries = services.group_entries(chosen)
    services.audit_group(current_user, entries)
    return render_template(
        "placements/group.html",
        group=chosen,
        entries=entries,
        trainees=accounts.trainees_of(chosen),
        today=local_today(),
    )


@bp.route("/placements/trainees/<int:trainee_id>/new", methods=["GET", "POST"])
@roles_required(Role.TEACHER)
def new(trainee_id: int):
    trainee = accounts.trainee_for(current_user, trainee_id)
    form = PlacementForm(client_id=uuid.uuid4().hex)
    if form.validate_on_submit():
        item = services.record(
            current_user,
            trainee,
            sent_client_id(form.client_id.data),
            **{name: getattr(form, name).data or "" for name in FIELDS if name != "hours_per_week"}
            | {"hours_per_week": form.hours_per_week.data},
        )
        flash(_l("Placement saved."), "success")
        return redirect(url_for("placements.staff_view", placement_id=item.id), 303)
    return render_template("placements/new.html", form=form, trainee=trainee)


@bp.get("/placements/<int:placement_id>/staff")
@roles_required(Role.TEACHER)
def staff_view(placement_id: int):
    """The tutor's evaluation and the trainee's shared review side by side (audited)."""
    item = services.for_staff(current_user, placement_id)
    services.audit_view(current_user, item)
    return render_template(
        "placements/staff.html",
        placement=item,
        trainee=services.trainee_of(item),
        evaluation=services.evaluation_of(item),
        review=services.shared_review(item),
        link=services.link_of(item),
        expires_on=services.link_expires_on(item),
        competencies=services.competencies_for(item),
    )


@bp.post("/placements/<int:placement_id>/link")
@roles_required(Role.TEACHER)
def make_link(placement_id: int):
    """A new link for the tutor, shown once on a printable sheet with its QR code."""
    item = services.for_staff(current_user, placement_id)
    token = services.new_link(current_user, item)
    return render_template(
        "placements/sheet.html",
        placement=item,
        trainee=services.trainee_of(item),
        address=url_for("placements.tutor", token=token, _external=True),
        expires_on=services.link_expires_on(item),
    )


@bp.post("/placements/<int:placement_id>/link/revoke")
@roles_required(Role.TEACHER)
def revoke_link(placement_id: int):
    item = services.for_staff(current_user, placement_id)
    services.revoke_link(current_user, item)
    flash(_l("The tutor's link no longer works."), "success")
    return redirect(url_for("placements.staff_view", placement_id=item.id), 303)


# --- the tutor, without an account ----------------------------------------------------------


def _tutor_page(name: str, status: int = 200, **context):
    """The tutor's pages are in French, like the company reading them (the trainee's language
    and the app's navigation stay out of them: `bare` leaves out the menu and languages)."""
    with force_locale("fr"):
        return render_template(f"placements/{name}.html", bare=True, **context), status


@bp.route("/placements/tutor/<token>", methods=["GET", "POST"])
def tutor(token: str):
    """The tutor's short form. A wrong or revoked token is a 404 (counted: too many, 429); a
    used or expired one a clear 410; nothing else of the trainee or the app is shown."""
    if services.guessing_blocked():
        return _tutor_page("tutor_done", 429, reason="blocked")
    opened = services.open_link(token[:64], local_today())
    if opened is None:
        return _tutor_page("tutor_done", 404, reason="unknown")
    form = EvaluationForm(client_id=uuid.uuid4().hex)
    if opened.refused == "used" and services.same_sending(opened, form.client_id.data or ""):
        return _tutor_page("tutor_done", 200, reason="thanks")
    if opened.refused:
        return _tutor_page("tutor_done", 410, reason=opened.refused)
    groups = services.competencies_for(opened.placement)
    form.tasks_done.choices = [
        SelectChoice(task, task) for _unit, tasks in groups for task in tasks
    ]
    if request.method == "GET":
        services.audit_opened(opened)
    elif form.validate_on_submit():
        client_id = sent_client_id(form.client_id.data)
        if services.submit(
            opened, client_id, form.ratings(), form.tasks_done.data, form.comment.data
        ):
            return _tutor_page("tutor_done", 200, reason="thanks")
        return _tutor_page("tutor_done", 410, reason="used")
    return _tutor_page(
        "tutor",
        placement=opened.placement,
        trainee=services.trainee_of(opened.placement),
        form=form,
        groups=groups,
    )


feature_globals(
    bp,
    placement_criteria=services.CRITERIA,
    placement_levels=services.LEVELS,
)
