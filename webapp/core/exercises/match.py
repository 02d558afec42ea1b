"""3 to 5 pairs: the right-hand side for each left-hand text (lessons only), in the fields
match-0, match-1... (tiles to tap with JavaScript, selects without)."""

from webapp.core.exercises.base import Kind, places_clash


def _fields(item) -> list[str]:
    return [f"match-{index}" for index in range(len(item["pairs"]))]


class Match(Kind):
    name = "match"
    in_bank = False
    has_choices = False

    def check(self, check, item, path):
        pairs = item.get("pairs")
        if (
            not isinstance(pairs, list)
            or not 3 <= len(pairs) <= 5
            or not all(
                isinstance(p, list)
                and len(p) == 2
                and all(isinstance(s, str) and 0 < len(s) <= 200 for s in p)
                for p in pairs
            )
        ):
            check.fail(
                (*path, "pairs") if "pairs" in item else path,
                "'pairs' must be 3 to 5 [left, right] pairs of texts (200 characters each at most)",
            )
        elif len({p[1] for p in pairs}) != len(pairs) or len({p[0] for p in pairs}) != len(pairs):
            check.fail((*path, "pairs"), "each left and each right text must appear once")

    def expected(self, item):
        return [right for _left, right in item["pairs"]]

    def answer_from_form(self, item, form):
        if self.clashes(item, form):  # one right-hand side for two lines: a slip, not an answer
            return None
        rights = set(self.expected(item))
        picked = [form.get(name, "") for name in _fields(item)]
        return picked if all(value in rights for value in picked) else None

    def clashes(self, item, form):
        # A match whose right-hand sides repeat may pair two lines alike: nothing clashes there.
        if len(set(self.expected(item))) != len(item["pairs"]):
            return []
        return places_clash(form, _fields(item))

    def form_values(self, item, answer):
        return {f"match-{index}": [right] for index, right in enumerate(answer)}

    def form_key(self, item):
        return self.form_values(item, self.expected(item))

    def spoken(self, item):
        for left, right in item["pairs"]:
            yield left
            yield right


KIND = Match()
