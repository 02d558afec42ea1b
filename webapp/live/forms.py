"""Forms for hosting and joining live sessions."""

from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.core.forms import Form
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.i18n import lazy_ngettext
from webapp.live.services import CODE_LENGTH, clean_nickname


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NewSessionForm(Form):
    group_id = SelectField(_l("For"), coerce=int)
    scopes = CheckboxesField(
        _l("Questions about"), validators=[InputRequired(message=_l("Tick at least one part."))]
    )
    count = IntegerField(
        _l("Number of questions"),
        default=5,
        validators=[
            InputRequired(message=_l("Enter a number.")),
            NumberRange(min=1, max=20, message=_l("Choose between %(min)s and %(max)s.")),
        ],
    )
    time_limit = SelectField(
        _l("Time to answer"),
        coerce=int,
        default=0,
        description=_l(
            "With a countdown, the answer shows by itself when the time is up. "
            "You can pause it or add time."
        ),
    )
    speed_bonus = BooleanField(_l("A few extra points for quick answers"))
    team_mode = BooleanField(_l("Team mode: one phone per team"))
    client_id = HiddenField()


class JoinForm(Form):
    code = StringField(
        _l("Session code"),
        validators=[
            InputRequired(message=_l("Please fill in this field.")),
            Length(
                min=CODE_LENGTH,
                max=CODE_LENGTH + 2,
                message=lazy_ngettext(
                    "The code has %(num)d letter or digit.",
                    "The code has %(num)d letters and digits.",
                    CODE_LENGTH,
                ),
            ),
        ],
    )


class NicknameForm(Form):
    nickname = StringField(
        _l("Your nickname"), validators=[InputRequired(message=_l("Please fill in this field."))]
    )

    def validate_nickname(self, field):
        if not 2 <= len(clean_nickname(field.data)) <= 20:
            raise ValidationError(_l("Use 2 to 20 characters."))
