"""Words of the trade: the glossary file, its checks, and marking its words in question text.

The bank stays French (the exam is in French); a learner taps a marked word to read a plain-French
definition, the English and Arabic word, and hear it. Marking is a pure function of a text and the
glossary: it escapes everything and only ever adds its own <a>/<span> around whole words.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from markupsafe import Markup, escape

from webapp.core.content import Checker, Problem, read_yaml
from webapp.core.markup import fill

# Content, beside the lessons and the bank it explains.
GLOSSARY_FILE = Path(__file__).resolve().parents[1] / "lessons" / "glossary.yaml"
WORD_LENGTH = 40
DEFINITION_WORDS = 15  # one short sentence, as the content rules ask of every sentence
DEFINITION_LENGTH = 120
GLOSS_LENGTH = 60
KEYS = {"word", "define", "en", "ar", "picture", "forms"}
# A word character, for "whole words only": letters (accented too), digits and the hyphen, so that
# "bain" is never marked inside "bain-marie". The apostrophe is a boundary: "l'eau" marks "eau".
_WORD_CHAR = r"[\w-]"
_SUBJECT = re.compile(
    r"(?:(?<![\w-])(?:je|tu|il|elle|on|nous|ils|elles|qui|se)\s+|"
    r"(?<![\w-])[js]['’])$",
    re.I,
)
_ARTICLES = re.compile(r"^(?:l'|l’|d'|d’|(?:le|la|les|un|une|des|du|de|au|aux|en)\s+)", re.I)


@dataclass(frozen=True)
class Term:
    word: str
    define: str
    en: str
    ar: str
    picture: str = ""
    forms: tuple[str, ...] = ()
    slug: str = field(default="", compare=False)


def slug(word: str) -> str:
    """An ASCII id for anchors: "chambre froide" -> "chambre-froide", "œuf" -> "oeuf"."""
    text = unicodedata.normalize("NFKD", word.replace("œ", "oe").replace("Œ", "OE"))
    text = text.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "mot"


def _is_acronym(form: str) -> bool:
    letters = [c for c in form if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def forms_of(word: str, extra=()) -> tuple[str, ...]:
    """The word, its simple plural when it is one lowercase word, and the forms the file gives."""
    found = [word, *extra]
    if " " not in word and "-" not in word and not _is_acronym(word) and word[-1] not in "sxz":
        found.append(word + ("x" if word.endswith(("eau", "au")) else "s"))
    return tuple(dict.fromkeys(unicodedata.normalize("NFC", form) for form in found))


def check_glossary(data, lines: dict, file: str) -> list[Problem]:
    """Required fields, lengths, one sentence, unique words and forms across the file."""
    check = Checker(file, lines)
    if not isinstance(data, list) or not data:
        check.fail((), "the glossary must be a non-empty list of words")
        return check.problems
    seen: dict[str, str] = {}
    for index, entry in enumerate(data):
        path = (index,)
        if not isinstance(entry, dict):
            check.fail(path, "an entry must be {word, define, en, ar, picture}")
            continue
        for key in sorted(set(entry) - KEYS):
            check.fail((*path, key), f"unknown key {key!r}: expected {', '.join(sorted(KEYS))}")
        check.text(entry, "word", path, max_length=WORD_LENGTH)
        if check.text(entry, "define", path, max_length=DEFINITION_LENGTH):
            define = entry["define"].strip()
            if len(define.split()) > DEFINITION_WORDS:
                check.fail(
                    (*path, "define"),
                    f"'define' has {len(define.split())} words: "
                    f"at most {DEFINITION_WORDS}, one short sentence",
                )
            if not define.endswith((".", "!")) or re.search(r"[.!?]\s+\S", define):
                check.fail(
                    (*path, "define"), "'define' must be one sentence ending with a full stop"
                )
            word = entry.get("word")
            if (
                isinstance(word, str)
                and word.strip()
                and re.search(
                    rf"(?<!{_WORD_CHAR}){re.escape(word.strip())}(?!{_WORD_CHAR})", define, re.I
                )
            ):
                check.fail((*path, "define"), "'define' must explain the word without using it")
        check.text(entry, "en", path, max_length=GLOSS_LENGTH)
        if check.text(entry, "ar", path, max_length=GLOSS_LENGTH) and not re.search(
            "[\u0600-\u06ff]", entry["ar"]
        ):
            check.fail((*path, "ar"), "'ar' must be written in Arabic letters")
        check.picture(entry, path)
        extra = entry.get("forms", [])
        if not isinstance(extra, list) or not all(isinstance(f, str) and f.strip() for f in extra):
            check.fail(
                (*path, "forms"), "'forms' must be a list of texts (plurals, other spellings)"
            )
            extra = []
        word = entry.get("word")
        if not isinstance(word, str) or not word.strip():
            continue
        for form in forms_of(word.strip(), [f.strip() for f in extra]):
            key = form if _is_acronym(form) else form.lower()
            if key in seen:
                check.fail((*path, "word"), f"{form!r} is already in the glossary ({seen[key]})")
            else:
                seen[key] = word
    return check.problems


def read_glossary(path: Path = GLOSSARY_FILE) -> tuple[list[Term], list[Problem]]:
    name = path.name if path == GLOSSARY_FILE else str(path)
    data, lines, problems = read_yaml(path.read_text("utf-8"), name)
    problems = problems or check_glossary(data, lines, name)
    if problems:
        return [], problems
    terms = [
        Term(
            word=e["word"].strip(),
            define=e["define"].strip(),
            en=e["en"].strip(),
            ar=e["ar"].strip(),
            picture=e.get("picture", ""),
            forms=forms_of(e["word"].strip(), [f.strip() for f in e.get("forms", [])]),
            slug=slug(e["word"]),
        )
        for e in data
    ]
    return terms, []


class Marker:
    """Finds glossary words in a text: longest form first, whole words only.

    Acronyms (PCA, DLC) match only in capitals; other words ignore case ("Plonge" at the start of
    a sentence) but never accents ("été" is not "ete"). A typed ’ matches a written '."""

    def __init__(self, terms: list[Term]):
        self._found: dict[str, tuple] = {}
        self.by_form: dict[str, Term] = {}
        for term in terms:
            for form in term.forms:
                self.by_form[self._key(form)] = term
        forms = sorted(self.by_form, key=len, reverse=True)
        parts = [
            (re.escape(form) if _is_acronym(form) else f"(?i:{re.escape(form)})")
            .replace("'", "['’]")
            .replace(r"\ ", r"\s+")
            for form in forms
        ]
        self.pattern = (
            re.compile(rf"(?<!{_WORD_CHAR})(?:{'|'.join(parts)})(?!{_WORD_CHAR})")
            if parts
            else None
        )

    @staticmethod
    def _key(form: str) -> str:
        form = " ".join(form.replace("’", "'").split())
        return form if _is_acronym(form) else form.lower()

    def find(self, text: str) -> tuple[tuple[int, int, Term], ...]:
        if self.pattern is None or not text:
            return ()
        # The same questions and lessons are shown again and again: each text is searched once
        # (the offline review set, ten cards, searched 93 texts at every request).
        if (found := self._found.get(text)) is not None:
            return found
        # After a subject pronoun the word is a verb: "la plonge" is glossed, "il plonge" is not.
        found = tuple(
            (m.start(), m.end(), self.by_form[self._key(m.group())])
            for m in self.pattern.finditer(text)
            if not _SUBJECT.search(text, max(0, m.start() - 8), m.start())
        )
        if len(self._found) < _MOST_REMEMBERED:
            self._found[text] = found
        return found

    def terms_in(self, *texts: str) -> list[Term]:
        """The glossary words in these texts, once each, in the order they first appear."""
        found = {term.word: term for text in texts for _s, _e, term in self.find(_nfc(text))}
        return list(found.values())


_MOST_REMEMBERED = 20_000  # texts whose glossary words are remembered, per marker


def _nfc(text) -> str:
    return unicodedata.normalize("NFC", str(text or ""))


def mark(text, marker: Marker, allowed=None, href: str | None = "#g-{slug}") -> Markup:
    """The text, escaped, with each allowed glossary word wrapped; nothing else is markup.

    With `href`, a word is a link to its entry (`{slug}` is filled in); without, a plain span (in a
    choice's label a link would steal the tap meant for the choice)."""
    text = _nfc(text)
    pieces, at = [], 0
    for start, end, term in marker.find(text):
        if allowed is not None and term.word not in allowed:
            continue
        pieces.append(escape(text[at:start]))
        inner = escape(text[start:end])
        if href is None:
            pieces.append(fill('<span class="term">{}</span>', inner))
        else:
            pieces.append(
                fill('<a class="term" href="{}">{}</a>', href.format(slug=term.slug), inner)
            )
        at = end
    pieces.append(escape(text[at:]))
    return Markup("").join(pieces)


_SMALL = {
    "dans",
    "pour",
    "avec",
    "sans",
    "sont",
    "plus",
    "moins",
    "avant",
    "après",
    "tout",
    "toute",
    "tous",
    "elle",
    "elles",
    "leur",
    "cette",
    "être",
    "fait",
    "faut",
    "peut",
}
# A question that asks what a word means: its words would be the answer.
_ASKS_MEANING = re.compile(
    r"c['’]est…|ce sont…|veu(?:t|lent) dire|signifie|qu['’]est-ce qu|"
    r"s['’]appelle|appelle-t-on|désigne",
    re.I,
)


def _stems(text: str) -> set[str]:
    """Content words cut to five letters, a rough French stem: "servi" and "servir" meet."""
    return {w[:5] for w in re.findall(r"[^\W\d_]{4,}", _nfc(text).lower()) if w not in _SMALL}


def _shares_answer(define: str, answer: str, enough: int) -> bool:
    answer_stems = _stems(answer)
    shared = answer_stems & _stems(define)
    return bool(answer_stems) and (len(shared) >= enough or shared == answer_stems)


def giveaways(item: dict, terms: list[Term], marker: Marker) -> set[str]:
    """Words whose gloss would answer the question, so they wait until the learner has answered.

    A rule of thumb, on the safe side (after answering every word is glossed):
    - a choice that is just a glossary word ("brunoise / julienne": the definitions tell which);
    - the question's own words when it asks what a word means ("Que veut dire PEPS ?");
    - a word whose definition shares words with the right answer (for true/false, with the
      statement): one is enough for the question's own words, two for a choice's."""
    hidden = set()
    choices = [c["label"] if isinstance(c, dict) else str(c) for c in item.get("choices") or []]
    for choice in choices:
        bare = _ARTICLES.sub("", _nfc(choice).strip().rstrip(".")).strip()
        for start, end, term in marker.find(bare):
            if end - start >= len(bare) * 0.6:
                hidden.add(term.word)
    stem = _nfc(item.get("question", ""))
    if _ASKS_MEANING.search(stem):
        hidden.update(term.word for _s, _e, term in marker.find(stem))
    if item.get("type") == "truefalse":
        right = [stem]
    elif item.get("type") in ("single", "picture", "multiple"):
        right = [item["answer"]] if "answer" in item else list(item.get("answers") or [])
    else:
        right = []
    in_stem = {term.word for _s, _e, term in marker.find(stem)}
    for answer in right:
        for term in terms:
            text = str(answer)
            for form in term.forms:  # the word itself in the statement is no sign
                text = re.sub(re.escape(form), " ", text, flags=re.I)
            # The question's own words are what it is about: one shared word is enough
            # ("Une sauce béchamel contient quels allergènes ?": "de lait, de farine").
            if _shares_answer(term.define, text, 1 if term.word in in_stem else 2):
                hidden.add(term.word)
    return hidden


@dataclass
class CardGlossary:
    """The glossary of one question card: only the words that appear on it."""

    marker: Marker
    prefix: str
    terms: list[Term]

    def __call__(self, text, link: bool = True) -> Markup:
        allowed = {term.word for term in self.terms}
        return mark(text, self.marker, allowed, f"#{self.prefix}-{{slug}}" if link else None)


def card_glossary(item: dict, prefix: str, answered: bool, marker: Marker) -> CardGlossary:
    """Before answering: the question and its choices, less the words that give the answer away.
    After: also the right answer and the explanation, every word glossed."""
    choices = [
        c["label"] if isinstance(c, dict) else str(c)
        for c in item.get("choices") or item.get("items") or []
    ]
    texts = [item.get("question", ""), *choices]
    if answered:
        right = item.get("answers") or [item.get("answer", "")]
        texts += [str(answer) for answer in right] + [item.get("explanation", "")]
    terms = marker.terms_in(*texts)
    if not answered:
        hidden = giveaways(item, terms, marker)
        terms = [term for term in terms if term.word not in hidden]
    return CardGlossary(marker, prefix, terms)


def for_card(item: dict, prefix: str, answered: bool) -> CardGlossary:
    """The template helper: one card's glossary from the glossary file."""
    return card_glossary(item, prefix, answered, default_marker())


@cache
def default_marker() -> Marker:
    """The marker for the glossary file, built once per process (the file is checked in CI)."""
    terms, problems = read_glossary()
    if problems:
        raise ValueError("; ".join(str(problem) for problem in problems))
    return Marker(terms)
