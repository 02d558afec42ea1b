"""The programme's eleven themes of support, named for people."""

from webapp.core.i18n import lazy_gettext as _l

THEME_NAMES = {
    "rights": _l("Rights and steps"),
    "employment": _l("Work"),
    "behaviour": _l("Behaviour and social codes"),
    "budget": _l("Budget"),
    "law": _l("Relations with the law"),
    "basics": _l("Basic knowledge and French"),
    "health": _l("Health and addictions"),
    "housing": _l("Housing"),
    "self-esteem": _l("Self-esteem"),
    "family": _l("Family and activities"),
    "social": _l("Social connections"),
}
THEME_PICTURES = {
    "rights": "📄",
    "employment": "👩‍🍳",
    "behaviour": "🤝",
    "budget": "💶",
    "law": "⚖️",
    "basics": "📚",
    "health": "🩺",
    "housing": "🏠",
    "self-esteem": "🌱",
    "family": "👪",
    "social": "🧑‍🤝‍🧑",
}
