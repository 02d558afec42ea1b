"""Line pictograms, drawn on a 24x24 grid: `{{ icon("home") }}` in any template.

Decorative by default (hidden from screen readers); `icon("print", label=_("Print"))` is
announced. All share one <svg> wrapper, stroke only, no style attribute (the Content-Security-
Policy stays strict); the colour is the text's (currentColor). Each gets the classes "icon" and
"icon-<name>" (".icon-back" is mirrored in RTL by the stylesheet). An unknown name gives an
empty svg, not an error.

A Python function rather than a Jinja macro: pages draw up to forty of them, and a macro call
cost about 25 µs; a decorative icon is made once per process.
"""

from functools import cache

from markupsafe import Markup, escape

SHAPES = {
    "home": ('<path d="M3 11.5 12 4l9 7.5"/><path d="M5.5 10v10h4.5v-5.5h4V20h4.5V10"/>'),
    "book": (
        '<rect x="5" y="3" width="14" height="18" rx="2"/>'
        '<path d="M9 3v18"/>'
        '<path d="M12.5 8h3.5"/>'
        '<path d="M12.5 12h3.5"/>'
    ),
    "quiz": (
        '<rect x="4" y="3" width="16" height="18" rx="2"/>'
        '<path d="m7.5 8.5 1.5 1.5 2.5-2.5"/>'
        '<path d="M14 9h2.5"/>'
        '<path d="m7.5 15 1.5 1.5 2.5-2.5"/>'
        '<path d="M14 15.5h2.5"/>'
    ),
    "budget": (
        '<circle cx="12" cy="12" r="9"/>'
        '<path d="M15.5 8.6a4.4 4.4 0 1 0 0 6.8"/>'
        '<path d="M7.5 10.8h5"/>'
        '<path d="M7.5 13.4h5"/>'
    ),
    "journal": (
        '<path d="M13 3H5.5a1.5 1.5 0 0 0-1.5 1.5v15A1.5 1.5 0 0 0 5.5 21h10a1.5 1.5 0 0 0'
        ' 1.5-1.5V15"/>'
        '<path d="M7.5 8h4"/>'
        '<path d="M7.5 12h2.5"/>'
        '<path d="M7.5 16.5h5"/>'
        '<path d="m18.5 3.5 2 2-7 7-2.8.8.8-2.8z"/>'
    ),
    "user": ('<circle cx="12" cy="8" r="4"/><path d="M4.5 21a7.5 7.5 0 0 1 15 0"/>'),
    "users": (
        '<circle cx="9" cy="8.5" r="3.5"/>'
        '<path d="M2.5 20.5a6.5 6.5 0 0 1 13 0"/>'
        '<path d="M15.5 5.2a3.5 3.5 0 0 1 0 6.6"/>'
        '<path d="M18 14.3a6.5 6.5 0 0 1 3.5 6.2"/>'
    ),
    "logout": (
        '<path d="M10 3.5H5.5a1 1 0 0 0-1 1v15a1 1 0 0 0 1 1H10"/>'
        '<path d="M9 12h11"/>'
        '<path d="m16 8 4 4-4 4"/>'
    ),
    "login": (
        '<path d="M14 3.5h4.5a1 1 0 0 1 1 1v15a1 1 0 0 1-1 1H14"/>'
        '<path d="M3.5 12H14"/>'
        '<path d="m10 8 4 4-4 4"/>'
    ),
    "settings": (
        '<path d="M19.2 10.2L21.9 10.4L21.9 13.6L19.2 13.8A7.4 7.4 0 0 1 18.3 15.8L20.1'
        " 17.9L17.9 20.1L15.8 18.3A7.4 7.4 0 0 1 13.8 19.2L13.6 21.9L10.4 21.9L10.2 19.2A7.4"
        " 7.4 0 0 1 8.2 18.3L6.1 20.1L3.9 17.9L5.7 15.8A7.4 7.4 0 0 1 4.8 13.8L2.1 13.6L2.1"
        " 10.4L4.8 10.2A7.4 7.4 0 0 1 5.7 8.2L3.9 6.1L6.1 3.9L8.2 5.7A7.4 7.4 0 0 1 10.2"
        " 4.8L10.4 2.1L13.6 2.1L13.8 4.8A7.4 7.4 0 0 1 15.8 5.7L17.9 3.9L20.1 6.1L18.3 8.2A7.4"
        ' 7.4 0 0 1 19.2 10.2Z"/>'
        '<circle cx="12" cy="12" r="3"/>'
    ),
    "print": (
        '<path d="M7 9V3.5h10V9"/>'
        '<path d="M7 17H4.5A1.5 1.5 0 0 1 3 15.5v-5A1.5 1.5 0 0 1 4.5 9h15a1.5 1.5 0 0 1 1.5'
        ' 1.5v5a1.5 1.5 0 0 1-1.5 1.5H17"/>'
        '<path d="M7 14.5h10v6H7z"/>'
        '<path d="M17.5 11.5h.01"/>'
    ),
    "qr": (
        '<rect x="3" y="3" width="7" height="7" rx="1"/>'
        '<rect x="14" y="3" width="7" height="7" rx="1"/>'
        '<rect x="3" y="14" width="7" height="7" rx="1"/>'
        '<path d="M6.5 6.5h.01M17.5 6.5h.01M6.5 17.5h.01"/>'
        '<path d="M14 14h3v3"/>'
        '<path d="M21 14v.01M14 21h.01M17.5 21H21v-3.5"/>'
    ),
    "key": (
        '<circle cx="7.5" cy="16.5" r="4"/>'
        '<path d="m10.5 13.5 9.5-9.5"/>'
        '<path d="m16.5 7.5 3 3"/>'
        '<path d="m14 10 2 2"/>'
    ),
    "plus": ('<path d="M12 5v14"/><path d="M5 12h14"/>'),
    "papers": (
        '<path d="M14 3H6.5A1.5 1.5 0 0 0 5 4.5v15A1.5 1.5 0 0 0 6.5 21h11a1.5 1.5 0 0 0'
        ' 1.5-1.5V8z"/>'
        '<path d="M14 3v5h5"/>'
        '<path d="M8.5 13h7"/>'
        '<path d="M8.5 17h5"/>'
    ),
    "camera": (
        '<path d="M4 8h3l1.5-2.5h7L17 8h3a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V9a1 1'
        ' 0 0 1 1-1z"/>'
        '<circle cx="12" cy="13.5" r="3.5"/>'
    ),
    "download": ('<path d="M12 4v11"/><path d="m7.5 10.5 4.5 4.5 4.5-4.5"/><path d="M5 20h14"/>'),
    "check": '<path d="m4.5 12.5 5 5 10-11"/>',
    "close": ('<path d="m6 6 12 12"/><path d="M18 6 6 18"/>'),
    "back": ('<path d="M19.5 12h-15"/><path d="m10.5 6-6 6 6 6"/>'),
    "globe": (
        '<circle cx="12" cy="12" r="9"/>'
        '<ellipse cx="12" cy="12" rx="3.8" ry="9"/>'
        '<path d="M3 12h18"/>'
    ),
    "offline": (
        '<path d="M8.5 8.3A5.5 5.5 0 0 1 17.2 10a4 4 0 0 1 2.6 6.2"/>'
        '<path d="M16 19H7a4 4 0 0 1-1.2-7.8"/>'
        '<path d="m3 3 18 18"/>'
    ),
    "help": (
        '<circle cx="12" cy="12" r="9"/>'
        '<path d="M9.5 9.5a2.5 2.5 0 1 1 3.6 2.2c-.7.4-1.1 1-1.1 1.8v.5"/>'
        '<path d="M12 17h.01"/>'
    ),
    "building": (
        '<path d="M5 21V4.5a1 1 0 0 1 1-1h8a1 1 0 0 1 1 1V21"/>'
        '<path d="M15 9h3.5a1 1 0 0 1 1 1v11"/>'
        '<path d="M3 21h18"/>'
        '<path d="M8.5 7.5h3M8.5 11h3M8.5 14.5h3"/>'
        '<path d="M9 21v-3h2v3"/>'
    ),
    "calendar": (
        '<rect x="3.5" y="5" width="17" height="16" rx="2"/>'
        '<path d="M3.5 10h17"/>'
        '<path d="M8 3v4M16 3v4"/>'
        '<path d="M8 14h.01M12 14h.01M16 14h.01M8 17.5h.01M12 17.5h.01"/>'
    ),
    "shield": (
        '<path d="M12 3 19.5 6v5.5c0 4.6-3.2 8-7.5 9.5-4.3-1.5-7.5-4.9-7.5-9.5V6z"/>'
        '<path d="m9 12 2 2 4-4"/>'
    ),
    "speaker": (
        '<path d="M4 9.5h3.5L12 5.5v13l-4.5-4H4z"/>'
        '<path d="M15.5 9a4.2 4.2 0 0 1 0 6"/>'
        '<path d="M18.3 6.3a8 8 0 0 1 0 11.4"/>'
    ),
}
OPEN = (
    '<svg class="icon{extra}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="28"'
    ' height="28" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"'
    ' stroke-linejoin="round"'
)


def icon(name: str, label: str | None = None) -> Markup:
    """The pictogram `name`, announced as `label` when given."""
    if not label:
        return _decorative(name)
    said = escape(label)
    shape = SHAPES.get(name, "")
    return Markup(
        f'{_open(name)} role="img" aria-label="{said}"><title>{said}</title>{shape}</svg>'
    )


@cache
def _decorative(name: str) -> Markup:
    return Markup(
        f'{_open(name)} aria-hidden="true" focusable="false">{SHAPES.get(name, "")}</svg>'
    )


def _open(name: str) -> str:
    return OPEN.format(extra=f" icon-{name}" if name in SHAPES else "")
