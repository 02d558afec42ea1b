"""Forms of placements: the teacher's record, the tutor's evaluation, the trainee's review."""

from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.core.dates import plausible
from webapp.core.forms import Form, too_long
from webapp.core.i18n import lazy_gettext as _l
from webapp.placements.services import CRITERIA, LEVELS


class PlacementForm(Form):
    company = StringField(
        _l("Company"),
        validators=[InputRequired(message=_l("Write the company's name.")), too_long(120)],
    )
    place = StringField(
        _l("Address"), validators=[InputRequired(message=_l("Write where it is.")), too_long(200)]
    )
    tutor_name = StringField(
        _l("Tutor's name"),
        validators=[InputRequired(message=_l("Write the tutor's name.")), too_long(120)],
    )
    tutor_phone = StringField(_l("Tutor's phone"), validators=[Optional(), too_long(30)])
    tutor_email = EmailField(
        _l("Tutor's email"),
        validators=[
            Optional(),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("This is not an email address.")),
            too_long(120),
        ],
    )
    starts_on = DateField(
        _l("First day"), validators=[InputRequired(message=_l("Choose the first day."))]
    )
    ends_on = DateField(
        _l("Last day"), validators=[InputRequired(message=_l("Choose the last day."))]
    )
    hours_per_week = IntegerField(
        _l("Hours per week"),
        validators=[
            InputRequired(message=_l("Write a number of hours.")),
            NumberRange(min=1, max=48, message=_l("Between 1 and 48 hours.")),
        ],
    )
    tasks = TextAreaField(_l("Tasks"), validators=[Optional(), too_long(1000)])
    client_id = HiddenField()

    def validate_ends_on(self, field):
        both = field.data and self.starts_on.data
        if not both or not (plausible(field.data) and plausible(self.starts_on.data)):
            return  # a missing or implausible date is said by its own field
        if field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first day."))
        if (field.data - self.starts_on.data).days > 366:
            raise ValidationError(_l("A placement lasts a year at most."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not (self.tutor_phone.data or self.tutor_email.data):
            self.tutor_phone.errors = [
                *self.tutor_phone.errors,
                _l("Write the tutor's phone or email."),
            ]
            valid = False
        return valid


def _level_field(label):
    return RadioField(
        label,
        choices=[SelectChoice(str(level), name) for level, name in LEVELS.items()],
        validators=[InputRequired(message=_l("Choose one answer."))],
    )


class EvaluationForm(Form):
    punctuality = _level_field(CRITERIA["punctuality"])
    hygiene = _level_field(CRITERIA["hygiene"])
    teamwork = _level_field(CRITERIA["teamwork"])
    instructions = _level_field(CRITERIA["instructions"])
    pace = _level_field(CRITERIA["pace"])
    customers = _level_field(CRITERIA["customers"])
    tasks_done = SelectMultipleField(
        _l("Tasks done during the placement"),
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=True,
    )
    comment = TextAreaField(_l("Comment"), validators=[Optional(), too_long(600)])
    client_id = HiddenField()

    def ratings(self) -> dict:
        return {key: int(getattr(self, key).data) for key in CRITERIA}


class ReviewForm(Form):
    did = TextAreaField(_l("What I did"), validators=[Optional(), too_long(1000)])
    learned = TextAreaField(_l("What I learned"), validators=[Optional(), too_long(1000)])
    hard = TextAreaField(_l("What was hard"), validators=[Optional(), too_long(1000)])
