"""A lesson written in the app: the same YAML format and rules as the files."""

from wtforms import TextAreaField
from wtforms.validators import DataRequired, ValidationError

from webapp.core.forms import Form
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.i18n import lazy_ngettext
from webapp.lessons.schema import check_lesson, read_yaml

STARTER = """id: ma-lecon
title: Titre de la leçon
title_tr: {en: Lesson title, ar: عنوان الدرس}
clea: 1
themes: [basics]
minutes: 10
picture: "📘"
blocks:
  - text: Une phrase courte. Une idée par phrase.
  - text: Une deuxième idée.
exercises:
  - id: e1
    type: single
    prompt: Quelle est la bonne réponse ?
    prompt_tr: {en: "Which is the right answer?", ar: "ما هو الجواب الصحيح؟"}
    choices: [Réponse A, Réponse B]
    answer: Réponse A
    explanation: La réponse A est juste parce que…
"""


MAX_SOURCE = 50_000  # characters: a long lesson is about 8,000


class LessonForm(Form):
    source = TextAreaField(
        _l("The lesson, in the lesson format"),
        validators=[DataRequired(message=_l("Please fill in this field."))],
    )
    lesson_data = None  # the checked lesson, once valid

    def validate_source(self, field):
        if len(field.data) > MAX_SOURCE:
            raise ValidationError(
                lazy_ngettext(
                    "This lesson is too long: %(num)d character, at most %(max)d.",
                    "This lesson is too long: %(num)d characters, at most %(max)d.",
                    len(field.data),
                    max=MAX_SOURCE,
                )
            )
        data, lines, problems = read_yaml(field.data, "lesson", max_length=MAX_SOURCE)
        problems = problems or check_lesson(data, lines, "lesson")
        if problems:
            raise ValidationError(
                " · ".join(
                    str(_l("line %(line)d: %(problem)s", line=p.line, problem=p.message))
                    for p in problems[:8]
                )
            )
        self.lesson_data = data
