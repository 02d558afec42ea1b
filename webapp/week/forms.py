"""Forms of My week: a pattern of sessions, one session."""

from wtforms import (
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.core.forms import Form, too_long
from webapp.core.i18n import lazy_gettext as _l
from webapp.week import rules
from webapp.week.names import APPOINTMENTS, KINDS, REMINDERS

WEEKDAYS = [
    (0, _l("Monday")),
    (1, _l("Tuesday")),
    (2, _l("Wednesday")),
    (3, _l("Thursday")),
    (4, _l("Friday")),
    (5, _l("Saturday")),
    (6, _l("Sunday")),
]


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def kind_choices():
    return [SelectChoice(key, f"{picture} {name}") for key, (picture, name) in KINDS.items()]


def _times_ordered(form, field):
    if form.starts.data and field.data and field.data <= form.starts.data:
        raise ValidationError(_l("The end must be after the start."))


class SessionFields(Form):
    kind = SelectField(_l("What"), choices=kind_choices, default="workshop")
    place = StringField(_l("Where"), validators=[too_long(200)])
    note = StringField(_l("Note (optional)"), validators=[too_long(200)])
    starts = TimeField(_l("From"), validators=[InputRequired(message=_l("Enter a time."))])
    ends = TimeField(
        _l("To"), validators=[InputRequired(message=_l("Enter a time.")), _times_ordered]
    )


class PatternForm(SessionFields):
    """The fast way to set a month: the same session on chosen weekdays over a range."""

    first = DateField(_l("From the day"), validators=[InputRequired(message=_l("Enter a date."))])
    last = DateField(_l("To the day"), validators=[InputRequired(message=_l("Enter a date."))])
    weekdays = Checkboxes(
        _l("Every"),
        coerce=int,
        choices=lambda: [SelectChoice(number, name) for number, name in WEEKDAYS],
        validators=[DataRequired(message=_l("Choose at least one day of the week."))],
    )
    client_id = HiddenField()

    def validate_last(self, field):
        if self.first.data and field.data:
            if field.data < self.first.data:
                raise ValidationError(_l("The last day must be after the first one."))
            if field.data - self.first.data > rules.LONGEST_PATTERN:
                raise ValidationError(_l("At most three months at once."))


class SessionForm(SessionFields):
    day = DateField(_l("Day"), validators=[InputRequired(message=_l("Enter a date."))])


class AppointmentForm(Form):
    kind = SelectField(
        _l("With whom"),
        choices=lambda: [
            SelectChoice(key, f"{picture} {name}") for key, (picture, name) in APPOINTMENTS.items()
        ],
        default="spip",
    )
    title = StringField(_l("What for (optional)"), validators=[too_long(120)])
    day = DateField(_l("Day"), validators=[InputRequired(message=_l("Enter a date."))])
    at = TimeField(_l("Time"), validators=[InputRequired(message=_l("Enter a time."))])
    place = StringField(_l("Where"), validators=[too_long(200)])
    bring = TextAreaField(_l("What to bring (optional)"), validators=[too_long(500)])
    remind = SelectField(
        _l("Remind me"),
        coerce=int,
        choices=lambda: [SelectChoice(minutes, name) for minutes, name in REMINDERS.items()],
        default=1440,
    )
    client_id = HiddenField()


class AttendanceForm(Form):
    """The group's marks: one radio group per trainee (t<id>), read by the view; this form
    brings the CSRF check."""
