"""Form fields as templates show them: `{{ field(form.amount, inputmode="decimal") }}`,
`{{ choices(form.kind) }}`, `{{ error(form.mood) }}`, `{{ submit(_("Save"), "check") }}`.

Label, hint, error and input are tied together for screen readers. The error comes before the
input (read first, and still in sight when the browser scrolls to the field); the base Form
(webapp.core.forms) marks the input aria-invalid and puts the cursor in the first field with
an error. Typed text takes the direction of what is typed (dir=auto): French in an Arabic
page, and the reverse.

Python functions rather than Jinja macros: a form page calls them a dozen times, and each
macro call cost about 25 µs before it did anything.
"""

from markupsafe import Markup

from webapp.core.icons import icon
from webapp.core.markup import fill

TYPED = ("StringField", "TextAreaField")


def without_none(**attributes) -> dict:
    """HTML attributes for a WTForms field, leaving out those not given."""
    return {key: value for key, value in attributes.items() if value is not None}


def error(f) -> Markup:
    """The message of a field with errors: its id is the one the field's inputs point to."""
    if not f.errors:
        return Markup("")
    # Joined as Jinja's join did: a message that is already HTML (a lazy string) is kept.
    return fill(
        '<p class="error" id="{id}-error">{text}</p>', id=f.id, text=Markup(" ").join(f.errors)
    )


def field(
    f,
    autocomplete: str | None = None,
    inputmode: str | None = None,
    autofocus: bool = False,
    type: str | None = None,  # noqa: A002 (the HTML attribute's name)
    autocapitalize: str | None = None,
) -> Markup:
    """One field: label, hint, error and input."""
    hint_id, error_id = f"{f.id}-hint", f"{f.id}-error"
    described = ([hint_id] if f.description else []) + ([error_id] if f.errors else [])
    attributes = without_none(
        autocomplete=autocomplete,
        inputmode=inputmode,
        type=type,
        autocapitalize=autocapitalize,
        autofocus=autofocus or None,
        dir="auto" if f.type in TYPED else None,
        **{
            "aria-describedby": " ".join(described) or None,
            "aria-invalid": "true" if f.errors else None,
        },
    )
    box = fill('<div class="field{}">', " field--error" if f.errors else "")
    if f.type == "BooleanField":
        inside = fill(
            '{error}<label class="check">{input} <span>{label}</span></label>',
            error=error(f),
            input=f(**attributes),
            label=f.label.text,
        )
    else:
        hint = (
            fill('<p class="hint" id="{}">{}</p>', hint_id, f.description) if f.description else ""
        )
        inside = fill(
            "{label}{hint}{error}{input}",
            label=f.label(),
            hint=hint,
            error=error(f),
            input=f(**attributes),
        )
    return box + inside + Markup("</div>")


def choices(f) -> Markup:
    """Radio buttons or checkboxes as one fieldset: the question as legend, each option a big
    label."""
    options = Markup("").join(
        fill('<label class="check">{} <span>{}</span></label>', option(), option.label.text)
        for option in f
    )
    return fill(
        '<fieldset class="field{state}"><legend>{legend}</legend>{error}{options}</fieldset>',
        state=" field--error" if f.errors else "",
        legend=f.label.text,
        error=error(f),
        options=options,
    )


def submit(label: str, icon_name: str | None = None) -> Markup:
    """The form's main button, with a pictogram when given."""
    return fill(
        '<button type="submit" class="button button--primary">{}<span>{}</span></button>',
        icon(icon_name) if icon_name else "",
        label,
    )
