"""My week: the trainee's week, their appointments, and the calendar feeds."""

import uuid
from datetime import timedelta

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.accounts import services as accounts
from webapp.accounts.auth import roles_required
from webapp.accounts.models import Role
from webapp.core import outbox
from webapp.core.dates import parse_day
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.records import sent_client_id
from webapp.core.templating import feature_globals
from webapp.core.time import local_today
from webapp.core.urls import public_url, safe_path
from webapp.placements import services as placements
from webapp.week import attendance, bp, feeds, names, rules, services, words
from webapp.week.forms import WEEKDAYS, AppointmentForm


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
        # The trainee's placements this week (recorded by a teacher; the group's calendar may
        # also hold its company days).
        placements=placements.placements_between(current_user, monday, monday + timedelta(days=6)),
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


# The names this feature's templates use (core.templating.feature_globals).
feature_globals(
    bp,
    week_kinds=names.KINDS,
    appointment_kinds=names.APPOINTMENTS,
    attendance_names=names.STATUS_NAMES,
    contract_minutes=attendance.CONTRACT_MINUTES,
    as_hours=rules.as_hours,
    weekday_names=dict(WEEKDAYS),
    week_change_lines=words.change_lines,
    week_day_sentence=words.day_sentence,
    week_days_sentence=words.days_sentence,
    week_item_picture=words.item_picture,
    week_item_name=words.item_name,
)


# The teacher's screens and attendance live beside this file; importing them registers them.
from webapp.week import attendance_routes, group_routes  # noqa: E402,F401
