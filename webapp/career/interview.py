"""The usual interview questions for a catering job, in plain French, each with a short tip.

Written for Passerelle in our own words. The tips give advice, not facts, except the hygiene
answer, whose rules come from the sources named on it (the house's content facts: S4 hot
holding, S7 forward flow, S10 hand washing). The gap question's tip: a short true sentence in
the trainee's own words, then what they do now; nobody has to tell everything.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    id: str
    picture: str
    question: str
    tip: str
    sources: tuple[str, ...] = ()


QUESTIONS = (
    Question(
        "presentez-vous",
        "🙂",
        "Présentez-vous.",
        "Dites votre prénom, votre formation en restauration et ce que vous aimez faire. "
        "Une minute suffit. Regardez la personne et souriez.",
    ),
    Question(
        "pourquoi-ce-metier",
        "🍽️",
        "Pourquoi voulez-vous travailler en restauration ?",
        "Donnez une vraie raison : le travail d'équipe, le contact avec les clients, "
        "cuisiner. Parlez d'un moment de votre formation ou de votre stage.",
    ),
    Question(
        "qualites",
        "⭐",
        "Quelles sont vos qualités ?",
        "Choisissez deux ou trois qualités, par exemple ponctuel, soigneux, calme. "
        "Pour chacune, donnez un exemple vécu.",
    ),
    Question(
        "defaut",
        "🔧",
        "Quel est votre point faible ?",
        "Choisissez un vrai point faible qui ne gêne pas le travail. "
        "Dites ce que vous faites pour vous améliorer.",
    ),
    Question(
        "trou-cv",
        "📅",
        "Que faisiez-vous pendant cette période, sur votre CV ?",
        "Préparez une phrase courte et vraie, avec vos mots. Puis parlez de ce que vous "
        "avez appris et de ce que vous faites maintenant. Vous n'êtes pas obligé de tout raconter.",
    ),
    Question(
        "disponibilites",
        "🕐",
        "Quelles sont vos disponibilités ?",
        "Dites quand vous pouvez commencer et quels horaires vous pouvez faire : "
        "le matin, le soir, le week-end. Soyez honnête sur vos contraintes.",
    ),
    Question(
        "hygiene",
        "🧼",
        "Quelles règles d'hygiène connaissez-vous ?",
        "Donnez des exemples précis : se laver les mains en arrivant et en changeant de tâche, "
        "le propre ne croise jamais le sale, un plat chaud reste à 63 °C ou plus.",
        ("S4", "S7", "S10"),
    ),
    Question(
        "equipe",
        "🤝",
        "Aimez-vous travailler en équipe ?",
        "Racontez un moment où vous avez aidé un collègue pendant le service. "
        "Dites que vous écoutez les consignes du chef.",
    ),
    Question(
        "client-difficile",
        "😠",
        "Un client n'est pas content. Que faites-vous ?",
        "Restez calme, écoutez, excusez-vous pour le problème. Proposez une solution "
        "ou appelez votre responsable.",
    ),
    Question(
        "vos-questions",
        "❓",
        "Avez-vous des questions ?",
        "Posez une ou deux questions : les horaires, l'équipe, la tenue de travail, "
        "quand vous aurez une réponse. Cela montre votre intérêt.",
    ),
)


def spoken_texts() -> list[tuple[str, str]]:
    """What the practice page reads aloud (French), for `flask audio build`."""
    return [(text, "fr") for item in QUESTIONS for text in (item.question, item.tip)]
