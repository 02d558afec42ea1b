"""The base class of every form: text cleaned and dates checked, whatever the feature.

Each text field loses its control characters (a NUL byte broke PostgreSQL); a single-line field
also turns line breaks into spaces, while text areas and hidden fields keep them. Each date field
gets the plausible range (2000 to 2100), with a message next to the field.
"""

from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, StringField, TextAreaField
from wtforms.validators import Length

from webapp.core import outbox, text
from webapp.core.dates import PlausibleDate


def _keep_lines(value):
    return text.multiline(value) if isinstance(value, str) else value


def _one_line(value):
    return text.single_line(value) if isinstance(value, str) else value


def too_long(most: int) -> Length:
    """At most `most` characters, said with the plural form the number takes in each language."""
    return Length(max=most, message=lazy_ngettext("Too long: at most %(num)d character.",
                                                  "Too long: at most %(num)d characters.", most))


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

    def validate_on_submit(self, extra_validators=None) -> bool:
        """Also tell the outbox why a sent form was refused, field by field (input names)."""
        valid = super().validate_on_submit(extra_validators)
        if not valid and self.is_submitted():
            outbox.invalid({field.name: field.errors for field in self if field.errors})
        return valid
