"""What every request brings in is made safe before any view reads it.

- Form fields and address parameters lose their control characters (webapp.core.text), so no
  route can store a NUL byte, whether it uses a form class, request.form, htmx or JSON.
- Numbers in addresses are ids: larger than a database integer, they match no route (404) instead
  of failing in the database driver; request.args/form.get(..., type=int) gives the default for a
  number no database column can hold.
"""

from flask import Flask, Request
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items
from werkzeug.routing import IntegerConverter

from webapp.core import text

LARGEST_ID = 2**31 - 1  # a PostgreSQL integer
LARGEST_INT = 2**63 - 1  # SQLite's and PostgreSQL's largest integer (bigint)


def _clean(value):
    return text.multiline(value) if isinstance(value, str) else value


class CleanMultiDict(ImmutableMultiDict):
    """Query and form values without control characters (uploaded files are left as they are)."""

    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
        else:
            super().__init__(
                [(_clean(key), _clean(value)) for key, value in iter_multi_items(mapping)]
            )

    def get(self, key, default=None, type=None):  # noqa: A002 (werkzeug's signature)
        value = super().get(key, default, type)
        if type is int and isinstance(value, int) and abs(value) > LARGEST_INT:
            return default
        return value


class CleanRequest(Request):
    parameter_storage_class = CleanMultiDict

    def get_json(self, *args, **kwargs):
        return text.deep_clean(super().get_json(*args, **kwargs))


class IdConverter(IntegerConverter):
    """<int:...> in a route: at most LARGEST_ID."""

    def __init__(self, map, fixed_digits=0, min=None, max=LARGEST_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    """Call before any blueprint is registered (routes take their converters when added)."""
    app.request_class = CleanRequest
    app.url_map.converters["int"] = IdConverter
