"""Forms of candidates: the candidate's file, a stage change, accepting."""

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from webapp.candidates.services import MOODS, MOVES, STAGES
from webapp.core.forms import Form
from webapp.core.i18n import lazy_gettext as _l


class CandidateForm(Form):
    name = StringField(
        _l("Name"),
        validators=[InputRequired(message=_l("Write the candidate's name.")), Length(max=80)],
    )
    prison = StringField(_l("Prison"), validators=[Length(max=120)])
    release_on = DateField(_l("Expected release or adjustment date"), validators=[Optional()])
    probation_contact = StringField(
        _l("Probation officer (name, phone or email)"), validators=[Length(max=200)]
    )
    hearing_on = DateField(_l("Hearing date"), validators=[Optional()])
    start_on = DateField(_l("Start date"), validators=[Optional()])
    missing_documents = TextAreaField(_l("Documents still missing"), validators=[Length(max=2000)])
    notes = TextAreaField(
        _l("Staff notes (never shown to the trainee)"), validators=[Length(max=4000)]
    )


class MoveForm(Form):
    stage = SelectField(
        _l("Stage"),
        choices=[SelectChoice(key, STAGES[key]) for key in MOVES],
        validators=[InputRequired(message=_l("Choose a stage."))],
    )
    on = DateField(_l("On"), validators=[InputRequired(message=_l("Write the date."))])


class AcceptForm(Form):
    request_id = HiddenField()


class CheckinForm(Form):
    mood = RadioField(
        _l("How do I feel?"),
        choices=[SelectChoice(str(k), f"{face} {label}") for k, (face, label) in MOODS.items()],
        validators=[InputRequired(message=_l("Choose a face."))],
    )
    needs_help = RadioField(
        _l("Do I need help today?"),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
        validators=[InputRequired(message=_l("Choose yes or no."))],
    )
    shared = BooleanField(_l("Share with my teachers"))
    client_id = HiddenField()


class PhotoForm(Form):
    photo = FileField(_l("My photo (optional)"))
