"""Text that comes in from people: control characters removed, in one place.

A NUL byte cannot be stored by PostgreSQL (the request failed and the error printed the text in
the log); escape sequences and other control characters only hide or garble what is written.
Multi-line text keeps its line breaks and tabs; a single-line field turns them into spaces.
"""

_CONTROLS = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]
# Lone surrogates (possible in JSON "\ud800") cannot be encoded; U+FFFE/U+FFFF are not characters.
_NOT_TEXT = dict.fromkeys([*_CONTROLS, *range(0xD800, 0xE000), 0xFFFE, 0xFFFF])
_MULTILINE = {**_NOT_TEXT, ord("\n"): "\n", ord("\t"): "\t", 0x2028: "\n", 0x2029: "\n"}
_SINGLE_LINE = {**_NOT_TEXT, ord("\n"): " ", ord("\t"): " ", 0x2028: " ", 0x2029: " "}


def multiline(text: str) -> str:
    """Text without control characters; line breaks (as \\n) and tabs are kept."""
    if text.isprintable() and "\r" not in text:  # the usual case, without building a copy
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_MULTILINE)


def single_line(text: str) -> str:
    """Text on one line: line breaks and tabs become spaces, other controls go."""
    if text.isprintable():
        return text
    return text.replace("\r\n", " ").replace("\r", " ").translate(_SINGLE_LINE)


def deep_clean(value):
    """The same for every text inside parsed JSON (dict keys included)."""
    if isinstance(value, str):
        return multiline(value)
    if isinstance(value, list):
        return [deep_clean(item) for item in value]
    if isinstance(value, dict):
        return {deep_clean(key): deep_clean(item) for key, item in value.items()}
    return value
