"""The types of exercises (lessons) and questions (the catering-title bank), one module each,
registered here. Adding a type: write its module (a Kind: schema check, grading, form fields,
what is read aloud), its inputs in templates/exercises/<name>.html, its tests, and add it to
KINDS below. Nothing else branches on a type."""

from webapp.core.exercises import (
    blank,
    listen,
    match,
    multiple,
    numeric,
    order,
    picture,
    single,
    truefalse,
)
from webapp.core.exercises.base import Kind

KINDS: dict[str, Kind] = {
    module.KIND.name: module.KIND
    for module in (single, listen, picture, multiple, truefalse, numeric, blank, match, order)
}
LESSON_TYPES = tuple(name for name, kind in KINDS.items() if kind.in_lessons)
BANK_TYPES = tuple(name for name, kind in KINDS.items() if kind.in_bank)


def kind_of(item: dict) -> Kind:
    """The type of an item already checked by the schema (KeyError on an unknown type)."""
    return KINDS[item["type"]]
