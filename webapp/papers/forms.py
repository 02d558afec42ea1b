"""Forms of My papers: sending a document, sharing it with a teacher."""

from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from webapp.core.forms import Form
from webapp.core.i18n import lazy_gettext as _l
from webapp.papers.services import KINDS, PERIODS


class PaperForm(Form):
    kind = RadioField(
        _l("What is it?"),
        choices=[SelectChoice(key, name) for key, (_pic, name) in KINDS.items()],
        default="id_card",
        validators=[InputRequired(message=_l("Choose what this paper is."))],
    )
    expires_on = DateField(
        _l("Valid until (optional)"),
        validators=[Optional()],
        description=_l("The end date written on the paper, if it has one."),
    )
    # Checked by the view: the file's bytes decide what it is (files.prepare). Two inputs:
    # `capture` opens the camera at once on a phone, and then offers no file to choose.
    photo = FileField(_l("Take a photo"))
    file = FileField(_l("Or choose a file (photo or PDF)"))
    client_id = HiddenField()


class ShareForm(Form):
    staff_id = SelectField(
        _l("Show it to"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose a person."))],
    )
    period = RadioField(
        _l("For how long?"),
        choices=[SelectChoice(key, name) for key, (_days, name) in PERIODS.items()],
        default="week",
        validators=[InputRequired(message=_l("Choose how long."))],
    )
