"""A sentence with one missing word (___) to type (lessons only); several spellings may be
accepted, and 'lenient' forgives case and accents."""

from webapp.core.exercises.base import TypedText, fold


class Blank(TypedText):
    name = "blank"
    in_bank = False

    def check(self, check, item, path):
        if check.text(item, "text", path) and item["text"].count("___") != 1:
            check.fail((*path, "text"), "'text' must contain ___ exactly once, where the word goes")
        check.strings(item, "answers", path, 1, 10)
        if "lenient" in item and not isinstance(item["lenient"], bool):
            check.fail((*path, "lenient"), "'lenient' must be true or false")

    def expected(self, item):
        return [item["answers"][0]]

    def is_correct(self, item, answer):
        lenient = item.get("lenient", False)
        accepted = {fold(text, lenient) for text in item["answers"]}
        return len(answer) == 1 and fold(answer[0], lenient) in accepted

    def form_key(self, item):
        lenient = item.get("lenient", False)
        return {
            "text": {
                "fold": True,
                "lenient": lenient,
                "any": sorted({fold(text, lenient) for text in item["answers"]}),
            }
        }


KIND = Blank()
