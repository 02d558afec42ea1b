"""The month view, quick add (online or replayed offline), recurring items, CSV, sharing."""

import functools
from datetime import date, timedelta
from decimal import Decimal
from itertools import groupby

from babel.numbers import format_currency
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from webapp.accounts import services as accounts
from webapp.accounts.auth import roles_required
from webapp.accounts.models import Role
from webapp.budget import bp, money, services
from webapp.budget.forms import (
    CategoryForm,
    EntryForm,
    ImportForm,
    RecurringForm,
    entry_form,
    new_quick_add,
    with_categories,
)
from webapp.core import outbox
from webapp.core.dates import out_of_range, parse_day, plausible
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.i18n import ngettext
from webapp.core.spreadsheet import csv_response
from webapp.core.templating import feature_globals
from webapp.core.time import first_of_month, local_today
from webapp.extensions import db
from webapp.privacy.services import audit_read

TOO_MANY_LINES = _l(
    "This file is too long: at most 1,000 lines at a time. Split it into smaller "
    "files and import them one after the other."
)
NOT_CSV = _l("This file cannot be read. Choose a CSV file exported by the app or a spreadsheet.")
IMPORT_ERRORS = {
    "columns": _l("This line needs at least 4 columns: date; type; amount; category."),
    "date": _l("The date must look like 31/01/2026."),
    "type": _l("The type must be “revenu” or “dépense”."),
    "amount": _l("The amount must look like 12,50."),
}


def _month_page(month: date, form=None, status=200):
    today = local_today()
    items = services.recurring_items(current_user)
    entries = services.month_lines(current_user, month, items)  # nothing written on a GET
    names = services.categories(current_user)
    if form is not None and form.category.choices is None:
        with_categories(form, current_user, names)
    previous = (month.replace(day=1) - timedelta(days=1)).replace(day=1)
    following = money.month_bounds(month)[1] + timedelta(days=1)
    return render_template(
        "budget/month.html",
        month=month,
        today=today,
        form=form,  # sent back with what to fix
        new_quick_add=None if form else new_quick_add(current_user, names),
        names=names,
        figures=services.figures(entries, items, today, month),
        days=[(day, list(items)) for day, items in groupby(entries, key=lambda e: e.day)],
        totals=services.totals_by_category(entries),
        shared=services.is_shared(current_user, month),
        previous=previous if plausible(previous) else None,
        following=following if following <= today else None,
    ), status


@bp.get("/budget")
@bp.get("/budget/<int:year>-<int:number>")
@roles_required(Role.TRAINEE)
def month(year: int | None = None, number: int | None = None):
    chosen = first_of_month(year, number) or abort(404)
    return _month_page(chosen)


@bp.post("/budget/entries")
@outbox.write
@roles_required(Role.TRAINEE)
def add_entry():
    form = entry_form(current_user)
    if form.validate_on_submit():
        services.add_from_form(current_user, form)
        flash(_l("Saved."), "success")
        return redirect(
            url_for("budget.month", year=form.day.data.year, number=form.day.data.month), 303
        )
    return _month_page(local_today().replace(day=1), form, 200)


@bp.route("/budget/entries/<int:entry_id>", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def edit_entry(entry_id: int):
    entry = services.own_entry(current_user, entry_id)
    form = EntryForm(
        obj=entry,
        kind="income" if entry.income else "expense",
        amount=f"{entry.cents // 100},{entry.cents % 100:02d}",
    )
    with_categories(form, current_user)
    if form.validate_on_submit():
        entry.income, entry.cents = form.kind.data == "income", form.amount.cents
        entry.day, entry.category, entry.note = form.day.data, form.category.data, form.note.data
        db.session.commit()
        return redirect(url_for("budget.month", year=entry.day.year, number=entry.day.month), 303)
    return render_template("budget/entry.html", form=form, entry=entry)


@bp.post("/budget/entries/<int:entry_id>/delete")
@roles_required(Role.TRAINEE)
def delete_entry(entry_id: int):
    entry = services.own_entry(current_user, entry_id)
    day = entry.day
    db.session.delete(entry)
    db.session.commit()
    flash(_l("Deleted."), "success")
    return redirect(url_for("budget.month", year=day.year, number=day.month), 303)


@bp.route("/budget/recurring", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def recurring():
    form = RecurringForm()
    names = with_categories(form, current_user)
    if form.validate_on_submit():
        services.add_recurring(
            current_user,
            form.kind.data == "income",
            form.amount.cents,
            form.day_of_month.data,
            form.category.data,
            form.note.data or "",
            local_today(),
        )
        flash(_l("Saved. It is written into each month on its day."), "success")
        return redirect(url_for("budget.recurring"), 303)
    return _recurring_page(form, CategoryForm(), names)


def _recurring_page(form, category_form, names=None):
    names = with_categories(form, current_user, names)
    return render_template(
        "budget/recurring.html",
        form=form,
        category_form=category_form,
        names=names,
        items=services.recurring_items(current_user),
        own_categories=services.own_categories(current_user),
    )


@bp.post("/budget/recurring/<int:item_id>/stop")
@roles_required(Role.TRAINEE)
def stop_recurring(item_id: int):
    services.stop_recurring(current_user, item_id, local_today())
    return redirect(url_for("budget.recurring"), 303)


@bp.post("/budget/categories")
@roles_required(Role.TRAINEE)
def add_category():
    form = CategoryForm()
    if form.validate_on_submit():
        services.add_category(current_user, form.name.data)
        flash(_l("Category added."), "success")
        return redirect(url_for("budget.recurring"), 303)
    return _recurring_page(RecurringForm(formdata=None), form)  # the name to fix, in its place


@bp.post("/budget/categories/<int:category_id>/delete")
@roles_required(Role.TRAINEE)
def delete_category(category_id: int):
    """Its entries and recurring items move to "Other"; nothing else is lost."""
    services.delete_category(current_user, category_id)
    flash(_l("Category deleted. Its lines are now in “Other”."), "success")
    return redirect(url_for("budget.recurring"), 303)


@bp.get("/budget/compare/<category>")
@roles_required(Role.TRAINEE)
def compare(category: str):
    names = services.categories(current_user)
    if category not in names:
        abort(404)
    history = services.category_history(current_user, category, local_today())
    return render_template(
        "budget/compare.html",
        category=names[category],
        history=history,
        top=max([cents for _m, cents in history] + [1]),
    )


@bp.get("/budget/export.csv")
@roles_required(Role.TRAINEE)
def export():
    rows = services.export_rows(current_user, services.categories(current_user), local_today())
    return csv_response(rows, "budget.csv")


@bp.route("/budget/import", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def import_csv():
    form = ImportForm()
    rows = None
    names = services.categories(current_user)
    if form.validate_on_submit():
        # The whole file is read: MAX_CONTENT_LENGTH (2 MB) bounds it, and the line count is
        # checked before anything is shown or imported (never a silent cut).
        step = "preview" if form.file.data else "import" if form.text.data else None
        text = (
            form.file.data.read().decode("utf-8-sig", errors="replace")
            if step == "preview"
            else form.text.data
        )
        try:
            rows = services.read_csv(text, names) if step else None
        except services.TooManyLines:
            form.file.errors.append(TOO_MANY_LINES)
        except services.NotCsv:
            form.file.errors.append(NOT_CSV)
        else:
            if step == "preview":
                form.text.data = text
            elif step == "import":
                added = services.import_rows(current_user, rows)
                flash(
                    ngettext("%(num)d line imported.", "%(num)d lines imported.", added), "success"
                )
                return redirect(url_for("budget.month"), 303)
    return render_template(
        "budget/import.html",
        form=form,
        rows=rows,
        names=names,
        errors=IMPORT_ERRORS | {"date_range": out_of_range()},
    )


@bp.post("/budget/share")
@roles_required(Role.TRAINEE)
def share():
    chosen = parse_day(request.form.get("month")) or abort(404)
    services.set_shared(current_user, chosen, request.form.get("share") == "1")
    return redirect(url_for("budget.month", year=chosen.year, number=chosen.month), 303)


@bp.get("/budget/shared/<int:trainee_id>")
@roles_required(Role.TEACHER)
def shared(trainee_id: int):
    """A teacher sees only what the trainee chose to share: totals, never lines or notes."""
    trainee = accounts.trainee_for(current_user, trainee_id)
    audit_read(current_user, "budget_summary_viewed", trainee)
    return render_template(
        "budget/shared.html",
        trainee=trainee,
        summaries=services.shared_summaries(trainee, local_today()),
    )


@bp.app_template_filter("euros")
def euros(cents: int) -> str:
    """Cents shown as money in the reader's language (12,50 € / €12.50)."""
    return _euros(cents, str(get_locale()))


# Babel's formatting took a third of a millisecond an amount (a month page shows 30): the same
# amount in the same language is always written the same way.
@functools.lru_cache(maxsize=4096)
def _euros(cents: int, language: str) -> str:
    return format_currency(Decimal(cents) / 100, "EUR", locale=language)


LEVEL_NAMES = {
    "ok": _l("On track"),
    "orange": _l("Careful: little left per day"),
    "red": _l("Alert: almost nothing left per day"),
    "over": _l("Over budget"),
}
LEVEL_COLOURS = {"ok": "#0b5563", "orange": "#b35c00", "red": "#a4161a", "over": "#a4161a"}

# The names this feature's templates use (core.templating.feature_globals).
feature_globals(
    bp,
    level_names=LEVEL_NAMES,
    level_colours=LEVEL_COLOURS,
)
