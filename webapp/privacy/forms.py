"""Forms for erasure and the admin's audit search."""

from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from webapp.core.forms import Form  # text cleaned, dates between 2000 and 2100
from webapp.core.i18n import lazy_gettext as _l


class EraseForm(Form):
    understood = BooleanField(
        _l("I understand: everything is deleted for ever. It cannot be undone."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


class AuditSearchForm(Form):
    class Meta:
        csrf = False  # a search (GET) changes nothing

    trainee = StringField(_l("Trainee"), validators=[Optional(), Length(max=80)])
    staff = StringField(_l("Staff member"), validators=[Optional(), Length(max=80)])
    action = SelectField(_l("Action"), validators=[Optional()], validate_choice=False)
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])

    def validate_end(self, field) -> None:
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end comes before the start."))
