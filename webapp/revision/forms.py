"""Forms for revision settings and a teacher's exam-time arrangement."""

from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from webapp.core.forms import Form
from webapp.core.i18n import lazy_gettext as _l


class TargetForm(Form):
    daily_target = IntegerField(
        _l("Questions per day"),
        validators=[
            InputRequired(message=_l("Enter a number.")),
            NumberRange(min=3, max=60, message=_l("Choose between %(min)s and %(max)s.")),
        ],
    )


class ExamTimeForm(Form):
    minutes = IntegerField(
        _l("Mock exam time (minutes)"),
        validators=[
            InputRequired(message=_l("Enter a number.")),
            NumberRange(min=10, max=120, message=_l("Choose between %(min)s and %(max)s.")),
        ],
    )
