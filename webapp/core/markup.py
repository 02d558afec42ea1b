"""HTML built from a template string and values: `fill('<a href="{href}">{text}</a>', ...)`.

Each value is escaped unless it is already markup, as Markup.format does; the result is
Markup. Markup.format goes through string.Formatter, a Python-level parser called once per
field: a home page made about a hundred such calls (pictograms, read-aloud buttons, form
fields, WTForms' attributes) and they were a tenth of its CPU. str.format with the values
escaped first gives the same HTML several times faster.

WTForms renders every attribute of every input with Markup.format (html_params), so its
html_params is replaced by `attributes` below: the same output, attribute for attribute
(tests/test_markup.py compares them).
"""

import wtforms.widgets
from markupsafe import Markup, escape
from wtforms.widgets import core as wtforms_widgets


def fill(template: str, /, *args, **values) -> Markup:
    """template with each value escaped (markup, such as another fill's result, is kept)."""
    return Markup(
        template.format(
            *[escape(arg) for arg in args], **{key: escape(v) for key, v in values.items()}
        )
    )


def attributes(**kwargs) -> Markup:
    """HTML attributes as WTForms' html_params writes them: sorted by name, `class_` and
    `for_` for the reserved words, `data_`/`aria_` with hyphens, True alone, False left out."""
    params = []
    for key, value in sorted(kwargs.items()):
        key = wtforms_widgets.clean_key(key)
        if value is True:
            params.append(key)
        elif value is not False:
            value = str(escape(value))
            if '"' in value:  # markup given as a value: its quotes would end the attribute
                value = value.replace('"', "&quot;")
            params.append(f'{key}="{value}"')
    return Markup(" ".join(params))


# WTForms' own, kept for the test that compares the two.
library_html_params = wtforms_widgets.html_params


def render_wtforms_attributes() -> None:
    """Have WTForms write attributes with `attributes`: the module's function, its export
    (labels use it), and the copies its input widgets keep as a static method."""
    wtforms_widgets.html_params = wtforms.widgets.html_params = attributes
    for widget in vars(wtforms_widgets).values():
        if isinstance(widget, type) and "html_params" in vars(widget):
            widget.html_params = staticmethod(attributes)
