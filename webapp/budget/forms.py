"""Budget forms: amounts are read by money.parse_amount, with a clear message for each refusal."""

import uuid
from functools import lru_cache

from flask import render_template
from flask_wtf.file import FileField
from markupsafe import Markup
from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from webapp.budget import money, services
from webapp.core import fragments
from webapp.core.forms import Form, too_long
from webapp.core.i18n import catalogue
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.time import local_today, utcnow

AMOUNT_ERRORS = {
    "empty": _l("Write an amount, for example 12,50."),
    "negative": _l("Write the amount without a minus sign: choose “money out” instead."),
    "not_a_number": _l("This is not an amount. Write it like 12,50 or 12."),
    "zero": _l("The amount must be more than zero."),
    "too_big": _l("This amount is too big (more than 1,000,000 €)."),
}


class AmountField(StringField):
    """Typed as "12,50", "12.50" or "12"; kept as integer cents in .cents."""

    cents = 0

    def pre_validate(self, form):
        try:
            self.cents = money.parse_amount(self.data)
        except money.AmountError as error:
            raise ValidationError(AMOUNT_ERRORS[str(error)]) from None


CHOOSE_CATEGORY = InputRequired(message=_l("Choose a category in the list."))

KIND = [SelectChoice("expense", _l("Money out")), SelectChoice("income", _l("Money in"))]


class EntryForm(Form):
    amount = AmountField(_l("Amount (€)"))
    kind = RadioField(_l("Type"), choices=KIND, default="expense")
    category = SelectField(_l("Category"), validators=[CHOOSE_CATEGORY])
    day = DateField(
        _l("Date"), default=local_today, validators=[InputRequired(message=_l("Enter a date."))]
    )
    note = StringField(_l("Note (optional)"), validators=[too_long(140)])
    client_id = HiddenField()


DAY_OF_MONTH = _l("Write the day of the month: a number from 1 to 31.")


class RecurringForm(Form):
    amount = AmountField(_l("Amount (€)"))
    kind = RadioField(_l("Type"), choices=KIND, default="expense")
    category = SelectField(_l("Category"), validators=[CHOOSE_CATEGORY])
    day_of_month = IntegerField(
        _l("Day of the month"),
        validators=[
            InputRequired(message=DAY_OF_MONTH),
            NumberRange(min=1, max=31, message=DAY_OF_MONTH),
        ],
    )
    note = StringField(_l("Note (optional)"), validators=[too_long(140)])


NAME_LENGTH = _l("A category name needs 2 to 30 characters.")


class CategoryForm(Form):
    name = StringField(
        _l("New category"),
        validators=[InputRequired(message=NAME_LENGTH), Length(min=2, max=30, message=NAME_LENGTH)],
    )


class ImportForm(Form):
    file = FileField(_l("CSV file"))
    text = HiddenField()


def with_categories(form, user, names=None) -> dict:
    """Fill the category choices with this person's categories; returns them by key."""
    names = names or services.categories(user)
    built_in = _built_in_choices(catalogue())
    form.category.choices = [
        built_in[key] if category is services.BUILT_IN.get(key) else _category_choice(key, category)
        for key, category in names.items()
    ]
    return names


@lru_cache(maxsize=8)
def _built_in_choices(translations) -> dict[str, SelectChoice]:
    """The built-in categories' choices in one language (the request's catalogue, passed to key
    the cache): made once, as the statements are; the home page and the month show them all."""
    return {key: _category_choice(key, category) for key, category in services.BUILT_IN.items()}


def _category_choice(key: str, category) -> SelectChoice:
    """A long name is shortened where a closed select would cut it; its title keeps it whole."""
    name = str(category.name)
    short = services.short_name(name)
    return SelectChoice(
        key, f"{category.picture} {short}", {"title": name} if short != name else {}
    )


def entry_form(user, names=None, **defaults) -> EntryForm:
    """A quick-add form with its categories and a fresh client id (home screen and month)."""
    form = EntryForm(client_id=uuid.uuid4().hex, **({"category": "food"} | defaults))
    with_categories(form, user, names)
    return form


def new_quick_add(user, names: dict | None = None, on_home: bool = False) -> Markup:
    """The quick add as a visit shows it before anything is typed (home screen and month): the
    same HTML for everyone with the same own categories, on the same day, in one language, but
    for its form token and client id. Made once and filled in at each visit
    (core.fragments.kept_form): its fields and its select of categories were a tenth of the
    home's CPU and a fifth of the month's. A form sent back with what to fix is rendered."""
    names = names or services.categories(user)
    place = (
        "quick-add",
        on_home,  # where it is sent
        local_today(),  # the form's date (EntryForm's default: the trainee's day)
        utcnow().strftime("%Y-%m"),  # the month it leads to once saved (the template's `now`)
        # The built-in categories' names change only with the language, which kept() adds.
        tuple((key, c.name, c.picture) for key, c in names.items() if key not in services.BUILT_IN),
    )

    def make(client_id, csrf_token=None) -> Markup:
        form = fragments.stamped(entry_form(user, names), client_id, csrf_token)
        return render_template("budget/_quick_add.html", form=form, quick_add_on_home=on_home)

    return fragments.kept_form(place, make)
