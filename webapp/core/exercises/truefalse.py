"""A statement, true or false (bank only). The answer words are in the reader's language."""

from webapp.core.exercises.base import Kind


class TrueFalse(Kind):
    name = "truefalse"
    in_lessons = False
    has_choices = False

    def check(self, check, item, path):
        if not isinstance(item.get("answer"), bool):
            check.fail(
                (*path, "answer") if "answer" in item else path, "'answer' must be true or false"
            )

    def expected(self, item):
        return ["true" if item["answer"] else "false"]

    def allowed(self, item):
        return {"true", "false"}

    def gives_away(self, item):
        return False  # "true" or "false" is not a word an explanation would say


KIND = TrueFalse()
