"""Forms for sign-in, passphrases, and the organisation (sites, groups, staff, trainees)."""

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Regexp, ValidationError

from webapp.accounts import passphrases
from webapp.accounts.models import Role
from webapp.core.forms import Form
from webapp.core.i18n import lazy_gettext as _l

USERNAME = Regexp(r"^[a-z0-9._-]+$", message=_l("Use lowercase letters, digits, dots or dashes."))
REQUIRED = DataRequired(message=_l("Please fill in this field."))


class PassphraseField(PasswordField):
    """A passphrase input that keeps what was typed on error, so nothing needs typing twice."""

    def _value(self):
        return self.data or ""


class LoginForm(Form):
    username = StringField(_l("Username"), validators=[REQUIRED, Length(max=40)])
    # Said, so nobody types slowly to get capitals or accents right (see passphrases.normalise).
    passphrase = PassphraseField(
        _l("Passphrase"),
        validators=[REQUIRED, Length(max=128)],
        description=_l("Capitals, accents and spaces do not matter."),
    )
    remember = BooleanField(_l("Remember this phone for 30 days"))


class CardSignInForm(Form):
    # Filled in by app.js from the address's #fragment: a fragment never reaches the server's
    # logs, a Referer or, once the script has removed it, the browser's history.
    token = HiddenField(validators=[Length(max=100)])
    remember = BooleanField(_l("Remember this phone for 30 days"))


class NewPassphraseForm(Form):
    passphrase = PassphraseField(_l("New passphrase"), validators=[REQUIRED])
    confirm = PassphraseField(_l("Type it again"), validators=[REQUIRED])

    def __init__(self, *args, owner: str = "", owner_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.owner_name = owner_name

    def owner_username(self) -> str:
        return self.owner

    def validate_passphrase(self, field):
        # The reset form knows only the username typed: the display name is checked once the
        # code has proved who this is (naming it here would tell anyone whose account it is).
        if message := passphrases.problem(field.data or "", self.owner_username(), self.owner_name):
            raise ValidationError(message)

    def validate_confirm(self, field):
        if field.data != self.passphrase.data:
            raise ValidationError(_l("The two passphrases are not the same."))


class ChangePassphraseForm(NewPassphraseForm):
    current = PassphraseField(_l("Current passphrase"), validators=[REQUIRED])


class ResetWithCodeForm(NewPassphraseForm):
    username = StringField(_l("Username"), validators=[REQUIRED, Length(max=40)])
    code = StringField(_l("Reset code from your teacher"), validators=[REQUIRED, Length(max=20)])

    def owner_username(self) -> str:
        return self.username.data or ""


class SiteForm(Form):
    name = StringField(_l("Site name"), validators=[REQUIRED, Length(max=80)])


class GroupForm(Form):
    site_id = SelectField(_l("Site"), coerce=int, validators=[InputRequired()])
    name = StringField(_l("Group name"), validators=[REQUIRED, Length(max=80)])
    starts_on = DateField(_l("Start date"), validators=[InputRequired(message=_l("Enter a date."))])
    ends_on = DateField(_l("End date"), validators=[InputRequired(message=_l("Enter a date."))])
    # A group opening now most likely prepares the successor title.
    title = SelectField(
        _l("Title the group prepares"),
        default="EPR",
        validators=[InputRequired(message=_l("Choose one."))],
    )

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data <= self.starts_on.data:
            raise ValidationError(_l("The end date must come after the start date."))


STAFF_ROLES = [
    SelectChoice(Role.TEACHER.value, _l("Teacher")),
    SelectChoice(Role.VOLUNTEER.value, _l("Volunteer")),
    SelectChoice(Role.ADMIN.value, _l("Admin")),
]


class StaffForm(Form):
    display_name = StringField(_l("Full name"), validators=[REQUIRED, Length(max=80)])
    username = StringField(_l("Username"), validators=[REQUIRED, Length(min=3, max=40), USERNAME])
    role = SelectField(_l("Role"), choices=STAFF_ROLES, validators=[InputRequired()])
    site_id = SelectField(_l("Site"), coerce=int, validators=[InputRequired()])
    group_ids = SelectMultipleField(_l("Groups"), coerce=int)


class TraineesForm(Form):
    names = TextAreaField(
        _l("Names, one per line"),
        validators=[REQUIRED, Length(max=4000)],
        description=_l("First name and last name. You can paste a list."),
    )
    request_id = HiddenField()

    def validate_names(self, field):
        names = names_from(field.data)
        if not names:
            raise ValidationError(_l("Please fill in this field."))
        if len(names) > 60:
            raise ValidationError(_l("Add at most 60 people at a time."))
        if too_long := [name for name in names if len(name) > 80]:
            raise ValidationError(_l("This name is too long: %(name)s", name=too_long[0][:40]))


def names_from(text: str | None) -> list[str]:
    """Split a pasted list into names: one per line, spaces tidied, blank lines and repeats gone."""
    seen, names = set(), []
    for line in (text or "").splitlines():
        name = " ".join(line.replace("\t", " ").split()).strip(" ,;")
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names
