"""The trade glossary: its file and checker, the word marker, and glossed revision pages."""

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path

import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from tests.test_revision import right_form
from webapp.core import glossary
from webapp.core.glossary import Marker, Term, card_glossary, forms_of, mark
from webapp.extensions import db
from webapp.revision import bank as bank_files
from webapp.revision import services
from webapp.revision.models import MockExam

FIXTURES = Path(__file__).parent / "fixtures" / "glossary"


def term(word, define="Une définition courte.", forms=()):
    return Term(
        word=word,
        define=define,
        en="en",
        ar="عربي",
        forms=forms_of(word, forms),
        slug=glossary.slug(word),
    )


WORDS = [
    term("chambre froide", forms=["chambres froides"]),
    term("chambre froide négative"),
    term("bain-marie"),
    term("plonge"),
    term("DLC"),
    term("été"),
    term("étiquette"),
    term("microbe"),
]
MARKER = Marker(WORDS)


def marked(html: str) -> list[str]:
    return re.findall(r'<a class="term" href="[^"]*">([^<]*)</a>', html)


# The file -----------------------------------------------------------------------------------


def test_the_glossary_file_is_sound_and_large_enough():
    terms, problems = glossary.read_glossary()
    assert problems == []
    assert len(terms) >= 200
    words = {t.word for t in terms}
    for needed in (
        "brunoise",
        "marche en avant",
        "PCA",
        "DLC",
        "DDM",
        "plonge",
        "bain-marie",
        "salamandre",
        "chambre froide",
        "plat témoin",
        "HACCP",
        "traçabilité",
        "liaison froide",
        "remise en température",
        "détergent",
        "désinfectant",
        "EPI",
        "FDS",
    ):
        assert needed in words
    assert len({t.slug for t in terms}) == len(terms)  # anchors are unique


def test_the_checker_names_each_broken_line():
    _terms, problems = glossary.read_glossary(FIXTURES / "broken.yaml")
    found = {(p.line, p.message.split(":")[0][:40]) for p in problems}
    messages = " | ".join(str(p) for p in problems)
    assert any(line == 6 for line, _m in found), messages  # julienne: no 'ar'
    assert "'ar' is missing" in messages
    assert "at most 15, one short sentence" in messages  # plonge: too long
    assert "without using it" in messages  # plonge: defined by itself
    assert "'brunoise' is already in the glossary" in messages.lower()  # Brunoise twice
    assert "one sentence ending with a full stop" in messages  # sonde: two sentences
    assert "Arabic letters" in messages  # sonde: ar in Latin letters
    assert "unknown key 'colour'" in messages
    assert all(str(p).startswith(str(FIXTURES / "broken.yaml")) for p in problems)


def test_bank_check_and_glossary_command_report_problems(app):
    runner = app.test_cli_runner()
    good = runner.invoke(args=["bank", "glossary"])
    assert good.exit_code == 0 and "no problems" in good.output
    bad = runner.invoke(args=["bank", "glossary", "--file", str(FIXTURES / "broken.yaml")])
    assert bad.exit_code == 1 and "problem(s) in glossary words" in bad.output


# The marker ---------------------------------------------------------------------------------


def test_longest_form_first_and_whole_words_only():
    html = mark("La chambre froide négative et les chambres froides ; un bain-marie.", MARKER)
    assert marked(html) == ["chambre froide négative", "chambres froides", "bain-marie"]
    assert 'href="#g-chambre-froide-negative"' in html
    assert marked(mark("Il replonge puis plongeait, mais la plonge est propre.", MARKER)) == [
        "plonge"
    ]
    assert marked(mark("Des microbes, un microbe, des microbesque.", MARKER)) == [
        "microbes",
        "microbe",
    ]
    # A glossary noun after a subject pronoun is a verb.
    assert marked(mark("Il plonge la main ; on plonge ; à la plonge, qui plonge.", MARKER)) == [
        "plonge"
    ]


def test_case_and_accents():
    assert marked(mark("Plonge : la DLC, pas la dlc ni la Dlc.", MARKER)) == ["Plonge", "DLC"]
    assert marked(mark("Cet été, pas en ete.", MARKER)) == ["été"]
    assert marked(mark("L’étiquette et l'étiquette.", MARKER)) == ["étiquette", "étiquette"]
    decomposed = "e\u0301te\u0301"  # "été" typed with combining accents
    assert marked(mark(decomposed, MARKER)) == ["été"]


def test_everything_is_escaped_and_only_allowed_words_are_marked():
    html = mark('<script>alert("DLC")</script> & la plonge', MARKER, allowed={"plonge"})
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html
    assert marked(html) == ["plonge"]
    assert mark("la plonge", MARKER, href=None) == 'la <span class="term">plonge</span>'


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.tags, self.depth, self.inside = [], [], 0, []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self.depth += 1
        self.inside.append("")

    def handle_endtag(self, tag):
        self.depth -= 1
        self.text.append(("end", self.inside.pop()))

    def handle_data(self, data):
        self.text.append(("data", data))
        if self.inside:
            self.inside[-1] += data


TEXT = st.lists(
    st.sampled_from(
        [
            "plonge",
            "DLC",
            "dlc",
            "bain-marie",
            "bain",
            "marie",
            "chambre froide",
            "chambre",
            "négative",
            "été",
            "microbes",
            "-",
            "'",
            "’",
            " ",
            "  ",
            ",",
            ".",
            "<",
            ">",
            "&",
            '"',
            "&amp;",
            "<a href=x>",
            "</a>",
            "re",
            "s",
            "é",
            "x",
        ]
    ),
    max_size=25,
).map("".join)


@given(TEXT)
def test_marking_never_breaks_html_nor_marks_inside_a_word(text):
    html = str(mark(text, MARKER))
    parser = _Collect()
    parser.feed(html)
    parser.close()
    # Only our own elements, all closed, none nested; the text reads exactly as given.
    assert all(tag == "a" and attrs.get("class") == "term" for tag, attrs in parser.tags)
    assert parser.depth == 0
    import unicodedata

    assert "".join(d for kind, d in parser.text if kind == "data") == unicodedata.normalize(
        "NFC", text
    )
    # Every marked word stands alone: no letter, digit or hyphen touches it.
    plain = unicodedata.normalize("NFC", text)
    for match in re.finditer(r'<a class="term" href="[^"]*">', html):
        before = (
            HTMLParser().unescape(html[: match.start()])
            if hasattr(HTMLParser, "unescape")
            else None
        )
        assert before is None or not re.search(r"[\w-]$", re.sub(r"<[^>]+>", "", before))
    for start, end, _term in MARKER.find(plain):
        assert not re.match(r"[\w-]", plain[end : end + 1])
        assert not re.search(r"[\w-]$", plain[:start])


# Which words a card glosses ------------------------------------------------------------------


def test_words_that_would_give_the_answer_wait_until_answered():
    marker = glossary.default_marker()
    which = {
        "type": "single",
        "question": "Quelle coupe donne de tout petits dés ?",
        "choices": ["La brunoise", "La julienne", "La paysanne"],
        "answer": "La brunoise",
        "explanation": "La brunoise, ce sont de petits dés.",
    }
    assert card_glossary(which, "g", False, marker).terms == []
    assert [t.word for t in card_glossary(which, "g", True, marker).terms] == [
        "brunoise",
        "julienne",
        "paysanne",
    ]
    meaning = {
        "type": "single",
        "question": "Que veut dire PEPS ?",
        "answer": "Premier entré",
        "choices": ["Premier entré", "Prix"],
        "explanation": "Premier entré, premier sorti.",
    }
    assert card_glossary(meaning, "g", False, marker).terms == []
    # The question's word is defined "gardée au froid": that says where it goes.
    kept = {
        "type": "single",
        "question": "Où range-t-on le plat témoin ?",
        "choices": ["En chambre froide", "Sur le comptoir"],
        "answer": "En chambre froide",
        "explanation": "Au froid.",
    }
    assert [t.word for t in card_glossary(kept, "g", False, marker).terms] == ["comptoir"]
    plain = {
        "type": "single",
        "question": "Le lave-vaisselle a fini. Où vont les verres ?",
        "choices": ["Dans le placard propre", "Sur le plan de travail, à sécher"],
        "answer": "Dans le placard propre",
        "explanation": "Au propre.",
    }
    assert [t.word for t in card_glossary(plain, "g", False, marker).terms] == [
        "lave-vaisselle",
        "plan de travail",
    ]


# Pages ---------------------------------------------------------------------------------------


def _question_with_terms():
    questions, _problems = bank_files.read_bank()
    marker = glossary.default_marker()
    for question in questions:
        shown = card_glossary(question, "g", False, marker).terms
        if (
            question["type"] == "single"
            and len(shown) >= 2
            and set(marker.terms_in(question["question"])) & set(shown)
        ):
            return question
    raise AssertionError("no bank question with two glossed words")


def test_a_revision_question_shows_its_words_definitions(client, make_user, make_group, login, ctx):
    question = _question_with_terms()
    services.load_bank([question])
    login(make_user(group=make_group()))
    page = client.get("/revision/review")
    assert page.status_code == 200
    terms = card_glossary(question, "g", False, glossary.default_marker()).terms
    for entry in terms:
        anchor = f"g-{question['id']}-{entry.slug}"
        assert f'id="{anchor}"' in page.text
        if entry in glossary.default_marker().terms_in(question["question"]):
            assert f'href="#{anchor}"' in page.text  # a link in the question, a span in a choice
        assert str(mark(entry.define, Marker([]))) in page.text
        assert f'<span lang="ar" dir="rtl">{entry.ar}</span>' in page.text
        assert f'data-say="{entry.word}"' in page.text
    # Only this page's words: the glossary is not sent whole.
    assert page.text.count('<li id="g-') == len(terms)
    compressed = len(gzip.compress(page.data))
    assert compressed < 14 * 1024, compressed
    # After answering, the explanation's words are glossed too.
    data = {
        **right_form(services.get_question(question["id"])),
        "question_id": question["id"],
        "client_id": "g1",
        "back": "/revision/review",
        "next": "/revision/review",
    }
    client.post("/revision/answer", data=data)
    feedback = client.get("/revision/review?last=g1").text
    after = card_glossary(question, "g", True, glossary.default_marker()).terms
    assert feedback.count('<li id="g-') == len(after) >= len(terms)


def test_no_glossary_during_a_mock_exam_then_one_on_the_corrections(
    client, make_user, make_group, login, bank
):
    login(make_user(group=make_group()))
    location = client.post("/revision/exams", data={"client_id": "e1"}).headers["Location"]
    during = client.get(location).text
    assert 'class="term"' not in during and 'class="terms"' not in during
    client.post(location, data={})
    exam = db.session.scalar(sa.select(MockExam))
    assert exam.finished_at is not None
    after = client.get(location).text
    assert 'class="terms"' in after and 'class="term"' in after
