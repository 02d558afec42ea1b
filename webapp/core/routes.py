"""Home screen and health check."""

from flask import jsonify, redirect, render_template, url_for
from flask_login import current_user

from webapp.core import bp
from webapp.core.database import check_database


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return home_page()


def home_page(quick_add=None):
    """The home screen; quick_add is the budget form sent back from it with what to fix, so a
    refused quick add is fixed where it was typed (not on the budget page)."""
    # Imported here: feature packages import the core, so the core imports them late.
    from webapp.budget.routes import entry_form
    from webapp.core.time import local_today
    from webapp.dashboard import services as dashboard
    from webapp.journal import services as journal
    from webapp.lessons import services as lessons
    from webapp.privacy import services as privacy

    if current_user.is_staff:
        return render_template("core/home.html")
    next_lesson, lesson_progress = lessons.next_lesson(current_user)
    return render_template("core/home.html", next_lesson=next_lesson,
                           lesson_progress=lesson_progress,
                           form=quick_add or entry_form(), quick_add_on_home=True,
                           reminders=journal.reminders(current_user, local_today()),
                           assigned=dashboard.for_trainee(current_user),
                           erasure_on=privacy.ended_group_notice(current_user, local_today()))


@bp.get("/healthz")
def healthz():
    """For the load balancer and the person on call: is the app up, and its database?"""
    if reason := check_database():
        return jsonify(status="error", db=reason), 503
    return jsonify(status="ok", db="ok")
