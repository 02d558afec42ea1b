"""Number answers read as people type them: "-18", "−18", "moins 18", "- 18 °C", "63,5"."""

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from webapp.core import grading
from webapp.extensions import db
from webapp.revision import services
from webapp.revision.models import ReviewLog

FROZEN = {
    "id": "num-001",
    "topic": "hygiene",
    "type": "numeric",
    "difficulty": 1,
    "question": "Les surgelés se gardent au plus à combien de degrés ?",
    "answer": -18,
    "unit": "°C",
    "tolerance": 0,
    "explanation": "À -18 °C au plus.",
    "source": "S5",
}


@pytest.mark.parametrize(
    "typed",
    [
        "-18",
        "−18",
        "moins 18",
        "Moins 18",
        "moins18",
        "- 18 °C",
        "-18°",
        "−18 degrés",
        "–18",
        "-18,0",
        " -18 ",
        "MOINS 18 °C",
    ],
)
def test_minus_eighteen_however_it_is_typed(typed):
    assert grading.parse_number(typed) == -18
    assert grading.is_correct(FROZEN, [typed])


@pytest.mark.parametrize(
    "typed, number",
    [
        ("18", 18),
        ("+4", 4),
        ("63,5", 63.5),
        ("63.5 °C", 63.5),
        ("2 h", 2),
        ("1 000", 1000),
        ("-0,5", -0.5),
        ("plus 3", 3),
    ],
)
def test_other_numbers(typed, number):
    assert grading.parse_number(typed) == number


@pytest.mark.parametrize("typed", ["", "abc", "moins", "-", "°C"])
def test_no_number_is_none(typed):
    assert grading.parse_number(typed) is None


def test_plus_eighteen_is_not_minus_eighteen():
    assert not grading.is_correct(FROZEN, ["18"])
    assert not grading.is_correct(FROZEN, ["18 °C"])


decimals = st.decimals(
    min_value=-10_000, max_value=10_000, places=2, allow_nan=False, allow_infinity=False
)


@given(decimals, st.sampled_from(["{}", "{} °C", "{}°", "{} degrés", " {} "]), st.booleans())
def test_any_number_typed_with_a_comma_a_unit_or_spoken_minus(number, shape, spoken):
    text = f"{abs(number):f}".replace(".", ",")
    if number < 0:
        text = ("moins " if spoken else "−") + text
    assert grading.parse_number(shape.format(text)) == pytest.approx(float(number))


def test_a_trainee_types_moins_18_and_is_right(app, client, make_user, make_group, login):
    with app.app_context():
        services.load_bank([FROZEN])
        user = make_user(group=make_group())
    login(user)
    page = client.get("/revision/practice/hygiene/s1/0").text
    assert 'inputmode="decimal"' not in page and 'inputmode="numeric"' not in page
    assert 'name="text" inputmode="text"' in page
    response = client.post(
        "/revision/answer",
        data={"question_id": "num-001", "mode": "practice", "text": "moins 18", "client_id": "n1"},
    )
    assert response.status_code == 303
    with app.app_context():
        log = db.session.scalar(sa.select(ReviewLog).where(ReviewLog.client_id == "n1"))
        assert log.correct
