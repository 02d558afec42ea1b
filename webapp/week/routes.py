"""My week: the trainee's week, the teacher's group calendar."""

import uuid
from datetime import timedelta

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import format_date, format_time, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from webapp.accounts import services as accounts
from webapp.accounts.auth import roles_required
from webapp.accounts.models import Role
from webapp.core import outbox
from webapp.core.dates import parse_day, plausible
from webapp.core.records import sent_client_id
from webapp.core.spreadsheet import csv_response
from webapp.core.templating import feature_globals
from webapp.core.time import first_of_month, local_today, utcnow
from webapp.core.urls import public_url, safe_path
from webapp.privacy.services import audit_read, audit_reads
from webapp.week import attendance, bp, feeds, rules, services
from webapp.week.forms import (
    WEEKDAYS,
    AppointmentForm,
    AttendanceForm,
    PatternForm,
    SessionForm,
)


def _monday() -> "rules.date":
    """The Monday of the week asked for (?start=2026-12-07), else of this week."""
    asked = request.args.get("start")
    if asked is None:
        return rules.monday_of(local_today())
    day = parse_day(asked) or abort(404)
    return rules.monday_of(day)


# --- the trainee ----------------------------------------------------------------------------


@bp.get("/week")
@roles_required(Role.TRAINEE)
def index():
    monday = _monday()
    return render_template(
        "week/index.html",
        monday=monday,
        days=services.week_of(current_user, monday),
        today=local_today(),
        changes=services.unseen_changes(current_user),
        feed_made_on=feeds.made_on(current_user),
        previous=monday - timedelta(days=7),
        following=monday + timedelta(days=7),
    )


@bp.get("/week/offline")
@roles_required(Role.TRAINEE)
def offline():
    """This week and the next on one page without forms, for the phone to keep (the service
    worker shows it when /week cannot be reached)."""
    monday = rules.monday_of(local_today())
    return render_template(
        "week/offline.html",
        days=services.days_of(current_user, monday, monday + timedelta(days=13)),
        today=local_today(),
    )


@bp.post("/week/seen")
@outbox.write
@roles_required(Role.TRAINEE)
def seen():
    """The trainee saw the changes to their calendar: they leave the home screen."""
    services.mark_seen(current_user)
    back = url_for("week.index") if request.form.get("back") == "week" else url_for("home.index")
    return redirect(back, 303)


def _plan(form) -> services.Plan:
    return services.Plan(
        kind=form.kind.data,
        day=form.day.data,
        at=form.at.data,
        place=form.place.data or "",
        title=form.title.data or "",
        bring=form.bring.data or "",
        remind_minutes=form.remind.data,
    )


@bp.route("/week/appointments/new", methods=["GET", "POST"])
@outbox.write
@roles_required(Role.TRAINEE)
def new_appointment():
    asked = parse_day(request.args.get("day"))
    form = AppointmentForm(client_id=uuid.uuid4().hex, day=asked or local_today())
    if form.validate_on_submit():
        row = services.add_appointment(
            current_user, sent_client_id(form.client_id.data), _plan(form)
        )
        flash(_l("Saved. It stays private unless you share it."), "success")
        start = rules.monday_of(rules.in_paris(row.starts_at).date())
        return redirect(url_for("week.index", start=start.isoformat()), 303)
    return render_template("week/appointment.html", form=form, row=None)


@bp.route("/week/appointments/<int:appointment_id>", methods=["GET", "POST"])
@outbox.write
@roles_required(Role.TRAINEE)
def appointment(appointment_id: int):
    row = services.own_appointment(current_user, appointment_id)
    starts = rules.in_paris(row.starts_at)
    form = AppointmentForm(
        obj=row, day=starts.date(), at=starts.time(), remind=row.remind_minutes or 0
    )
    if form.validate_on_submit():
        services.change_appointment(row, _plan(form))
        flash(_l("Saved."), "success")
        start = rules.monday_of(form.day.data)
        return redirect(url_for("week.index", start=start.isoformat()), 303)
    return render_template(
        "week/appointment.html", form=form, row=row, readers=services.readers(current_user)
    )


@bp.post("/week/appointments/<int:appointment_id>/share")
@roles_required(Role.TRAINEE)
def share(appointment_id: int):
    """The per-item switch: share with the teachers of my group, or stop sharing."""
    row = services.own_appointment(current_user, appointment_id)
    services.set_shared(row, request.form.get("share") == "1")
    back = url_for("week.appointment", appointment_id=row.id)
    return redirect(safe_path(request.form.get("back"), back), 303)


@bp.post("/week/appointments/<int:appointment_id>/delete")
@roles_required(Role.TRAINEE)
def delete_appointment(appointment_id: int):
    services.delete_appointment(current_user, appointment_id)
    flash(_l("Deleted."), "success")
    return redirect(url_for("week.index"), 303)


# --- calendar feeds: in the phone's own calendar, so reminders ring with the app closed --------


def _feed_page(token: str, back: str, group=None):
    """The new address, shown once (only its hash is kept): never a page a cache may keep."""
    https = public_url("week.feed", token=token)
    webcal = "webcal://" + https.split("://", 1)[1]
    response = make_response(
        render_template("week/feed.html", https=https, webcal=webcal, back=back, group=group)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/week/feed/new")
@roles_required(Role.TRAINEE)
def new_feed():
    return _feed_page(feeds.new_token(current_user), url_for("week.index"))


@bp.post("/week/feed/revoke")
@roles_required(Role.TRAINEE)
def revoke_feed():
    feeds.revoke(current_user)
    flash(_l("The link is stopped. Your phone's calendar no longer gets your week."), "success")
    return redirect(url_for("week.index"), 303)


@bp.get("/week/feed/<token>.ics")
def feed(token: str):
    """Anyone holding the address (the person's own calendar app): no sign-in, the token is
    the key; a wrong or revoked one is 404."""
    text = feeds.calendar_for_token(token[:64], local_today())
    if text is None:
        abort(404)
    response = make_response(text)
    response.mimetype = "text/calendar"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = "inline; filename=passerelle.ics"
    return response


@bp.post("/week/groups/<int:group_id>/feed/new")
@roles_required(Role.TEACHER)
def new_group_feed(group_id: int):
    group = accounts.group_for(current_user, group_id)
    back = url_for("week.group_calendar", group_id=group.id)
    return _feed_page(feeds.new_token(current_user, group), back, group)


@bp.post("/week/groups/<int:group_id>/feed/revoke")
@roles_required(Role.TEACHER)
def revoke_group_feed(group_id: int):
    group = accounts.group_for(current_user, group_id)
    feeds.revoke(current_user, group)
    flash(_l("The link is stopped."), "success")
    return redirect(url_for("week.group_calendar", group_id=group.id), 303)


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


def _month_arg():
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
    month = _month_arg()
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


def change_lines(changes) -> list[str]:
    """Each change in one whole sentence a trainee reads and hears."""
    lines = []
    for change in changes:
        kind = services.KINDS[change.kind][1]
        day = format_date(rules.in_paris(change.first_at).date(), "EEEE d MMMM")
        if change.what == "added":
            lines.append(
                ngettext(
                    "Changed: %(num)d session added (%(kind)s) on %(day)s",
                    "Changed: %(num)d sessions added (%(kind)s) from %(day)s",
                    change.count,
                    kind=kind,
                    day=day,
                )
            )
        elif change.what == "changed":
            lines.append(
                _("Changed: %(kind)s on %(day)s has a new time or place", kind=kind, day=day)
            )
        else:
            lines.append(_("Changed: %(kind)s on %(day)s is cancelled", kind=kind, day=day))
    return lines


def item_picture(item) -> str:
    return (services.APPOINTMENTS if item.own else services.KINDS)[item.kind][0]


def item_name(item) -> str:
    name = str((services.APPOINTMENTS if item.own else services.KINDS)[item.kind][1])
    return f"{name} · {item.title}" if item.title else name


def day_sentence(day) -> str:
    """A day read aloud: its date, then each item's time, what and where."""
    parts = [format_date(day.day, "EEEE d MMMM")]
    for item in day.items:
        parts.append(
            _(
                "%(time)s: %(what)s, %(place)s",
                time=format_time(item.starts_at, "short"),
                what=item_name(item),
                place=item.place or "—",
            )
        )
        if item.bring:
            parts.append(_("To bring: %(what)s", what=item.bring))
    if not day.items:
        parts.append(_("Nothing planned."))
    return ". ".join(parts)


def days_sentence(days) -> str:
    return ". ".join(day_sentence(day) for day in days)


# --- attendance for the 26-hour contract ----------------------------------------------------


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
    month = _month_arg()
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
    rows = [[_("Name"), trainee.display_name], [_("Month"), f"{month:%Y-%m}"], []]
    rows.append([_("Day"), _("From"), _("To"), _("What"), _("Where"), _("Mark"), _("Hours")])
    for line in lines:
        rows.append(
            [
                line.starts_at.date().isoformat(),
                f"{line.starts_at:%H:%M}",
                f"{line.ends_at:%H:%M}",
                str(services.KINDS[line.kind][1]),
                line.place,
                str(attendance.STATUS_NAMES[line.status][1]) if line.status else "",
                rules.as_hours(line.minutes),
            ]
        )
    rows.append([])
    rows.append([_("Hours present (present or late)"), rules.as_hours(total.worked)])
    rows.append([_("Hours of excused absence"), rules.as_hours(total.excused)])
    rows.append([_("Hours of absence"), rules.as_hours(total.absent)])
    rows.append([_("Hours not marked yet"), rules.as_hours(total.unmarked)])
    return csv_response(rows, f"presence-{trainee.id}-{month:%Y-%m}.csv")


# The names this feature's templates use (core.templating.feature_globals).
feature_globals(
    bp,
    week_kinds=services.KINDS,
    appointment_kinds=services.APPOINTMENTS,
    attendance_names=attendance.STATUS_NAMES,
    contract_minutes=attendance.CONTRACT_MINUTES,
    as_hours=rules.as_hours,
    weekday_names=dict(WEEKDAYS),
    week_change_lines=change_lines,
    week_day_sentence=day_sentence,
    week_days_sentence=days_sentence,
    week_item_picture=item_picture,
    week_item_name=item_name,
)
