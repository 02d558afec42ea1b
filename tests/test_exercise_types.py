"""The registry of exercise and question types (webapp/core/exercises): every type has its
module and its inputs template, and each type's pieces agree: the right answer put back into
its form fields, rendered as the learner would send them, is read back and graded right."""

import re
from html import unescape
from pathlib import Path

import pytest
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from webapp.core import grading
from webapp.core.content import Checker
from webapp.core.exercises import BANK_TYPES, KINDS, LESSON_TYPES

TEMPLATES = Path(__file__).parents[1] / "webapp" / "templates" / "exercises"
BASE = {"prompt": "Choisissez.", "question": "Choisissez.", "explanation": "Parce que."}
SAMPLES = {
    "single": {"choices": ["un bol", "une tasse", "un verre"], "answer": "un verre"},
    "listen": {"say": "un verre", "choices": ["un bol", "un verre"], "answer": "un verre"},
    "picture": {
        "choices": [{"picture": "🥛", "label": "le lait"}, {"picture": "🍞", "label": "le pain"}],
        "answer": "le pain",
    },
    "multiple": {"choices": ["le lait", "l'œuf", "la pomme"], "answers": ["l'œuf", "le lait"]},
    "truefalse": {"answer": False},
    "numeric": {"answer": -18, "tolerance": 0, "unit": "°C"},
    "blank": {"text": "Je ___ les mains.", "answers": ["lave"], "lenient": True},
    "match": {"pairs": [["couteau", "couper"], ["four", "cuire"], ["évier", "laver"]]},
    "order": {"items": ["laver", "couper", "cuire", "servir"]},
}


def sample(kind: str) -> dict:
    return {"id": f"x-{kind}", "type": kind, **BASE, **SAMPLES[kind]}


def test_every_type_has_its_module_its_inputs_and_a_sample_here():
    assert sorted(KINDS) == sorted(SAMPLES)
    assert sorted(path.stem for path in TEMPLATES.glob("*.html")) == sorted(KINDS)
    assert set(LESSON_TYPES) == {
        "single",
        "listen",
        "picture",
        "multiple",
        "blank",
        "match",
        "order",
    }
    assert set(BANK_TYPES) == {"single", "picture", "multiple", "truefalse", "numeric", "order"}


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_a_sample_of_each_type_passes_its_own_schema(kind):
    check = Checker("sample.yaml", {})
    KINDS[kind].check(check, sample(kind), ())
    assert check.problems == []


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_a_type_missing_its_fields_is_refused_with_a_message(kind):
    check = Checker("sample.yaml", {})
    KINDS[kind].check(check, {"id": "x", "type": kind}, ())
    assert check.problems and all("'" in str(problem) for problem in check.problems)


def sent(html: str) -> MultiDict:
    """What a browser sends for the inputs as rendered: checked boxes, typed texts, selections."""
    form = MultiDict()
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name:
            continue
        if 'type="text"' in tag or " checked" in tag:
            form.add(unescape(name.group(1)), unescape(value.group(1) if value else ""))
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        for value in re.findall(r'<option value="([^"]*)" selected>', options):
            form.add(name, unescape(value))
    return form


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_the_right_answer_round_trips_through_the_inputs_of_its_type(app, kind):
    item = sample(kind)
    right = grading.expected(item)
    with app.test_request_context():
        html = render_template_string(
            '{% from "_macros/answers.html" import answer_fields %}'
            "{{ answer_fields(item, 'f', 'legend', values=values) }}",
            item=item,
            values=grading.form_values(item, right),
        )
    given = grading.answer_from_form(item, sent(html))
    assert given is not None, html
    assert grading.is_correct(item, given)
    assert grading.clashes(item, sent(html)) == []


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_an_empty_form_is_no_answer(kind):
    assert grading.answer_from_form(sample(kind), MultiDict()) is None
