"""Attendance for the 26-hour contract: the group's marks, the trainee's hours, the monthly
sheet (printed, or CSV for pay)."""

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.accounts import services as accounts
from webapp.accounts.auth import roles_required
from webapp.accounts.models import Role
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.spreadsheet import csv_response
from webapp.core.time import local_today, utcnow
from webapp.privacy.services import audit_read, audit_reads
from webapp.week import attendance, bp, rules, services
from webapp.week.forms import AttendanceForm
from webapp.week.group_routes import month_arg


@bp.route("/week/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@roles_required(Role.TEACHER)
def attendance_sheet(session_id: int):
    """The whole group on one screen, one form: present is ticked until the teacher says else."""
    row = services.session_for(current_user, session_id)
    group = attendance.group_of(row)
    trainees = accounts.trainees_of(group)
    form = AttendanceForm()
    if form.validate_on_submit():
        sent = {trainee.id: request.form.get(f"t{trainee.id}", "") for trainee in trainees}
        attendance.mark(current_user, row, sent, {trainee.id for trainee in trainees})
        flash(_l("Attendance saved."), "success")
        starts = rules.in_paris(row.starts_at)
        return redirect(
            url_for("week.group_calendar", group_id=group.id, month=f"{starts:%Y-%m}"), 303
        )
    audit_reads(current_user, "attendance_viewed", trainees, f"group={group.id}")
    return render_template(
        "week/attendance.html",
        form=form,
        row=row,
        group=group,
        trainees=trainees,
        marks=attendance.marks_for(row),
    )


def _hours_month():
    month = month_arg()
    last = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return month, last


@bp.get("/week/hours")
@roles_required(Role.TRAINEE)
def hours():
    """My hours: each week of the month against the contract's 26, and the month's total."""
    month, last = _hours_month()
    lines = attendance.lines_for(current_user, month, last)
    now = utcnow()
    return render_template(
        "week/hours.html",
        month=month,
        weeks=attendance.by_week(lines, now),
        total=attendance.totals(lines, now),
        previous=(month - timedelta(days=1)).replace(day=1),
        today=local_today(),
    )


def _sheet(trainee_id: int):
    trainee = accounts.trainee_for(current_user, trainee_id)
    month, last = _hours_month()
    lines = attendance.lines_for(
        trainee, month, last, attendance.shared_groups(current_user, trainee)
    )
    audit_read(current_user, "attendance_viewed", trainee, f"month={month:%Y-%m}")
    return trainee, month, lines, attendance.totals(lines, utcnow())


@bp.get("/week/trainees/<int:trainee_id>/sheet")
@roles_required(Role.TEACHER)
def month_sheet(trainee_id: int):
    """A trainee's month, session by session, with the hours for pay: printed or CSV."""
    trainee, month, lines, total = _sheet(trainee_id)
    return render_template(
        "week/sheet.html",
        trainee=trainee,
        month=month,
        lines=lines,
        total=total,
        previous=(month - timedelta(days=1)).replace(day=1),
    )


@bp.get("/week/trainees/<int:trainee_id>/sheet.csv")
@roles_required(Role.TEACHER)
def month_sheet_csv(trainee_id: int):
    trainee, month, lines, total = _sheet(trainee_id)
    rows = attendance.sheet_rows(trainee.display_name, month, lines, total)
    return csv_response(rows, f"presence-{trainee.id}-{month:%Y-%m}.csv")
