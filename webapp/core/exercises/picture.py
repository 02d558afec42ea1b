"""One right picture among 2 to 4, each a pictogram with its label."""

from webapp.core.exercises.base import Kind, answer_in


class Picture(Kind):
    name = "picture"

    def check(self, check, item, path):
        answer_in(check, item, path, check.picture_choices(item, path))

    def allowed(self, item):
        return {choice["label"] for choice in item["choices"]}

    def spoken(self, item):
        yield from (choice["label"] for choice in item["choices"])


KIND = Picture()
