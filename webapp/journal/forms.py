"""Forms for goals, journal entries, comments and the eleven-theme self-assessment."""

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.core.forms import Form, too_long
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.themes import THEME_NAMES
from webapp.core.time import local_today
from webapp.journal.services import MOODS, SCALE

REQUIRED = DataRequired(message=_l("Please fill in this field."))


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def theme_choices():
    return [SelectChoice(key, name) for key, name in THEME_NAMES.items()]


class GoalForm(Form):
    title = StringField(
        _l("My goal"),
        validators=[
            DataRequired(message=_l("Write your goal in a few words, for example “Find a flat”.")),
            too_long(120),
        ],
    )
    themes = Checkboxes(_l("It helps with"), choices=theme_choices)
    why = TextAreaField(_l("Why it matters to me (optional)"), validators=[too_long(500)])
    target_on = DateField(_l("I want to reach it by (optional)"), validators=[Optional()])
    steps = TextAreaField(_l("Small steps, one per line (optional)"), validators=[too_long(1200)])
    status = SelectField(_l("Where I am"), default="todo")
    client_id = HiddenField()


class StepForm(Form):
    text = StringField(
        _l("A small step"),
        validators=[
            DataRequired(message=_l("Write the step in a few words, for example “Call the CAF”.")),
            too_long(120),
        ],
    )
    due_on = DateField(_l("By (optional)"), validators=[Optional()])


class JournalForm(Form):
    mood = RadioField(
        _l("How do I feel?"),
        coerce=int,
        choices=[SelectChoice(value, label) for value, (_pic, label) in MOODS.items()],
        validators=[InputRequired(message=_l("Choose a face."))],
    )
    text = TextAreaField(_l("A few words (optional)"), validators=[too_long(2000)])
    goal_id = SelectField(_l("About a goal (optional)"), coerce=int, default=0)
    day = DateField(
        _l("Date"), default=local_today, validators=[InputRequired(message=_l("Enter a date."))]
    )
    client_id = HiddenField()


class CommentForm(Form):
    text = TextAreaField(_l("Comment"), validators=[REQUIRED, too_long(500)])
    kind = HiddenField()
    item_id = HiddenField()


def assessment_form(formdata=None, **defaults):
    """A form with a 1-to-4 scale and an optional word for each of the eleven themes."""

    class AssessmentForm(Form):
        stage = HiddenField()
        client_id = HiddenField()
        share = BooleanField(_l("Share these answers with my teachers"))

    for theme, name in THEME_NAMES.items():
        setattr(
            AssessmentForm,
            f"r_{theme}",
            RadioField(
                name,
                coerce=int,
                choices=[SelectChoice(v, label) for v, (_p, label) in SCALE.items()],
                validators=[InputRequired(message=_l("Choose one."))],
            ),
        )
        setattr(
            AssessmentForm,
            f"w_{theme}",
            StringField(_l("One word (optional)"), validators=[too_long(40)]),
        )
    return (
        AssessmentForm(formdata=formdata, **defaults)
        if formdata is not None
        else AssessmentForm(**defaults)
    )
