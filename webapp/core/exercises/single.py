"""One right choice among 2 to 5 texts, each with its speaker."""

from webapp.core.exercises.base import Kind, answer_in


class Single(Kind):
    name = "single"

    def check(self, check, item, path):
        answer_in(check, item, path, check.strings(item, "choices", path, 2, 5))

    def spoken(self, item):
        yield from item["choices"]


KIND = Single()
