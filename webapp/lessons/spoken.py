"""What the pages read aloud from content: every (text, language) a speaker link on a lesson or a
bank question says, so `flask audio build` records them all before anyone taps.

It must name exactly what the templates pass to `speak()`; tests/test_audio.py renders a lesson
and checks every speaker link points at a recording made from this list. (A bank question's
texts: revision.services.question_texts.)
"""

from collections.abc import Iterator

from webapp.core import grading
from webapp.lessons.render import to_speech

# Translations under the French are read in the reader's language.
READER_LANGS = ("en", "ar")


def _translations(tr) -> Iterator[tuple[str, str]]:
    for lang in READER_LANGS:
        if tr and tr.get(lang):
            yield tr[lang], lang


def lesson_texts(content: dict) -> list[tuple[str, str]]:
    """Everything a lesson page can read aloud, in French and in the readers' languages."""
    texts = [(content["title"], "fr"), *_translations(content.get("title_tr"))]
    for block in content["blocks"]:
        texts += [(to_speech(block["text"]), "fr"), *_translations(block.get("tr"))]
    for entry in content.get("glossary") or []:
        texts += [(entry["word"], "fr")] + [
            (entry[lang], lang) for lang in READER_LANGS if entry.get(lang)
        ]
    for item in content["exercises"]:
        texts += [
            (item["prompt"], "fr"),
            *_translations(item.get("prompt_tr")),
            (item["explanation"], "fr"),
        ]
        if item.get("say"):
            texts.append((item["say"], "fr"))
        texts += [(text, "fr") for text in grading.spoken_choices(item)]
    return texts
