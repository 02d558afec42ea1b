"""Grading rules, as pure functions."""

from werkzeug.datastructures import MultiDict

from webapp.core import grading

ORDER = {"id": "o1", "type": "order", "items": ["laver", "couper", "cuire"]}


def test_lenient_blank_ignores_case_accents_and_spaces():
    item = {"type": "blank", "answers": ["été"], "lenient": True}
    assert grading.is_correct(item, ["  ETE "])
    assert grading.is_correct(item, ["Été"])
    assert not grading.is_correct(item, ["hiver"])


def test_strict_blank_keeps_accents_but_tidies_spaces():
    item = {"type": "blank", "answers": ["été"]}
    assert grading.is_correct(item, [" été "])
    assert not grading.is_correct(item, ["ete"])


def test_multiple_needs_exactly_the_right_set():
    item = {"type": "multiple", "choices": ["a", "b", "c"], "answers": ["a", "c"]}
    assert grading.is_correct(item, ["c", "a"])
    assert not grading.is_correct(item, ["a"])
    assert not grading.is_correct(item, ["a", "b", "c"])


def test_order_from_places_chosen_in_the_form():
    shown = grading.display_order("o1", ORDER["items"])
    assert shown != ORDER["items"]  # never shown already in order
    form = MultiDict(
        {f"place-{i}": str(ORDER["items"].index(text) + 1) for i, text in enumerate(shown)}
    )
    answer = grading.answer_from_form(ORDER, form)
    assert answer == ORDER["items"]
    assert grading.is_correct(ORDER, answer)
    same_place = MultiDict({"place-0": "1", "place-1": "1", "place-2": "2"})
    assert grading.answer_from_form(ORDER, same_place) is None


def test_display_order_is_stable():
    assert grading.display_order("x", list("abcdef")) == grading.display_order("x", list("abcdef"))


def test_match_needs_a_right_side_for_every_left_side():
    item = {"type": "match", "pairs": [["un", "one"], ["deux", "two"], ["trois", "three"]]}
    good = MultiDict({"match-0": "one", "match-1": "two", "match-2": "three"})
    assert grading.is_correct(item, grading.answer_from_form(item, good))
    assert grading.answer_from_form(item, MultiDict({"match-0": "one"})) is None


def test_numeric_with_comma_unit_and_tolerance():
    item = {"type": "numeric", "answer": 63, "tolerance": 0, "unit": "°C"}
    assert grading.is_correct(item, ["63 °C"])
    assert not grading.is_correct(item, ["62,5"])
    assert grading.is_correct({**item, "tolerance": 1}, ["62,5"])
    assert not grading.is_correct(item, ["soixante"])
    assert grading.parse_number("−18") == -18


def test_choice_outside_the_list_is_no_answer():
    item = {"type": "single", "choices": ["a", "b"], "answer": "a"}
    assert grading.answer_from_form(item, MultiDict({"choice": "z"})) is None
    truefalse = {"type": "truefalse", "answer": False}
    assert grading.is_correct(
        truefalse, grading.answer_from_form(truefalse, MultiDict({"choice": "false"}))
    )


def test_lines_sharing_a_place_or_a_match_are_found_not_graded():
    assert grading.clashes(ORDER, MultiDict({"place-0": "1", "place-1": "1", "place-2": "2"})) == [
        0,
        1,
    ]
    assert grading.clashes(ORDER, MultiDict({"place-0": "1", "place-1": "", "place-2": ""})) == []
    match = {"type": "match", "pairs": [["un", "one"], ["deux", "two"], ["trois", "three"]]}
    twice = MultiDict({"match-0": "two", "match-1": "three", "match-2": "two"})
    assert grading.clashes(match, twice) == [0, 2]
    assert grading.answer_from_form(match, twice) is None
    # Right-hand sides that repeat in the content may be given twice: that is an answer.
    alike = {"type": "match", "pairs": [["un", "oui"], ["deux", "oui"], ["trois", "non"]]}
    given = MultiDict({"match-0": "oui", "match-1": "oui", "match-2": "non"})
    assert grading.clashes(alike, given) == []
    assert grading.is_correct(alike, grading.answer_from_form(alike, given))


def test_an_answer_goes_back_into_the_fields_it_came_from():
    items = [
        ORDER,
        {"id": "m", "type": "match", "pairs": [["un", "one"], ["deux", "two"]]},
        {"type": "single", "choices": ["a", "b"], "answer": "a"},
        {"type": "multiple", "choices": ["a", "b", "c"], "answers": ["a", "c"]},
        {"type": "blank", "answers": ["four"]},
        {"type": "truefalse", "answer": True},
    ]
    answers = [["couper", "cuire", "laver"], ["two", "one"], ["b"], ["a", "b"], ["Four"], ["false"]]
    for item, answer in zip(items, answers, strict=True):
        values = grading.form_values(item, answer)
        assert (
            grading.answer_from_form(
                item,
                MultiDict([(name, value) for name, listed in values.items() for value in listed]),
            )
            == answer
        )


def test_an_explanation_that_states_the_key_gives_it_away():
    item = {
        "type": "single",
        "choices": ["le four", "la fourchette"],
        "answer": "le four",
        "explanation": "On cuit au FOUR, pas sur le feu.",
    }
    assert not grading.gives_away(item)  # "four" alone is not the key "le four"
    assert grading.gives_away({**item, "explanation": "On cuit dans le four."})
    assert not grading.gives_away(
        {**item, "answer": "la fourchette", "explanation": "On cuit dans le four, pas la fourche."}
    )
    match = {
        "type": "match",
        "pairs": [["un", "one"], ["deux", "two"]],
        "explanation": "un = one, deux = two.",
    }
    assert grading.gives_away(match)
    assert not grading.gives_away({**match, "explanation": "un = one."})
