"""3 to 6 lines to put in order, shown shuffled (the same way each time); place-0, place-1...
hold the place given to each line as shown (tiles to tap with JavaScript, selects without)."""

from webapp.core.exercises.base import Kind, display_order, places_clash


def _fields(item) -> list[str]:
    return [f"place-{index}" for index in range(len(item["items"]))]


class Order(Kind):
    name = "order"
    has_choices = False

    def check(self, check, item, path):
        check.strings(item, "items", path, 3, 6)

    def expected(self, item):
        return list(item["items"])

    def answer_from_form(self, item, form):
        shown = display_order(item["id"], item["items"])
        places = [form.get(name, "") for name in _fields(item)]
        if not all(place.isdigit() for place in places) or sorted(map(int, places)) != list(
            range(1, len(shown) + 1)
        ):
            return None
        return [text for _place, text in sorted(zip(map(int, places), shown, strict=True))]

    def clashes(self, item, form):
        return places_clash(form, _fields(item))

    def form_values(self, item, answer):
        shown = display_order(item["id"], item["items"])
        return {
            f"place-{index}": [str(answer.index(text) + 1)] if text in answer else []
            for index, text in enumerate(shown)
        }

    def form_key(self, item):
        return self.form_values(item, self.expected(item))

    def spoken(self, item):
        yield from item["items"]


KIND = Order()
