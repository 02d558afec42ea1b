"""Several right choices among 3 to 6 texts: all of them, and nothing else."""

from webapp.core.exercises.base import Kind


class Multiple(Kind):
    name = "multiple"

    def check(self, check, item, path):
        choices = check.strings(item, "choices", path, 3, 6)
        answers = check.strings(item, "answers", path, 1, 6)
        if choices and answers and not set(answers) <= set(choices):
            check.fail((*path, "answers"), "every answer must be one of the choices")

    def expected(self, item):
        return sorted(item["answers"])

    def is_correct(self, item, answer):
        return sorted(answer) == sorted(item["answers"])

    def answer_from_form(self, item, form):
        chosen = [value for value in form.getlist("choice") if value in item["choices"]]
        return chosen or None

    def spoken(self, item):
        yield from item["choices"]


KIND = Multiple()
