"""A trainee sets up the month, adds expenses (one offline), exports and shares a summary."""

import csv
import io

import sqlalchemy as sa

from tests.browser.test_journeys import audit, sign_in
from tests.browser.test_lessons_browser import wait_until
from webapp.accounts.models import Role
from webapp.budget.models import Entry


def per_day(page) -> str:
    return page.locator(".per-day__amount").inner_text()


def test_budget_month_offline_expense_export_and_share(phone, make_user, make_group, shot):
    group = make_group()
    trainee = make_user(group=group, display_name="Fatou Diallo")
    teacher = make_user(Role.TEACHER, group=group)
    page = phone()
    sign_in(page, trainee.username)
    page.goto("/budget/recurring")
    for amount, kind, category, day in (
        ("1 050", "income", "salary", "5"),
        ("450", "expense", "rent", "1"),
        ("15,99", "expense", "phone", "10"),
    ):
        page.fill("#amount", amount)
        page.locator(f"input[name=kind][value={kind}]").check()
        page.select_option("#category", category)
        page.fill("#day_of_month", day)
        page.locator("form.card button[type=submit]").first.click()
        page.wait_for_selector(".flash--success")
    audit(page)
    page.goto("/budget")
    audit(page)
    before = per_day(page)
    # Quick add from the home screen: amount, category, save.
    page.goto("/")
    page.fill("#amount", "23,40")
    page.select_option("#category", "food")
    page.locator("form.quick-add button[type=submit]").click()
    page.wait_for_url("**/budget/**")
    assert per_day(page) != before
    shot(page, "budget-month")
    # One expense offline: it waits on the phone, then is recorded once.
    page.goto("/")
    page.context.set_offline(True)
    page.fill("#amount", "4,50")
    page.select_option("#category", "transport")
    page.locator("form.quick-add button[type=submit]").click()
    page.locator("form.quick-add [data-queued]").wait_for()
    page.context.set_offline(False)
    page.goto("/budget")
    wait_until(page, "Outbox.all().then(items => items.length === 0)")
    page.reload()
    assert db_count(trainee, 450) == 1
    assert db_count(trainee, 45000) == 0  # the rent is computed for the month, not written by a GET
    # Export, read as a French spreadsheet would.
    with page.expect_download() as download:
        page.locator("a[href='/budget/export.csv']").click()
    with open(download.value.path(), encoding="utf-8-sig") as exported:
        text = exported.read()
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert {"23,40", "4,50", "1050,00", "450,00"} <= {row[2] for row in rows[1:]}
    # Share the summary; the teacher sees it; withdrawn, it disappears.
    page.locator("button[name=share][value='1']").click()
    staff = phone()
    sign_in(staff, teacher.username)
    staff.goto(f"/budget/shared/{trainee.id}")
    assert "23,40" in staff.content() and "Fatou" in staff.content()
    audit(staff)
    page.locator("button[name=share][value='0']").click()
    staff.reload()
    assert "23,40" not in staff.content()


def db_count(trainee, cents) -> int:
    from webapp.extensions import db

    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Entry)
        .where(Entry.user_id == trainee.id, Entry.cents == cents)
    )
