"""My work: the CV (edit, print in French on A4, plain text), earlier jobs, applications (private,
each shared by choice), interview practice. Trainees only: nothing here is staff's to read."""

import uuid

from flask import Response, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.accounts.auth import roles_required
from webapp.accounts.models import Role
from webapp.career import bp, cv, interview, rules, services
from webapp.career.forms import ApplicationForm, CvForm, JobForm
from webapp.core import outbox
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.records import sent_client_id
from webapp.core.templating import feature_globals
from webapp.core.time import local_today


@bp.get("/career")
@roles_required(Role.TRAINEE)
def index():
    return render_template("career/index.html")


def _cv_page(form=None, job_form=None, status=200):
    profile = services.profile_for(current_user)
    return render_template(
        "career/cv.html",
        form=form or CvForm(obj=profile, client_id=uuid.uuid4().hex),
        job_form=job_form or JobForm(client_id=uuid.uuid4().hex, formdata=None),
        jobs=services.earlier_jobs(current_user),
        mastered=services.mastered(current_user),
    ), status


@bp.get("/career/cv")
@roles_required(Role.TRAINEE)
def cv_edit():
    return _cv_page()


@bp.post("/career/cv")
@outbox.write
@roles_required(Role.TRAINEE)
def save_cv():
    form = CvForm()
    if not form.validate_on_submit():
        return _cv_page(form=form, status=422)
    values = {name: form[name].data for name in services.PROFILE_FIELDS}
    services.save_profile(current_user, **{k: "" if v is None else v for k, v in values.items()})
    flash(_l("Saved. Only you can see your CV."), "success")
    return redirect(url_for("career.cv_edit"), 303)


@bp.post("/career/cv/jobs")
@outbox.write
@roles_required(Role.TRAINEE)
def add_job():
    form = JobForm()
    if not form.validate_on_submit():
        return _cv_page(job_form=form, status=422)
    services.add_job(
        current_user,
        sent_client_id(form.client_id.data),
        job=form.position.data,
        employer=form.company.data or "",
        place=form.location.data or "",
        from_year=form.from_year.data,
        to_year=form.to_year.data,
        tasks=form.tasks.data or "",
    )
    flash(_l("Saved."), "success")
    return redirect(url_for("career.cv_edit") + "#jobs", 303)


@bp.post("/career/cv/jobs/<int:job_id>/delete")
@roles_required(Role.TRAINEE)
def delete_job(job_id: int):
    services.delete_job(current_user, job_id)
    flash(_l("Deleted."), "success")
    return redirect(url_for("career.cv_edit") + "#jobs", 303)


@bp.get("/career/cv/print")
@roles_required(Role.TRAINEE)
def cv_print():
    return render_template("career/print.html", cv=services.build_cv(current_user, local_today()))


@bp.get("/career/cv.txt")
@roles_required(Role.TRAINEE)
def cv_text():
    text = cv.as_text(services.build_cv(current_user, local_today()))
    return Response(text, mimetype="text/plain")


# --- applications ---------------------------------------------------------------------------


def _list_page(form=None, status=200):
    return render_template(
        "career/applications.html",
        rows=services.applications(current_user),
        form=form or ApplicationForm(client_id=uuid.uuid4().hex, formdata=None),
        today=local_today(),
    ), status


@bp.get("/career/applications")
@roles_required(Role.TRAINEE)
def applications():
    return _list_page()


def _values(form: ApplicationForm) -> dict:
    return {
        "company": form.company.data,
        "job": form.job.data or "",
        "seen_where": form.seen_where.data or "",
        "sent_on": form.sent_on.data,
        "status": form.status.data,
        "next_action": form.next_action.data or "",
        "next_on": form.next_on.data,
        "notes": form.notes.data or "",
    }


@bp.post("/career/applications")
@outbox.write
@roles_required(Role.TRAINEE)
def add_application():
    form = ApplicationForm()
    if not form.validate_on_submit():
        return _list_page(form, 422)
    services.add_application(current_user, sent_client_id(form.client_id.data), **_values(form))
    flash(_l("Saved. It stays private unless you share it."), "success")
    return redirect(url_for("career.applications"), 303)


@bp.route("/career/applications/<int:application_id>", methods=["GET", "POST"])
@outbox.write
@roles_required(Role.TRAINEE)
def application(application_id: int):
    row = services.own_application(current_user, application_id)
    form = ApplicationForm(obj=row)
    if form.validate_on_submit():
        services.change_application(row, **_values(form))
        flash(_l("Saved."), "success")
        return redirect(url_for("career.applications"), 303)
    return render_template(
        "career/application.html",
        form=form,
        row=row,
        readers=services.readers(current_user),
    ), 422 if form.errors else 200


@bp.post("/career/applications/<int:application_id>/share")
@roles_required(Role.TRAINEE)
def share_application(application_id: int):
    """The per-application switch: counted for my teachers (a number, nothing else), or not."""
    row = services.own_application(current_user, application_id)
    services.set_shared(row, request.form.get("share") == "1")
    return redirect(url_for("career.application", application_id=row.id), 303)


@bp.post("/career/applications/<int:application_id>/delete")
@roles_required(Role.TRAINEE)
def delete_application(application_id: int):
    services.delete_application(current_user, application_id)
    flash(_l("Deleted."), "success")
    return redirect(url_for("career.applications"), 303)


# --- interview practice ---------------------------------------------------------------------


@bp.get("/career/interview")
@roles_required(Role.TRAINEE)
def practice():
    response = make_response(
        render_template("career/interview.html", questions=interview.QUESTIONS)
    )
    # The trainee records answers here (kept in the page, never sent): this page may use the
    # microphone; every other page forbids it (core.security).
    response.headers["Permissions-Policy"] = "camera=(), microphone=(self), geolocation=()"
    return response


# The names this feature's templates use (core.templating.feature_globals).
feature_globals(bp, application_status=rules.shown_status, status_names=rules.STATUS_NAMES)
