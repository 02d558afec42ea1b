"""Forms sent back with errors keep the person where they were (issue 14, found by a user test).

Every trainee form, refused, comes back on the same screen with: the first field to fix
focused (autofocus: the browser scrolls to it, without JavaScript), marked aria-invalid,
pointing with aria-describedby at a message that says what to do. The home screen's quick add is
fixed on the home screen. Overspending says "over by". Category names are never cut (browser
test: tests/browser/test_forms_browser.py).
"""

import re
from datetime import date
from html import unescape
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from webapp.budget import services as budget
from webapp.budget.models import Entry
from webapp.core.themes import THEME_NAMES
from webapp.extensions import db
from webapp.journal import services as journal

TODAY = date.today()


class Inputs(HTMLParser):
    """The attributes of every input, select and textarea of a page, by id."""

    def __init__(self, page: str):
        super().__init__()
        self.fields: dict[str, dict] = {}
        self.focused: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("input", "select", "textarea") and "id" in attributes:
            self.fields[attributes["id"]] = attributes
        if "autofocus" in attributes:
            self.focused.append(attributes.get("id", tag))


def message(page: str, error_id: str) -> str:
    found = re.search(rf'<p class="error" id="{error_id}">(.*?)</p>', page, re.S)
    assert found, f"no message #{error_id}"
    return unescape(found.group(1)).strip()


def assert_sent_back(response, field_id: str, says: str, message_of: str | None = None) -> str:
    """The page came back (no redirect) with field_id, and only it, focused and described."""
    assert response.status_code == 200, response.status_code
    page = response.text
    inputs = Inputs(page)
    assert inputs.focused == [field_id]
    field = inputs.fields[field_id]
    error_id = f"{message_of or field_id}-error"
    assert field.get("aria-invalid") == "true"
    assert error_id in field.get("aria-describedby", "").split()
    assert says in message(page, error_id)
    # The message is read before the field it is about (and stays in sight above it).
    assert page.index(f'id="{error_id}"') < page.index(f'id="{field_id}"')
    return page


@pytest.fixture
def trainee(make_user, make_group, login, client):
    user = make_user(group=make_group())
    login(user)
    client.post("/language", data={"lang": "en"})
    return user


def entry(amount="12,50", **fields):
    return {
        "amount": amount,
        "category": "food",
        "kind": "expense",
        "client_id": "e1",
        "day": TODAY.isoformat(),
    } | fields


def count_entries() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Entry))


# --- 1. every trainee form -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "says"),
    [
        ("", "for example 12,50"),
        ("douze", "Write it like 12,50"),
        ("-3", "choose “money out” instead"),
    ],
)
def test_budget_quick_add_refused_focuses_the_amount_and_says_what_to_write(
    client, trainee, amount, says
):
    page = assert_sent_back(client.post("/budget/entries", data=entry(amount)), "amount", says)
    assert "<h1>" in page and "Budget" in page.split("<h1>")[1].split("</h1>")[0]
    assert count_entries() == 0


def test_a_field_hidden_under_more_is_opened_when_it_is_the_one_to_fix(client, trainee):
    page = assert_sent_back(
        client.post("/budget/entries", data=entry(day="1890-01-01")), "day", "2000"
    )
    assert '<details class="more" open>' in page


def test_changing_an_entry_refused_focuses_the_amount(client, trainee):
    line = budget.add_entry(trainee, "c1", False, 1250, TODAY, "food", "")
    assert_sent_back(
        client.post(f"/budget/entries/{line.id}", data=entry("12,505")),
        "amount",
        "Write it like 12,50",
    )


def test_recurring_item_refused_focuses_the_day_of_the_month(client, trainee):
    response = client.post("/budget/recurring", data=entry(day_of_month="40"))
    assert_sent_back(response, "day_of_month", "a number from 1 to 31")


def test_a_category_name_refused_comes_back_next_to_the_field_not_in_a_flash(client, trainee):
    response = client.post("/budget/categories", data={"name": "x"})
    page = assert_sent_back(response, "name", "2 to 30 characters")
    assert "flash--error" not in page
    assert budget.own_categories(trainee) == []


def test_journal_without_a_face_focuses_the_first_face(client, trainee):
    response = client.post(
        "/journal/write", data={"text": "hi", "client_id": "j1", "day": TODAY.isoformat()}
    )
    assert_sent_back(response, "mood-0", "Choose a face", message_of="mood")
    inputs = Inputs(response.text)
    # Every face points at the message; only the first one takes the cursor.
    assert all(inputs.fields[f"mood-{i}"].get("aria-describedby") == "mood-error" for i in range(5))


def test_goal_without_a_title_focuses_the_title(client, trainee):
    response = client.post("/journal/goals/new", data={"title": " ", "client_id": "g1"})
    assert_sent_back(response, "title", "for example")


def test_changing_a_goal_and_adding_a_step_refused_focus_their_own_field(client, trainee):
    goal = journal.create_goal(trainee, "g1", "Find a flat", [], "", None, [])
    changed = client.post(f"/journal/goals/{goal.id}", data={"title": "", "status": "todo"})
    assert_sent_back(changed, "title", "for example")
    step = client.post(f"/journal/goals/{goal.id}", data={"step-text": "", "client_id": "s1"})
    assert_sent_back(step, "step-text", "Write the step")


def test_self_assessment_focuses_the_first_part_of_life_left_unanswered(client, trainee):
    themes = list(THEME_NAMES)
    answers = {f"r_{theme}": "3" for theme in themes if theme != themes[4]}
    response = client.post(
        "/journal/assessment/new", data=answers | {"stage": "free", "client_id": "a1"}
    )
    assert_sent_back(response, f"r_{themes[4]}-0", "Choose one", message_of=f"r_{themes[4]}")


def test_settings_passphrase_and_daily_target_refused_focus_their_field(client, trainee):
    new = "cerise-piano-nuage"
    wrong = client.post(
        "/me", data={"current": "not-mine-at-all", "passphrase": new, "confirm": new}
    )
    assert_sent_back(wrong, "current", "not your current passphrase")
    # Two fields wrong: the cursor goes to the first one on the page (not in the form's order).
    both = client.post("/me", data={"current": "", "passphrase": new, "confirm": "other"})
    assert Inputs(both.text).focused == ["current"]
    target = client.post("/revision/settings", data={"daily_target": "100"})
    assert_sent_back(target, "daily_target", "between 3 and 60")


def test_a_page_without_errors_takes_no_focus(client, trainee):
    for path in ("/", "/budget", "/budget/recurring", "/journal/write", "/me"):
        page = client.get(path).text
        assert Inputs(page).focused == [] and "aria-invalid" not in page, path


def test_messages_say_what_to_do_in_french_and_arabic(client, trainee):
    for lang, says in (("fr", "12,50"), ("ar", "12,50")):
        client.post("/language", data={"lang": lang})
        page = client.post("/budget/entries", data=entry("")).text
        text = message(page, "amount-error")
        assert says in text and "Write" not in text, (lang, text)
    client.post("/language", data={"lang": "fr"})
    page = client.post("/budget/categories", data={"name": ""}).text
    assert "2 à 30" in message(page, "name-error")


# --- 2. the home screen's quick add is fixed on the home screen ------------------------------


def test_empty_save_from_home_stays_home_with_the_message_next_to_the_field(client, trainee):
    home = client.get("/").text
    action = re.search(
        r'<form method="post" action="([^"]+)" class="card stack quick-add"', home
    ).group(1)
    assert action == "/"  # the home feature takes it, and shows itself again when refused
    response = client.post(action, data=entry(""))
    page = assert_sent_back(response, "amount", "for example 12,50")
    assert "Hello" in re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)  # home, not budget
    assert 'action="/" class="card stack quick-add"' in page  # and fixed from home again
    assert count_entries() == 0
    saved = client.post(action, data=entry("4,50"))
    assert saved.status_code == 303 and count_entries() == 1


def test_quick_add_on_the_budget_page_comes_back_to_the_budget_page(client, trainee):
    page = client.get("/budget").text
    assert 'action="/budget/entries"' in page
    again = client.post("/budget/entries", data=entry("")).text
    assert "Budget" in again.split("<h1>")[1].split("</h1>")[0]


def test_the_outbox_is_told_why_a_quick_add_from_home_was_refused(client, trainee):
    response = client.post("/", data=entry(""), headers={"X-Outbox": "1"})
    assert response.status_code == 422
    assert "for example 12,50" in response.get_json()["errors"]["amount"][0]


# --- 3. category names are whole on the page -------------------------------------------------


@pytest.mark.parametrize(("lang", "name"), [("fr", "Nourriture"), ("en", "Food"), ("ar", "الأكل")])
def test_category_names_are_written_whole(client, trainee, lang, name):
    client.post("/language", data={"lang": lang})
    budget.add_entry(trainee, "c1", False, 1250, TODAY, "food", "")
    for path in ("/", "/budget"):
        assert f"🛒 {name}</option>" in client.get(path).text
    assert name in client.get("/budget").text.split('class="entry"')[1]


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Nourriture", "Nourriture"),
        ("Dettes et amendes", "Dettes et amendes"),
        ("علاوة النشاط (Prime d’activité)", "علاوة النشاط"),
        ("Abonnement salle de sport Lyon", "Abonnement salle de…"),
        ("Abonnementsalledesportàparis", "Abonnementsalledespor…"),
    ],
)
def test_long_category_names_are_shortened_for_a_select_and_said_so(name, short):
    assert budget.short_name(name) == short and len(short) <= budget.SHORT_NAME


def test_a_shortened_name_stays_whole_in_the_lists(client, trainee):
    own = budget.add_category(trainee, "Abonnement salle de sport Lyon")  # 30: the most
    budget.add_entry(trainee, "c1", False, 1250, TODAY, f"c{own.id}", "")
    page = client.get("/budget").text
    assert re.search(
        r'<option title="Abonnement salle de sport Lyon" value="c\d+">'
        r"🏷️ Abonnement salle de…</option>",
        page,
    )
    assert "Abonnement salle de sport Lyon</bdi></span>" in page.split('class="entry"')[1]


# --- 4. overspending -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "says", "never"),
    [
        ("en", "over by", "almost nothing"),
        ("fr", "dépassé de", "presque rien"),
        ("ar", "تجاوزت", "تقريبًا"),
    ],
)
def test_overspending_says_over_by_how_much(client, trainee, lang, says, never):
    client.post("/language", data={"lang": lang})
    first = TODAY.replace(day=1)
    budget.add_entry(trainee, "in", True, 10000, first, "salary", "")
    budget.add_entry(trainee, "out", False, 14550, first, "food", "")
    card = client.get("/budget").text.split('class="card per-day')[1].split("</section>")[0]
    assert "per-day--over" in 'class="card per-day' + card
    assert says in card.lower() and never not in card
    assert re.search(r"45[,.]50", card)  # the amount over, as a positive figure


def test_a_little_left_is_still_said_as_a_little_left(client, trainee):
    first = TODAY.replace(day=1)
    budget.add_entry(trainee, "in", True, 10000, first, "salary", "")
    budget.add_entry(trainee, "out", False, 9990, first, "food", "")
    card = client.get("/budget").text.split('class="card per-day')[1].split("</section>")[0]
    assert "per-day--red" in 'class="card per-day' + card and "almost nothing" in card
