"""Forms for assignments and group settings."""

from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.core import titles
from webapp.core.forms import Form, too_long
from webapp.core.i18n import lazy_gettext as _l


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AssignmentForm(Form):
    target = SelectField(_l("What"), validators=[InputRequired(message=_l("Choose one."))])
    due_on = DateField(_l("Due date (optional)"), validators=[Optional()])
    message = StringField(
        _l("A short message (optional)"),
        validators=[too_long(200)],
    )
    trainees = Checkboxes(_l("For (nobody ticked: the whole group)"), coerce=int)
    client_id = HiddenField()


class SettingsForm(Form):
    inactive_days = IntegerField(
        _l("Flag trainees inactive for more than (days)"),
        validators=[
            InputRequired(message=_l("Enter a number.")),
            NumberRange(min=1, max=60, message=_l("Choose between %(min)s and %(max)s.")),
        ],
    )
    # Revision, mock exams and mastery follow the CCPs of the title the group prepares.
    title = SelectField(
        _l("Title the group prepares"),
        choices=[SelectChoice(code, name) for code, name in titles.choices()],
        validators=[InputRequired(message=_l("Choose one."))],
    )


class HandledForm(Form):
    """Mark a trainee's Today line as handled: the reasons the teacher saw, and a client id so a
    double tap marks once."""

    reasons = HiddenField()
    client_id = HiddenField()


class WithdrawForm(Form):
    """The second step of withdrawing an assignment (the first is the question page)."""
