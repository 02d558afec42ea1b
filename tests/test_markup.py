"""The cheap HTML helpers write exactly what markupsafe and WTForms would."""

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup
from wtforms import widgets

from webapp.core import markup
from webapp.core.forms import Form  # noqa: F401 - installs the attributes in WTForms

texts = st.text(alphabet=st.sampled_from("ab <>&\"'é=ب{}"), max_size=12)
values = st.one_of(
    texts,
    texts.map(Markup),
    st.booleans(),
    st.integers(-5, 500),
    st.none(),
)
names = st.sampled_from(
    ["id", "name", "class_", "for_", "data_queue", "aria_describedby", "aria-invalid", "value"]
)


@given(st.dictionaries(names, values, max_size=6))
def test_attributes_are_written_as_wtforms_writes_them(given_attributes):
    mine = markup.attributes(**given_attributes)
    assert isinstance(mine, Markup)
    assert mine == markup.library_html_params(**given_attributes)


@given(texts, values, texts.map(Markup))
def test_fill_escapes_as_markup_format_does(text, value, safe):
    template = '<a href="{href}" title="{}">{safe}{}</a>'
    mine = markup.fill(template, text, value, href=value, safe=safe)
    assert isinstance(mine, Markup)
    assert mine == Markup(template).format(text, value, href=value, safe=safe)


def test_wtforms_inputs_and_labels_use_the_cheap_attributes():
    assert widgets.html_params is markup.attributes
    assert widgets.Input.html_params is markup.attributes
    assert widgets.SubmitInput.html_params is markup.attributes
    assert widgets.TextInput()(_field("amount", '12 "€"')) == (
        '<input id="amount" name="amount" type="text" value="12 &#34;€&#34;">'
    )


def _field(name, data):
    class Field:
        id = name
        type = "StringField"

        def __init__(self):
            self.name = name

        def _value(self):
            return data

    return Field()
