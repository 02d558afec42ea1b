"""The reveal's bar chart: how many chose each answer (counts only, never who).

Pure functions: the rows a question gives, then the bars' geometry in SVG units; the template
only draws them. The right answer is marked twice, by its colour and by a ✓ before its label,
so it reads without colours too.
"""

from collections.abc import Mapping
from typing import NamedTuple

from webapp.core.grading import expected


class Row(NamedTuple):
    label: str
    count: int
    right: bool
    french: bool  # French content (a choice), else words in the reader's language


class Bar(NamedTuple):
    label: str  # as drawn: shortened to fit, with ✓ before the right one
    full: str  # the whole label, for the tooltip and screen readers
    count: int
    right: bool
    french: bool
    text_y: int
    bar_y: int
    length: int
    count_x: int


class Chart(NamedTuple):
    width: int
    height: int
    font: int
    bar_height: int
    bars: list[Bar]


MARK = "✓"


def rows_for(
    item: dict, shown: list, counts: Mapping, answered: int, right: int, words: Mapping
) -> list[Row]:
    """The chart's rows for a question: one per choice where there are choices (in the order
    the room saw them), else right and other answers. words: "true", "false", "right",
    "other" in the reader's language."""
    kind = item["type"]
    keys = set(expected(item))
    if kind in ("single", "multiple", "listen"):
        return [Row(choice, counts.get(choice, 0), choice in keys, True) for choice in shown]
    if kind == "picture":
        return [
            Row(f"{c['picture']} {c['label']}", counts.get(c["label"], 0), c["label"] in keys, True)
            for c in shown
        ]
    if kind == "truefalse":
        return [
            Row(words[value], counts.get(value, 0), value in keys, False)
            for value in ("true", "false")
        ]
    return [
        Row(words["right"], right, True, False),
        Row(words["other"], answered - right, False, False),
    ]


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(1, limit - 1)].rstrip() + "…"


def bars(rows: list[Row], width: int = 1000, font: int = 30) -> Chart:
    """Horizontal bars, one under the other: the label on its own line, then the bar, its
    length in proportion to the largest count, and the count after it. An empty bar keeps a
    thin stub, so "nobody" is seen as a bar of nothing rather than a missing line."""
    bar_height = round(font * 1.2)
    gap = round(font * 0.5)
    count_room = round(font * 2.6)  # "999" after the longest bar
    most = max([row.count for row in rows] + [1])
    # About 0.55 em per character in a sans-serif face: labels longer than the line are cut.
    limit = int(width / (font * 0.55))
    out, y = [], 0
    for row in rows:
        text_y = y + font
        bar_y = text_y + round(font * 0.35)
        length = max(6, round((width - count_room) * row.count / most))
        label = f"{MARK} {row.label}" if row.right else row.label
        out.append(
            Bar(
                label=shorten(label, limit),
                full=row.label,
                count=row.count,
                right=row.right,
                french=row.french,
                text_y=text_y,
                bar_y=bar_y,
                length=length,
                count_x=length + round(font * 0.4),
            )
        )
        y = bar_y + bar_height + gap
    return Chart(width=width, height=max(y, 1), font=font, bar_height=bar_height, bars=out)
