"""Forms for question sets: the set, a written question, sharing, starting a session."""

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from webapp.core.forms import Form, too_long
from webapp.core.i18n import lazy_gettext as _l
from webapp.live.forms import CheckboxesField
from webapp.live.sets import PICTURE_ROWS, ROWS, TITLE_LENGTH


class SetForm(Form):
    title = StringField(
        _l("Name of the set"),
        description=_l("For example: Hygiene, week 3."),
        validators=[
            InputRequired(message=_l("Please fill in this field.")),
            too_long(TITLE_LENGTH),
        ],
    )
    client_id = HiddenField()


class QuestionForm(Form):
    """One written question. The bank's validator decides what is valid (sets.check); these
    fields only bound the sizes, so a huge text never reaches it."""

    question = TextAreaField(_l("The question"), validators=[too_long(400)])
    choices = FieldList(StringField(validators=[too_long(200)]), min_entries=ROWS, max_entries=ROWS)
    pictures = FieldList(
        StringField(validators=[too_long(16)]), min_entries=PICTURE_ROWS, max_entries=PICTURE_ROWS
    )
    right = SelectMultipleField(
        choices=[SelectChoice(str(n), str(n)) for n in range(ROWS)], validate_choice=False
    )
    truth = RadioField(
        _l("The sentence is"),
        choices=[SelectChoice("true", _l("True")), SelectChoice("false", _l("False"))],
        validate_choice=False,
    )
    number = StringField(_l("The right number"), validators=[too_long(20)])
    unit = StringField(
        _l("Unit"), description=_l("For example: °C, minutes, euros."), validators=[too_long(20)]
    )
    tolerance = StringField(
        _l("Accepted gap"),
        description=_l("0: only the exact number. 2: 61 to 65 are right for 63."),
        default="0",
        validators=[too_long(20)],
    )
    explanation = TextAreaField(
        _l("Explanation shown after the answer"), validators=[too_long(600)]
    )
    pictogram = StringField(
        _l("Pictogram (optional)"),
        description=_l("One emoji, for example 🧤 or 🔥."),
        validators=[too_long(16)],
    )
    image_file = FileField(_l("Picture (optional)"))
    image = HiddenField()  # a picture already sent: kept when the form comes back with errors
    image_alt = StringField(
        _l("What the picture shows"),
        description=_l("Read to those who cannot see it."),
        validators=[too_long(200)],
    )
    remove_image = BooleanField(_l("Remove the picture"))
    competency = SelectField(_l("Skill of the title (optional)"), default="")
    choice_errors = ()  # the bank's messages about the lines as a whole (set by the view)


class ShareForm(Form):
    # Any group sent is filtered against the author's current groups (sets.share).
    groups = CheckboxesField(_l("Share with the staff of"), coerce=int, validate_choice=False)


class StartForm(Form):
    group_id = SelectField(_l("For"), coerce=int)
    time_limit = SelectField(_l("Time to answer"), coerce=int, default=0)
    speed_bonus = BooleanField(_l("A few extra points for quick answers"))
    team_mode = BooleanField(_l("Team mode: one phone per team"))
    client_id = HiddenField()
