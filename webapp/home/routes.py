"""The home page (GET /) and the quick add sent from it (POST /)."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

from webapp.accounts.auth import roles_required
from webapp.accounts.models import Role
from webapp.budget import forms as budget_forms
from webapp.budget import services as budget
from webapp.candidates import services as candidates
from webapp.core import fragments, outbox
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.time import local_today
from webapp.dashboard import services as dashboard
from webapp.home import bp
from webapp.journal import services as journal
from webapp.lessons import services as lessons
from webapp.papers import services as papers
from webapp.placements import services as placements
from webapp.privacy import services as privacy
from webapp.week import services as week


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return _page()


@bp.post("/")
@outbox.write
@roles_required(Role.TRAINEE)
def quick_add():
    """The budget's quick add on the home screen: saved, or shown again here with what to fix."""
    form = budget_forms.entry_form(current_user)
    if form.validate_on_submit():
        budget.add_from_form(current_user, form)
        flash(_l("Saved."), "success")
        return redirect(
            url_for("budget.month", year=form.day.data.year, number=form.day.data.month), 303
        )
    return _page(quick_add=form)


@bp.get("/assigned")
@roles_required(Role.TRAINEE)
def assigned():
    """Everything the trainee's teachers assigned and is not done yet (the home shows the
    first few)."""
    return render_template("home/assigned.html", assigned=dashboard.for_trainee(current_user))


# The home shows the few assignments due soonest; the rest are one tap away. Forty rows on a
# phone's first screen buried everything under them (and cost a third of the page's time).
ASSIGNED_ON_HOME = 3


def _tiles(user) -> Markup:
    """The tiles to every area: the same for everyone of a role in a language, so made once
    (thirteen links with pictograms and labels were a fiftieth of the home's CPU)."""
    return fragments.kept(
        ("home-tiles", user.role.value), 1, lambda: render_template("home/_tiles.html")
    )


def _page(quick_add=None):
    # The user itself, not flask_login's proxy: the features below read it a hundred times.
    user = current_user._get_current_object()
    if user.is_staff:
        return render_template("home/index.html", tiles=_tiles(user))
    today = local_today()
    assigned = dashboard.for_trainee(user)
    return render_template(
        "home/index.html",
        next_lesson=lessons.next_lesson_card(user),
        form=quick_add,  # sent back with what to fix
        new_quick_add=None if quick_add else budget_forms.new_quick_add(user, on_home=True),
        quick_add_on_home=True,
        reminders=journal.reminders(user, today),
        assigned=assigned[:ASSIGNED_ON_HOME],
        assigned_count=len(assigned),
        erasure_on=privacy.ended_group_notice(user, today),
        week_changes=week.unseen_changes(user),
        week_glance=week.glance(user, today),
        papers_card=papers.home_card(user, today),
        welcome=candidates.welcome_card(user, today),
        placement_card_item=placements.home_card(user, today),
        today=today,
        tiles=_tiles(user),
    )
