"""The base class of every form: text cleaned, dates checked, errors found, whatever the feature.

Each text field loses its control characters (a NUL byte broke PostgreSQL); a single-line field
also turns line breaks into spaces, while text areas and hidden fields keep them. Each date field
gets the plausible range (2000 to 2100), with a message next to the field.

A form sent back with errors must not leave the person at the top of a long page with the
message out of sight (found by a user test: 1,114 px down a 740 px screen). So every input of a
field with errors is rendered with aria-invalid and aria-describedby="<field id>-error" (the id
the templates give the message), and the first such field gets autofocus: the browser scrolls
to it and puts the cursor there, without JavaScript. "First" is in the order the page renders
the fields (a form's own field order can differ from the page's).
"""

from flask_wtf import FlaskForm
from wtforms import DateField, Field, HiddenField, StringField, TextAreaField
from wtforms.validators import Length
from wtforms.widgets import ListWidget

from webapp.core import markup, outbox, text
from webapp.core.dates import PlausibleDate
from webapp.core.i18n import lazy_ngettext

markup.render_wtforms_attributes()  # every form's inputs, several times cheaper


def _keep_lines(value):
    return text.multiline(value) if isinstance(value, str) else value


def _one_line(value):
    return text.single_line(value) if isinstance(value, str) else value


def _owner_with_errors(field: Field) -> Field | None:
    """The form field an input belongs to (itself, or the group of a radio or checkbox option)
    when that field has errors. The fields with errors are listed once per form, at its first
    input: a form without errors (every page shown for the first time) looks at nothing more."""
    form = getattr(field, "_form", None)
    if form is None:
        return None
    if (errored := form.__dict__.get("_errored")) is None:
        errored = form._errored = {f.name: f for f in form if f.errors}
    return errored.get(field.name)


def too_long(most: int) -> Length:
    """At most `most` characters, said with the plural form the number takes in each language."""
    return Length(
        max=most,
        message=lazy_ngettext(
            "Too long: at most %(num)d character.", "Too long: at most %(num)d characters.", most
        ),
    )


class Form(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            kind = unbound_field.field_class
            if issubclass(kind, StringField):
                clean = _keep_lines if issubclass(kind, TextAreaField | HiddenField) else _one_line
                options["filters"] = [clean, *unbound_field.kwargs.get("filters", ())]
            field = unbound_field.bind(form=form, **options)
            if issubclass(kind, DateField):
                field.validators = [*field.validators, PlausibleDate()]
            return field

        def render_field(self, field, render_kw):
            owner = _owner_with_errors(field)
            if (
                owner is not None
                and not isinstance(owner, HiddenField)
                and not isinstance(field.widget, ListWidget)
            ):
                # A radio or checkbox group is marked on each of its inputs, not on its list.
                marks = {"aria-invalid": "true", "aria-describedby": f"{owner.id}-error"}
                form = field._form
                if not getattr(form, "_focus_given", False):  # the first one on the page
                    marks["autofocus"] = form._focus_given = True
                render_kw = marks | render_kw  # what the template says wins (e.g. a hint id too)
            return super().render_field(field, render_kw)

    def validate_on_submit(self, extra_validators=None) -> bool:
        """Also tell the outbox why a sent form was refused, field by field (input names)."""
        valid = super().validate_on_submit(extra_validators)
        if not valid and self.is_submitted():
            outbox.invalid({field.name: field.errors for field in self if field.errors})
        return valid
