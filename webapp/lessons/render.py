"""Lesson text to safe HTML: Markdown with raw HTML escaped, then nh3 keeps only simple tags."""

from functools import cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {"p", "strong", "ul", "ol", "li", "br"}


@cache
def _markdown() -> MarkdownIt:
    # "commonmark" with html off: any HTML a teacher types is shown as text, not run.
    return MarkdownIt("commonmark", {"html": False}).disable(["image", "link"])


def to_html(text: str) -> Markup:
    return Markup(nh3.clean(_markdown().render(text), tags=ALLOWED_TAGS, attributes={}))


def to_speech(text: str) -> str:
    """The words to read aloud: the text without Markdown marks."""
    return " ".join(text.replace("**", "").replace("__", "").replace("*", "").split())
