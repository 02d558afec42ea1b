"""Budget: amounts, the reste à vivre (property-based), entries once, CSV, sharing, privacy."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from tests.measure import count_queries, first_load
from webapp.accounts.models import Role
from webapp.budget import money, services
from webapp.budget.models import Entry
from webapp.extensions import db
from webapp.privacy.models import AuditEvent

TODAY = date.today()


@pytest.mark.parametrize(
    ("text", "cents"),
    [("12,50", 1250), ("12.50", 1250), ("12", 1200), (" 1 200,5 € ", 120050), ("0,99", 99)],
)
def test_amounts_typed_the_french_or_english_way(text, cents):
    assert money.parse_amount(text) == cents


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("-5", "negative"),
        ("abc", "not_a_number"),
        ("12,505", "not_a_number"),
        ("0", "zero"),
        ("1000000,01", "too_big"),
        ("1e5", "not_a_number"),
    ],
)
def test_bad_amounts_are_refused_with_a_reason(text, reason):
    with pytest.raises(money.AmountError) as refused:
        money.parse_amount(text)
    assert str(refused.value) == reason


days_in_may = st.integers(min_value=1, max_value=31).map(lambda d: date(2026, 5, d))
lines = st.lists(
    st.builds(
        money.Line,
        day=days_in_may,
        cents=st.integers(1, 500_000),
        income=st.booleans(),
        fixed=st.booleans(),
    ),
    max_size=40,
)


@given(lines, days_in_may, st.one_of(st.none(), days_in_may))
def test_reste_a_vivre_and_per_day_add_up(entries, today, next_income):
    figures = money.month_figures(entries, today, next_income)
    income = sum(e.cents for e in entries if e.income)
    fixed = sum(e.cents for e in entries if not e.income and e.fixed)
    assert figures.income == income
    assert figures.reste_a_vivre == income - fixed
    assert figures.days >= 1
    if figures.left > 0:
        assert figures.per_day * figures.days <= figures.left < (figures.per_day + 1) * figures.days
    else:
        assert figures.per_day == figures.left
    assert figures.level == (
        "over"
        if figures.left < 0
        else "red"
        if figures.per_day < money.RED_BELOW
        else "orange"
        if figures.per_day < money.ORANGE_BELOW
        else "ok"
    )
    assert figures.over_by == max(0, -figures.left)
    assert (figures.level == "over") == (figures.over_by > 0)


@pytest.mark.parametrize(
    ("left", "days", "level"),
    [
        (-1, 10, "over"),
        (-50_000, 1, "over"),
        (0, 10, "red"),
        (499, 1, "red"),
        (500, 1, "orange"),
        (999, 1, "orange"),
        (1_000, 1, "ok"),
        (4_999, 10, "red"),
    ],
)
def test_levels_at_their_edges(left, days, level):
    """Over budget (below zero) is never one of the "a little is left" levels."""
    assert money.level_of(left, left // days if left > 0 else left) == level


def test_overspending_is_over_by_what_went_out_beyond_what_came_in():
    lines = [
        money.Line(date(2026, 5, 1), 50000, True, False),  # benefits on the 1st
        money.Line(date(2026, 5, 2), 45000, False, True),  # rent
        money.Line(date(2026, 5, 8), 9000, False, False),
    ]  # shopping
    figures = money.month_figures(lines, date(2026, 5, 10), None)
    assert figures.left == -4000 and figures.over_by == 4000 and figures.level == "over"
    spent_less = money.month_figures(lines[:2], date(2026, 5, 10), None)
    assert spent_less.over_by == 0 and spent_less.level != "over"


@given(lines, days_in_may)
def test_spending_more_never_leaves_more(entries, today):
    before = money.month_figures(entries, today, None)
    after = money.month_figures(entries + [money.Line(today, 1000, False, False)], today, None)
    assert after.left == before.left - 1000 and after.per_day <= before.per_day


def test_worked_example():
    lines = [
        money.Line(date(2026, 5, 5), 90000, True, True),  # salary on the 5th
        money.Line(date(2026, 5, 1), 40000, False, True),  # rent
        money.Line(date(2026, 5, 20), 2000, False, True),  # phone, still to pay
        money.Line(date(2026, 5, 10), 3000, False, False),
    ]  # shopping
    figures = money.month_figures(lines, date(2026, 5, 10), date(2026, 6, 5))
    assert figures.reste_a_vivre == 90000 - 42000
    assert figures.left == 90000 - 40000 - 2000 - 3000
    assert figures.days == 26 and figures.per_day == 45000 // 26


@pytest.fixture
def trainee(make_user, make_group, login):
    user = make_user(group=make_group())
    login(user)
    return user


def add(client, amount="12,50", category="food", client_id="e1", day=None, kind="expense"):
    return client.post(
        "/budget/entries",
        data={
            "amount": amount,
            "category": category,
            "client_id": client_id,
            "kind": kind,
            "day": (day or TODAY).isoformat(),
        },
    )


def test_quick_add_three_taps_from_home_and_replay_counts_once(client, trainee):
    home = client.get("/").text
    assert 'action="/" class="card stack quick-add"' in home and 'data-queue="budget"' in home
    for _ in range(3):
        assert add(client).status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Entry)) == 1
    assert db.session.scalar(sa.select(Entry.cents)) == 1250


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("", "Write an amount"),
        ("-3", "minus sign"),
        ("douze", "not an amount"),
        ("2000000", "too big"),
    ],
)
def test_bad_amount_gets_a_message_next_to_the_field(client, trainee, amount, message):
    client.post("/language", data={"lang": "en"})
    response = add(client, amount=amount, client_id=f"bad-{amount}")
    assert response.status_code == 200
    assert 'id="amount-error"' in response.text and message in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Entry)) == 0


def test_recurring_items_count_in_each_month_without_being_written_by_a_view(client, trainee):
    client.post(
        "/budget/recurring",
        data={"amount": "900", "kind": "income", "category": "salary", "day_of_month": "5"},
    )
    client.post(
        "/budget/recurring",
        data={"amount": "400", "kind": "expense", "category": "rent", "day_of_month": "31"},
    )
    for _ in range(2):
        page = client.get("/budget").text
    # A GET writes nothing.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Entry)) == 0
    assert "500,00" in page  # reste à vivre: 900 - 400
    assert page.count("tous les mois") == 2
    last = money.month_bounds(TODAY)[1]
    lines = services.month_lines(trainee, TODAY, services.recurring_items(trainee))
    assert sorted((line.cents, line.income, line.day) for line in lines) == [
        (40000, False, last),
        (90000, True, TODAY.replace(day=5)),
    ]  # the 31st: the last day


def test_stopping_a_recurring_item_writes_its_past_lines_once(client, trainee):
    client.post(
        "/budget/recurring",
        data={"amount": "400", "kind": "expense", "category": "rent", "day_of_month": "1"},
    )
    item = services.recurring_items(trainee)[0]
    item.starts_on = (TODAY.replace(day=1) - timedelta(days=40)).replace(day=1)  # 2 months ago
    db.session.commit()
    for _ in range(2):
        client.post(f"/budget/recurring/{item.id}/stop")
    days = sorted(db.session.scalars(sa.select(Entry.day).where(Entry.recurring_id == item.id)))
    assert days == [
        item.starts_on,
        (item.starts_on + timedelta(days=31)).replace(day=1),
        TODAY.replace(day=1),
    ]
    assert services.recurring_items(trainee) == []
    assert "400,00" in client.get("/budget").text  # this month's rent stays in its history


def test_month_view_fast_and_light_with_a_year_of_entries(client, trainee):
    start = TODAY - timedelta(days=365)
    db.session.add_all(
        [
            Entry(
                user_id=trainee.id,
                client_id=f"y{n}",
                income=n % 30 == 0,
                cents=500 + n,
                day=start + timedelta(days=n % 366),
                category="food",
                note="",
            )
            for n in range(1500)
        ]
    )
    db.session.commit()
    with count_queries() as statements:
        assert client.get("/budget").status_code == 200
    assert len(statements) <= 6
    html, _total = first_load(client, "/budget")
    assert html < 14 * 1024


def test_csv_export_reads_as_a_french_spreadsheet_and_imports_back_once(client, trainee):
    add(client, amount="12,50", client_id="a", day=TODAY.replace(day=1))
    add(
        client,
        amount="1 300",
        category="salary",
        kind="income",
        client_id="b",
        day=TODAY.replace(day=1),
    )
    exported = client.get("/budget/export.csv")
    assert exported.mimetype == "text/csv"
    text = exported.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["date", "type", "montant", "categorie", "note"]
    assert ["12,50", "1300,00"] == sorted(row[2] for row in rows[1:])
    db.session.execute(sa.delete(Entry))
    db.session.commit()
    bad = text + "32/13/2026;dépense;5;food;\n01/05/2026;dépense;-5;food;\n"
    preview = client.post(
        "/budget/import",
        data={"file": (io.BytesIO(bad.encode()), "b.csv")},
        headers={"Accept-Language": "en"},
        content_type="multipart/form-data",
    )
    assert "The date must look like" in preview.text and "The amount must look like" in preview.text
    for _ in range(2):  # confirming twice imports once
        client.post("/budget/import", data={"text": bad})
    assert sorted(db.session.scalars(sa.select(Entry.cents))) == [1250, 130000]


def test_share_summary_with_teacher_and_withdraw(app, client, trainee, make_user, login):
    add(client, amount="20", client_id="s1", day=TODAY)
    add(client, amount="7", client_id="s2", day=TODAY)
    db.session.execute(
        sa.update(Entry).where(Entry.client_id == "s2").values(note="chez le dentiste")
    )
    db.session.commit()
    teacher = make_user(Role.TEACHER, group=trainee.groups[0])
    staff = app.test_client()
    login(teacher, http=staff)
    assert (
        "Nothing shared"
        in staff.get(f"/budget/shared/{trainee.id}", headers={"Accept-Language": "en"}).text
    )
    client.post("/budget/share", data={"month": TODAY.replace(day=1).isoformat(), "share": "1"})
    page = staff.get(f"/budget/shared/{trainee.id}").text
    assert "27,00" in page and "dentiste" not in page
    assert (
        db.session.scalar(
            sa.select(AuditEvent.actor_id).where(
                AuditEvent.subject_id == trainee.id, AuditEvent.action == "budget_summary_viewed"
            )
        )
        == teacher.id
    )
    client.post("/budget/share", data={"month": TODAY.replace(day=1).isoformat(), "share": "0"})
    assert "27,00" not in staff.get(f"/budget/shared/{trainee.id}").text


def test_nobody_else_reaches_a_trainees_entries(app, client, trainee, make_user, make_group, login):
    add(client, client_id="p1")
    entry = db.session.scalar(sa.select(Entry))
    other = app.test_client()
    login(make_user(group=make_group()), http=other)
    assert other.get(f"/budget/entries/{entry.id}").status_code == 404
    assert other.post(f"/budget/entries/{entry.id}/delete").status_code == 404
    assert add(other, client_id="p1").status_code == 404  # someone else's client id
    outsider = app.test_client()
    login(make_user(Role.TEACHER, group=make_group()), http=outsider)
    assert outsider.get(f"/budget/shared/{trainee.id}").status_code == 404
    assert outsider.get("/budget").status_code == 404


def test_compare_a_category_over_months(client, trainee):
    add(client, amount="30", client_id="c1", day=TODAY.replace(day=1))
    add(client, amount="10", client_id="c2", day=(TODAY.replace(day=1) - timedelta(days=1)))
    page = client.get("/budget/compare/food")
    assert page.status_code == 200
    chart = page.text.split('class="bars"')[1].split("</svg>")[0]
    assert chart.count("<rect") == 6 and "30,00" in page.text and "10,00" in page.text
    assert client.get("/budget/compare/nope").status_code == 404


def test_import_finds_categories_whatever_the_language_of_the_file(ctx, make_user):
    from flask import current_app

    user = make_user()
    with current_app.test_request_context(headers={"Accept-Language": "ar"}):
        rows = services.read_csv(
            "01/05/2026;dépense;5;Food;\n02/05/2026;dépense;5;Loyer;\n"
            "03/05/2026;revenu;5;Prime d'activité;\n",
            services.categories(user),
        )
    assert [row.category for row in rows] == ["food", "rent", "activity"]


def test_the_quick_adds_date_is_the_trainees_day_in_paris(client, trainee, monkeypatch):
    """At 23:30 UTC on 1 December it is already 2 December in Paris: an expense typed then is
    dated the 2nd by default, on the budget page and on the home, and so is the journal's."""
    from datetime import UTC, datetime

    from webapp.core import fragments
    from webapp.core import time as clock

    fragments.forget()
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 12, 1, 23, 30, tzinfo=UTC))
    for page in ("/budget", "/", "/journal/write"):
        html = client.get(page).text
        assert re.findall(r'<input[^>]* name="day"[^>]* value="([\d-]+)"', html) == [
            "2026-12-02"
        ], page
