"""Forms for my steps: where I am with a step (dated), and a social worker's comment."""

from wtforms import DateField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional, ValidationError

from webapp.core.forms import Form, too_long
from webapp.core.i18n import format_date
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.time import local_today


class StatusForm(Form):
    note = StringField(
        _l("In a few words"),
        description=_l("For example: “I sent the papers”."),
        validators=[too_long(200)],
    )
    waiting_since = DateField(_l("Waiting for an answer since"), validators=[Optional()])
    remind_on = DateField(_l("Remind me on"), validators=[Optional()])
    client_id = HiddenField()

    def validate_waiting_since(self, field):
        """One waits since a day that has come: a date after today is a typing slip."""
        today = local_today()
        if field.data is not None and field.data > today:
            raise ValidationError(
                _l(
                    "Choose today or a day before (%(date)s at the latest).",
                    date=format_date(today),
                )
            )


class CommentForm(Form):
    text = TextAreaField(
        _l("Comment"),
        validators=[DataRequired(message=_l("Please fill in this field.")), too_long(500)],
    )
    row_id = HiddenField()
