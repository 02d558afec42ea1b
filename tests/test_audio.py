"""Recorded read-aloud: the cache by content hash, the served files, and every speaker link of a
lesson or a question pointing at a recording made when content was loaded."""

import re
from pathlib import Path

import pytest

from tests.test_lessons import RIGHT
from webapp.core import audio, speech
from webapp.extensions import db
from webapp.lessons import content, spoken
from webapp.revision import bank as bank_files
from webapp.revision import services as revision_services
from webapp.revision.services import load_bank

FIXTURES = Path(__file__).parent / "fixtures"
needs_tools = pytest.mark.usefixtures("voice_tools")  # tests/conftest.py
SPEAKER = re.compile(r'<a class="speak" href="([^"]+)"')
RECORDING = re.compile(r"^/audio/[0-9a-f]{32}\.opus$")


def test_same_text_and_voice_is_the_same_recording():
    assert audio.key("Bonjour à tous.") == audio.key("Bonjour à tous.", "fr-FR")
    assert audio.key("Bonjour  à\ntous. ") == audio.key("Bonjour à tous.")  # spacing is not said


def test_another_text_or_voice_is_another_recording():
    names = {
        audio.key("Bonjour."),
        audio.key("Bonsoir."),
        audio.key("Bonjour.", "en"),
        audio.key("Bonjour.", "ar"),
    }
    assert len(names) == 4
    assert all(audio.is_key(name) for name in names)
    assert audio.voice_for("ar") == "ar" and audio.voice_for("xx") == audio.voice_for("fr")


@needs_tools
def test_a_recording_is_made_once_and_is_small_ogg_opus(tmp_path):
    path, made = audio.record("Le couteau coupe les légumes.", "fr", tmp_path)
    assert made and path.name == audio.key("Le couteau coupe les légumes.") + ".opus"
    data = path.read_bytes()
    assert data[:4] == b"OggS" and b"OpusHead" in data[:100]
    assert 1_000 < len(data) < 12_000  # a few KB for a short sentence
    stamp = path.stat().st_mtime_ns
    again, made_again = audio.record("Le  couteau coupe les légumes.", "fr", tmp_path)
    assert again == path and not made_again and path.stat().st_mtime_ns == stamp
    other, _ = audio.record("La casserole va sur le feu.", "fr", tmp_path)
    assert other != path
    built = audio.build(
        [("Le couteau coupe les légumes.", "fr"), ("سكين", "ar"), ("", "fr")], tmp_path
    )
    assert (built.texts, built.made) == (2, 1)


@needs_tools
def test_a_text_starting_with_a_dash_is_said_not_taken_as_an_option(tmp_path):
    path, _made = audio.record("-18 °C au congélateur", "fr", tmp_path)
    assert path.stat().st_size > 1_000


@pytest.fixture
def loaded(ctx):
    lessons, problems = content.read_lessons(FIXTURES / "lessons")
    assert problems == []
    content.load_lessons(lessons)
    questions, problems = bank_files.read_bank(FIXTURES / "bank")
    assert problems == []
    load_bank(questions)
    db.session.commit()
    return lessons, questions


@pytest.fixture
def built(app, loaded):
    lessons, questions = loaded
    texts = [text for lesson in lessons for text in spoken.lesson_texts(lesson)]
    texts += [text for question in questions for text in revision_services.question_texts(question)]
    return audio.build(texts, app.config["AUDIO_DIR"])


@needs_tools
def test_every_speaker_of_a_lesson_points_at_a_recording_made_in_advance(
    app, client, make_user, make_group, login, built
):
    # In Arabic the translations under the French are read aloud too; wrong answers show the
    # explanations, which are read aloud as well.
    login(make_user(group=make_group(), locale="ar"))
    for kind, data in RIGHT.items():
        client.post(f"/lessons/test-cuisine/exercises/{kind}", data={**data, "client_id": kind})
    page = client.get("/lessons/test-cuisine").text
    assert page.count('class="explanation"') == len(RIGHT)
    links = SPEAKER.findall(page)
    assert len(links) >= 20
    assert [link for link in links if not RECORDING.match(link)] == []


@needs_tools
def test_every_speaker_of_a_question_points_at_a_recording(
    client, make_user, make_group, login, built
):
    login(make_user(group=make_group()))
    card = client.get("/revision/review", follow_redirects=True).text
    links = SPEAKER.findall(card)
    assert links and [link for link in links if not RECORDING.match(link)] == []


@needs_tools
def test_a_recording_is_served_as_ogg_and_kept_a_year(app, client, built):
    name = audio.key("Dans la cuisine")
    with client.get(f"/audio/{name}.opus") as response:
        assert response.status_code == 200
        assert response.mimetype == "audio/ogg"
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.data[:4] == b"OggS"
    assert client.get(f"/audio/{'0' * 32}.opus").status_code == 404
    assert client.get("/audio/..%2Fsecret_key.opus").status_code == 404


@needs_tools
def test_an_interface_text_is_recorded_on_first_use_for_people_signed_in(
    app, client, make_user, login
):
    text = "Il vous reste 12,50 € par jour."
    url = f"/audio/say?lang=fr&text={text}"
    assert client.get(url).status_code in (302, 401)  # signed out: sign in first
    login(make_user())
    response = client.get(url)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/audio/{audio.key(text)}.opus"
    with client.get(response.headers["Location"]) as recording:
        assert recording.mimetype == "audio/ogg"
    assert client.get("/audio/say?lang=fr&text=" + "a" * 700).status_code == 404
    assert client.get("/audio/say?lang=fr&text=%20").status_code == 404


@needs_tools
def test_a_private_figure_is_recorded_for_one_answer_and_never_kept(app, client, make_user, login):
    text = "Il vous reste 12,50 € par jour."
    assert client.post("/audio/private", data={"text": text}).status_code in (302, 401)
    login(make_user())
    before = sorted(Path(app.config["AUDIO_DIR"]).glob("*"))
    response = client.post("/audio/private", data={"text": text, "lang": "ar"})
    assert response.status_code == 200
    assert response.mimetype == "audio/ogg"
    assert response.data[:4] == b"OggS" and len(response.data) > 1000
    assert response.headers["Cache-Control"] == "no-store"  # no phone or proxy keeps it
    # Nothing left where shared recordings live, under this text's name or any other.
    assert sorted(Path(app.config["AUDIO_DIR"]).glob("*")) == before
    assert client.get(f"/audio/{audio.key(text, 'ar')}.opus").status_code == 404
    assert client.post("/audio/private", data={"text": "a" * 700}).status_code == 404
    assert client.post("/audio/private", data={"text": " "}).status_code == 404


def test_audio_build_records_the_loaded_content(app, loaded):
    assert audio.available(), "espeak-ng and opusenc are missing: run make voice"  # never skip
    result = app.test_cli_runner().invoke(args=["audio", "build", "--lesson", "test-cuisine"])
    assert result.exit_code == 0, result.output
    assert "Per lesson: min" in result.output and "(1 lessons)" in result.output


@needs_tools
def test_a_text_not_recorded_yet_is_looked_for_once_then_linked_once_recorded(
    app, client, make_user, login, monkeypatch
):
    """A page of fifty speakers does not look for fifty files at each rendering; a recording
    made since is linked to at once."""
    looked = []
    real_path_for = audio.path_for
    monkeypatch.setattr(audio, "path_for", lambda *a: looked.append(a) or real_path_for(*a))
    text = "Une phrase que personne n'a encore entendue."
    with app.test_request_context():
        first = speech.audio_url(text, "fr")
        again = speech.audio_url(text, "fr")
        assert first == again and first.startswith("/audio/say?")
        assert len(looked) == 1
        audio.record(text, "fr", app.config["AUDIO_DIR"])
        assert speech.audio_url(text, "fr") == f"/audio/{audio.key(text)}.opus"


def test_a_speaker_link_is_made_once_and_says_its_words_in_the_readers_language(app):
    """speak() keeps each link it makes: the same words give the same link, other words or
    another reader's language give their own, with the label in that language."""
    from flask_babel import force_locale

    with app.test_request_context():
        with force_locale("fr"):
            first = speech.speak("Le couteau")
            assert speech.speak("Le couteau") is first  # made once
            assert 'aria-label="Écouter"' in first and 'data-say="Le couteau"' in first
            other = speech.speak("La poêle")
        with force_locale("en"):
            english = speech.speak("Le couteau")
    assert 'data-say="La poêle"' in other and "Le couteau" not in other
    assert 'aria-label="Listen"' in english and 'data-say="Le couteau"' in english
