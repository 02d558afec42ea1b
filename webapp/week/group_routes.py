"""My week for the teachers of a group: its calendar by month, one session, shared appointments."""

import uuid
from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.accounts import services as accounts
from webapp.accounts.auth import roles_required
from webapp.accounts.models import Role
from webapp.core import outbox
from webapp.core.dates import plausible
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.i18n import ngettext
from webapp.core.records import sent_client_id
from webapp.core.time import first_of_month, local_today
from webapp.privacy.services import audit_read
from webapp.week import bp, feeds, rules, services
from webapp.week.forms import PatternForm, SessionForm

# --- the teacher ----------------------------------------------------------------------------


@bp.get("/week/shared/<int:trainee_id>")
@roles_required(Role.TEACHER)
def shared(trainee_id: int):
    """Only the appointments the trainee shared; every look is written in the audit log."""
    trainee = accounts.trainee_for(current_user, trainee_id)
    audit_read(current_user, "week_shared_viewed", trainee)
    today = local_today()
    return render_template(
        "week/shared.html",
        trainee=trainee,
        appointments=services.appointment_items(services.shared_with_staff(trainee, today)),
    )


def month_arg():
    """?month=2026-12, else this month; 404 for a month outside the plausible range."""
    text = request.args.get("month", "")
    if not text:
        return first_of_month(None, None)
    year, _dash, number = text.partition("-")
    if not (year.isdigit() and number.isdigit()):
        abort(404)
    return first_of_month(int(year), int(number)) or abort(404)


@bp.route("/week/groups/<int:group_id>", methods=["GET", "POST"])
@outbox.write
@roles_required(Role.TEACHER)
def group_calendar(group_id: int):
    """A group's calendar by month, and the form that repeats a session over a range."""
    group = accounts.group_for(current_user, group_id)
    month = month_arg()
    form = PatternForm(client_id=uuid.uuid4().hex, first=month, weekdays=[0, 1, 2, 3, 4])
    if form.validate_on_submit():
        try:
            added = services.add_pattern(
                current_user,
                group,
                sent_client_id(form.client_id.data),
                kind=form.kind.data,
                place=form.place.data or "",
                note_text=form.note.data or "",
                first=form.first.data,
                last=form.last.data,
                weekdays=set(form.weekdays.data),
                starts=form.starts.data,
                ends=form.ends.data,
            )
        except services.TooMany:
            form.weekdays.errors.append(
                _l("No day, or more than 100 sessions: check the days and the dates.")
            )
            outbox.invalid({"weekdays": form.weekdays.errors})
        else:
            flash(
                ngettext(
                    "%(num)d session added. The trainees see it as changed.",
                    "%(num)d sessions added. The trainees see them as changed.",
                    added,
                ),
                "success",
            )
            first = form.first.data
            return redirect(
                url_for("week.group_calendar", group_id=group.id, month=f"{first:%Y-%m}"), 303
            )
    following = (month + timedelta(days=32)).replace(day=1)
    previous = (month - timedelta(days=1)).replace(day=1)
    return render_template(
        "week/group.html",
        group=group,
        month=month,
        days=services.month_of_sessions(group, month),
        form=form,
        feed_made_on=feeds.made_on(current_user, group),
        previous=previous if plausible(previous) else None,
        following=following if plausible(following) else None,
    )


@bp.route("/week/sessions/<int:session_id>", methods=["GET", "POST"])
@roles_required(Role.TEACHER)
def session(session_id: int):
    row = services.session_for(current_user, session_id)
    starts, ends = rules.in_paris(row.starts_at), rules.in_paris(row.ends_at)
    form = SessionForm(
        kind=row.kind,
        place=row.place,
        note=row.note,
        day=starts.date(),
        starts=starts.time(),
        ends=ends.time(),
    )
    back = url_for("week.group_calendar", group_id=row.group_id, month=f"{starts:%Y-%m}")
    if form.validate_on_submit():
        services.change_session(
            current_user,
            row,
            kind=form.kind.data,
            place=form.place.data or "",
            note_text=form.note.data or "",
            day=form.day.data,
            starts=form.starts.data,
            ends=form.ends.data,
        )
        flash(_l("Saved. The trainees see it as changed."), "success")
        return redirect(back, 303)
    return render_template("week/session.html", form=form, row=row, back=back)


@bp.post("/week/sessions/<int:session_id>/cancel")
@roles_required(Role.TEACHER)
def cancel(session_id: int):
    row = services.session_for(current_user, session_id)
    starts = rules.in_paris(row.starts_at)
    group_id = row.group_id
    services.cancel_session(current_user, row)
    flash(_l("Cancelled. The trainees see it as changed."), "success")
    return redirect(url_for("week.group_calendar", group_id=group_id, month=f"{starts:%Y-%m}"), 303)
