"""Career forms: the CV (the trainee's words), an earlier job, an application (dated, checked)."""

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from webapp.career.rules import STATUSES
from webapp.core.forms import Form, too_long
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.time import local_today

LICENCE = [
    SelectChoice("none", _l("No licence (nothing shown)")),
    SelectChoice("B", _l("Driving licence B")),
    SelectChoice("B_soon", _l("Driving licence B in progress")),
]
LAYOUT = [
    SelectChoice("classic", _l("Simple: one column")),
    SelectChoice("columns", _l("Two columns")),
]
REQUIRED = _l("Please fill in this field.")


class CvForm(Form):
    full_name = StringField(
        _l("Name on the CV"), validators=[InputRequired(message=REQUIRED), too_long(80)]
    )
    phone = StringField(_l("Phone"), validators=[too_long(30)])
    email = StringField(_l("Email"), validators=[too_long(120)])
    town = StringField(_l("Town"), validators=[too_long(80)])
    summary = TextAreaField(
        _l("About me (2 lines)"),
        description=_l("For example: “Serious and on time, I want to work in a kitchen.”"),
        validators=[too_long(400)],
    )
    employer = StringField(
        _l("The workshop's employer"),
        description=_l("The name of the company that pays you. Nothing else is written."),
        validators=[too_long(120)],
    )
    job = StringField(_l("My job there"), validators=[too_long(120)])
    show_title = BooleanField(_l("Show the title I am preparing and what I master"))
    languages = StringField(
        _l("Languages"), description=_l("Separated by commas."), validators=[too_long(200)]
    )
    licence = RadioField(_l("Driving licence"), choices=LICENCE, default="none")
    qualities = StringField(
        _l("My qualities"),
        description=_l("For example: on time, careful, team spirit."),
        validators=[too_long(300)],
    )
    gap = TextAreaField(
        _l("A gap in my dates, in my words (optional)"),
        description=_l("You choose what to say, or nothing. Ask your teacher for help."),
        validators=[too_long(300)],
    )
    layout = RadioField(_l("Layout"), choices=LAYOUT, default="classic")
    client_id = HiddenField()  # names this save for the outbox; saving twice sets the same values


YEAR = _l("Write a year, for example 2019.")


class JobForm(Form):
    """Its names differ from the CV form's (same page: one id per field, and the outbox needs
    the plain `client_id`)."""

    position = StringField(_l("Job"), validators=[InputRequired(message=REQUIRED), too_long(120)])
    company = StringField(_l("Company"), validators=[too_long(120)])
    location = StringField(_l("Town"), validators=[too_long(80)])
    from_year = IntegerField(
        _l("From (year)"),
        validators=[InputRequired(message=YEAR), NumberRange(min=1950, max=2100, message=YEAR)],
    )
    to_year = IntegerField(
        _l("To (year, empty if still there)"),
        validators=[Optional(), NumberRange(min=1950, max=2100, message=YEAR)],
    )
    tasks = TextAreaField(
        _l("What I did"), description=_l("Separated by commas."), validators=[too_long(400)]
    )
    client_id = HiddenField()

    def validate_to_year(self, field):
        if field.data is not None and self.from_year.data and field.data < self.from_year.data:
            raise ValidationError(_l("The end comes after the start."))


class ApplicationForm(Form):
    company = StringField(
        _l("Company"), validators=[InputRequired(message=REQUIRED), too_long(120)]
    )
    job = StringField(_l("Job"), validators=[too_long(120)])
    seen_where = StringField(
        _l("Where I saw it"),
        description=_l("For example: France Travail, a friend, a poster."),
        validators=[too_long(120)],
    )
    sent_on = DateField(_l("Date sent"), validators=[Optional()])
    status = SelectField(
        _l("Where it is"),
        choices=[SelectChoice(key, name) for key, name in STATUSES.items()],
        default="to_send",
    )
    next_action = StringField(
        _l("Next action"),
        description=_l("For example: call back, interview at 10:00."),
        validators=[too_long(200)],
    )
    next_on = DateField(_l("Date of the next action"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[too_long(1000)])
    client_id = HiddenField()

    def validate_sent_on(self, field):
        """An application is sent on a day that has come: a later date is a typing slip."""
        if field.data is not None and field.data > local_today():
            raise ValidationError(_l("Choose today or a day before."))
