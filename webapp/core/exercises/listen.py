"""Hear a sentence ('say'), then choose what was said among 2 to 4 texts (lessons only). The
choices have no speaker of their own: that would give the answer away."""

from webapp.core.exercises.base import Kind, answer_in


class Listen(Kind):
    name = "listen"
    in_bank = False

    def check(self, check, item, path):
        choices = check.strings(item, "choices", path, 2, 4)
        check.text(item, "say", path)
        answer_in(check, item, path, choices)


KIND = Listen()
